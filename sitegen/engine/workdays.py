"""The working calendar: weekends, holidays and make-up working days (调休)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from sitegen.content.settings import CalendarSettings, expand_dates

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @classmethod
    def from_settings(cls, settings: CalendarSettings) -> WorkCalendar:
        return cls(
            weekend=settings.weekend_days,
            holidays=expand_dates(settings.holidays),
            workdays=expand_dates(settings.workdays),
        )

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def days(self, first: date, last: date) -> Iterator[date]:
        """Working days from ``first`` to ``last`` inclusive."""
        day = first
        while day <= last:
            if self.is_working(day):
                yield day
            day += ONE_DAY

    def count(self, first: date, last: date) -> int:
        """Working days in ``first``..``last`` inclusive (0 when last < first)."""
        if last < first:
            return 0
        total_days = (last - first).days + 1
        full_weeks, rest = divmod(total_days, 7)
        working_weekdays = 7 - len(self.weekend)
        count = full_weeks * working_weekdays
        count += self._working_in_part_week[first.weekday()][rest]
        count -= _within(self._weekday_holidays, first, last)
        count += _within(self._weekend_workdays, first, last)
        return count

    @cached_property
    def _working_in_part_week(self) -> tuple[tuple[int, ...], ...]:
        """[weekday][n]: the weekdays not in the weekend among the n days from weekday."""
        return tuple(
            tuple(
                sum(1 for i in range(rest) if (start + i) % 7 not in self.weekend)
                for rest in range(7)
            )
            for start in range(7)
        )

    @cached_property
    def _weekday_holidays(self) -> tuple[date, ...]:
        """The holidays that take a working day off, in order."""
        off = (d for d in self.holidays if d.weekday() not in self.weekend)
        return tuple(sorted(d for d in off if d not in self.workdays))

    @cached_property
    def _weekend_workdays(self) -> tuple[date, ...]:
        """The make-up working days that fall on a weekend, in order."""
        return tuple(sorted(d for d in self.workdays if d.weekday() in self.weekend))

    def between(self, after: date, until: date) -> int:
        """Working days in (after, until]: the guide's wd(a, D)."""
        return self.count(after + ONE_DAY, until)

    def previous(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        day -= ONE_DAY
        for _ in range(3660):
            if self.is_working(day):
                return day
            day -= ONE_DAY
        return day


def _within(days: tuple[date, ...], first: date, last: date) -> int:
    """How many of the sorted ``days`` fall in ``first``..``last``."""
    return bisect_right(days, last) - bisect_left(days, first)
