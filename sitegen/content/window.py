"""The stretch of time the pages show.

Every date of the content, as a rule. But one typo in a date (1900 for 2024, an end in
2199) would otherwise stretch the weekly reviews, the Gantt charts and the load charts
over centuries of empty weeks: 15,655 weekly pages for one task. Pages then show the
busiest stretch of at most MAX_SHOWN_DAYS, and the check warns about the task.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

MAX_SHOWN_DAYS = 3 * 365 + 1  # three years: longer than any campaign the guide plans


def shown_window(
    days: Iterable[date], near: date, limit: int = MAX_SHOWN_DAYS
) -> tuple[date, date]:
    """The first and last day the pages show, given the content's ``days`` (task starts
    and ends, report dates…, each as often as it occurs) and the as-of day ``near``.

    All of them when they lie within ``limit`` days of each other; otherwise the
    stretch of at most ``limit`` days that holds the most of them, of equals the one
    holding ``near`` or else the one nearest to it, of those the earliest.
    """
    ordered = sorted([*days, near])
    if (ordered[-1] - ordered[0]).days < limit:
        return ordered[0], ordered[-1]
    best: tuple[int, int, date, date] | None = None  # (−count, distance, first, last)
    last_index = 0
    for first_index, first in enumerate(ordered):
        last_index = max(last_index, first_index)
        while last_index + 1 < len(ordered) and (ordered[last_index + 1] - first).days < limit:
            last_index += 1
        last = ordered[last_index]
        distance = max((first - near).days, (near - last).days, 0)
        candidate = (first_index - last_index - 1, distance, first, last)
        if best is None or candidate < best:
            best = candidate
    assert best is not None  # `ordered` holds `near` at least
    return best[2], best[3]


def clip(first: date, last: date, window: tuple[date, date]) -> tuple[date, date] | None:
    """``first``..``last`` cut to ``window``; None when they do not meet."""
    start, end = max(first, window[0]), min(last, window[1])
    return (start, end) if start <= end else None
