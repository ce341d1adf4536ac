"""The one-page A4 weekly brief: the portfolio (``brief.html``) and each project's.

What a director takes into the weekly meeting, on one printed page: each project's
health, planned against actual progress and next milestone; the decisions needed; the
KPIs; and the next three weeks of the Gantt. The selections here are pure functions of
the computed state; `brief_pages` hands them to ``brief.html``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sitegen.engine.health import Health
from sitegen.site.pages.breakdown import gantt_order
from sitegen.site.pages.paths import brief_path, week_key, week_monday

if TYPE_CHECKING:
    from sitegen.content.projects import Project
    from sitegen.core.i18n import Messages
    from sitegen.engine.compute import KpiState, TaskState
    from sitegen.engine.health import ProjectHealth
    from sitegen.site.gantt.bars import Baseline
    from sitegen.site.pages.decisions import Decision
    from sitegen.site.pages.page import Page, PageMaker
    from sitegen.site.pages.summary import ProjectRow
    from sitegen.site.pages.view import SiteView

BRIEF_WEEKS = 3  # the Gantt of the brief: this week and the two after it
BRIEF_DECISIONS = 5  # one page holds this many; the rest are one link away
BRIEF_GANTT_TASKS = 12  # Gantt rows that fit the page, shared among the projects shown
BRIEF_CHARTS = 3  # the portfolio's page charts this many projects, the least healthy
HEALTH_ORDER = {Health.RED: 0, Health.AMBER: 1, Health.GREEN: 2}


@dataclass(frozen=True)
class BriefProject:
    """A project in the brief: its row as the dashboard shows it, and its KPIs."""

    row: ProjectRow
    kpis: tuple[KpiState, ...]

    @property
    def project(self) -> Project:
        return self.row.project

    @property
    def health(self) -> ProjectHealth:
        return self.row.health


def brief_window(as_of: date, weeks: int = BRIEF_WEEKS) -> tuple[date, date]:
    """Monday of the as-of day's week to the Sunday ``weeks`` weeks on."""
    monday = week_monday(as_of)
    return monday, monday + timedelta(days=7 * weeks - 1)


def tasks_in_window(
    states: Sequence[TaskState], window: tuple[date, date], limit: int = BRIEF_GANTT_TASKS
) -> tuple[list[TaskState], int]:
    """The tasks (in the order given) that run on a day of ``window``, and how many of
    them do not fit in ``limit`` rows. Beyond ``limit``, open tasks go before closed
    ones, then critical ones, then the order given."""
    first, last = window
    meeting = [s for s in states if s.task.first_day <= last and s.task.end >= first]
    if len(meeting) <= limit:
        return meeting, 0
    ranked = sorted(
        range(len(meeting)), key=lambda i: (not meeting[i].is_open, not meeting[i].critical, i)
    )
    chosen = sorted(ranked[:limit])
    return [meeting[i] for i in chosen], len(meeting) - limit


def charted(rows: Sequence[BriefProject], limit: int = BRIEF_CHARTS) -> list[BriefProject]:
    """The projects whose Gantt the portfolio's page shows: the ``limit`` least healthy
    (red, then amber, then green; of equals the first given), in the order given."""
    ranked = sorted(range(len(rows)), key=lambda i: (HEALTH_ORDER[rows[i].health.health], i))
    return [rows[i] for i in sorted(ranked[:limit])]


def portfolio_chart(
    charts: Sequence[tuple[str, Sequence[TaskState]]], separator: str = " · "
) -> list[TaskState]:
    """The tasks of several projects as one chart: each project's tasks in turn, each
    grouped under "project · module" (or the project alone) where the chart names the
    module, so one time axis serves them all. One project's tasks stay as they are."""
    if len(charts) == 1:
        return list(charts[0][1])
    merged: list[TaskState] = []
    for title, states in charts:
        for state in states:
            module = f"{title}{separator}{state.task.module}" if state.task.module else title
            merged.append(replace(state, task=state.task.model_copy(update={"module": module})))
    return merged


def brief_pages(
    view: SiteView,
    page: PageMaker,
    ui: Messages,
    project_rows: Sequence[ProjectRow],
    decisions: Sequence[Decision],
    baselines: Mapping[str, Baseline],
) -> Iterator[Page]:
    """``brief.html`` for the portfolio, then one brief per project; ``decisions``: the
    decisions the site needs (a project's brief shows those that concern it)."""
    status, as_of = view.status, view.as_of
    window = brief_window(as_of)
    rows = [BriefProject(row, tuple(status.kpis.get(row.project.id, ()))) for row in project_rows]
    common = {
        "baselines": baselines,
        "window": window,
        "week": week_key(as_of),
        "decision_limit": BRIEF_DECISIONS,
    }
    # The portfolio's chart shares its rows among the projects it shows.
    shown = charted(rows)
    share = max(2, BRIEF_GANTT_TASKS // max(len(shown), 1))
    parts = [
        (row, *tasks_in_window(gantt_order(view, row.project.id), window, share)) for row in shown
    ]
    yield page(
        brief_path(None),
        "brief.html",
        ui("brief.title"),
        "brief",
        rows=rows,
        decisions=decisions,
        chart=portfolio_chart([(row.project.title, tasks) for row, tasks, _ in parts]),
        hidden=sum(hidden for _, _, hidden in parts),
        uncharted=[row.project for row in rows if row not in shown],
        single=None,
        **common,
    )
    for row in rows:
        tasks, hidden = tasks_in_window(gantt_order(view, row.project.id), window)
        yield page(
            brief_path(row.project.id),
            "brief.html",
            ui("brief.title_for", project=row.project.title),
            "brief",
            rows=[row],
            decisions=[d for d in decisions if row.project.id in d.projects],
            chart=tasks,
            hidden=hidden,
            uncharted=[],
            single=row.project,
            **common,
        )
