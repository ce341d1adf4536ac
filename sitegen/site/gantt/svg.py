"""Writing SVG markup: numbers, attributes, elements and class lists."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from markupsafe import escape


def num(value: float | int | Fraction) -> str:
    """A coordinate with at most one decimal, without a trailing '.0'."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def attrs(pairs: Iterable[tuple[str, object]]) -> str:
    """`` name="value"`` for each pair, numbers through `num`; a None value is left out."""
    parts = []
    for name, value in pairs:
        if value is None:
            continue
        if isinstance(value, float | int | Fraction) and not isinstance(value, bool):
            value = num(value)
        parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def el(name: str, pairs: Iterable[tuple[str, object]], content: str | None = None) -> str:
    """One element; ``content`` must already be escaped markup."""
    if content is None:
        return f"<{name}{attrs(pairs)}/>"
    return f"<{name}{attrs(pairs)}>{content}</{name}>"


def text(value: object) -> str:
    """``value`` as escaped element content."""
    return str(escape(value))


def class_list(always: Iterable[str], optional: Iterable[tuple[str, bool]] = ()) -> str:
    """The ``class`` attribute: the ``always`` names, then each optional one that is on."""
    return " ".join([*always, *(name for name, on in optional if on)])


def points(coordinates: Iterable[tuple[float, float]], separator: str = " ") -> str:
    """``x,y`` pairs for a polygon's ``points`` or, with ``" L"``, a path's line segments."""
    return separator.join(f"{num(x)},{num(y)}" for x, y in coordinates)
