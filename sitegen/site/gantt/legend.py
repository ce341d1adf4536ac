"""The HTML legend that explains the chart's shapes, patterns and lines."""

from __future__ import annotations

from markupsafe import Markup, escape

from sitegen.core.i18n import Messages
from sitegen.site.gantt.style import (
    BAR_FILL,
    BAR_STROKE,
    CRITICAL_BACK,
    CRITICAL_HATCH,
    CRITICAL_STROKE,
    END_STROKE,
    GHOST_FILL,
    LATE_STROKE,
    PROGRESS_FILL,
    TODAY_STROKE,
)
from sitegen.site.gantt.text import catalog


def gantt_legend(messages: Messages) -> Markup:
    """A small HTML legend explaining the chart's shapes, patterns and lines."""
    m = catalog(messages)
    swatch_attrs = 'width="28" height="16" viewBox="0 0 28 16" aria-hidden="true"'
    hatch = "".join(
        f'<line x1="{x}" y1="14" x2="{x + 10}" y2="2" stroke="{CRITICAL_HATCH}" stroke-width="2"/>'
        for x in (4, 10, 16)
    )
    swatches = {
        "task": f'<rect x="2" y="2" width="24" height="12" rx="2" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/>',
        "progress": f'<rect x="2" y="2" width="24" height="12" rx="2" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/><rect x="2" y="5" width="14" height="6"'
        f' fill="{PROGRESS_FILL}"/>',
        "critical": f'<rect x="2" y="2" width="24" height="12" rx="2" fill="{CRITICAL_BACK}"/>'
        f'{hatch}<rect x="2" y="2" width="24" height="12" rx="2" fill="none"'
        f' stroke="{CRITICAL_STROKE}" stroke-width="3"/>',
        "milestone": f'<polygon points="14,1 21,8 14,15 7,8" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/>',
        "summary": f'<polygon points="2,3 26,3 26,14 21,9 7,9 2,14" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/>',
        "baseline": f'<rect x="8" y="1" width="18" height="10" rx="2" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/><rect x="2" y="12" width="18" height="3"'
        f' fill="{GHOST_FILL}"/>',
        "hidden": f'<rect x="2" y="2" width="24" height="12" rx="2" fill="{BAR_FILL}"'
        f' fill-opacity="0.6" stroke="{BAR_STROKE}" stroke-dasharray="4 3"/>',
        "late": f'<rect x="2" y="2" width="16" height="12" rx="2" fill="{BAR_FILL}"'
        f' stroke="{LATE_STROKE}" stroke-width="2.5"/>'
        '<text x="21" y="13" font-size="11" fill="currentColor">⚠</text>',
        "deviating": f'<rect x="2" y="2" width="16" height="12" rx="2" fill="{BAR_FILL}"'
        f' stroke="{LATE_STROKE}" stroke-width="2.5"/>'
        '<text x="20" y="13" font-size="11" fill="currentColor">▼</text>',
        "today": f'<line x1="14" y1="0" x2="14" y2="16" stroke="{TODAY_STROKE}"'
        ' stroke-width="2" stroke-dasharray="6 3"/>',
        "project_end": f'<line x1="14" y1="0" x2="14" y2="16" stroke="{END_STROKE}"'
        ' stroke-width="2"/>',
        "nonworking": '<rect x="2" y="0" width="24" height="16" fill="currentColor"'
        ' fill-opacity="0.15"/>',
        "dependency": '<path d="M2,8 L22,8" stroke="currentColor" fill="none"/>'
        '<path d="M20,4 L27,8 L20,12 z" fill="currentColor"/>',
    }
    items = "".join(
        f'<li class="gantt-legend-{key}"><svg {swatch_attrs}>{svg}</svg> '
        f"{escape(m('legend.' + key))}</li>"
        for key, svg in swatches.items()
    )
    return Markup(f'<ul class="gantt-legend">{items}</ul>')
