"""What every page can look up: links, alerts, task and risk orderings.

`SiteView` prepares in Python what a template needs that is not a plain field of the
model (groupings, orderings); templates only present it. How a project's own page and
card break down its tasks is `sitegen.site.pages.breakdown`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from sitegen.content.choices import Impact, RiskStatus
from sitegen.content.window import shown_window
from sitegen.core.findings import Finding, Severity
from sitegen.engine.health import OpenMatters, subject_of
from sitegen.site.pages.lookups import Link, Lookups
from sitegen.site.pages.paths import (
    person_path,
    project_path,
    retro_path,
    risk_path,
    task_path,
)

if TYPE_CHECKING:
    from sitegen.content.model import Person, ReportDoc, RiskDoc
    from sitegen.content.projects import Project
    from sitegen.engine.compute import EntryState, TaskState
    from sitegen.site.analysis import Analysis

#: Alert groups on the dashboard, in the order a reader should see them.
ALERT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("late", ("overdue", "schedule-deviation", "deviation", "stale", "dependency-order")),
    ("people", ("overload", "unconfirmed", "skill-mismatch")),
    ("risks", ("open-high-risk",)),
    (
        "reports",
        ("missing-report", "late-report", "brief-too-long", "report-edited", "backdated-report"),
    ),
)
#: Findings of reports rewritten or backdated: what a spot check looks at first.
SPOT_FIRST = ("report-edited", "backdated-report")
#: Findings best acted on from the page of the file they are about.
REPORT_PAGE_FIRST = ("late-report", "brief-too-long", "no-evidence", "open-high-risk", *SPOT_FIRST)
IMPACT_ORDER = {Impact.HIGH: 0, Impact.MEDIUM: 1, Impact.LOW: 2}
RISK_STATUS_ORDER = {RiskStatus.OPEN: 0, RiskStatus.IN_PROGRESS: 1, RiskStatus.RESOLVED: 2}


@dataclass(frozen=True, slots=True)
class Alert:
    finding: Finding
    target: Link | None  # the page that lets the reader act on it
    related: tuple[Link, ...]  # further pages it concerns


@dataclass(frozen=True, slots=True)
class AlertGroup:
    key: str
    alerts: tuple[Alert, ...]
    count: int  # what a reader counts: the distinct tasks / people / risks / reports concerned
    subjects: tuple[Link, ...]  # those, as links


@dataclass(frozen=True, slots=True)
class ProjectRef:
    fingerprint_memo = False  # made for each page that shows it (see Fingerprinter)
    id: str
    title: str


def start_key(state: TaskState) -> tuple[date, date, str]:
    """Start order: first day, then end, then id."""
    return (state.task.first_day, state.task.end, state.task.id)


def newest_first(alerts: list[Alert]) -> list[Alert]:
    """Newest day first (a group shows its first few on the dashboard, and after a year
    of reports the oldest matter least), undated last, then by file and line. Callers may
    sort again by a coarser key: sorting is stable."""
    ordered = sorted(alerts, key=lambda a: a.finding.sort_key())
    ordered.sort(key=lambda a: a.finding.day or "", reverse=True)
    return ordered


class SiteView:
    """Look-ups and groupings shared by all pages."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        site, status = analysis.site, analysis.status
        self.site = site
        self.status = status
        self.as_of = status.as_of
        self.people: dict[str, Person] = site.person_index
        self.tasks = status.tasks
        self.lookup = Lookups.for_site(site, status)
        # One link to each task and one reference to each project, shown on many pages.
        self._task_links: dict[str, Link] = {}
        self._project_refs: dict[str, ProjectRef] = {}
        # All tasks in start order, sorted once: every ordered task list is a slice of it.
        self._start_order: list[TaskState] = sorted(self.tasks.values(), key=start_key)
        self._project_tasks: dict[str, list[TaskState]] = defaultdict(list)
        self._collaborating: dict[str, list[TaskState]] = defaultdict(list)
        for state in self.tasks.values():
            self._project_tasks[state.project].append(state)
        for state in self._start_order:
            for person_id in dict.fromkeys(c.person for c in state.task.collaborators):
                self._collaborating[person_id].append(state)
        self.projects: dict[str, Project] = {}
        for project in site.projects:
            self.projects.setdefault(project.id, project)
        self.risks: dict[str, RiskDoc] = {}
        self.risk_project: dict[str, str] = {}
        for project in site.projects:
            for risk in project.risks:
                self.risks.setdefault(risk.id, risk)
                self.risk_project.setdefault(risk.id, project.id)
        self.findings = [f for f in analysis.findings if f.severity is not Severity.ERROR]
        self.dependents = {tid: s.dependents for tid, s in self.tasks.items()}
        self._alerts_made: dict[int, Alert] = {}  # by id of the finding
        self._finding_index: dict[str, dict[str, list[Finding]]] = {}
        self._report_links: dict[str, Link] = {}
        # What one page needs of the whole site is looked up when a page first needs it:
        # the preview makes the saved file's page before any other (see the properties).

    @cached_property
    def reports(self) -> list[ReportDoc]:
        """Every report, newest first (by day, then file)."""
        return sorted(self.site.reports, key=lambda r: (r.date, r.source.file), reverse=True)

    @cached_property
    def report_project(self) -> dict[str, str]:
        """Report file → the project it is filed in."""
        return {r.source.file: p.id for p in self.site.projects for r in p.reports}

    @cached_property
    def _entries_by_report(self) -> dict[str, list[EntryState]]:
        by_report: dict[str, list[EntryState]] = defaultdict(list)
        for entry in self.status.entries:
            by_report[entry.report.source.file].append(entry)
        return by_report

    @cached_property
    def _reports_by_file(self) -> dict[str, ReportDoc]:
        return {report.source.file: report for report in self.site.reports}

    @cached_property
    def _other_file_pages(self) -> dict[str, Link]:
        """Source file → its page, for the files that are not reports."""
        pages: dict[str, Link] = {}
        for risk_id, risk in self.risks.items():
            pages.setdefault(risk.source.file, Link(risk_path(risk_id), risk_id))
        for task_id, state in self.tasks.items():
            pages.setdefault(state.task.source.file, Link(task_path(task_id), task_id))
        for project in self.site.projects:
            if project.doc is not None:
                pages.setdefault(
                    project.doc.source.file, Link(project_path(project.id), project.title)
                )
            if project.retro is not None:
                pages.setdefault(
                    project.retro.source.file, Link(retro_path(project.id), project.title)
                )
        return pages

    def file_page(self, file: str) -> Link | None:
        """The page of the source ``file``, for findings that only know their file."""
        report = self._reports_by_file.get(file)
        if report is not None:
            return self.report_link(report)
        return self._other_file_pages.get(file)

    def report_link(self, report: ReportDoc) -> Link:
        """A report's page and label, made once."""
        link = self._report_links.get(report.source.file)
        if link is None:
            link = self._report_links[report.source.file] = self.lookup.report_link(report)
        return link

    @cached_property
    def alerts(self) -> list[Alert]:
        return [self.alert(f) for f in self.findings if f.severity is Severity.WARNING]

    @cached_property
    def notices(self) -> list[Alert]:
        return [self.alert(f) for f in self.findings if f.severity is Severity.NOTICE]

    @cached_property
    def matters(self) -> OpenMatters:
        """Whether a warning still counts on the as-of day, as the projects' health counts it."""
        return OpenMatters.of(self.site, self.status)

    @cached_property
    def _project_alerts(self) -> dict[str | None, list[Alert]]:
        by_project: dict[str | None, list[Alert]] = defaultdict(list)
        for alert in self.alerts:
            by_project[alert.finding.project].append(alert)
        return by_project

    @cached_property
    def risks_by_task(self) -> dict[str, list[RiskDoc]]:
        by_task: dict[str, list[RiskDoc]] = defaultdict(list)
        for risk in self.risks.values():
            for task_id in risk.tasks:
                by_task[task_id].append(risk)
        return by_task

    # ---- names and links

    def person_name(self, person_id: str | None) -> str:
        return self.lookup.person_name(person_id)

    def person_link(self, person_id: str | None) -> Link | None:
        if person_id and person_id in self.people:
            return Link(person_path(person_id), self.person_name(person_id))
        return None

    def task_link(self, task_id: str) -> Link | None:
        link = self._task_links.get(task_id)
        if link is not None:
            return link
        state = self.tasks.get(task_id)
        if state is None:
            return None
        link = self._task_links[task_id] = Link(task_path(task_id), f"{task_id} {state.task.title}")
        return link

    def report_label(self, report: ReportDoc) -> str:
        return self.lookup.report_label(report)

    def project(self, project_id: str | None) -> Project | None:
        return self.projects.get(project_id) if project_id is not None else None

    def project_ref(self, project_id: str | None) -> ProjectRef | None:
        """A project as a page that only links to it sees it: a change elsewhere in the
        project does not make such a page (and its fingerprint) change."""
        project = self.project(project_id)
        if project is None:
            return None
        ref = self._project_refs.get(project.id)
        if ref is None:
            ref = self._project_refs[project.id] = ProjectRef(project.id, project.title)
        return ref

    # ---- findings

    def alert(self, finding: Finding) -> Alert:
        made = self._alerts_made.get(id(finding))
        if made is None or made.finding is not finding:
            made = self._alerts_made[id(finding)] = self._alert(finding)
        return made

    def _alert(self, finding: Finding) -> Alert:
        file_page = self.file_page(finding.file)
        task = self.task_link(finding.task) if finding.task else None
        person = self.person_link(finding.person)
        if finding.code in ("overload", "missing-report"):
            target = person
        elif finding.code in REPORT_PAGE_FIRST:
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

    def current(self, alerts: Iterable[Alert]) -> list[Alert]:
        """The alerts that still count on the as-of day (what is open: SPEC §5, health)."""
        return [a for a in alerts if self.matters.counts(a.finding)]

    def settled(self, alerts: Iterable[Alert]) -> list[Alert]:
        """The alerts about finished work or past days: kept for the record."""
        return newest_first([a for a in alerts if not self.matters.counts(a.finding)])

    def alert_groups(self, alerts: list[Alert]) -> list[AlertGroup]:
        groups = []
        placed: set[int] = set()
        for key, codes in ALERT_GROUPS:
            chosen = newest_first([a for a in alerts if a.finding.code in codes])
            chosen.sort(key=lambda a: codes.index(a.finding.code))
            placed.update(id(a) for a in chosen)
            groups.append(self._group(key, chosen))
        rest = [a for a in alerts if id(a) not in placed]
        if rest:
            groups.append(self._group("other", newest_first(rest)))
        return groups

    def _group(self, key: str, alerts: list[Alert]) -> AlertGroup:
        subjects: dict[tuple[str, str], Link | None] = {}
        for alert in alerts:
            subject = self._subject(key, alert)
            if subject[0] not in subjects or subjects[subject[0]] is None:
                subjects[subject[0]] = subject[1]
        links = {link.path + link.text: link for link in subjects.values() if link is not None}
        return AlertGroup(key, tuple(alerts), len(subjects), tuple(links.values()))

    def _subject(self, group: str, alert: Alert) -> tuple[tuple[str, str], Link | None]:
        """What an alert of ``group`` is about, counted once however many alerts it has:
        the people group counts people (an unconfirmed task counts its owner)."""
        finding = alert.finding
        if group == "people" and finding.person:
            return ("person", finding.person), self.person_link(finding.person)
        subject = subject_of(finding)
        kind = subject[0]
        if kind == "task" and finding.task:
            return subject, self.task_link(finding.task) or alert.target
        if kind == "report" and alert.target is not None:
            label = f"{finding.day} {self.person_name(finding.person)}"
            return subject, Link(alert.target.path, label)
        return subject, alert.target

    def project_alerts(self, project_id: str) -> list[Alert]:
        return list(self._project_alerts.get(project_id, ()))

    def findings_for(self, **match: str) -> list[Alert]:
        """Alerts and notices whose finding has every given field value, in display order
        (alerts first). Only the matching findings are made alerts."""
        if not match:
            return list(self.alerts + self.notices)
        field, value = next(iter(match.items()))
        candidates = self._findings_by(field).get(value, [])
        return [
            self.alert(f) for f in candidates if all(getattr(f, k) == v for k, v in match.items())
        ]

    def _findings_by(self, field: str) -> dict[str, list[Finding]]:
        index = self._finding_index.get(field)
        if index is None:
            index = defaultdict(list)
            for severity in (Severity.WARNING, Severity.NOTICE):
                for finding in self.findings:
                    if finding.severity is severity:
                        index[getattr(finding, field)].append(finding)
            self._finding_index[field] = index
        return index

    # ---- tasks

    def project_tasks(self, project_id: str) -> list[TaskState]:
        return list(self._project_tasks.get(project_id, ()))

    def project_entries(self, project_id: str) -> list[EntryState]:
        """Report entries about the project's tasks (or, for an unknown task, filed in it)."""
        return list(self._entries_by_project.get(project_id, ()))

    @cached_property
    def _entries_by_project(self) -> dict[str, list[EntryState]]:
        grouped: dict[str, list[EntryState]] = defaultdict(list)
        task_project = self.site.task_project
        for entry in self.status.entries:
            grouped[task_project.get(entry.entry.task, entry.project)].append(entry)
        return grouped

    def sorted_tasks(self, states: Iterable[TaskState] | None = None) -> list[TaskState]:
        """``states`` (all tasks if None) in start order."""
        if states is None:
            return list(self._start_order)
        return sorted(states, key=start_key)

    def tasks_where(self, keep: Callable[[TaskState], bool]) -> list[TaskState]:
        """The tasks for which ``keep`` holds, in start order."""
        return [s for s in self._start_order if keep(s)]

    def collaborating(self, person_id: str) -> list[TaskState]:
        """The tasks that list ``person_id`` as a collaborator, in start order."""
        return list(self._collaborating.get(person_id, ()))

    def is_alert(self, value: Fraction | None) -> bool:
        return self.lookup.is_alert(value)

    # ---- time

    @cached_property
    def window(self) -> tuple[date, date]:
        """The first and last day that weekly reviews and load charts show: the span of
        the tasks, projects and reports, unless a date typo stretches it over years
        (see `sitegen.content.window`)."""
        days = [day for s in self.tasks.values() for day in (s.task.first_day, s.task.end)]
        for project in self.site.projects:
            if project.doc is not None:
                days += [day for day in (project.doc.start, project.doc.end) if day]
        days += [report.date for report in self.reports if report.date <= self.as_of]
        return shown_window(days, self.as_of)

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
        return self._entries_by_report.get(report.source.file, [])
