"""The numbers of SPEC §5 as pure functions over plain values.

Arithmetic is exact (Fraction) so a shortfall of exactly the threshold raises the
alert; rounding to one decimal happens only when a number is shown or exported.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

import regex

from sitegen.engine.workdays import WorkCalendar

Number = int | Decimal | Fraction
HUNDRED = Fraction(100)


_GRAPHEME = regex.compile(r"\X")


def characters(text: str) -> int:
    """How many characters a reader counts in ``text`` (a brief's length, SPEC §6): an
    accented letter, an emoji family or a flag is one, however many code points it is
    stored as, and é counts the same whether typed composed or not."""
    if text.isascii() and "\r" not in text:  # one code point per character (but CR LF)
        return len(text)
    return len(_GRAPHEME.findall(unicodedata.normalize("NFC", text)))


# Progress values repeat (0, 50, 100…): a build converts the same few thousand numbers
# hundreds of thousands of times, and Fraction construction is slow. The functions are
# pure, so memoising them cannot change a result.
@lru_cache(maxsize=8192, typed=True)
def exact(value: Number | float) -> Fraction:
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


@lru_cache(maxsize=8192, typed=True)
def ratio(actual: Number | None, planned: Number | None) -> Fraction | None:
    """actual / planned, or None when planned is 0 or unknown (completion, achievement)."""
    if actual is None or planned is None or exact(planned) == 0:
        return None
    return exact(actual) / exact(planned)


@lru_cache(maxsize=8192, typed=True)
def deviation(actual: Number | None, planned: Number | None) -> Fraction | None:
    """(actual − planned) / planned: negative when behind, None without a plan."""
    share = ratio(actual, planned)
    return None if share is None else share - 1


def is_alert(value: Fraction | None, threshold: Number) -> bool:
    """The guide's rule (planned − actual)/planned ≥ threshold, i.e. deviation ≤ −threshold."""
    return value is not None and value <= _negated(threshold)


@lru_cache(maxsize=64, typed=True)
def _negated(threshold: Number) -> Fraction:
    return -exact(threshold)


def percent(value: Fraction | None) -> float | None:
    """A fraction as a percentage rounded half-up to one decimal (2/3 → 66.7)."""
    if value is None:
        return None
    scaled = Decimal(value.numerator * 100) / Decimal(value.denominator)
    rounded = float(scaled.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return rounded or 0.0  # a lag smaller than 0.05% is 0.0, not -0.0


def percent_text(value: Fraction | None, signed: bool = False) -> str:
    """How a percentage is shown: '66.7%', signed '-33.3%' / '+12.5%' (zero is '0.0%');
    '—' when there is no value."""
    shown = percent(value)
    if shown is None:
        return "—"
    return f"{shown:+.1f}%" if signed and shown else f"{shown:.1f}%"


def percent_label(value: Fraction | None, signed: bool = False) -> str:
    """A percentage as a page shows it: the decimal only where it carries information
    ('100%', '37.5%', signed '-50%' / '+12.5%'); '—' when there is no value. status.json
    and finding messages keep `percent_text` (one decimal always, SPEC §8)."""
    text = percent_text(value, signed)
    return text.replace(".0%", "%")


def planned_progress(
    start: date,
    end: date,
    on: date,
    calendar: WorkCalendar,
    plan: Mapping[date, Number] | None = None,
) -> Fraction:
    """Planned cumulative % complete on ``on`` (0–100)."""
    if plan:
        return _from_plan_points(plan, on, calendar)
    if on < start:
        return Fraction(0)
    duration = calendar.count(start, end)
    if duration == 0:
        return HUNDRED if on >= end else Fraction(0)
    elapsed = calendar.count(start, min(on, end))
    return min(HUNDRED, max(Fraction(0), HUNDRED * elapsed / duration))


def _from_plan_points(plan: Mapping[date, Number], on: date, calendar: WorkCalendar) -> Fraction:
    points = sorted(plan.items())
    if on < points[0][0]:
        return Fraction(0)
    previous_day, previous_value = points[0]
    for day, value in points:
        if on == day:
            return exact(value)
        if on < day:
            span = calendar.between(previous_day, day)
            low = exact(previous_value)
            if span == 0:
                return low
            return low + (exact(value) - low) * calendar.between(previous_day, on) / span
        previous_day, previous_value = day, value
    return exact(points[-1][1])


def actual_progress(
    reported: Iterable[tuple[date, Number]], on: date, done: bool, started: bool = False
) -> Fraction | None:
    """The latest reported progress on or before ``on``; 100 when done.

    Without a report by ``on``: 0 for an open task that has ``started`` (start ≤ ``on``),
    since no report is no evidence of progress; None for one that has not.
    """
    if done:
        return HUNDRED
    latest = None
    for day, value in reported:
        if day <= on and (latest is None or day >= latest[0]):
            latest = (day, value)
    if latest is None:
        return Fraction(0) if started else None
    return exact(latest[1])
