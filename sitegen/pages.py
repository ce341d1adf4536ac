"""Which pages the site has, and what each one shows.

Everything a template needs that is not a plain field of the model is prepared here,
in Python: groupings, orderings, derived figures (through `sitegen.metrics`) and the
site-relative path of every page. Templates only present it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sitegen import metrics
from sitegen.findings import Finding, Severity
from sitegen.i18n import Messages
from sitegen.model import Impact, Priority, RiskStatus, TaskKind, TaskStatus

if TYPE_CHECKING:
    from sitegen.build import Analysis
    from sitegen.compute import EntryState, TaskState
    from sitegen.model import Person, ProjectDoc, ReportDoc, RiskDoc

#: Alert groups on the dashboard, in the order a reader should see them.
ALERT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("late", ("overdue", "schedule-deviation", "deviation", "stale", "dependency-order")),
    ("people", ("overload", "unconfirmed", "skill-mismatch")),
    ("risks", ("open-high-risk",)),
    ("reports", ("missing-report", "late-report", "brief-too-long")),
)
IMPACT_ORDER = {Impact.HIGH: 0, Impact.MEDIUM: 1, Impact.LOW: 2}
RISK_STATUS_ORDER = {RiskStatus.OPEN: 0, RiskStatus.IN_PROGRESS: 1, RiskStatus.RESOLVED: 2}
REPORTS_PER_PAGE = 60  # the report stream is split by month beyond this many reports
SPOT_CHECKS = 3


@dataclass(frozen=True)
class Page:
    path: str  # relative to OUT, POSIX
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # the nav item this page belongs to
    description: str = ""  # meta description


# ---------------------------------------------------------------- paths


def task_path(task_id: str) -> str:
    return f"tasks/{task_id}.html"


def person_path(person_id: str) -> str:
    return f"people/{person_id}.html"


def project_path(project_id: str) -> str:
    return f"projects/{project_id}.html"


def risk_path(risk_id: str) -> str:
    return f"risks/{risk_id}.html"


def retro_path(project_id: str) -> str:
    return f"retro/{project_id}.html"


def report_path(report: ReportDoc) -> str:
    """``reports/<project>/<date>-<author>.html``: built from ids, whatever the file is called."""
    project = report.source.file.split("/")[0] if "/" in report.source.file else "_"
    return f"reports/{project}/{report.id}.html"


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_path(key: str) -> str:
    return f"weekly/{key}.html"


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ---------------------------------------------------------------- view data


@dataclass(frozen=True)
class Link:
    """A link to another page: ``path`` is relative to OUT; templates pass it to url()."""

    path: str
    text: str


@dataclass(frozen=True)
class Alert:
    finding: Finding
    target: Link | None  # the page that lets the reader act on it
    related: tuple[Link, ...]  # further pages it concerns


@dataclass(frozen=True)
class AlertGroup:
    key: str
    alerts: tuple[Alert, ...]
    count: int
    subjects: tuple[Link, ...]  # the distinct tasks / people / risks / reports concerned


@dataclass(frozen=True)
class WbsRow:
    level: int  # 1 module, 2 task, 3+ subtask
    code: str  # WBS number, e.g. 2.1.1
    module: str | None
    state: TaskState | None


@dataclass(frozen=True)
class Bar:
    """One bar of a person's load chart (SVG coordinates prepared here)."""

    day: date
    count: int
    tasks: tuple[str, ...]
    x: float
    y: float
    height: float
    over: bool


@dataclass(frozen=True)
class LoadChart:
    bars: tuple[Bar, ...]
    weeks: tuple[tuple[str, float, float], ...]  # (week key, x of first bar, width)
    limit: int
    limit_y: float
    width: float
    height: float
    base_y: float
    scale: int
    gridlines: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Week:
    key: str
    monday: date
    sunday: date
    lagging: tuple[dict[str, Any], ...]
    problems: tuple[EntryState, ...]
    new_risks: tuple[RiskDoc, ...]
    open_risks: tuple[RiskDoc, ...]
    resolved_risks: tuple[RiskDoc, ...]
    finished: tuple[TaskState, ...]
    starting_next: tuple[TaskState, ...]
    spot_checks: tuple[EntryState, ...]
    reports: tuple[ReportDoc, ...]
    alerts: tuple[Alert, ...]
    entries: int
    current: bool


