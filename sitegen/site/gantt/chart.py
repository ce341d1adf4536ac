"""The whole chart: rows laid out by module, background bands, arrows, the today line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from markupsafe import Markup

from sitegen.content.window import shown_window
from sitegen.core.i18n import Messages
from sitegen.engine.compute import TaskState
from sitegen.engine.workdays import WorkCalendar
from sitegen.site.gantt.arrows import dependencies
from sitegen.site.gantt.axis import Axis, grid, header, shading
from sitegen.site.gantt.bars import Baseline, RowInfo, span, task_row
from sitegen.site.gantt.style import (
    CRITICAL_BACK,
    CRITICAL_HATCH,
    DEFAULT_THRESHOLD,
    END_STROKE,
    FONT_FAMILY,
    FOOTER_H,
    HEADER_H,
    ID_COLUMN_MAX_W,
    LABEL_UNITS,
    MONTH_ROW_H,
    NAME_UNIT_W,
    PAD_DAYS,
    RIGHT_PAD,
    ROW_H,
    TODAY_ROOM,
    TODAY_STROKE,
)
from sitegen.site.gantt.svg import attrs, el, num, text
from sitegen.site.gantt.text import catalog, label_units, text_width, truncate


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
    owners: Callable[[str], str] | None = None,
    baselines: Mapping[str, Baseline] | None = None,
    project_end: date | None = None,
) -> Markup:
    """The chart as one ``<svg>`` element (wrap it in a horizontally scrollable div).

    ``id_prefix`` makes the ids of this chart unique on a page (default: derived from
    ``title``); ``threshold`` is the schedule-deviation alert threshold (SPEC §5).
    ``owners`` gives an owner's display name (beside each bar); ``baselines`` the
    tasks' baselines (a ghost bar where a task slipped); ``project_end`` draws a marker.
    ``id_column``: lay the chart out for a page: the month header as an SVG of its own
    (the stylesheet keeps it in view while the rows scroll), then the column of task
    names that phones keep in view while the chart scrolls sideways (see `_id_column`)
    and the rows; a phone opens the rows at today. ``window``: show only these days (bars
    longer than it run to its edges), as the one-page brief does.
    """
    m = catalog(messages)
    prefix = id_prefix or _id_prefix(title)
    baselines = baselines or {}
    first, last = window or _shown_days(tasks, as_of, baselines, project_end)
    first, last = first - timedelta(days=PAD_DAYS), last + timedelta(days=PAD_DAYS)
    axis = Axis(first, last)
    rows = _rows(tasks)
    body_h = max(len(rows), 1) * ROW_H
    height = HEADER_H + body_h + FOOTER_H
    depth = depths(tasks)
    task_parts, text_right = [], 0.0
    for row in rows:
        if row.state is None:
            label = m("no_module") if row.module is None else str(row.module)
            task_parts.append(_group_label(label, row.y))
            continue
        task = row.state.task
        info = RowInfo(depth[task.id], owners(task.owner) if owners else "", baselines.get(task.id))
        markup, right = task_row(row.state, axis, row.y, prefix, m, link, as_of, threshold, info)
        task_parts.append(markup)
        text_right = max(text_right, right)
    width = round(max(axis.right + RIGHT_PAD, text_right + 8))

    desc = m(
        "desc",
        count=len(tasks),
        start=(first + timedelta(days=PAD_DAYS)).isoformat(),
        end=(last - timedelta(days=PAD_DAYS)).isoformat(),
    )
    lines = []
    if first <= as_of <= last:
        lines.append(_today(axis, as_of, HEADER_H + body_h, m))
    if project_end is not None and first <= project_end <= last:
        lines.append(_project_end(axis, project_end, HEADER_H + body_h, width, m))
    rows_parts = [
        *_bands(rows, width, prefix),
        *shading(axis, calendar, body_h),
        *grid(axis, HEADER_H + body_h),
        *dependencies(tasks, _row_y(rows), axis, prefix),
        f'<g class="tasks" id="{prefix}-tasks">',
        *task_parts,
        "</g>",
        *lines,
    ]
    head_parts = [*grid(axis, HEADER_H), *header(axis, m), *lines]
    labelled = [
        el("title", [("id", f"{prefix}-title")], text(title)),
        el("desc", [("id", f"{prefix}-desc")], text(desc)),
        _defs(prefix),
    ]
    if not (id_column and tasks):
        box = (0, 0, width, height)
        return Markup(
            _svg("gantt", box, prefix, bool(tasks), [*labelled, *head_parts, *rows_parts])
        )
    head = el(
        "svg",
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "gantt-head"),
            ("aria-hidden", "true"),
            ("focusable", "false"),
            ("viewBox", f"0 0 {width} {HEADER_H}"),
            ("width", width),
            ("height", HEADER_H),
            ("font-family", FONT_FAMILY),
            ("font-size", 12),
        ],
        "".join(head_parts),
    )
    box = (0, HEADER_H, width, body_h + FOOTER_H)
    body = _svg("gantt", box, prefix, True, [*labelled, *rows_parts])
    column_w = _column_width(tasks, depth)
    now = ""
    if first <= as_of <= last:
        # Phones open the chart here (the stylesheet's scroll-initial-target): today
        # right of the names column, with room for half its label.
        left = max(0, axis.x(as_of) - column_w - TODAY_ROOM)
        now = f'<span class="gantt-now" style="left:{num(left)}px"></span>'
    corner = (
        f'<span class="gantt-corner" style="width:{column_w}px;margin-right:-{column_w}px"></span>'
    )
    return Markup(
        f'<div class="gantt-top">{corner}{head}</div>'
        f'<div class="gantt-body">{_id_column(column_w, prefix, box)}{now}{body}</div>'
    )


def _svg(
    name: str, box: tuple[int, int, int, int], prefix: str, linked: bool, parts: list[str]
) -> str:
    x, y, width, height = box
    svg_attrs = attrs(
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", name),
            # Every task is a link, and an image may not contain links (axe:
            # nested-interactive): a chart with tasks is a group named like an image.
            ("role", "group" if linked else "img"),
            ("aria-labelledby", f"{prefix}-title {prefix}-desc"),
            ("viewBox", f"{x} {y} {width} {height}"),
            ("width", width),
            ("height", height),
            ("font-family", FONT_FAMILY),
            ("font-size", 12),
        ]
    )
    return f"<svg{svg_attrs}>{''.join(parts)}</svg>"


def _group_label(label: str, y: int) -> str:
    return el(
        "text",
        [
            ("class", "group-label"),
            ("x", 8),
            ("y", y + ROW_H / 2 + 4),
            ("fill", "currentColor"),
            ("font-weight", "bold"),
        ],
        text(truncate(label, LABEL_UNITS + 20)),
    )


def depths(tasks: Sequence[TaskState]) -> dict[str, int]:
    """Each task's nesting on the chart: how many of its ancestors the chart shows."""
    parent = {s.task.id: s.task.parent for s in tasks}
    found: dict[str, int] = {}
    for task_id in parent:
        level, seen, current = 0, {task_id}, parent[task_id]
        while current in parent and current not in seen:
            level += 1
            seen.add(current)
            current = parent[current]
        found[task_id] = level
    return found


