"""Stage 3: compute every number of SPEC §5 for a loaded site, as of one day.

The result (`Status`) is plain frozen data; the checks and the pages read it and
never compute a figure of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from fractions import Fraction
from functools import partial
from operator import attrgetter

from sitegen.content.choices import Priority, TaskKind, TaskStatus
from sitegen.content.model import Entry, Kpi, Person, ReportDoc, TaskDoc
from sitegen.content.projects import Project, Site
from sitegen.engine import metrics
from sitegen.engine.memo import DerivedMemo
from sitegen.engine.progress import Progress, leaves_under, project_progress
from sitegen.engine.schedule import total_float
from sitegen.engine.workdays import WorkCalendar
from sitegen.engine.workload import Load, Span, daily_load

CLOSED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class EntryState:
    """One report entry about one task, with its completion and deviation."""

    report: ReportDoc
    index: int
    entry: Entry
    project: str
    day: date  # the report's
    completion: Fraction | None
    deviation: Fraction | None

    def fingerprint_parts(self) -> tuple[object, ...]:
        # What pages read of the report through one of its entries: the entry, and the
        # file, day and author that name and link the report. Not its brief or its other
        # entries: editing a brief must not re-render every page that shows the task
        # (tests/test_graph_property.py edits briefs and checks against cold builds).
        # All of it as one text: `repr` is faithful for these plain values (text, numbers,
        # days, fractions, None, lists of text), and one call costs a fifth of digesting
        # 20,000 entries field by field.
        report, entry = self.report, self.entry
        where = (report.source.file, report.date, report.author, self.index, self.project)
        plain = (*where, _entry_values(entry), self.completion, self.deviation)
        return (repr(plain),)


_entry_values = attrgetter(*(field.name for field in fields(Entry)))


@dataclass(frozen=True, slots=True)
class TaskState:
    task: TaskDoc
    project: str
    status: TaskStatus
    priority: Priority
    duration: int
    planned: Fraction | None
    actual: Fraction | None
    schedule_deviation: Fraction | None
    total_float: int | None
    children: tuple[str, ...]
    dependents: tuple[str, ...]
    entries: tuple[EntryState, ...]

    @property
    def critical(self) -> bool:
        return self.total_float == 0

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def is_leaf(self) -> bool:
        """A task named as no other task's parent. A parent is a summary of its subtasks:
        its progress rolls up from them and it carries no load of its own."""
        return not self.children

    def late_or_behind(self, as_of: date, threshold: metrics.Number) -> bool:
        """Open and past its end on ``as_of``, or behind plan by the alert threshold: what
        the `overdue` and `schedule-deviation` rules warn about."""
        return self.is_open and (
            self.task.end < as_of or metrics.is_alert(self.schedule_deviation, threshold)
        )


@dataclass(frozen=True, slots=True)
class PersonState:
    person: Person
    load: Load
    tasks: tuple[str, ...]  # owned task ids
    reports: tuple[ReportDoc, ...]


@dataclass(frozen=True, slots=True)
class KpiState:
    kpi: Kpi
    actual: Fraction | None
    achievement: Fraction | None


@dataclass(frozen=True)
class Status:
    """Everything computed for one site on one day."""

    as_of: date
    calendar: WorkCalendar
    tasks: dict[str, TaskState]
    people: dict[str, PersonState]
    kpis: dict[str, tuple[KpiState, ...]]  # by project id
    entries: tuple[EntryState, ...]
    progress: dict[str, Progress]  # by project id


def _report_entries(report: ReportDoc, project: str) -> tuple[EntryState, ...]:
    return tuple(
        EntryState(
            report=report,
            index=index,
            entry=entry,
            project=project,
            day=report.date,
            completion=metrics.ratio(entry.actual, entry.planned),
            deviation=metrics.deviation(entry.actual, entry.planned),
        )
        for index, entry in enumerate(report.entries)
    )


def _reports_in_order(site: Site) -> list[tuple[ReportDoc, str]]:
    """Every report with its project's id, by day, then file: the order pages and checks
    read reports and entries in."""
    filed = [(report, project.id) for project in site.projects for report in project.reports]
    filed.sort(key=lambda pair: (pair[0].date, pair[0].source.file))
    return filed


def _all_entries(filed: list[tuple[ReportDoc, str]], memo: DerivedMemo) -> tuple[EntryState, ...]:
    """Every entry of the reports ``filed`` (in order), then by place in its report."""
    table = memo.table("entries")
    return tuple(
        state
        for report, project in filed
        for state in table.get(report, project, partial(_report_entries, report, project))
    )


def _entries_by_task(entries: tuple[EntryState, ...]) -> dict[str, list[EntryState]]:
    """``entries`` (in their order) by the task they are about."""
    by_task: dict[str, list[EntryState]] = defaultdict(list)
    for state in entries:
        by_task[state.entry.task].append(state)
    return by_task


def effective_status(task: TaskDoc, has_reports: bool) -> TaskStatus:
    if task.status is not None:
        return task.status
    return TaskStatus.DOING if has_reports else TaskStatus.TODO


def summary_status(leaf_statuses: list[TaskStatus]) -> TaskStatus:
    """The status of a parent task that sets none, from its leaf tasks: cancelled when all
    are, done when all are done or cancelled, doing once any has moved, else todo."""
    if all(s is TaskStatus.CANCELLED for s in leaf_statuses):
        return TaskStatus.CANCELLED
    if all(s in CLOSED for s in leaf_statuses):
        return TaskStatus.DONE
    if any(s is not TaskStatus.TODO for s in leaf_statuses):
        return TaskStatus.DOING
    return TaskStatus.TODO


def children_of(tasks: list[TaskDoc]) -> dict[str, list[str]]:
    """Parent id → ids of the tasks naming it as ``parent`` (a task naming itself aside)."""
    children: dict[str, list[str]] = defaultdict(list)
    for task in tasks:
        if task.parent and task.parent != task.id:
            children[task.parent].append(task.id)
    return children


def duration(task: TaskDoc, calendar: WorkCalendar) -> int:
    if task.kind is TaskKind.MILESTONE:
        return 0
    return calendar.count(task.first_day, task.end)


def _floats(
    project: Project, statuses: dict[str, TaskStatus], calendar: WorkCalendar
) -> dict[str, int]:
    """Critical path of one project; summary tasks take the least float of their leaves."""
    tasks = {t.id: t for t in project.tasks if statuses[t.id] is not TaskStatus.CANCELLED}
    children = children_of([t for t in tasks.values() if t.parent in tasks])

    def leaves(task_id: str) -> list[str]:
        return leaves_under(children, task_id) if children.get(task_id) else [task_id]

    leaf_ids = [t for t in tasks if not children.get(t)]
    predecessors: dict[str, set[str]] = {leaf: set() for leaf in leaf_ids}
    for task in tasks.values():
        for dependency in task.depends_on:
            if dependency in tasks:
                for leaf in leaves(task.id):
                    predecessors[leaf].update(leaves(dependency))
    leaf_float = total_float(
        {leaf: duration(tasks[leaf], calendar) for leaf in leaf_ids},
        {leaf: sorted(before) for leaf, before in predecessors.items()},
    )
    result = dict(leaf_float)
    for task_id in children:
        values = [leaf_float[leaf] for leaf in leaves(task_id) if leaf in leaf_float]
        if values:
            result[task_id] = min(values)
    return result


def _plan(task: TaskDoc, as_of: date, calendar: WorkCalendar) -> tuple[int, Fraction | None]:
    planned = metrics.planned_progress(task.first_day, task.end, as_of, calendar, task.plan)
    return duration(task, calendar), planned


def compute(site: Site, as_of: date, memo: DerivedMemo | None = None) -> Status:
    """``memo``: values a resident preview kept from its last analysis (see
    `sitegen.engine.memo`)."""
    calendar = WorkCalendar.from_settings(site.settings.calendar)
    memo = memo or DerivedMemo()
    filed = _reports_in_order(site)
    all_entries = _all_entries(filed, memo)
    plans = memo.table("task-plans", (as_of, calendar))

    def plan_of(task: TaskDoc) -> tuple[int, Fraction | None]:
        """The task's duration and planned progress: a function of the task alone."""
        return plans.get(task, None, partial(_plan, task, as_of, calendar))

    entries = _entries_by_task(all_entries)
    reported = {task for task, history in entries.items() if history[0].day <= as_of}
    children = children_of(site.tasks)
    leaves = {parent: leaves_under(children, parent) for parent in children}
    unique = list(site.task_index.values())  # a duplicate id is an error: the first counts
    statuses = {t.id: effective_status(t, t.id in reported) for t in unique}
    for task in unique:
        if task.status is None and leaves.get(task.id):
            statuses[task.id] = summary_status([statuses[leaf] for leaf in leaves[task.id]])
    dependents: dict[str, list[str]] = defaultdict(list)
    for task in site.tasks:
        for dependency in task.depends_on:
            dependents[dependency].append(task.id)

    planned: dict[str, Fraction | None] = {}
    actual: dict[str, Fraction | None] = {}
    for task in unique:
        status = statuses[task.id]
        history = entries.get(task.id, [])
        planned[task.id] = plan_of(task)[1]
        actual[task.id] = metrics.actual_progress(
            ((e.day, e.entry.progress) for e in history if e.entry.progress is not None),
            as_of,
            done=status is TaskStatus.DONE,
            started=status not in CLOSED and task.first_day <= as_of,
        )
    for parent_id, leaf_ids in leaves.items():
        if parent_id not in statuses:
            continue  # a parent that does not exist; reported by validation
        rolled = project_progress(
            [site.task_index[leaf] for leaf in leaf_ids], as_of, calendar, actual.get, planned.get
        )
        planned[parent_id] = rolled.planned
        done = statuses[parent_id] is TaskStatus.DONE
        actual[parent_id] = metrics.HUNDRED if done else rolled.actual

    tasks: dict[str, TaskState] = {}
    for project in site.projects:
        floats = _floats(project, statuses, calendar)
        for task in project.tasks:
            if task.id in tasks:
                continue  # a duplicate id; reported by validation
            tasks[task.id] = TaskState(
                task=task,
                project=project.id,
                status=statuses[task.id],
                priority=task.effective_priority,
                duration=plan_of(task)[0],
                planned=planned[task.id],
                actual=actual[task.id],
                schedule_deviation=metrics.deviation(actual[task.id], planned[task.id]),
                total_float=floats.get(task.id),
                children=tuple(sorted(children.get(task.id, []))),
                dependents=tuple(sorted(dependents.get(task.id, []))),
                entries=tuple(entries.get(task.id, [])),
            )

    people = _people(site, tasks, calendar, [report for report, _ in filed])
    kpis = {project.id: _kpis(project, as_of) for project in site.projects}
    progress = {
        project.id: project_progress(project.tasks, as_of, calendar, actual.get, planned.get)
        for project in site.projects
    }
    return Status(as_of, calendar, tasks, people, kpis, all_entries, progress)