@dataclass(frozen=True)
class Measure:
    """A measured process figure on the retro page: the value and what it is."""

    key: str
    value: str
    detail: dict[str, Any]


class SiteView:
    """Look-ups and groupings shared by all pages."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        site, status = analysis.site, analysis.status
        self.site = site
        self.status = status
        self.as_of = status.as_of
        self.threshold = site.settings.thresholds.deviation
        self.people: dict[str, Person] = site.person_index
        self.tasks = status.tasks
        self.risks: dict[str, RiskDoc] = {}
        self.risk_project: dict[str, str] = {}
        for project in site.projects:
            for risk in project.risks:
                self.risks.setdefault(risk.id, risk)
                self.risk_project.setdefault(risk.id, project.id)
        self.reports: list[ReportDoc] = sorted(
            site.reports, key=lambda r: (r.date, r.source.file), reverse=True
        )
        self.report_project = {r.source.file: p.id for p in site.projects for r in p.reports}
        # source file -> page, for findings that only know their file
        self.file_pages: dict[str, Link] = {}
        for report in site.reports:
            self.file_pages[report.source.file] = Link(
                report_path(report), self.report_label(report)
            )
        for risk_id, risk in self.risks.items():
            self.file_pages.setdefault(risk.source.file, Link(risk_path(risk_id), risk_id))
        for task_id, state in self.tasks.items():
            self.file_pages.setdefault(state.task.source.file, Link(task_path(task_id), task_id))
        for project in site.projects:
            if project.doc is not None:
                self.file_pages.setdefault(
                    project.doc.source.file, Link(project_path(project.id), project.title)
                )
            if project.retro is not None:
                self.file_pages.setdefault(
                    project.retro.source.file, Link(retro_path(project.id), project.title)
                )
        self.findings = [f for f in analysis.findings if f.severity is not Severity.ERROR]
        self.alerts = [self.alert(f) for f in self.findings if f.severity is Severity.WARNING]
        self.notices = [self.alert(f) for f in self.findings if f.severity is Severity.NOTICE]
        self.dependents = {tid: s.dependents for tid, s in self.tasks.items()}
        self.risks_by_task: dict[str, list[RiskDoc]] = defaultdict(list)
        for risk in self.risks.values():
            for task_id in risk.tasks:
                self.risks_by_task[task_id].append(risk)

    # ---- names and links

    def person_name(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        person = self.people.get(person_id)
        return person.display_name if person else person_id

    def person_link(self, person_id: str | None) -> Link | None:
        if person_id and person_id in self.people:
            return Link(person_path(person_id), self.person_name(person_id))
        return None

    def task_link(self, task_id: str) -> Link | None:
        state = self.tasks.get(task_id)
        if state is None:
            return None
        return Link(task_path(task_id), f"{task_id} {state.task.title}")

    def report_label(self, report: ReportDoc) -> str:
        return f"{report.date.isoformat()} {self.person_name(report.author)}"

    def report_of(self, entry: EntryState) -> Link:
        return Link(report_path(entry.report), self.report_label(entry.report))

    # ---- findings

    def alert(self, finding: Finding) -> Alert:
        file_page = self.file_pages.get(finding.file)
        task = self.task_link(finding.task) if finding.task else None
        person = self.person_link(finding.person)
        if finding.code in ("overload", "missing-report"):
            target = person
        elif finding.code in ("late-report", "brief-too-long", "no-evidence", "open-high-risk"):
            target = file_page
        else:
            target = task or file_page or person
        related = [
            link
            for link in (task, file_page, person)
            if link is not None and (target is None or link.path != target.path)
        ]
        if finding.code == "overload" and finding.person in self.status.people:
            load = self.status.people[finding.person].load
            ids = sorted({t for d in load.overloaded_days for t in load.by_day[d]})
            related = [link for tid in ids if (link := self.task_link(tid))]
        unique = list({link.path: link for link in related}.values())
        return Alert(finding, target, tuple(unique))

    def alert_groups(self, alerts: list[Alert]) -> list[AlertGroup]:
        groups = []
        placed: set[int] = set()
        for key, codes in ALERT_GROUPS:
            chosen = [a for a in alerts if a.finding.code in codes]
            chosen.sort(key=lambda a: (codes.index(a.finding.code), a.finding.sort_key()))
            placed.update(id(a) for a in chosen)
            groups.append(self._group(key, chosen))
        rest = [a for a in alerts if id(a) not in placed]
        if rest:
            groups.append(self._group("other", rest))
        return groups

    def _group(self, key: str, alerts: list[Alert]) -> AlertGroup:
        subjects = {a.target.path: a.target for a in alerts if a.target is not None}
        return AlertGroup(key, tuple(alerts), len(alerts), tuple(subjects.values()))

    def findings_for(self, **match: str) -> list[Alert]:
        chosen = []
        for alert in self.alerts + self.notices:
            f = alert.finding
            if all(getattr(f, k) == v for k, v in match.items() if k != "file") and (
                "file" not in match or f.file == match["file"]
            ):
                chosen.append(alert)
        return chosen

    # ---- tasks

    def project_tasks(self, project_id: str) -> list[TaskState]:
        return [s for s in self.tasks.values() if s.project == project_id]

    def wbs(self, project_id: str) -> list[WbsRow]:
        """Project → module → task → subtask (via ``parent``), numbered 1, 1.1, 1.1.1."""
        states = self.project_tasks(project_id)
        ids = {s.task.id for s in states}
        children: dict[str, list[TaskState]] = defaultdict(list)
        roots: list[TaskState] = []
        for state in states:
            parent = state.task.parent
            if parent and parent in ids and parent != state.task.id:
                children[parent].append(state)
            else:
                roots.append(state)
        order = sorted({s.task.module or "" for s in roots}, key=lambda m: (m == "", m))
        # modules in the order their first task starts
        first_start = {
            m: min((s.task.first_day, s.task.id) for s in roots if (s.task.module or "") == m)
            for m in order
        }
        order.sort(key=lambda m: (m == "", first_start[m]))
        rows: list[WbsRow] = []
        seen: set[str] = set()

        def key(s: TaskState) -> tuple:
            return (s.task.first_day, s.task.end, s.task.id)

        def walk(state: TaskState, code: str, level: int) -> None:
            if state.task.id in seen:
                return
            seen.add(state.task.id)
            rows.append(WbsRow(level, code, state.task.module, state))
            for n, child in enumerate(sorted(children[state.task.id], key=key), 1):
                walk(child, f"{code}.{n}", level + 1)

        for m_index, module in enumerate(order, 1):
            rows.append(WbsRow(1, str(m_index), module or None, None))
            mine = sorted((s for s in roots if (s.task.module or "") == module), key=key)
            for n, state in enumerate(mine, 1):
                walk(state, f"{m_index}.{n}", 2)
        return rows

    def gantt_order(self, project_id: str) -> list[TaskState]:
        """The project's tasks as the Gantt chart lists them: by module, then WBS order."""
        return [row.state for row in self.wbs(project_id) if row.state is not None]

    def sorted_tasks(self, states: list[TaskState] | None = None) -> list[TaskState]:
        chosen = list(self.tasks.values()) if states is None else states
        return sorted(chosen, key=lambda s: (s.task.first_day, s.task.end, s.task.id))

    def is_alert(self, value: Fraction | None) -> bool:
        return metrics.is_alert(value, self.threshold)

    def budget(self, project_id: str, doc: ProjectDoc | None) -> dict[str, Any] | None:
        figures = [
            s.task.budget for s in self.project_tasks(project_id) if s.task.budget is not None
        ]
        project_budget = doc.budget if doc else None
        if not figures and project_budget is None:
            return None
        total = sum(figures) if figures else None
        return {
            "tasks": total,
            "project": project_budget,
            "share": metrics.ratio(total, project_budget),
            "rest": (project_budget - total)
            if total is not None and project_budget is not None
            else None,
            "count": len(figures),
        }

    # ---- people

    def load_chart(self, person_id: str) -> LoadChart | None:
        load = self.status.people[person_id].load
        if not load.by_day:
            return None
        bar_w, gap, week_gap, top, chart_h = 14.0, 4.0, 14.0, 16.0, 96.0
        scale = max(load.peak, load.limit) + 1
        base = top + chart_h
        bars, weeks = [], []
        x = 40.0
        current_week, week_x = None, x
        for day, tasks in load.by_day.items():
            key = week_key(day)
            if key != current_week:
                if current_week is not None:
                    weeks.append((current_week, week_x, x - gap - week_x))
                    x += week_gap
                current_week, week_x = key, x
            height = chart_h * len(tasks) / scale
            bars.append(
                Bar(day, len(tasks), tasks, x, base - height, height, len(tasks) > load.limit)
            )
            x += bar_w + gap
        weeks.append((current_week or "", week_x, x - gap - week_x))
        grid = tuple((n, base - chart_h * n / scale) for n in range(0, scale + 1))
        return LoadChart(
            tuple(bars),
            tuple(weeks),
            load.limit,
            base - chart_h * load.limit / scale,
            max(x + 8, 200.0),
            base + 34,
            base,
            scale,
            grid,
        )

    # ---- risks

    def sorted_risks(self, risks: list[RiskDoc] | None = None) -> list[RiskDoc]:
        chosen = list(self.risks.values()) if risks is None else risks
        return sorted(
            chosen, key=lambda r: (IMPACT_ORDER[r.impact], RISK_STATUS_ORDER[r.status], r.id)
        )

    # ---- reports

    def latest_reports(self, n: int = 5) -> list[ReportDoc]:
        return [r for r in self.reports if r.date <= self.as_of][:n]

    def report_entries(self, report: ReportDoc) -> list[EntryState]:
        return [e for e in self.status.entries if e.report is report]

    # ---- evidence

    @staticmethod
    def is_web(url: str) -> bool:
        return url.startswith(("https://", "http://"))


