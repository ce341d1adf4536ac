"""The whole chart: rows laid out by module, background bands, arrows, the today line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from markupsafe import Markup

from sitegen.compute import TaskState
from sitegen.gantt.axis import Axis, header, shading
from sitegen.gantt.bars import ends, span, task_row
from sitegen.gantt.style import (
    BAR_H,
    CRITICAL_BACK,
    CRITICAL_HATCH,
    DEFAULT_THRESHOLD,
    DIAMOND,
    FONT_FAMILY,
    FOOTER_H,
    HEADER_H,
    ID_CHAR_W,
    ID_COLUMN_MAX_W,
    LABEL_UNITS,
    MONTH_ROW_H,
    PAD_DAYS,
    RIGHT_PAD,
    ROW_H,
    TODAY_STROKE,
)
from sitegen.gantt.svg import attrs, el, points, text
from sitegen.gantt.text import catalog, truncate
from sitegen.i18n import Messages
from sitegen.model import TaskKind
from sitegen.window import shown_window
from sitegen.workdays import WorkCalendar


@dataclass(frozen=True)
class _Row:
    y: int
    module: str | None
    state: TaskState | None  # None: the header row of ``module``


def gantt_svg(
    tasks: Sequence[TaskState],
    calendar: WorkCalendar,
    as_of: date,
    messages: Messages,
    link: Callable[[str], str],
    title: str,
    *,
    id_prefix: str | None = None,
    threshold: Decimal | Fraction = DEFAULT_THRESHOLD,
    id_column: bool = False,
    window: tuple[date, date] | None = None,
) -> Markup:
    """The chart as one ``<svg>`` element (wrap it in a horizontally scrollable div).

    ``id_prefix`` makes the ids of this chart unique on a page (default: derived from
    ``title``); ``threshold`` is the schedule-deviation alert threshold (SPEC §5).
    ``id_column``: put before it the column of task ids that phones keep in view while
    the chart scrolls (see `_id_column`). ``window``: show only these days (bars
    longer than it run to its edges), as the one-page brief does.
    """
    m = catalog(messages)
    prefix = id_prefix or _id_prefix(title)
    first, last = window or _shown_days(tasks, as_of)
    first, last = first - timedelta(days=PAD_DAYS), last + timedelta(days=PAD_DAYS)
    axis = Axis(first, last)
    rows = _rows(tasks)
    body_h = max(len(rows), 1) * ROW_H
    height = HEADER_H + body_h + FOOTER_H
    width = axis.right + RIGHT_PAD

    desc = m(
        "desc",
        count=len(tasks),
        start=(first + timedelta(days=PAD_DAYS)).isoformat(),
        end=(last - timedelta(days=PAD_DAYS)).isoformat(),
    )
    svg_attrs = attrs(
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "gantt"),
            # Every task is a link, and an image may not contain links (axe:
            # nested-interactive): a chart with tasks is a group named like an image.
            ("role", "group" if tasks else "img"),
            ("aria-labelledby", f"{prefix}-title {prefix}-desc"),
            ("viewBox", f"0 0 {width} {height}"),
            ("width", width),
            ("height", height),
            ("font-family", FONT_FAMILY),
            ("font-size", 12),
        ]
    )
    parts = [
        f"<svg{svg_attrs}>",
        el("title", [("id", f"{prefix}-title")], text(title)),
        el("desc", [("id", f"{prefix}-desc")], text(desc)),
        _defs(prefix),
    ]
    parts += _bands(rows, width, prefix)
    parts += shading(axis, calendar, body_h)
    parts += header(axis, m, HEADER_H + body_h)
    parts += _dependencies(tasks, rows, axis, prefix)
    parts.append(f'<g class="tasks" id="{prefix}-tasks">')
    for row in rows:
        if row.state is None:
            label = m("no_module") if row.module is None else str(row.module)
            parts.append(
                el(
                    "text",
                    [
                        ("class", "group-label"),
                        ("x", 8),
                        ("y", row.y + ROW_H / 2 + 4),
                        ("fill", "currentColor"),
                        ("font-weight", "bold"),
                    ],
                    text(truncate(label, LABEL_UNITS + 20)),
                )
            )
        else:
            parts.append(task_row(row.state, axis, row.y, prefix, m, link, as_of, threshold))
    parts.append("</g>")
    if first <= as_of <= last:
        parts.append(_today(axis, as_of, HEADER_H + body_h, m))
    parts.append("</svg>")
    chart = Markup("".join(parts))
    return _id_column(tasks, prefix, height) + chart if id_column and tasks else chart


def _shown_days(tasks: Sequence[TaskState], as_of: date) -> tuple[date, date]:
    """The first and last day of the tasks, within the window `sitegen.window` chooses
    (a task from 1900 to 2199 does not make a chart of three centuries)."""
    if not tasks:
        return as_of, as_of
    spans = [span(state) for state in tasks]
    window = shown_window([day for pair in spans for day in pair], as_of)
    first = max(min(start for start, _ in spans), window[0])
    last = min(max(end for _, end in spans), window[1])
    return (first, last) if first <= last else window


def _id_column(tasks: Sequence[TaskState], prefix: str, height: int) -> Markup:
    """The chart's left edge, as wide as the longest task id, drawn again from the same
    rows (``<use>``). The stylesheet shows it on narrow screens only, stuck to the left of
    the scrolling chart: a 300-pixel label column leaves a phone no room for the bars,
    and once scrolled past, no bar would say which task it is. Decorative (hidden from
    screen readers, no links of its own): the chart carries the names and links."""
    width = min(ID_COLUMN_MAX_W, round(8 + ID_CHAR_W * max(len(s.task.id) for s in tasks) + 8))
    return Markup(
        el(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("class", "gantt-ids"),
                ("aria-hidden", "true"),
                ("focusable", "false"),
                ("viewBox", f"0 0 {width} {height}"),
                ("width", width),
                ("height", height),
                ("style", f"margin-right:-{width}px"),  # the chart starts under it
                ("font-family", FONT_FAMILY),
                ("font-size", 12),
            ],
            f'<use href="#{prefix}-rows"/><use href="#{prefix}-tasks"/>',
        )
    )


def _id_prefix(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:24].strip("-")
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    return f"gantt-{slug}-{digest}" if slug else f"gantt-{digest}"


def _rows(tasks: Sequence[TaskState]) -> list[_Row]:
    """One row per task, in the order given, after a header row whenever the module changes."""
    rows: list[_Row] = []
    module: object = object()
    for state in tasks:
        if state.task.module != module:
            module = state.task.module
            rows.append(_Row(HEADER_H + len(rows) * ROW_H, state.task.module, None))
        rows.append(_Row(HEADER_H + len(rows) * ROW_H, state.task.module, state))
    return rows


def _defs(prefix: str) -> str:
    hatch = (
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{CRITICAL_BACK}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{CRITICAL_HATCH}" stroke-width="2.5"/>'
        "</pattern>"
    )
    arrow = (
        f'<marker id="{prefix}-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">'
        '<path d="M0,0 L8,4 L0,8 z" fill="currentColor"/></marker>'
    )
    return f"<defs>{hatch}{arrow}</defs>"


def _bands(rows: list[_Row], width: int, prefix: str) -> list[str]:
    """Group header bands and every other task row striped, under everything else."""
    parts = [f'<g class="rows" id="{prefix}-rows">']
    task_index = 0
    for row in rows:
        if row.state is None:
            band = ("group-band", 0.1)
        else:
            band = ("stripe", 0.03) if task_index % 2 else None
            task_index += 1
        if band is not None:
            name, opacity = band
            parts.append(
                el(
                    "rect",
                    [
                        ("class", name),
                        ("x", 0),
                        ("y", row.y),
                        ("width", width),
                        ("height", ROW_H),
                        ("fill", "currentColor"),
                        ("fill-opacity", opacity),
                    ],
                )
            )
    parts.append("</g>")
    return parts


def _dependencies(
    tasks: Sequence[TaskState], rows: list[_Row], axis: Axis, prefix: str
) -> list[str]:
    """Finish-to-start arrows between tasks on the chart, under the bars."""
    row_y: dict[str, int] = {}
    for row in rows:
        if row.state is not None:
            row_y.setdefault(row.state.task.id, row.y)
    by_id = {s.task.id: s for s in tasks}
    parts = ['<g class="dependencies" fill="none" stroke="currentColor" stroke-width="1.2">']
    for state in tasks:
        target_y = row_y[state.task.id]
        for dependency in dict.fromkeys(state.task.depends_on):
            if dependency not in by_id or dependency == state.task.id:
                continue
            source = by_id[dependency]
            source_y = row_y[dependency]
            parts.append(
                el(
                    "path",
                    [
                        ("class", "dependency"),
                        ("data-from", dependency),
                        ("data-to", state.task.id),
                        ("d", _arrow_path(axis, source, source_y, state, target_y)),
                        ("marker-end", f"url(#{prefix}-arrow)"),
                        ("stroke-opacity", 0.7),
                    ],
                )
            )
    parts.append("</g>")
    return parts


def _arrow_path(
    axis: Axis, source: TaskState, source_y: int, target: TaskState, target_y: int
) -> str:
    """Finish-to-start: from the source's end (its lower or upper edge, so the progress
    text after the bar stays clear) vertically to the target's row, then into its start."""
    left, right, _ = ends(source, axis, source_y)
    x2, _, y2 = ends(target, axis, target_y)
    down = target_y > source_y
    if source.task.kind is TaskKind.MILESTONE:
        x1 = (left + right) / 2
        edge = DIAMOND
    else:
        x1 = right - min(4, (right - left) / 2)
        edge = BAR_H / 2
    y1 = source_y + ROW_H / 2 + (edge if down else -edge)
    if x2 - x1 >= 6:
        route = [(x1, y1), (x1, y2), (x2, y2)]
    else:
        # The dependent starts before the dependency ends: go round via the row gap.
        gap_y = target_y if down else target_y + ROW_H
        route = [(x1, y1), (x1, gap_y), (x2 - 8, gap_y), (x2 - 8, y2), (x2, y2)]
    return "M" + points(route, " L")


def _today(axis: Axis, as_of: date, body_bottom: int, m: Messages) -> str:
    """The dashed "today" line down the chart, dated below it."""
    x = axis.centre(as_of)
    line = el(
        "line",
        [
            ("class", "today-line"),
            ("x1", x),
            ("y1", MONTH_ROW_H),
            ("x2", x),
            ("y2", body_bottom),
            ("stroke", TODAY_STROKE),
            ("stroke-width", 2),
            ("stroke-dasharray", "6 3"),
        ],
    )
    label = el(
        "text",
        [
            ("class", "today-label"),
            ("x", x),
            ("y", body_bottom + 13),
            ("text-anchor", "middle"),
            ("fill", "currentColor"),
            ("font-size", 11),
        ],
        text(m("today_label", date=as_of.isoformat())),
    )
    return el("g", [("class", "today")], line + label)
