"""Project health: the state of a project on the as-of day, not a sum of past events.

A warning counts only while what it is about is still open (SPEC §5): a task not done or
cancelled; an overload on the day or later; a report finding (late, missing, too long,
edited, backdated) dated within the last ``stale_days`` + 3 working days; a risk not
resolved; an entry deviation only while its report is the latest one on its task.
`OpenMatters` decides that for one finding; the health, its reasons and the dashboard's
counts all ask it, so that they agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from sitegen.content.choices import Impact, Priority
from sitegen.content.model import RiskDoc, person_name
from sitegen.content.projects import Site
from sitegen.core.findings import WARNING_CODES, Finding, Severity
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.engine.compute import Status
from sitegen.engine.workdays import WorkCalendar

#: Findings about one daily report (or the day it is missing): they count for a while.
REPORT_CODES = frozenset(
    {"late-report", "missing-report", "brief-too-long", "report-edited", "backdated-report"}
)
#: Extra working days, beyond ``stale_days``, that a report finding keeps counting.
REPORT_GRACE_DAYS = 3
REASON_NAMES = 5  # subjects a health reason names before it says "…"
REASON_KEYS = {
    "task": "health.tasks",
    "person": "health.people",
    "report": "health.reports",
    "risk": "health.risks",
    "item": "health.items",
}


class Health(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class ProjectHealth:
    health: Health
    reasons: tuple[str, ...]  # message keys with values already filled in


def report_window_start(as_of: date, calendar: WorkCalendar, days: int) -> date:
    """The first of the last ``days`` working days up to ``as_of`` (inclusive)."""
    day = as_of if calendar.is_working(as_of) else calendar.previous(as_of)
    for _ in range(days - 1):
        day = calendar.previous(day)
    return day


def subject_of(finding: Finding) -> tuple[str, str]:
    """What a finding is about, as (kind, key): a task, a person, a daily report (a
    person's day), a risk; else the finding's own place. Counts count these, not findings."""
    if finding.code == "overload" and finding.person:
        return "person", finding.person
    if finding.code in REPORT_CODES:
        return "report", f"{finding.day} {finding.person}"
    if finding.code == "open-high-risk":
        return "risk", finding.file
    if finding.task:
        return "task", finding.task
    return "item", f"{finding.file}:{finding.line}"


@dataclass(frozen=True)
class OpenMatters:
    """What is still open on the as-of day: the test of whether a warning counts."""

    as_of: date
    report_window: date  # report findings dated from here to as_of count
    open_tasks: frozenset[str]
    latest_reports: dict[str, frozenset[str]]  # task id -> files of its latest reports
    overloaded: frozenset[str]  # people overloaded on as_of or a later day
    live_risks: dict[str, RiskDoc]  # by file: unresolved, about work still open

    @classmethod
    def of(cls, site: Site, status: Status) -> OpenMatters:
        as_of = status.as_of
        open_tasks = frozenset(tid for tid, state in status.tasks.items() if state.is_open)
        latest: dict[str, frozenset[str]] = {}
        for task_id, state in status.tasks.items():
            days = [e.day for e in state.entries if e.day <= as_of]
            if days:
                last = max(days)
                latest[task_id] = frozenset(
                    e.report.source.file for e in state.entries if e.day == last
                )
        overloaded = frozenset(
            person_id
            for person_id, person in status.people.items()
            if any(day >= as_of for day in person.load.overloaded_days)
        )
        stale_days = site.settings.thresholds.stale_days
        return cls(
            as_of=as_of,
            report_window=report_window_start(
                as_of, status.calendar, stale_days + REPORT_GRACE_DAYS
            ),
            open_tasks=open_tasks,
            latest_reports=latest,
            overloaded=overloaded,
            live_risks={
                risk.source.file: risk
                for risk in site.risks
                if risk.is_open and _about_open_work(risk, open_tasks, status)
            },
        )

    def counts(self, finding: Finding) -> bool:
        """Whether a warning still counts on the as-of day (notices and errors never do)."""
        if finding.severity is not Severity.WARNING:
            return False
        if finding.code in REPORT_CODES:
            return finding.day is not None and (
                self.report_window <= date.fromisoformat(finding.day) <= self.as_of
            )
        if finding.code == "overload":
            return finding.person in self.overloaded
        if finding.code == "open-high-risk":
            return finding.file in self.live_risks
        if finding.code == "deviation":
            return finding.task in self.open_tasks and finding.file in self.latest_reports.get(
                finding.task, frozenset()
            )
        if finding.task is not None:
            return finding.task in self.open_tasks
        return True


def _about_open_work(risk: RiskDoc, open_tasks: frozenset[str], status: Status) -> bool:
    """A risk that names tasks threatens only them: once they are all done or cancelled
    it cannot keep the project red. A risk naming no task is about the whole project."""
    known = [task_id for task_id in risk.tasks if task_id in status.tasks]
    return not known or any(task_id in open_tasks for task_id in known)


def project_health(
    site: Site, status: Status, findings: list[Finding], messages: Messages
) -> dict[str, ProjectHealth]:
    """Red, amber or green per project, with the reasons, from the warnings that count.

    A red project lists what makes it red first, then, like an amber one, each kind of
    warning that counts with the tasks, people, reports or risks it concerns.
    """
    matters = OpenMatters.of(site, status)
    counted = [
        (project_id, finding)
        for finding in findings
        if matters.counts(finding)
        for project_id in _projects_of(finding, site, status)
    ]
    severe = 2 * metrics.exact(site.settings.thresholds.deviation)
    red: dict[str, list[tuple[int, str]]] = defaultdict(list)
    others: list[tuple[str, Finding]] = []
    for project_id, finding in counted:
        reason = _red_reason(finding, status, matters, severe, messages)
        if reason:
            red[project_id].append(reason)
        else:
            others.append((project_id, finding))
    summaries = _warning_reasons(site, others, messages)
    result = {}
    for project in site.projects:
        worst = [text for _rank, text in sorted(red.get(project.id, ()))]
        reasons = tuple(dict.fromkeys([*worst, *summaries.get(project.id, ())]))
        if red.get(project.id):
            result[project.id] = ProjectHealth(Health.RED, reasons)
        elif reasons:
            result[project.id] = ProjectHealth(Health.AMBER, reasons)
        else:
            result[project.id] = ProjectHealth(Health.GREEN, ())
    return result


def _projects_of(finding: Finding, site: Site, status: Status) -> list[str]:
    """The projects a warning weighs on: its own; for an overload (a person's, across
    projects), those whose tasks make the person overloaded from the as-of day on."""
    if finding.code == "overload" and finding.person in status.people:
        load = status.people[finding.person].load
        tasks = {t for day in load.overloaded_days if day >= status.as_of for t in load.by_day[day]}
        return sorted({site.task_project[t] for t in tasks if t in site.task_project})
    return [finding.project] if finding.project else []


def _red_reason(
    finding: Finding, status: Status, matters: OpenMatters, severe: Fraction, messages: Messages
) -> tuple[int, str] | None:
    """Why this warning makes its project red, ranked (risks, overdue work, deviations);
    None when it does not."""
    state = status.tasks.get(finding.task) if finding.task else None
    if finding.code == "open-high-risk":
        risk = matters.live_risks[finding.file]
        if risk.impact is Impact.HIGH:
            return 0, messages("health.risk", id=risk.id, title=risk.title)
    elif finding.code == "overdue" and state is not None:
        if state.priority in (Priority.P0, Priority.P1):
            return 1, messages("health.overdue", id=state.task.id, priority=state.priority)
    elif finding.code == "schedule-deviation" and state is not None:
        if metrics.is_alert(state.schedule_deviation, severe):
            value = metrics.percent_label(state.schedule_deviation, signed=True)
            return 2, messages("health.alert", id=state.task.id, value=value)
    elif finding.code == "deviation" and state is not None:
        values = [
            e.deviation
            for e in state.entries
            if e.report.source.file == finding.file and e.deviation is not None
        ]
        if values and metrics.is_alert(min(values), severe):
            value = metrics.percent_label(min(values), signed=True)
            return 2, messages("health.alert", id=state.task.id, value=value)
    return None


def _warning_reasons(
    site: Site, counted: Iterable[tuple[str, Finding]], messages: Messages
) -> dict[str, list[str]]:
    """Per project, one reason per warning code: how many tasks, people, reports or
    risks it concerns, and which ("Behind schedule: 2 tasks (A-1, A-2)")."""
    subjects: dict[str, dict[str, dict[tuple[str, str], None]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for project_id, finding in counted:
        subjects[project_id][finding.code][subject_of(finding)] = None
    labels = Messages(messages.language, kind="ui")  # the names the pages give the codes
    reasons: dict[str, list[str]] = defaultdict(list)
    for project_id, by_code in subjects.items():
        for code, found in sorted(by_code.items(), key=lambda item: _code_order(item[0])):
            kinds = {kind for kind, _key in found}
            kind = kinds.pop() if len(kinds) == 1 else "item"
            names = [_subject_name(site, k, key) for k, key in found]
            shown = messages.join(names[:REASON_NAMES]) + ("…" if len(names) > REASON_NAMES else "")
            reasons[project_id].append(
                messages(
                    REASON_KEYS[kind],
                    code=labels(f"code.{code}"),
                    count=len(found),
                    names=shown,
                )
            )
    return reasons


def _code_order(code: str) -> tuple[int, str]:
    """SPEC §6 order (the order the measures page explains them in), then unknown codes."""
    return (WARNING_CODES.index(code), "") if code in WARNING_CODES else (len(WARNING_CODES), code)


def _subject_name(site: Site, kind: str, key: str) -> str:
    if kind == "person":
        return person_name(site.person_index, key)
    if kind == "report":
        day, _space, person_id = key.partition(" ")
        return f"{day} {person_name(site.person_index, person_id)}"
    if kind == "risk":
        risk = next((r for r in site.risks if r.source.file == key), None)
        return risk.id if risk else key
    return key