# ---------------------------------------------------------------- weekly review


NO_PROBLEM = frozenset({"无", "無", "没有", "沒有", "none", "no", "n/a", "na", "-", "—", "–", "/"})


def has_problem(entry: EntryState) -> bool:
    """A reported problem, not a placeholder such as 无 or none."""
    text = (entry.entry.problem or "").strip().strip("。.").lower()
    return bool(text) and text not in NO_PROBLEM


def spot_check_key(entry: EntryState) -> str:
    return hashlib.sha256(f"{entry.report.source.file}#{entry.index}".encode()).hexdigest()


def _week_keys(view: SiteView) -> list[str]:
    keys: set[str] = set()
    for state in view.tasks.values():
        day = week_monday(state.task.first_day)
        while day <= state.task.end:
            keys.add(week_key(day))
            day += timedelta(days=7)
    for report in view.site.reports:
        keys.add(week_key(report.date))
    return sorted(keys)


def build_week(view: SiteView, key: str) -> Week:
    year, number = int(key[:4]), int(key[6:])
    monday = date.fromisocalendar(year, number, 1)
    sunday = monday + timedelta(days=6)

    def inside(day: date | None) -> bool:
        return day is not None and monday <= day <= sunday

    entries = [e for e in view.status.entries if inside(e.day)]
    by_task: dict[str, list[EntryState]] = defaultdict(list)
    for entry in entries:
        by_task[entry.entry.task].append(entry)
    current = inside(view.as_of)
    lagging = []
    for task_id, state in view.tasks.items():
        behind = [e for e in by_task.get(task_id, []) if view.is_alert(e.deviation)]
        schedule = current and state.is_open and view.is_alert(state.schedule_deviation)
        if not behind and not schedule:
            continue
        worst = min((e.deviation for e in behind if e.deviation is not None), default=None)
        reasons = [e for e in by_task.get(task_id, []) if has_problem(e)]
        lagging.append(
            {
                "state": state,
                "entries": behind,
                "worst": worst,
                "schedule": state.schedule_deviation if schedule else None,
                "reasons": reasons,
            }
        )
    lagging.sort(
        key=lambda row: (row["worst"] if row["worst"] is not None else 0, row["state"].task.id)
    )
    problems = tuple(e for e in entries if has_problem(e))
    risks = view.sorted_risks()
    new_risks = tuple(r for r in risks if inside(r.raised))
    open_risks = tuple(r for r in risks if r.is_open and (r.raised is None or r.raised <= sunday))
    resolved = tuple(r for r in risks if inside(r.resolved_on))
    finished = tuple(
        view.sorted_tasks(
            [
                s
                for s in view.tasks.values()
                if (s.status is TaskStatus.DONE and inside(s.task.end))
                or any(e.entry.progress == 100 for e in by_task.get(s.task.id, []))
            ]
        )
    )
    next_monday = sunday + timedelta(days=1)
    starting = tuple(
        view.sorted_tasks(
            [
                s
                for s in view.tasks.values()
                if next_monday <= s.task.first_day <= next_monday + timedelta(days=6)
                and s.status is not TaskStatus.CANCELLED
            ]
        )
    )
    spot = tuple(sorted(entries, key=spot_check_key)[:SPOT_CHECKS])
    reports = tuple(r for r in view.reports if inside(r.date))
    alerts = tuple(
        a for a in view.alerts if a.finding.day and inside(date.fromisoformat(a.finding.day))
    )
    return Week(
        key,
        monday,
        sunday,
        tuple(lagging),
        problems,
        new_risks,
        open_risks,
        resolved,
        finished,
        starting,
        spot,
        reports,
        alerts,
        len(entries),
        current,
    )


