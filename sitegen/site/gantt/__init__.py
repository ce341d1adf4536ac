"""A server-rendered Gantt chart: one inline SVG, readable without JavaScript and in print.

The chart draws the tasks in the order given (the caller sorts them by module, then
start) with a header row whenever the module changes, a day-granular time axis with
non-working days shaded, a "today" line, progress fills, critical tasks hatched,
milestones as diamonds, late and deviating tasks flagged, hidden tasks dashed and
finish-to-start dependency arrows.

Every state is shown by shape or pattern as well as by colour; text and axes use
``currentColor`` so the chart follows the page's (dark) colour scheme. Elements carry
short CSS classes (``svg.gantt .bar.critical`` …) for the site stylesheet; presentation
attributes are the fallback. Output is deterministic:
ids derive from the title (or ``id_prefix``), never from randomness.

Modules: `style` (sizes, colours), `svg` (markup), `text` (labels), `axis` (time axis),
`bars` (one task's row), `chart` (`gantt_svg`), `legend` (`gantt_legend`).
"""

from __future__ import annotations

from sitegen.site.gantt.axis import day_width
from sitegen.site.gantt.chart import gantt_svg
from sitegen.site.gantt.legend import gantt_legend
from sitegen.site.gantt.style import BAR_TOP, HEADER_H, LABEL_W, PAD_DAYS, ROW_H
from sitegen.site.gantt.text import truncate

__all__ = [
    "BAR_TOP",
    "HEADER_H",
    "LABEL_W",
    "PAD_DAYS",
    "ROW_H",
    "day_width",
    "gantt_legend",
    "gantt_svg",
    "truncate",
]
