"""Chart geometry for the pages: a project's planned-vs-actual S-curve (and its
sparkline), and the people × working-days load heatmap.

Everything here is SVG coordinates computed from numbers; the templates
(charts.html) only draw them, with a title and a data table beside each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sitegen.engine.history.trend import TrendPoint
from sitegen.engine.workload import Load

HUNDRED = Fraction(100)


@dataclass(frozen=True)
class Frame:
    """A chart's size and the margins around its plot area."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.height - self.bottom

    def x(self, index: int, count: int) -> float:
        """The x of the ``index``-th of ``count`` evenly spaced points (one: centred)."""
        if count <= 1:
            return tidy(self.left + self.plot_width / 2)
        return tidy(self.left + self.plot_width * index / (count - 1))

    def y(self, percent: Fraction | float) -> float:
        """The y of a percentage (0–100; outside that range clamped to the plot)."""
        clamped = min(max(float(percent), 0.0), 100.0)
        return tidy(self.top + self.plot_height * (1 - clamped / 100))


def tidy(value: float) -> float:
    """A coordinate as a page writes it: a whole number without ".0", else one decimal."""
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() else rounded


CURVE_FRAME = Frame(width=640, height=220, left=46, right=16, top=12, bottom=34)
SPARK_FRAME = Frame(width=120, height=32, left=2, right=2, top=3, bottom=3)
CURVE_GRID = (0, 25, 50, 75, 100)
MIN_TICK_GAP = 52.0  # px between two date labels under an S-curve