# ---------------------------------------------------------------- retro


def retro_measures(view: SiteView, project_id: str) -> list[Measure]:
    states = [s for s in view.project_tasks(project_id) if s.status is not TaskStatus.CANCELLED]
    done = [s for s in states if s.status is TaskStatus.DONE]
    on_time = 0
    for state in done:
        if any(e.entry.progress == 100 and e.day <= state.task.end for e in state.entries) or (
            state.task.kind is TaskKind.MILESTONE
        ):
            on_time += 1
    with_reports = [s for s in done if any(e.entry.progress is not None for e in s.entries)]
    alerts = [a for a in view.alerts if a.finding.project == project_id]
    deviations = [
        e.deviation
        for e in view.status.entries
        if e.deviation is not None
        and view.site.task_project.get(e.entry.task, e.project) == project_id
    ]
    average = sum(deviations, Fraction(0)) / len(deviations) if deviations else None
    entries_alerting = sum(1 for d in deviations if view.is_alert(d))
    return [
        Measure("done", f"{len(done)} / {len(states)}", {"done": len(done), "total": len(states)}),
        Measure(
            "reported-done",
            f"{on_time} / {len(done)}",
            {"share": metrics.ratio(on_time, len(done)), "reported": len(with_reports)},
        ),
        Measure("alerts", str(len(alerts)), {"codes": _count_codes(alerts)}),
        Measure(
            "average-deviation",
            "",
            {"value": average, "entries": len(deviations), "alerting": entries_alerting},
        ),
    ]


