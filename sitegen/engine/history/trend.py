"""The trend of a project: its planned and actual progress (SPEC §5) on every working
day, computed from the content as it stood at the end of that day (SPEC §9).

So a trend point is what `--as-of` that day shows. The history is walked once, in
order: each revision updates the inputs of project progress file by file (a task's
weight, dates and plan; the progress its reports state), and a project's sums are
updated by the difference a changed task makes. On a day without changes only the
planned progress moves, which a project's `PlannedCurve` gives in O(log n).

Days from the newest commit's day on show the working tree, as `--as-of` does: the
trend takes the loaded site's documents for them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.content.history.documents import VersionReader
from sitegen.content.history.model import History
from sitegen.content.history.snapshot import day_of, end_of_day
from sitegen.content.load import is_document_path
from sitegen.content.model import ReportDoc, TaskDoc
from sitegen.content.projects import Site
from sitegen.content.settings import SiteSettings
from sitegen.content.source import ReadError, decode_text, parse_yaml
from sitegen.engine import metrics
from sitegen.engine.memo import DerivedMemo
from sitegen.engine.workdays import ONE_DAY, WorkCalendar

HUNDRED = Fraction(100)
SETTINGS_FILE = "site.yaml"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    planned: Fraction | None  # percent, 0–100; None when no task counts
    actual: Fraction | None

    @property
    def deviation(self) -> Fraction | None:
        return metrics.deviation(self.actual, self.planned)


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
        project = _project_of(path)
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
                if _project_of(parent_path) == project:
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
        project = _project_of(path)
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


def _project_of(path: str) -> str:
    return path.split("/", 1)[0]


# ---------------------------------------------------------------- walking the history


def parse_settings(data: bytes) -> SiteSettings | None:
    """site.yaml as some commit had it; None when it does not parse or validate."""
    try:
        text, _ = decode_text(data)
        values, _, _ = parse_yaml(text)
        return SiteSettings.model_validate(values if values is not None else {})
    except (ReadError, ValidationError, ValueError):
        return None


@dataclass(frozen=True)
class Hidden:
    """What `build --public` leaves out: the trend leaves out the same in every version
    (as the site now marks it internal)."""

    tasks: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    projects: frozenset[str] = frozenset()

    @classmethod
    def between(cls, loaded: Site, shown: Site) -> Hidden:
        """What ``shown`` (the site redacted) lacks of ``loaded``."""
        return cls(
            frozenset(t.id for t in loaded.tasks) - {t.id for t in shown.tasks},
            frozenset(p.id for p in loaded.people) - {p.id for p in shown.people},
            frozenset(p.id for p in loaded.projects) - {p.id for p in shown.projects},
        )

    def task(self, path: str, task: TaskDoc | None) -> TaskDoc | None:
        if task is None or task.internal or task.id in self.tasks:
            return None
        return None if _project_of(path) in self.projects else task

    def report(self, report: ReportDoc | None) -> ReportDoc | None:
        if report is None or report.internal or report.author in self.people:
            return None
        return report


class _Replay:
    """Applies revisions' changes of content files to `ProgressInputs`."""

    def __init__(self, inputs: ProgressInputs, reader: VersionReader, hidden: Hidden) -> None:
        self.inputs = inputs
        self.reader = reader
        self.hidden = hidden

    def change(self, path: str, blob: str | None) -> None:
        if path == SETTINGS_FILE:
            settings = None
            if blob is not None:
                settings = parse_settings(self.reader.history.read(blob))
            self.inputs.set_calendar(
                WorkCalendar.from_settings((settings or SiteSettings()).calendar)
            )
        elif is_document_path(path):
            kind = path.split("/", 2)[1]
            if kind == "tasks":
                task = self.reader.document(blob, path, TaskDoc)
                self.inputs.set_task(path, self.hidden.task(path, task))
            elif kind == "reports":
                report = self.reader.document(blob, path, ReportDoc)
                self.inputs.set_report(path, self.hidden.report(report))

    def live(self, site: Site) -> None:
        """Switch to the documents of the loaded site (the working tree)."""
        inputs = self.inputs
        inputs.set_calendar(WorkCalendar.from_settings(site.settings.calendar))
        tasks = {t.source.file: t for t in site.tasks}
        reports = {r.source.file: r for r in site.reports}
        for path in set(inputs.tasks) | set(tasks):
            if inputs.tasks.get(path) is not tasks.get(path):
                inputs.set_task(path, tasks.get(path))
        for path in set(inputs.reports) | set(reports):
            if inputs.reports.get(path) is not reports.get(path):
                inputs.set_report(path, reports.get(path))