def coord(value: float) -> str:
    """A coordinate with at most one decimal: 12.0 → "12", 12.25 → "12.2"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class SCurve:
    frame: Frame
    planned: tuple[str, ...]  # polyline "x,y x,y" strings, one per unbroken run
    actual: tuple[str, ...]
    baseline: tuple[str, ...]
    grid: tuple[tuple[int, float], ...]  # (percent, y)
    ticks: tuple[tuple[date, float], ...]  # (day, x) of the date labels
    last: TrendPoint  # the newest point with an actual progress: the as-of day
    last_x: float
    last_actual_y: float | None
    end: date  # the last day drawn


def polylines(values: Sequence[Fraction | None], frame: Frame) -> tuple[str, ...]:
    """``values`` (one per day, evenly spaced) as polyline point lists; a missing value
    breaks the line rather than drawing it to zero."""
    runs: list[list[str]] = []
    previous_missing = True
    for index, value in enumerate(values):
        if value is None:
            previous_missing = True
            continue
        point = f"{coord(frame.x(index, len(values)))},{coord(frame.y(value))}"
        if previous_missing:
            runs.append([])
        runs[-1].append(point)
        previous_missing = False
    return tuple(" ".join(run) for run in runs)


def week_ticks(days: Sequence[date], frame: Frame, min_gap: float = MIN_TICK_GAP):
    """The first day and then the first day of each later week, skipping any label
    closer than ``min_gap`` to the one before it."""
    ticks: list[tuple[date, float]] = []
    for index, day in enumerate(days):
        first_of_week = index == 0 or days[index - 1].isocalendar()[:2] != day.isocalendar()[:2]
        x = frame.x(index, len(days))
        if first_of_week and (not ticks or x - ticks[-1][1] >= min_gap):
            ticks.append((day, x))
    return tuple(ticks)


def s_curve(
    points: Sequence[TrendPoint],
    frame: Frame = CURVE_FRAME,
    baseline: Sequence[Fraction | None] = (),
    ahead: Sequence[tuple[date, Fraction | None]] = (),
) -> SCurve | None:
    """Planned and actual progress of a project day by day (its trend), then the
    planned progress on the days ``ahead`` (after the trend's last day, to the project's
    end); ``baseline``, when given, holds the planned progress by the baseline plan on
    every day drawn (the trend's and those ahead)."""
    if not points:
        return None
    days = [p.day for p in points] + [day for day, _ in ahead]
    planned = [p.planned for p in points] + [value for _, value in ahead]
    actual = [p.actual for p in points] + [None] * len(ahead)
    count = len(days)
    last = points[-1]
    return SCurve(
        frame,
        polylines(planned, frame),
        polylines(actual, frame),
        polylines(list(baseline), frame) if len(baseline) == count else (),
        tuple((n, frame.y(n)) for n in CURVE_GRID),
        week_ticks(days, frame),
        last,
        frame.x(len(points) - 1, count),
        None if last.actual is None else frame.y(last.actual),
        days[-1],
    )


def sparkline(
    points: Sequence[TrendPoint], ahead: Sequence[tuple[date, Fraction | None]] = ()
) -> SCurve | None:
    """The S-curve small enough for a table row (no axes, no labels)."""
    return s_curve(points, SPARK_FRAME, ahead=ahead)


# ---- load heatmap

CELL = 24  # a heatmap cell's width and height
ROW_LABEL = 96  # the width of the names column
HEAD = 34  # room for the week and day labels above the cells
WEEK_GAP = 4  # the gap between two weeks' cells
MAX_HEAT_DAYS = 66  # about three months of working days
HEAT_LEVELS = 3  # shades for a load within the limit; over the limit is its own mark


def heat_level(count: int, limit: int) -> int:
    """0 for no task, 1–3 for a share of the limit (⌈3·count/limit⌉), 4 over it."""
    if count <= 0:
        return 0
    limit = max(limit, 1)
    if count > limit:
        return HEAT_LEVELS + 1
    return -(-HEAT_LEVELS * count // limit)


def heat_days(
    working: Sequence[date], as_of: date, last_busy: date | None, limit: int = MAX_HEAT_DAYS
) -> list[date]:
    """The working days a heatmap shows: from the Monday of the week before ``as_of`` to
    the last day with a task (``last_busy``) or, if earlier, two weeks after ``as_of``;
    at most ``limit`` of them. Load counts open tasks only, so earlier days are empty."""
    first = as_of - timedelta(days=as_of.weekday() + 7)
    last = max(last_busy or as_of, as_of + timedelta(days=14))
    return [day for day in working if first <= day <= last][:limit]


@dataclass(frozen=True)
class HeatColumn:
    day: date
    x: int
    week_start: bool  # the first day shown of its week: the week label goes here
    makeup: bool  # a make-up working day (调休) on a weekend
    today: bool


@dataclass(frozen=True)
class HeatCell:
    day: date
    x: int
    count: int
    tasks: tuple[str, ...]
    level: int
    over: bool


@dataclass(frozen=True)
class HeatRow:
    person: str
    name: str
    y: int
    limit: int
    cells: tuple[HeatCell, ...]

    @property
    def over_days(self) -> int:
        return sum(1 for cell in self.cells if cell.over)


@dataclass(frozen=True)
class Heatmap:
    columns: tuple[HeatColumn, ...]
    rows: tuple[HeatRow, ...]
    width: int
    height: int
    today_x: int | None

    @property
    def limits(self) -> tuple[int, ...]:
        """The different limits of the rows, smallest first."""
        return tuple(sorted({row.limit for row in self.rows}))


def heat_columns(days: Sequence[date], makeup: frozenset[date], as_of: date) -> list[HeatColumn]:
    columns: list[HeatColumn] = []
    x = ROW_LABEL
    for index, day in enumerate(days):
        week_start = index == 0 or days[index - 1].isocalendar()[:2] != day.isocalendar()[:2]
        if week_start and index:
            x += WEEK_GAP
        columns.append(HeatColumn(day, x, week_start, day in makeup, day == as_of))
        x += CELL
    return columns


def load_heatmap(
    people: Sequence[tuple[str, str, Load]],
    days: Sequence[date],
    makeup: frozenset[date] = frozenset(),
    as_of: date | None = None,
) -> Heatmap | None:
    """One row per (person id, name, load), one column per working day in ``days``; a
    cell holds how many tasks the person has active that day."""
    if not people or not days:
        return None
    columns = heat_columns(days, makeup, as_of or date.min)
    rows = []
    for index, (person_id, name, load) in enumerate(people):
        cells = []
        for column in columns:
            tasks = load.by_day.get(column.day, ())
            count = len(tasks)
            level = heat_level(count, load.limit)
            cells.append(HeatCell(column.day, column.x, count, tasks, level, count > load.limit))
        rows.append(HeatRow(person_id, name, HEAD + index * CELL, load.limit, tuple(cells)))
    today = next((c.x + CELL // 2 for c in columns if c.today), None)
    width = columns[-1].x + CELL + 4
    return Heatmap(tuple(columns), tuple(rows), width, HEAD + len(rows) * CELL + 4, today)


__all__ = [
    "CELL",
    "CURVE_FRAME",
    "SPARK_FRAME",
    "Frame",
    "HeatCell",
    "HeatColumn",
    "HeatRow",
    "Heatmap",
    "SCurve",
    "coord",
    "heat_days",
    "heat_level",
    "load_heatmap",
    "polylines",
    "s_curve",
    "sparkline",
    "tidy",
    "week_ticks",
]
