"""The words on the chart: catalog, label widths and truncation, percentages."""

from __future__ import annotations

from fractions import Fraction

from sitegen import metrics
from sitegen.gantt.style import LABEL_UNITS
from sitegen.i18n import Messages


def catalog(messages: Messages) -> Messages:
    """The gantt catalog in the caller's language, whichever catalog was passed."""
    return messages if messages.kind == "gantt" else Messages(messages.language, kind="gantt")


def _char_width(ch: str) -> int:
    return 2 if ord(ch) > 0x2E7F else 1


def text_width(text: str) -> int:
    """Width in narrow-character units: a CJK (or wider) character counts 2."""
    return sum(_char_width(ch) for ch in text)


def truncate(text: str, units: int = LABEL_UNITS) -> str:
    """Cut ``text`` to ``units`` narrow-character widths (CJK counts 2), ending in '…'."""
    text = " ".join(text.split())
    if text_width(text) <= units:
        return text
    out, used = [], 0
    for ch in text:
        width = _char_width(ch)
        if used + width > units - 1:
            break
        out.append(ch)
        used += width
    return "".join(out).rstrip() + "…"


def percent(value: Fraction | None) -> str | None:
    """A 0–100 percentage rounded to one decimal, as SPEC §5 shows it."""
    return None if value is None else metrics.percent_text(Fraction(value) / 100)
