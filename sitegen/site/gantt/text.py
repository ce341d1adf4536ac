"""The words on the chart: catalog, label widths and truncation, percentages."""

from __future__ import annotations

from fractions import Fraction

from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.site.gantt.style import LABEL_UNITS


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
    """A 0–100 percentage as the chart shows it: one decimal where it carries
    information ('66.7%'), none where it is zero ('100%', not '100.0%')."""
    if value is None:
        return None
    shown = metrics.percent_text(Fraction(value) / 100)
    return shown.replace(".0%", "%")


def label_units(task_id: str, depth: int) -> int:
    """The narrow-character units left for a task's name in the label column, after its
    indent and its id (drawn smaller, right-aligned): never fewer than 12."""
    id_units = (len(task_id) * 5 + 5) // 6  # the id's 10 px characters in 12 px units
    return max(12, LABEL_UNITS - id_units - 2 - 2 * depth)
