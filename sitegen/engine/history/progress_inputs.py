"""The inputs of every project's progress on one day, kept up to date file by file as the
history is walked (see `sitegen.engine.history.trend`): tasks' weights, dates and plans,
and the progress their reports state, with each project's sums."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.content.model import ReportDoc, TaskDoc
from sitegen.engine import metrics
from sitegen.engine.workdays import ONE_DAY, WorkCalendar

HUNDRED = Fraction(100)


class Ordinals:
    """Working days counted from an origin: count(a, b) = at(b) − at(a − 1)."""

    def __init__(self, calendar: WorkCalendar, origin: date) -> None:
        self.calendar = calendar
        self.origin = origin
        self._known: dict[date, int] = {}

    def at(self, day: date) -> int:
        known = self._known.get(day)
        if known is None:
            if day >= self.origin:
                known = self.calendar.count(self.origin, day)
            else:
                known = -self.calendar.count(day + ONE_DAY, self.origin - ONE_DAY)
            self._known[day] = known
        return known


@dataclass(frozen=True, slots=True)
class Counted:
    """A task as project progress counts it: a leaf, not a milestone, not cancelled."""

    project: str
    weight: int  # its duration in working days
    first_day: date
    end: date
    plan: tuple[tuple[date, Decimal], ...]


class PlannedCurve:
    """Σ weight × planned progress of some tasks, on any day.

    Without plan points a task's weight × planned progress is 100 × its working days
    elapsed, max(0, min(x, b) − a) in working-day ordinals (a: the day before its start,
    b: its end); summed over sorted a and b with prefix sums, a day costs two bisections.
    Tasks with plan points are evaluated on the days between their first and last point.
    """

    def __init__(self, tasks: Iterable[Counted], ordinals: Ordinals) -> None:
        self.ordinals = ordinals
        starts: list[int] = []
        ends: list[int] = []
        self.planned: list[tuple[Counted, dict[date, Decimal], date, date, Fraction]] = []
        for task in tasks:
            if task.plan:
                first, last = task.plan[0][0], task.plan[-1][0]
                after = task.weight * metrics.exact(task.plan[-1][1])
                self.planned.append((task, dict(task.plan), first, last, after))
            else:
                starts.append(ordinals.at(task.first_day - ONE_DAY))
                ends.append(ordinals.at(task.end))
        self.starts, self.ends = sorted(starts), sorted(ends)
        self.start_sums = [0, *accumulate(self.starts)]
        self.end_sums = [0, *accumulate(self.ends)]

    def total(self, day: date) -> Fraction:
        x = self.ordinals.at(day)
        begun = bisect_left(self.starts, x)
        ended = bisect_left(self.ends, x)
        elapsed = (begun * x - self.start_sums[begun]) - (ended * x - self.end_sums[ended])
        total = HUNDRED * elapsed
        for task, plan, first, last, after in self.planned:
            if day >= last:
                total += after
            elif day >= first:
                calendar = self.ordinals.calendar
                progress = metrics.planned_progress(task.first_day, task.end, day, calendar, plan)
                total += task.weight * progress
        return total


@dataclass
class _Project:
    weight: int = 0
    actual: Fraction = Fraction(0)  # Σ weight × actual progress
    curve: PlannedCurve | None = None  # None: to be made again


class ProgressInputs:
    """What the progress of every project depends on, kept up to date file by file.

    Tasks are known by file: the first folder of the path is the project, and a task
    weighs in its project's progress when it is a leaf there (no task of the project
    names it as parent), not a milestone, not cancelled, and has a working day. Reports
    are known by file; their progress values count by task id. The day moves forward
    only.
    """

    def __init__(self, calendar: WorkCalendar, day: date) -> None:
        self.day = day
        self.tasks: dict[str, TaskDoc] = {}
        self.reports: dict[str, ReportDoc] = {}
        self._paths: dict[str, set[str]] = defaultdict(set)  # task id → its files
        # (project, task id) → how many tasks of the project name it as parent
        self._children: dict[tuple[str, str], int] = defaultdict(int)
        # task id → (report day, report file, entry index) → progress
        self._progress: dict[str, dict[tuple[date, str, int], Decimal]] = defaultdict(dict)
        self._counted: dict[str, tuple[Counted, Fraction]] = {}  # by task file
        self._projects: dict[str, _Project] = defaultdict(_Project)
        self._agenda: dict[date, set[str]] = defaultdict(set)  # day → ids to look at again
        self.set_calendar(calendar)

    # Changes

    def set_calendar(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.ordinals = Ordinals(calendar, self.day)
        for path in list(self.tasks):
            self._refresh(path)

    def set_task(self, path: str, task: TaskDoc | None) -> None:
        project = project_of(path)
        old = self.tasks.pop(path, None)
        if task is not None:
            self.tasks[path] = task
        parents = set()
        for doc, step in ((old, -1), (task, 1)):
            if doc is None:
                continue
            if step > 0:
                self._paths[doc.id].add(path)
            else:
                self._paths[doc.id].discard(path)
            if doc.parent and doc.parent != doc.id:
                self._children[(project, doc.parent)] += step
                parents.add(doc.parent)
        self._refresh(path)
        for parent in parents:
            for parent_path in self._paths.get(parent, ()):
                if project_of(parent_path) == project:
                    self._refresh(parent_path)

    def set_report(self, path: str, report: ReportDoc | None) -> None:
        old = self.reports.pop(path, None)
        if report is not None:
            self.reports[path] = report
        touched = set()
        for doc, adding in ((old, False), (report, True)):
            if doc is None:
                continue
            for index, entry in enumerate(doc.entries):
                if entry.progress is None:
                    continue
                key = (doc.date, path, index)
                if adding:
                    self._progress[entry.task][key] = entry.progress
                else:
                    self._progress[entry.task].pop(key, None)
                touched.add(entry.task)
        for task_id in touched:
            self._refresh_id(task_id)

    def move_to(self, day: date) -> None:
        """The day after the last one asked about: reports dated up to it now count."""
        due = sorted(d for d in self._agenda if d <= day)
        self.day = day
        for when in due:
            for task_id in self._agenda.pop(when):
                self._refresh_id(task_id)

    # Results

    def progress(self, project_id: str, day: date) -> tuple[Fraction | None, Fraction | None]:
        """Planned and actual progress (percent) of a project on ``day`` (the current day
        or a later one without changes in between), None when no task weighs."""
        project = self._projects.get(project_id)
        if project is None or project.weight == 0:
            return None, None
        if project.curve is None:
            members = (c for c, _ in self._counted.values() if c.project == project_id)
            project.curve = PlannedCurve(members, self.ordinals)
        return project.curve.total(day) / project.weight, project.actual / project.weight

    def copy(self) -> ProgressInputs:
        """An independent copy: its changes do not reach this one (the documents, the
        counted tasks, the curves and the working-day ordinals are shared: none of them
        is changed in place)."""
        twin = object.__new__(ProgressInputs)
        twin.day, twin.calendar, twin.ordinals = self.day, self.calendar, self.ordinals
        twin.tasks, twin.reports = dict(self.tasks), dict(self.reports)
        twin._paths = defaultdict(set, {key: set(v) for key, v in self._paths.items()})
        twin._children = defaultdict(int, self._children)
        twin._progress = defaultdict(dict, {key: dict(v) for key, v in self._progress.items()})
        twin._counted = dict(self._counted)
        twin._projects = defaultdict(_Project, {k: replace(v) for k, v in self._projects.items()})
        twin._agenda = defaultdict(set, {key: set(v) for key, v in self._agenda.items()})
        return twin

    # Bookkeeping

    def _refresh_id(self, task_id: str) -> None:
        for path in self._paths.get(task_id, ()):
            self._refresh(path)

    def _refresh(self, path: str) -> None:
        """Count the task in ``path`` anew: whether it weighs, how much, its actual progress."""
        task = self.tasks.get(path)
        new: tuple[Counted, Fraction] | None = None
        if task is not None:
            counted = self._counted_task(path, task)
            if counted is not None:
                new = (counted, self._actual(task))
        old = self._counted.get(path)
        if old == new:
            return
        for entry, sign in ((old, -1), (new, 1)):
            if entry is None:
                continue
            counted, actual = entry
            project = self._projects[counted.project]
            project.weight += sign * counted.weight
            project.actual += sign * counted.weight * actual
            if old is None or new is None or old[0] != new[0]:
                project.curve = None
        if new is None:
            self._counted.pop(path, None)
        else:
            self._counted[path] = new

    def _counted_task(self, path: str, task: TaskDoc) -> Counted | None:
        project = project_of(path)
        if (
            self._children.get((project, task.id))
            or task.kind is TaskKind.MILESTONE
            or task.status is TaskStatus.CANCELLED
        ):
            return None
        weight = self.calendar.count(task.first_day, task.end)
        if weight == 0:
            return None  # weighs nothing in either sum
        plan = tuple(sorted((task.plan or {}).items()))
        return Counted(project, weight, task.first_day, task.end, plan)

    def _actual(self, task: TaskDoc) -> Fraction:
        """Its latest progress reported on or before the day; 100 when done; 0 without."""
        if task.status is TaskStatus.DONE:
            return HUNDRED
        reported = self._progress.get(task.id)
        if not reported:
            return Fraction(0)
        latest = None
        later = None
        for key in reported:
            if key[0] <= self.day:
                if latest is None or key > latest:
                    latest = key
            elif later is None or key[0] < later:
                later = key[0]
        if later is not None:
            self._agenda[later].add(task.id)
        return Fraction(0) if latest is None else metrics.exact(reported[latest])


def project_of(path: str) -> str:
    return path.split("/", 1)[0]


__all__ = ["Counted", "Ordinals", "PlannedCurve", "ProgressInputs", "project_of"]
