"""Concurrent active tasks per person and working day (SPEC §5, overload)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sitegen.engine.workdays import WorkCalendar


@dataclass(frozen=True)
class Span:
    task: str
    first: date
    last: date


@dataclass(frozen=True)
class Load:
    by_day: dict[date, tuple[str, ...]]  # working day -> active task ids (sorted)
    limit: int

    @property
    def peak(self) -> int:
        return max((len(tasks) for tasks in self.by_day.values()), default=0)

    @property
    def overloaded_days(self) -> list[date]:
        return sorted(day for day, tasks in self.by_day.items() if len(tasks) > self.limit)

    @property
    def overloaded(self) -> bool:
        return self.peak > self.limit


def daily_load(spans: Iterable[Span], calendar: WorkCalendar, limit: int) -> Load:
    active: dict[date, list[str]] = defaultdict(list)
    for span in spans:
        for day in calendar.days(span.first, span.last):
            active[day].append(span.task)
    return Load({day: tuple(sorted(tasks)) for day, tasks in sorted(active.items())}, limit)


def day_runs(days: list[date], calendar: WorkCalendar) -> list[tuple[date, date]]:
    """Group sorted working days into runs of consecutive working days."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and calendar.previous(day) == runs[-1][1]:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
