"""The trend of a project: its planned and actual progress (SPEC §5) on every working
day, computed from the content as it stood at the end of that day (SPEC §9).

So a trend point is what `--as-of` that day shows. The history is walked once, in
order: each revision updates the inputs of project progress file by file (a task's
weight, dates and plan; the progress its reports state), and a project's sums are
updated by the difference a changed task makes (`progress_inputs.ProgressInputs`). On
a day without changes only the planned progress moves, which a project's
`PlannedCurve` gives in O(log n).

Days from the newest commit's day on show the working tree, as `--as-of` does: the
trend takes the loaded site's documents for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from sitegen.content.history.documents import VersionReader
from sitegen.content.history.model import History
from sitegen.content.history.snapshot import day_of, end_of_day
from sitegen.content.load import is_document_path
from sitegen.content.model import ReportDoc, TaskDoc
from sitegen.content.projects import Site
from sitegen.content.settings import SiteSettings
from sitegen.content.source import ReadError, decode_text, parse_yaml
from sitegen.engine import metrics
from sitegen.engine.history.progress_inputs import ProgressInputs, project_of
from sitegen.engine.memo import DerivedMemo
from sitegen.engine.workdays import WorkCalendar

SETTINGS_FILE = "site.yaml"


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    planned: Fraction | None  # percent, 0–100; None when no task counts
    actual: Fraction | None

    @property
    def deviation(self) -> Fraction | None:
        return metrics.deviation(self.actual, self.planned)


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
        return None if project_of(path) in self.projects else task

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
        calendar = WorkCalendar.from_settings(site.settings.calendar)
        if calendar != inputs.calendar:  # (every task would be counted again)
            inputs.set_calendar(calendar)
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
    context = (history.head, days, live_from, zone, firsts, hidden)
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
    "Hidden",
    "TrendPoint",
    "first_days",
    "parse_settings",
    "project_trends",
    "trend_rows",
    "weekly_points",
]
