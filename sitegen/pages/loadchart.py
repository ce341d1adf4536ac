"""A person's load chart: active tasks per working day, as SVG bars prepared here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sitegen.pages.paths import week_key
from sitegen.workload import Load


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


def grid_step(scale: int, height: float, min_gap: float = 14.0) -> int:
    """The step between labelled grid lines (1, 2, 5, 10, 20, 50…) that keeps labels at
    least ``min_gap`` apart on an axis of ``height`` for 0..``scale``."""
    step, factors = 1, (2, 2.5, 2)  # 1 → 2 → 5 → 10 → 20 → 50 → 100…
    index = 0
    while height * step / scale < min_gap:
        step = round(step * factors[index % 3])
        index += 1
    return step


def load_chart(load: Load) -> LoadChart | None:
    """A person's active tasks per working day as bars, grouped by week."""
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
        bars.append(Bar(day, len(tasks), tasks, x, base - height, height, len(tasks) > load.limit))
        x += bar_w + gap
    weeks.append((current_week or "", week_x, x - gap - week_x))
    step = grid_step(scale, chart_h)
    grid = tuple((n, base - chart_h * n / scale) for n in range(0, scale + 1, step))
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
