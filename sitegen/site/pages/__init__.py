"""Which pages the site has, and what each one shows.

The modules of this package prepare, in Python, everything a template needs that is not
a plain field of the model: `paths` names every page, `view` holds the look-ups shared by
all pages, `weekly`, `retro`, `reports` and `reference` build the pages of one kind.
Templates only present it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from sitegen.content.choices import TaskKind
from sitegen.core.findings import CONTENT_WARNING_CODES, RULE_NOTICE_CODES, WARNING_CODES
from sitegen.core.i18n import Messages
from sitegen.engine.health import REPORT_GRACE_DAYS
from sitegen.engine.history.trend import weekly_points
from sitegen.site.pages.alerts import alert_pages
from sitegen.site.pages.breakdown import WbsRow, budget, gantt_order, project_cards, wbs
from sitegen.site.pages.brief import brief_pages
from sitegen.site.pages.bulk import BulkPages
from sitegen.site.pages.chartdata import person_summary, project_curves, team_heatmap, week_changes
from sitegen.site.pages.decisions import (
    Decision,
    deviation_decisions,
    overload_decisions,
    report_hygiene,
    risk_decisions,
)
from sitegen.site.pages.ganttdata import gantt_baselines
from sitegen.site.pages.page import Page, PageMaker
from sitegen.site.pages.paths import (
    person_path,
    project_path,
    report_path,
    retro_path,
    risk_path,
    task_path,
    week_key,
    week_monday,
    week_path,
)
from sitegen.site.pages.planned import SitePages
from sitegen.site.pages.reference import priority_matrix, worked_examples
from sitegen.site.pages.retro import Measure, retro_measures, retro_team_and_outputs
from sitegen.site.pages.summary import ProjectRow, project_rows
from sitegen.site.pages.view import Alert, AlertGroup, Link, SiteView, newest_first
from sitegen.site.pages.weekly import Week, build_week, has_problem, site_weeks

if TYPE_CHECKING:
    from sitegen.site.analysis import Analysis

DASHBOARD_ALERTS = 10  # alerts a group shows on the dashboard; alerts.html shows more
DASHBOARD_RISKS = 10  # open risks the dashboard lists; the risk register lists them all
CARD_REASONS = 5  # reasons a project's health card lists; its page lists them all
# With more projects than this, the dashboard folds each project's KPIs and chart: twenty
# charts one after another made a page as long as fifty screens.
FOLD_PROJECTS_FROM = 4

__all__ = [
    "Alert",
    "AlertGroup",
    "Link",
    "Measure",
    "Page",
    "SiteView",
    "WbsRow",
    "Week",
    "build_week",
    "has_problem",
    "needed_decisions",
    "person_path",
    "priority_matrix",
    "project_path",
    "report_path",
    "retro_measures",
    "retro_path",
    "risk_path",
    "site_pages",
    "task_path",
    "week_key",
    "week_monday",
    "week_path",
    "worked_examples",
]


def needed_decisions(view: SiteView, ui: Messages) -> list[Decision]:
    """What the rules ask someone to decide, each with the option the data suggests."""
    site, status = view.site, view.status
    threshold = site.settings.thresholds.deviation
    tasks_of = {project.id: view.project_tasks(project.id) for project in site.projects}
    return [
        *deviation_decisions(site.projects, tasks_of, view.people, view.as_of, threshold, ui),
        *overload_decisions(status.people, status.tasks, view.as_of, ui),
        *risk_decisions(view.matters, view.people, site.projects, ui),
    ]


def summary_rows(view: SiteView, ui: Messages) -> list[ProjectRow]:
    """Each project on one line: health, summary, progress, KPI status, next milestone."""
    site, status = view.site, view.status
    return project_rows(
        site.projects,
        {project.id: view.project_tasks(project.id) for project in site.projects},
        view.analysis.health,
        status.progress,
        status.kpis,
        view.as_of,
        status.calendar,
        site.settings.thresholds.deviation,
        ui,
    )


def site_pages(analysis: Analysis) -> SitePages:
    """Every page of the site, each made when it is asked for (see `SitePages`)."""
    view = SiteView(analysis)
    ui = Messages(analysis.site.settings.language, kind="ui")
    page = PageMaker(analysis.site.settings.title)
    bulk = BulkPages(view, page, ui)
    return SitePages(bulk.plan, partial(_summary_pages, analysis, view, ui, page), bulk.find)


def _summary_pages(
    analysis: Analysis, view: SiteView, ui: Messages, page: PageMaker
) -> Iterator[Page]:
    site, status = analysis.site, analysis.status
    title = site.settings.title
    decisions = needed_decisions(view, ui)
    rows = summary_rows(view, ui)

    weeks = site_weeks(view)
    cards = project_cards(view)
    curves = project_curves(analysis)
    baselines = gantt_baselines(analysis.history.baselines, site.tasks)
    # On the dashboard and alerts.html: what is still open, then what no longer counts.
    site_alerts = view.alert_groups(view.current(view.alerts))
    settled = view.settled(view.alerts)
    notices = newest_first(view.notices)
    yield page(
        "index.html",
        "dashboard.html",
        title,
        "dashboard",
        groups=site_alerts,
        settled=settled,
        notices=notices,
        dashboard_alerts=DASHBOARD_ALERTS,
        cards=cards,
        fold=len(cards) >= FOLD_PROJECTS_FROM,
        card_reasons=CARD_REASONS,
        open_risks=[r for r in view.sorted_risks() if r.is_open],
        risk_limit=DASHBOARD_RISKS,
        latest=view.latest_reports(),
        current_week=next((w for w in weeks if w.current), None),
        rows=rows,
        decisions=decisions,
        # the daily-report hygiene: one line per person
        hygiene=report_hygiene(view.findings, view.matters, view.people),
        curves=curves,  # each project's sparkline: charts.sparkline(curves[id].spark, …)
        baselines=baselines,  # the charts' ghost bars where a task slipped
    )
    yield from alert_pages(site_alerts, settled, notices, page, ui)
    yield from brief_pages(view, page, ui, rows, decisions, baselines)
    for project in site.projects:
        kpis = status.kpis.get(project.id, ())
        yield page(
            project_path(project.id),
            "project.html",
            project.title,
            "dashboard",
            project=project,
            health=analysis.health[project.id],
            progress=status.progress[project.id],
            kpis=kpis,
            wbs=wbs(view, project.id),
            tasks=gantt_order(view, project.id),
            budget=budget(view, project.id, project.doc),
            risks=view.sorted_risks(project.risks),
            groups=view.alert_groups(view.current(view.project_alerts(project.id))),
            settled=view.settled(view.project_alerts(project.id)),
            trend=weekly_points(analysis.history.trends.get(project.id, ())),
            curve=curves[project.id].curve,
            spark=curves[project.id].spark,
            history_known=analysis.history.known,
            baselines=baselines,
        )
        if project.retro is not None:
            yield page(
                retro_path(project.id),
                "retro.html",
                ui("retro.title", project=project.title),
                "dashboard",
                project=project,
                retro=project.retro,
                kpis=kpis,
                measures=retro_measures(view, project.id),
                **retro_team_and_outputs(view, project.id),
            )
    people = sorted(status.people.values(), key=lambda p: p.person.id)
    summaries = {p.person.id: person_summary(view, p.person.id) for p in people}
    yield page(
        "people/index.html",
        "people.html",
        ui("nav.people"),
        "people",
        people=[
            {
                "state": p,
                "open": sum(1 for t in p.tasks if status.tasks[t].is_open),
                "summary": summaries[p.person.id],
            }
            for p in people
        ],
        heatmap=team_heatmap(view, [p.person.id for p in people]),
    )
    for person_state in people:
        person = person_state.person
        summary = summaries[person.id]
        yield page(
            person_path(person.id),
            "person.html",
            person.display_name,
            "people",
            person_state=person_state,
            person=person,
            tasks=view.sorted_tasks(status.tasks[t] for t in person_state.tasks),
            collaborating=view.collaborating(person.id),
            heatmap=team_heatmap(view, [person.id]) if person_state.load.by_day else None,
            load_state=summary.state,
            week=summary.week,
            owed=[
                a
                for a in view.current(view.findings_for(person=person.id))
                if a.finding.code == "missing-report"
            ],
            reports=sorted(person_state.reports, key=lambda r: r.date, reverse=True),
            findings=view.findings_for(person=person.id),
        )
    yield page(
        "risks/index.html", "risks.html", ui("nav.risks"), "risks", risks=view.sorted_risks()
    )
    yield page("weekly/index.html", "weekly_index.html", ui("nav.weekly"), "weekly", weeks=weeks)
    keys = [week.key for week in weeks]
    changes = week_changes(view, weeks)
    for index, week in enumerate(weeks):
        yield page(
            week_path(week.key),
            "weekly.html",
            ui("weekly.title", week=week.key),
            "weekly",
            week=week,
            changes=changes[week.key],
            previous_week=keys[index - 1] if index else None,
            next_week=keys[index + 1] if index + 1 < len(keys) else None,
        )
    yield page(
        "priorities.html",
        "priorities.html",
        ui("nav.priorities"),
        "priorities",
        quadrants=priority_matrix(view),
        hidden=view.tasks_where(lambda s: s.task.kind is TaskKind.HIDDEN),
    )
    yield page(
        "measures.html",
        "measures.html",
        ui("nav.measures"),
        "measures",
        examples=worked_examples(site.settings.thresholds.deviation),
        thresholds=site.settings.thresholds,
        rule_codes=WARNING_CODES + CONTENT_WARNING_CODES + RULE_NOTICE_CODES,
        report_days=site.settings.thresholds.stale_days + REPORT_GRACE_DAYS,
    )
