"""The theme's state colours, read from site.css: red is kept for bad state, and the
colours a reader must tell apart stay apart with protanopia and deuteranopia.

The simulation is Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear
sRGB; the distance is CIE76 ΔE in CIELAB (D65). A ΔE of about 2 is just noticeable; 10
is a difference one sees at a glance, which is what a health pill or a tag needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (
    Path(__file__).resolve().parent.parent / "sitegen/site/themes/default/static/site.css"
).read_text("utf-8")

MACHADO = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}
#: Pairs a reader must tell apart: health and state tags, text and their backgrounds.
DISTINCT = (
    ("red", "amber"),
    ("red", "green"),
    ("amber", "green"),
    ("red-bg", "amber-bg"),
    ("red-bg", "green-bg"),
    ("amber-bg", "green-bg"),
)
MIN_DELTA_E = 10.0
#: Rules that may use red: bad states only (alerts, overdue, deviation, overload, a
#: missed KPI, health red). Not priority, impact or the critical path.
RED_ALLOWED = {
    ".warn, .miss, .bad",
    "strong.bad",
    ".h-red",
    ".dev.alert",
    ".alert-item",
    ".health-card.hc-red",
    ".prow.hc-red",
    # the load heatmap: a day over the person's limit, and its legend swatch
    ".heatmap .over rect",
    ".heatmap .over text",
    ".swatch.l4",
    ".tag.load-overloaded, .tag.load-at-risk",  # a person's load state
    ".week-list.overdue",  # "my week": what is overdue
    ".change.worse",  # this week against last: worse
}


def _properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", block))


def _root_block(text: str) -> str:
    start = text.index(":root {")
    return text[start : text.index("}", start)]


def palettes() -> dict[str, dict[str, str]]:
    light = _properties(_root_block(CSS))
    dark_media = CSS[CSS.index("@media (prefers-color-scheme: dark)") :]
    dark = {**light, **_properties(_root_block(dark_media))}
    return {"light": light, "dark": dark}


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (_linear(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))
    return r, g, b


def simulate(rgb: tuple[float, float, float], matrix) -> tuple[float, float, float]:
    r, g, b = (
        min(1.0, max(0.0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])) for row in matrix
    )
    return r, g, b


def lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        r, g, b = _rgb(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_simulation_matches_hand_worked_values():
    # Pure red under deuteranopia: (0.367322, 0.280085, 0) in linear RGB — a dark olive.
    assert simulate((1.0, 0.0, 0.0), MACHADO["deuteranopia"]) == pytest.approx(
        (0.367322, 0.280085, 0.0)
    )
    # Grey stays grey: each row of a Machado matrix sums to 1.
    for matrix in MACHADO.values():
        assert simulate((0.5, 0.5, 0.5), matrix) == pytest.approx((0.5, 0.5, 0.5), abs=1e-5)
    # White is L* 100; black and white are ΔE 100 apart.
    assert lab((1.0, 1.0, 1.0))[0] == pytest.approx(100, abs=0.01)
    assert delta_e((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)) == pytest.approx(100, abs=0.01)
    assert contrast("#000000", "#ffffff") == pytest.approx(21)


def test_both_themes_define_every_state_colour():
    for name, palette in palettes().items():
        for a, b in DISTINCT:
            assert a in palette and b in palette, name
    assert palettes()["dark"]["red"] != palettes()["light"]["red"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("vision", [None, "protanopia", "deuteranopia"])
def test_state_colours_stay_distinct_with_colour_blindness(theme, vision):
    palette = palettes()[theme]
    too_close = []
    for a, b in DISTINCT:
        first, second = _rgb(palette[a]), _rgb(palette[b])
        if vision is not None:
            first, second = simulate(first, MACHADO[vision]), simulate(second, MACHADO[vision])
        distance = delta_e(first, second)
        if distance < MIN_DELTA_E:
            too_close.append(f"--{a} {palette[a]} / --{b} {palette[b]}: ΔE {distance:.1f}")
    assert not too_close, too_close


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_state_text_is_readable_on_its_tint_and_the_page(theme):
    palette = palettes()[theme]
    for state in ("red", "amber", "green"):
        assert contrast(palette[state], palette[f"{state}-bg"]) >= 4.5, state
        assert contrast(palette[state], palette["bg"]) >= 4.5, state


def test_red_is_kept_for_bad_state():
    without_comments = re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)
    rules = re.findall(r"([^{}]+)\{([^{}]*var\(--red[^{}]*)\}", without_comments)
    selectors = {selector.strip() for selector, _ in rules}
    assert selectors <= RED_ALLOWED, selectors - RED_ALLOWED
    for neutral in (".pr-P0", ".pr-P1", ".im-high", ".crit.tag", ".q-P0"):
        assert not any(neutral in s for s in selectors), neutral
