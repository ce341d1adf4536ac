"""Days: today where the site is, and the years a date may plausibly fall in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1900, 2199


def plausible(day: date) -> bool:
    """Whether ``day`` falls in FIRST_YEAR..LAST_YEAR: any other year is a typo."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


__all__ = ["FIRST_YEAR", "LAST_YEAR", "plausible", "today_in"]