def _count_codes(alerts: list[Alert]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for alert in alerts:
        counts[alert.finding.code] += 1
    return sorted(counts.items())


# ---------------------------------------------------------------- measures


def worked_examples(threshold: Any) -> dict[str, Any]:
    """The guide's worked examples, computed with the same functions as the site."""
    return {
        "entries": [
            {
                "planned": planned,
                "actual": actual,
                "completion": metrics.ratio(actual, planned),
                "deviation": metrics.deviation(actual, planned),
            }
            for planned, actual in ((2, 1), (1, 1), (3, 2))
        ],
        "kpi": {
            "target": 5_000_000,
            "actual": 5_200_000,
            "achievement": metrics.ratio(5_200_000, 5_000_000),
        },
        "planned": {
            "duration": 5,
            "elapsed": 2,
            "value": metrics.ratio(2 * 100, 5),
        },
        "schedule": {
            "planned": 80,
            "actual": 60,
            "deviation": metrics.deviation(60, 80),
        },
        "boundary": {
            "deviation": metrics.deviation(4, 5),
        },
        "severe": 2 * metrics.exact(threshold),
    }


# ---------------------------------------------------------------- the pages


def priority_matrix(view: SiteView) -> list[dict[str, Any]]:
    quadrants = []
    for priority, urgent, important in (
        (Priority.P0, True, True),
        (Priority.P1, False, True),
        (Priority.P2, True, False),
        (Priority.P3, False, False),
    ):
        states = [s for s in view.tasks.values() if s.priority is priority]
        quadrants.append(
            {
                "priority": priority.value,
                "urgent": urgent,
                "important": important,
                "open": view.sorted_tasks([s for s in states if s.is_open]),
                "closed": view.sorted_tasks([s for s in states if not s.is_open]),
            }
        )
    return quadrants


def site_pages(analysis: Analysis) -> Iterator[Page]:
    view = SiteView(analysis)
    site, status = analysis.site, analysis.status
    title = site.settings.title
    ui = Messages(site.settings.language, kind="ui")
    common = {"view": view}

    def page(path: str, template: str, name: str, section: str, **context: Any) -> Page:
        return Page(path, template, name, {**common, **context}, section, f"{name} · {title}")

    groups = view.alert_groups(view.alerts)
    weeks = [build_week(view, key) for key in _week_keys(view)]
    yield page(
        "index.html",
        "dashboard.html",
        title,
        "dashboard",
        groups=groups,
        open_risks=[r for r in view.sorted_risks() if r.is_open],
        latest=view.latest_reports(),
        current_week=next((w for w in weeks if w.current), None),
    )
    for project in site.projects:
        yield page(
            project_path(project.id),
            "project.html",
            project.title,
            "dashboard",
            project=project,
            health=analysis.health[project.id],
            kpis=status.kpis.get(project.id, ()),
            wbs=view.wbs(project.id),
            tasks=view.gantt_order(project.id),
            budget=view.budget(project.id, project.doc),
            risks=view.sorted_risks(project.risks),
            groups=view.alert_groups([a for a in view.alerts if a.finding.project == project.id]),
        )
        if project.retro is not None:
            yield page(
                retro_path(project.id),
                "retro.html",
                ui("retro.title", project=project.title),
                "dashboard",
                project=project,
                retro=project.retro,
                kpis=status.kpis.get(project.id, ()),
                measures=retro_measures(view, project.id),
            )
    for state in view.sorted_tasks():
        yield page(
            task_path(state.task.id),
            "task.html",
            f"{state.task.id} {state.task.title}",
            "dashboard",
            state=state,
            project=next(p for p in site.projects if p.id == state.project),
            findings=view.findings_for(task=state.task.id),
            risks=view.sorted_risks(view.risks_by_task.get(state.task.id, [])),
        )
    people = sorted(status.people.values(), key=lambda p: p.person.id)
    yield page(
        "people/index.html",
        "people.html",
        ui("nav.people"),
        "people",
        people=[
            {"state": p, "open": sum(1 for t in p.tasks if status.tasks[t].is_open)} for p in people
        ],
    )
    for person_state in people:
        person = person_state.person
        yield page(
            person_path(person.id),
            "person.html",
            person.display_name,
            "people",
            person_state=person_state,
            person=person,
            tasks=view.sorted_tasks([status.tasks[t] for t in person_state.tasks]),
            collaborating=view.sorted_tasks(
                [
                    s
                    for s in status.tasks.values()
                    if any(c.person == person.id for c in s.task.collaborators)
                ]
            ),
            chart=view.load_chart(person.id),
            reports=sorted(person_state.reports, key=lambda r: r.date, reverse=True),
            findings=[a for a in view.findings_for(person=person.id)],
        )
    yield page(
        "risks/index.html", "risks.html", ui("nav.risks"), "risks", risks=view.sorted_risks()
    )
    for risk_id, risk in view.risks.items():
        yield page(
            risk_path(risk_id),
            "risk.html",
            f"{risk_id} {risk.title}",
            "risks",
            risk=risk,
            project=next(p for p in site.projects if p.id == view.risk_project[risk_id]),
            findings=view.findings_for(file=risk.source.file),
        )
    yield from _report_pages(view, page, ui)
    yield page("weekly/index.html", "weekly_index.html", ui("nav.weekly"), "weekly", weeks=weeks)
    for week in weeks:
        yield page(
            week_path(week.key),
            "weekly.html",
            ui("weekly.title", week=week.key),
            "weekly",
            week=week,
            weeks=weeks,
        )
    yield page(
        "priorities.html",
        "priorities.html",
        ui("nav.priorities"),
        "priorities",
        quadrants=priority_matrix(view),
        hidden=view.sorted_tasks(
            [s for s in status.tasks.values() if s.task.kind is TaskKind.HIDDEN]
        ),
    )
    yield page(
        "measures.html",
        "measures.html",
        ui("nav.measures"),
        "measures",
        examples=worked_examples(site.settings.thresholds.deviation),
        thresholds=site.settings.thresholds,
    )


def _report_pages(view: SiteView, page, ui: Messages) -> Iterator[Page]:
    reports = view.reports
    for report in reports:
        project = view.report_project.get(report.source.file)
        yield page(
            report_path(report),
            "report.html",
            view.report_label(report),
            "reports",
            report=report,
            project=next((p for p in view.site.projects if p.id == project), None),
            entries=view.report_entries(report),
            findings=view.findings_for(file=report.source.file),
        )
    months: dict[str, list[ReportDoc]] = defaultdict(list)
    for report in reports:
        months[report.date.strftime("%Y-%m")].append(report)
    split = len(reports) > REPORTS_PER_PAGE
    month_links = [
        (month, f"reports/{month}.html" if split else f"reports/index.html#m{month}", len(items))
        for month, items in months.items()
    ]
    if split:
        for month, items in months.items():
            yield page(
                f"reports/{month}.html",
                "reports.html",
                ui("reports.month", month=month),
                "reports",
                months=[(month, _by_day(items))],
                month_links=month_links,
                current=month,
            )
        yield page(
            "reports/index.html",
            "reports.html",
            ui("nav.reports"),
            "reports",
            months=[],
            month_links=month_links,
            current=None,
        )
    else:
        yield page(
            "reports/index.html",
            "reports.html",
            ui("nav.reports"),
            "reports",
            months=[(month, _by_day(items)) for month, items in months.items()],
            month_links=month_links,
            current=None,
        )


def _by_day(reports: list[ReportDoc]) -> list[tuple[date, list[ReportDoc]]]:
    days: dict[date, list[ReportDoc]] = defaultdict(list)
    for report in reports:
        days[report.date].append(report)
    return sorted(days.items(), reverse=True)