def _row_y(rows: list[_Row]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        if row.state is not None:
            found.setdefault(row.state.task.id, row.y)
    return found


def _shown_days(
    tasks: Sequence[TaskState],
    as_of: date,
    baselines: Mapping[str, Baseline],
    project_end: date | None,
) -> tuple[date, date]:
    """The first and last day of the tasks, their baselines and the project's end,
    within the window `sitegen.content.window` chooses (a task from 1900 to 2199 does not make a
    chart of three centuries)."""
    if not tasks:
        return as_of, as_of
    spans = [span(state) for state in tasks]
    spans += [(b.start, b.end) for t in tasks if (b := baselines.get(t.task.id)) is not None]
    if project_end is not None:
        spans.append((project_end, project_end))
    window = shown_window([day for pair in spans for day in pair], as_of)
    first = max(min(start for start, _ in spans), window[0])
    last = min(max(end for _, end in spans), window[1])
    return (first, last) if first <= last else window


def _column_width(tasks: Sequence[TaskState], depth: dict[str, int]) -> int:
    """The phone's names column: as wide as the longest (cut) name, up to half a phone."""
    units = max(
        text_width(truncate(s.task.title, label_units(s.task.id, depth[s.task.id])))
        + 2 * depth[s.task.id]
        for s in tasks
    )
    return min(ID_COLUMN_MAX_W, round(8 + NAME_UNIT_W * units + 8))


def _id_column(width: int, prefix: str, box: tuple[int, ...]) -> str:
    """The chart's left edge, ``width`` wide, drawn again from the same rows (``<use>``).
    The stylesheet shows it on narrow screens only, stuck to the left of the scrolling
    chart: a 300-pixel label column leaves a phone no room for the bars, and once
    scrolled past, no bar would say which task it is. Decorative (hidden from screen
    readers, no links of its own): the chart carries the names and links."""
    _, y, _, height = box
    return el(
        "svg",
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "gantt-ids"),
            ("aria-hidden", "true"),
            ("focusable", "false"),
            ("viewBox", f"0 {y} {width} {height}"),
            ("width", width),
            ("height", height),
            ("style", f"margin-right:-{width}px"),  # the chart starts under it
            ("font-family", FONT_FAMILY),
            ("font-size", 12),
        ],
        f'<use href="#{prefix}-rows"/><use href="#{prefix}-tasks"/>',
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
            ("font-weight", "bold"),
            ("fill", "currentColor"),
            ("font-size", 11),
        ],
        text(m("today_label", date=as_of.isoformat())),
    )
    return el("g", [("class", "today")], line + label)


def _project_end(axis: Axis, end: date, body_bottom: int, width: int, m: Messages) -> str:
    """A solid line after the project's last day, named on the footer's second line."""
    x = axis.x(end) + axis.day_w
    line = el(
        "line",
        [
            ("class", "project-end-line"),
            ("x1", x),
            ("y1", MONTH_ROW_H),
            ("x2", x),
            ("y2", body_bottom + 18),
            ("stroke", END_STROKE),
            ("stroke-width", 2),
        ],
    )
    words = m("project_end_label", date=end.isoformat())
    room = width - x
    label = el(
        "text",
        [
            ("class", "project-end-label"),
            ("x", x + 4 if room > text_width(words) * 6.6 + 8 else x - 4),
            ("y", body_bottom + 27),
            ("text-anchor", "start" if room > text_width(words) * 6.6 + 8 else "end"),
            ("fill", "currentColor"),
            ("font-size", 11),
        ],
        text(words),
    )
    return el("g", [("class", "project-end")], line + label)
