"""The working calendar: weekends, holidays and make-up working days (调休)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

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
        start_weekday = first.weekday()
        count += sum(1 for i in range(rest) if (start_weekday + i) % 7 not in self.weekend)
        count -= sum(
            1
            for d in self.holidays
            if first <= d <= last and d.weekday() not in self.weekend and d not in self.workdays
        )
        count += sum(1 for d in self.workdays if first <= d <= last and d.weekday() in self.weekend)
        return count

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