def _people(
    site: Site,
    tasks: dict[str, TaskState],
    calendar: WorkCalendar,
    reports_in_order: list[ReportDoc],
) -> dict[str, PersonState]:
    owned: dict[str, list[TaskState]] = defaultdict(list)
    for state in tasks.values():
        owned[state.task.owner].append(state)
    reports: dict[str, list[ReportDoc]] = defaultdict(list)
    for report in reports_in_order:
        reports[report.author].append(report)
    default_limit = site.settings.thresholds.max_concurrent
    people = {}
    for person in site.people:
        mine = owned.get(person.id, [])
        spans = [
            Span(s.task.id, s.task.first_day, s.task.end)
            for s in mine
            if s.is_open and s.is_leaf and s.task.first_day <= s.task.end
        ]
        people[person.id] = PersonState(
            person=person,
            load=daily_load(spans, calendar, person.max_concurrent or default_limit),
            tasks=tuple(sorted(s.task.id for s in mine)),
            reports=tuple(reports.get(person.id, ())),
        )
    return people


def _kpis(project: Project, as_of: date) -> tuple[KpiState, ...]:
    """The project's KPIs with the retro's actuals, once the retro has been held: one dated
    after ``as_of`` is a plan, and its numbers would call KPIs missed mid-project."""
    if project.doc is None:
        return ()
    retro = project.retro
    held = retro is not None and (retro.date is None or retro.date <= as_of)
    actuals = {k.id: k.actual for k in retro.kpis} if held and retro is not None else {}
    return tuple(
        KpiState(
            kpi=kpi,
            actual=metrics.exact(actuals[kpi.id]) if kpi.id in actuals else None,
            achievement=metrics.ratio(actuals.get(kpi.id), kpi.target),
        )
        for kpi in project.doc.kpis
    )