def first_days(history: History, zone: ZoneInfo) -> dict[str, date]:
    """The day each top-level folder first appeared in the history."""
    found: dict[str, date] = {}
    for revision in history.revisions:
        for change in revision.changes:
            folder, _, rest = change.path.partition("/")
            if rest and folder not in found and change.blob is not None:
                found[folder] = day_of(revision.effective, zone)
    return found


@dataclass(frozen=True)
class _BeforeLive:
    """The replay of the history up to the first day the working tree shows."""

    inputs: ProgressInputs
    applied: int  # revisions applied
    trends: dict[str, list[TrendPoint]]  # the points of the days before
    day_index: int  # of that day, among the days of the trend


def project_trends(
    site: Site,
    history: History,
    reader: VersionReader,
    as_of: date,
    live_from: date | None = None,
    hidden: Hidden = Hidden(),
    zone: ZoneInfo | None = None,
    memo: DerivedMemo | None = None,
) -> dict[str, list[TrendPoint]]:
    """The trend of every project of ``site`` (the content as of ``as_of``): one point
    per working day from its start (or its first commit, if later) to ``as_of``.
    ``live_from``: the day from which the working tree shows (the newest commit's day);
    ``site`` is then what it shows. ``hidden``: what a public build leaves out.
    ``zone``: the one that says which commits end a day (default: the site's).
    ``memo``: what a resident preview kept from its last analysis."""
    zone = zone or ZoneInfo(site.settings.timezone)
    calendar = WorkCalendar.from_settings(site.settings.calendar)
    appeared = first_days(history, zone)
    firsts: dict[str, date] = {}
    for project in site.projects:
        first = appeared.get(project.id, live_from)
        start = project.doc.start if project.doc is not None else None
        if first is not None and start is not None:
            first = max(first, start)
        if first is not None and first <= as_of:
            firsts[project.id] = first
    trends: dict[str, list[TrendPoint]] = {project.id: [] for project in site.projects}
    if not firsts:
        return trends
    days = list(calendar.days(min(firsts.values()), as_of))
    inputs = ProgressInputs(WorkCalendar(), days[0] if days else as_of)
    revisions = history.revisions
    applied = 0
    is_live = False
    # All before the working tree shows is the history's: a preview keeps it between
    # its analyses, as it stood on the first day the working tree shows.
    context = (history.head, len(revisions), days, live_from, zone, firsts, hidden)
    kept: _BeforeLive | None = memo.kept("trend", context) if memo is not None else None
    if kept is not None:
        inputs, applied = kept.inputs.copy(), kept.applied
        trends = {project.id: list(kept.trends.get(project.id, ())) for project in site.projects}
        days = days[kept.day_index :]
    replay = _Replay(inputs, reader, hidden)
    for index, day in enumerate(days):
        inputs.move_to(day)
        if live_from is not None and day >= live_from:
            if not is_live:
                if memo is not None and kept is None:
                    points = {key: list(points) for key, points in trends.items()}
                    memo.keep("trend", context, _BeforeLive(inputs.copy(), applied, points, index))
                replay.live(site)
                is_live = True
        else:
            until = end_of_day(day, zone)
            while applied < len(revisions) and revisions[applied].effective <= until:
                for change in revisions[applied].changes:
                    replay.change(change.path, change.blob)
                applied += 1
        for project_id, first in firsts.items():
            if day >= first:
                planned, actual = inputs.progress(project_id, day)
                trends[project_id].append(TrendPoint(day, planned, actual))
    return trends


def trend_rows(points: Iterable[TrendPoint]) -> list[dict[str, object]]:
    """A trend as status.json writes it: percentages with one decimal."""
    return [
        {
            "date": point.day.isoformat(),
            "planned": metrics.percent(None if point.planned is None else point.planned / 100),
            "actual": metrics.percent(None if point.actual is None else point.actual / 100),
        }
        for point in points
    ]


def weekly_points(points: Iterable[TrendPoint]) -> list[TrendPoint]:
    """The last point of each week (Monday to Sunday), oldest first: a trend short
    enough for a table on a page."""
    rows: list[TrendPoint] = []
    for point in points:
        if rows and rows[-1].day.isocalendar()[:2] == point.day.isocalendar()[:2]:
            rows[-1] = point
        else:
            rows.append(point)
    return rows


__all__ = [
    "Counted",
    "Hidden",
    "Ordinals",
    "PlannedCurve",
    "ProgressInputs",
    "TrendPoint",
    "first_days",
    "parse_settings",
    "project_trends",
    "trend_rows",
    "weekly_points",
]
