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
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from markupsafe import Markup, escape

from sitegen import metrics
from sitegen.compute import TaskState
from sitegen.i18n import Messages
from sitegen.model import TaskKind
from sitegen.workdays import WorkCalendar

ROW_H = 22  # one task or group header per row
BAR_H = 14
BAR_TOP = (ROW_H - BAR_H) // 2
MONTH_ROW_H = 18
DAY_ROW_H = 18
HEADER_H = MONTH_ROW_H + DAY_ROW_H + 4
FOOTER_H = 18  # the "today" label
LABEL_W = 300  # the task labels on the left
LABEL_UNITS = 44  # label length in narrow-character units (a CJK character counts 2)
RIGHT_PAD = 90  # room for the progress text and flags after the last bar
PAD_DAYS = 2
DIAMOND = 7  # half-diagonal of a milestone diamond
DEFAULT_THRESHOLD = Decimal("0.20")

# Colours with at least 4.5:1 contrast where text sits on them and 3:1 for shapes.
BAR_FILL = "#dbeafe"
BAR_STROKE = "#1e40af"
PROGRESS_FILL = "#1e40af"
CRITICAL_STROKE = "#9a3412"
CRITICAL_HATCH = "#c2410c"
CRITICAL_BACK = "#ffedd5"
LATE_STROKE = "#dc2626"  # 4.8:1 on white, 4:1 on #111
TODAY_STROKE = "#db2777"
FLAG = (("fill", LATE_STROKE), ("font-weight", "bold"), ("font-size", 13))


def _num(value: float | int | Fraction) -> str:
    """A coordinate with at most one decimal, without a trailing '.0'."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(attrs: Iterable[tuple[str, object]]) -> str:
    parts = []
    for name, value in attrs:
        if value is None:
            continue
        if isinstance(value, float | int | Fraction) and not isinstance(value, bool):
            value = _num(value)
        parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def _el(name: str, attrs: Iterable[tuple[str, object]], content: str | None = None) -> str:
    """One element; ``content`` must already be escaped markup."""
    if content is None:
        return f"<{name}{_attrs(attrs)}/>"
    return f"<{name}{_attrs(attrs)}>{content}</{name}>"


def _text_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def truncate(text: str, units: int = LABEL_UNITS) -> str:
    """Cut ``text`` to ``units`` narrow-character widths (CJK counts 2), ending in '…'."""
    text = " ".join(text.split())
    if _text_width(text) <= units:
        return text
    out, used = [], 0
    for ch in text:
        width = 2 if ord(ch) > 0x2E7F else 1
        if used + width > units - 1:
            break
        out.append(ch)
        used += width
    return "".join(out).rstrip() + "…"


def _id_prefix(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:24].strip("-")
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    return f"gantt-{slug}-{digest}" if slug else f"gantt-{digest}"


def _catalog(messages: Messages) -> Messages:
    """The gantt catalog in the caller's language, whichever catalog was passed."""
    return messages if messages.kind == "gantt" else Messages(messages.language, kind="gantt")


def day_width(span_days: int) -> int:
    """Pixels per day: roomy for short spans, compressed (≥ 6) beyond ~120 days."""
    if span_days <= 60:
        return 22
    if span_days <= 120:
        return 18
    return max(6, 2160 // span_days)


def _percent(value: Fraction | None) -> str | None:
    """A 0–100 percentage rounded to one decimal, as SPEC §5 shows it."""
    if value is None:
        return None
    shown = metrics.percent(Fraction(value) / 100)
    return f"{shown:.1f}%"


class _Axis:
    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last
        self.days = (last - first).days + 1
        self.day_w = day_width(self.days)
        self.x0 = LABEL_W

    def x(self, day: date) -> int:
        """Left edge of ``day``'s column."""
        return self.x0 + (day - self.first).days * self.day_w

    def centre(self, day: date) -> float:
        return self.x(day) + self.day_w / 2

    @property
    def right(self) -> int:
        return self.x0 + self.days * self.day_w

    def each_day(self) -> Iterable[date]:
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)


def _span(state: TaskState) -> tuple[date, date]:
    first, end = state.task.first_day, state.task.end
    return (first, end) if first <= end else (end, first)


def _flags(state: TaskState, as_of: date, threshold: Decimal | Fraction) -> tuple[bool, bool]:
    late = state.is_open and state.task.end < as_of
    deviating = state.is_open and metrics.is_alert(state.schedule_deviation, threshold)
    return late, deviating


def _tooltip(state: TaskState, m: Messages, late: bool, deviating: bool) -> str:
    task = state.task
    first, end = _span(state)
    lines = [f"{task.id} — {task.title}"]
    if task.kind is TaskKind.MILESTONE:
        lines.append(m("tip.milestone", date=end.isoformat()))
    else:
        lines.append(
            m("tip.dates", start=first.isoformat(), end=end.isoformat(), days=state.duration)
        )
    actual = _percent(state.actual)
    planned = _percent(state.planned)
    progress = m("tip.progress", value=actual) if actual else m("tip.progress_none")
    if planned is not None:
        progress += m("tip.planned", value=planned)
    lines.append(progress)
    lines.append(m("tip.status", status=m(f"status.{state.status.value}")))
    notes = []
    if state.critical:
        notes.append(m("critical"))
    if task.kind is TaskKind.MILESTONE:
        notes.append(m("milestone"))
    if task.kind is TaskKind.HIDDEN:
        notes.append(m("hidden"))
    if late:
        notes.append(m("late"))
    if deviating:
        notes.append(m("deviating"))
    if notes:
        lines.append(m.join(notes))
    return "\n".join(lines)


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


def _header(axis: _Axis, m: Messages, height: int) -> list[str]:
    """Month labels, day/week labels, week and month grid lines."""
    parts = ['<g class="axis">']
    wide = axis.day_w >= 18
    for day in axis.each_day():
        x = axis.x(day)
        if day.day == 1 or day == axis.first:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            room = (min(following, axis.last + timedelta(days=1)) - day).days * axis.day_w
            if day.day == 1 or room >= 64:
                label = m("month_label", month=m(f"month.{day.month}"), year=day.year)
                parts.append(
                    _el(
                        "text",
                        [
                            ("class", "month-label"),
                            ("x", x + 4),
                            ("y", 13),
                            ("fill", "currentColor"),
                            ("font-weight", "bold"),
                        ],
                        str(escape(label)),
                    )
                )
            if day.day == 1:
                parts.append(
                    _el(
                        "line",
                        [
                            ("class", "grid month"),
                            ("x1", x),
                            ("y1", 0),
                            ("x2", x),
                            ("y2", height),
                            ("stroke", "currentColor"),
                            ("stroke-opacity", 0.5),
                        ],
                    )
                )
        monday = day.weekday() == 0
        if monday and day.day != 1:
            parts.append(
                _el(
                    "line",
                    [
                        ("class", "grid week"),
                        ("x1", x),
                        ("y1", MONTH_ROW_H),
                        ("x2", x),
                        ("y2", height),
                        ("stroke", "currentColor"),
                        ("stroke-opacity", 0.2),
                    ],
                )
            )
        if wide or monday:
            anchor_x = axis.centre(day) if wide else x + 2
            parts.append(
                _el(
                    "text",
                    [
                        ("class", "day-label week-start" if monday else "day-label"),
                        ("x", anchor_x),
                        ("y", MONTH_ROW_H + 13),
                        ("text-anchor", "middle" if wide else "start"),
                        ("fill", "currentColor"),
                        ("font-size", 10),
                        ("font-weight", "bold" if monday else None),
                    ],
                    str(day.day),
                )
            )
    parts.append(
        _el(
            "line",
            [
                ("class", "axis-line"),
                ("x1", 0),
                ("y1", HEADER_H - 0.5),
                ("x2", axis.right),
                ("y2", HEADER_H - 0.5),
                ("stroke", "currentColor"),
                ("stroke-opacity", 0.6),
            ],
        )
    )
    parts.append("</g>")
    return parts


def _shading(axis: _Axis, calendar: WorkCalendar, body_h: int) -> list[str]:
    parts = ['<g class="nonworking">']
    for day in axis.each_day():
        if calendar.is_working(day):
            continue
        kind = "weekend" if day.weekday() in calendar.weekend else "holiday"
        parts.append(
            _el(
                "rect",
                [
                    ("class", f"nonwork {kind}"),
                    ("data-date", day.isoformat()),
                    ("x", axis.x(day)),
                    ("y", HEADER_H),
                    ("width", axis.day_w),
                    ("height", body_h),
                    ("fill", "currentColor"),
                    ("fill-opacity", 0.08),
                ],
            )
        )
    parts.append("</g>")
    return parts


def _bar(
    state: TaskState, axis: _Axis, y: int, prefix: str, late: bool, deviating: bool
) -> tuple[list[str], float]:
    """The bar (or diamond) and its progress fill; returns the parts and its right edge."""
    task = state.task
    first, end = _span(state)
    critical = state.critical
    hidden = task.kind is TaskKind.HIDDEN
    stroke = LATE_STROKE if late or deviating else CRITICAL_STROKE if critical else BAR_STROKE
    width = 2.5 if critical or late or deviating else 1
    dash = "4 3" if hidden else None
    fill = f"url(#{prefix}-hatch)" if critical else BAR_FILL
    classes = ["bar"]
    parts = []
    if task.kind is TaskKind.MILESTONE:
        classes.append("milestone")
        cx, cy = axis.centre(end), y + ROW_H / 2
        done = state.actual is not None and state.actual >= 100
        points = " ".join(
            f"{_num(px)},{_num(py)}"
            for px, py in (
                (cx, cy - DIAMOND),
                (cx + DIAMOND, cy),
                (cx, cy + DIAMOND),
                (cx - DIAMOND, cy),
            )
        )
        classes += [
            c
            for c, on in (
                ("critical", critical),
                ("hidden", hidden),
                ("late", late),
                ("deviating", deviating),
                ("complete", done),
            )
            if on
        ]
        parts.append(
            _el(
                "polygon",
                [
                    ("class", " ".join(classes)),
                    ("points", points),
                    ("fill", PROGRESS_FILL if done and not critical else fill),
                    ("stroke", stroke),
                    ("stroke-width", width),
                    ("stroke-dasharray", dash),
                ],
            )
        )
        return parts, cx + DIAMOND
    x = axis.x(first)
    bar_w = (end - first).days * axis.day_w + axis.day_w
    classes += [
        c
        for c, on in (
            ("critical", critical),
            ("hidden", hidden),
            ("late", late),
            ("deviating", deviating),
            ("summary", not state.is_leaf),
        )
        if on
    ]
    parts.append(
        _el(
            "rect",
            [
                ("class", " ".join(classes)),
                ("x", x),
                ("y", y + BAR_TOP),
                ("width", bar_w),
                ("height", BAR_H),
                ("rx", 2),
                ("fill", fill),
                ("fill-opacity", 0.6 if hidden else None),
                ("stroke", stroke),
                ("stroke-width", width),
                ("stroke-dasharray", dash),
            ],
        )
    )
    if state.actual is not None and state.actual > 0:
        share = min(Fraction(state.actual), Fraction(100)) / 100
        parts.append(
            _el(
                "rect",
                [
                    ("class", "progress"),
                    ("x", x),
                    ("y", y + BAR_TOP + 3),
                    ("width", bar_w * share),
                    ("height", BAR_H - 6),
                    ("fill", PROGRESS_FILL),
                    ("pointer-events", "none"),
                ],
            )
        )
    return parts, x + bar_w


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
) -> Markup:
    """The chart as one ``<svg>`` element (wrap it in a horizontally scrollable div).

    ``id_prefix`` makes the ids of this chart unique on a page (default: derived from
    ``title``); ``threshold`` is the schedule-deviation alert threshold (SPEC §5).
    """
    m = _catalog(messages)
    prefix = id_prefix or _id_prefix(title)
    if tasks:
        first = min(_span(s)[0] for s in tasks) - timedelta(days=PAD_DAYS)
        last = max(_span(s)[1] for s in tasks) + timedelta(days=PAD_DAYS)
    else:
        first, last = as_of - timedelta(days=PAD_DAYS), as_of + timedelta(days=PAD_DAYS)
    axis = _Axis(first, last)

    # Lay out the rows: a group header whenever the module changes.
    rows: list[tuple[str, object]] = []
    module: object = object()
    for state in tasks:
        if state.task.module != module:
            module = state.task.module
            rows.append(("group", module))
        rows.append(("task", state))
    body_h = max(len(rows), 1) * ROW_H
    height = HEADER_H + body_h + FOOTER_H
    width = axis.right + RIGHT_PAD
    row_y = {}
    y = HEADER_H
    for kind, value in rows:
        if kind == "task":
            assert isinstance(value, TaskState)
            row_y.setdefault(value.task.id, y)
        y += ROW_H

    desc = m(
        "desc",
        count=len(tasks),
        start=(first + timedelta(days=PAD_DAYS)).isoformat(),
        end=(last - timedelta(days=PAD_DAYS)).isoformat(),
    )
    svg_attrs = _attrs(
        [
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "gantt"),
            ("role", "img"),
            ("aria-labelledby", f"{prefix}-title {prefix}-desc"),
            ("viewBox", f"0 0 {width} {height}"),
            ("width", width),
            ("height", height),
            ("font-family", "system-ui, -apple-system, 'Segoe UI', sans-serif"),
            ("font-size", 12),
        ]
    )
    parts = [
        f"<svg{svg_attrs}>",
        _el("title", [("id", f"{prefix}-title")], str(escape(title))),
        _el("desc", [("id", f"{prefix}-desc")], str(escape(desc))),
        _defs(prefix),
    ]

    # Row stripes and group header bands, under everything else.
    parts.append('<g class="rows">')
    y = HEADER_H
    task_index = 0
    for kind, _ in rows:
        if kind == "group":
            parts.append(
                _el(
                    "rect",
                    [
                        ("class", "group-band"),
                        ("x", 0),
                        ("y", y),
                        ("width", width),
                        ("height", ROW_H),
                        ("fill", "currentColor"),
                        ("fill-opacity", 0.1),
                    ],
                )
            )
        else:
            if task_index % 2:
                parts.append(
                    _el(
                        "rect",
                        [
                            ("class", "stripe"),
                            ("x", 0),
                            ("y", y),
                            ("width", width),
                            ("height", ROW_H),
                            ("fill", "currentColor"),
                            ("fill-opacity", 0.03),
                        ],
                    )
                )
            task_index += 1
        y += ROW_H
    parts.append("</g>")
    parts += _shading(axis, calendar, body_h)
    parts += _header(axis, m, HEADER_H + body_h)

    # Dependency arrows, under the bars.
    parts.append('<g class="dependencies" fill="none" stroke="currentColor" stroke-width="1.2">')
    by_id = {s.task.id: s for s in tasks}
    for state in tasks:
        target_y = row_y.get(state.task.id)
        for dependency in dict.fromkeys(state.task.depends_on):
            if dependency not in by_id or dependency == state.task.id:
                continue
            source = by_id[dependency]
            source_y = row_y[dependency]
            parts.append(
                _el(
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

    # The rows: group labels and one linked bar per task.
    parts.append('<g class="tasks">')
    y = HEADER_H
    for kind, value in rows:
        if kind == "group":
            label = m("no_module") if value is None else str(value)
            parts.append(
                _el(
                    "text",
                    [
                        ("class", "group-label"),
                        ("x", 8),
                        ("y", y + ROW_H / 2 + 4),
                        ("fill", "currentColor"),
                        ("font-weight", "bold"),
                    ],
                    str(escape(truncate(label, LABEL_UNITS + 20))),
                )
            )
        else:
            assert isinstance(value, TaskState)
            parts += _task_row(value, axis, y, prefix, m, link, as_of, threshold)
        y += ROW_H
    parts.append("</g>")

    if first <= as_of <= last:
        x = axis.centre(as_of)
        parts.append(
            _el(
                "g",
                [("class", "today")],
                _el(
                    "line",
                    [
                        ("class", "today-line"),
                        ("x1", x),
                        ("y1", MONTH_ROW_H),
                        ("x2", x),
                        ("y2", HEADER_H + body_h),
                        ("stroke", TODAY_STROKE),
                        ("stroke-width", 2),
                        ("stroke-dasharray", "6 3"),
                    ],
                )
                + _el(
                    "text",
                    [
                        ("class", "today-label"),
                        ("x", x),
                        ("y", HEADER_H + body_h + 13),
                        ("text-anchor", "middle"),
                        ("fill", "currentColor"),
                        ("font-size", 11),
                    ],
                    str(escape(m("today_label", date=as_of.isoformat()))),
                ),
            )
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _ends(state: TaskState, axis: _Axis, y: int) -> tuple[float, float, float]:
    """(left x, right x, middle y) of a task's bar or diamond."""
    first, end = _span(state)
    mid = y + ROW_H / 2
    if state.task.kind is TaskKind.MILESTONE:
        cx = axis.centre(end)
        return cx - DIAMOND, cx + DIAMOND, mid
    return axis.x(first), axis.x(end) + axis.day_w, mid


def _arrow_path(
    axis: _Axis, source: TaskState, source_y: int, target: TaskState, target_y: int
) -> str:
    """Finish-to-start: from the source's end (its lower or upper edge, so the progress
    text after the bar stays clear) vertically to the target's row, then into its start."""
    left, right, _ = _ends(source, axis, source_y)
    x2, _, y2 = _ends(target, axis, target_y)
    down = target_y > source_y
    if source.task.kind is TaskKind.MILESTONE:
        x1 = (left + right) / 2
        edge = DIAMOND
    else:
        x1 = right - min(4, (right - left) / 2)
        edge = BAR_H / 2
    y1 = source_y + ROW_H / 2 + (edge if down else -edge)
    if x2 - x1 >= 6:
        points = [(x1, y1), (x1, y2), (x2, y2)]
    else:
        # The dependent starts before the dependency ends: go round via the row gap.
        gap_y = target_y if down else target_y + ROW_H
        points = [(x1, y1), (x1, gap_y), (x2 - 8, gap_y), (x2 - 8, y2), (x2, y2)]
    return "M" + " L".join(f"{_num(px)},{_num(py)}" for px, py in points)


def _task_row(
    state: TaskState,
    axis: _Axis,
    y: int,
    prefix: str,
    m: Messages,
    link: Callable[[str], str],
    as_of: date,
    threshold: Decimal | Fraction,
) -> list[str]:
    task = state.task
    late, deviating = _flags(state, as_of, threshold)
    classes = ["task", f"status-{state.status.value}", f"kind-{task.kind.value}"]
    classes += [
        c
        for c, on in (("critical", state.critical), ("late", late), ("deviating", deviating))
        if on
    ]
    bar, right = _bar(state, axis, y, prefix, late, deviating)
    label = truncate(f"{task.id} {task.title}")
    id_part, _, title_part = label.partition(" ")
    label_markup = _el("tspan", [("font-weight", "bold")], str(escape(id_part))) + (
        " " + str(escape(title_part)) if title_part else ""
    )
    annotations = []
    progress = _percent(state.actual)
    if progress is not None:
        annotations.append(str(escape(progress)))
    if late:
        annotations.append(_el("tspan", [("class", "flag late"), *FLAG], "⚠"))
    if deviating:
        annotations.append(_el("tspan", [("class", "flag deviating"), *FLAG], "▼"))
    content = [
        _el("title", [], str(escape(_tooltip(state, m, late, deviating)))),
        _el(
            "text",
            [("class", "label"), ("x", 8), ("y", y + ROW_H / 2 + 4), ("fill", "currentColor")],
            label_markup,
        ),
        *bar,
    ]
    if annotations:
        content.append(
            _el(
                "text",
                [
                    ("class", "annotation"),
                    ("x", right + 5),
                    ("y", y + ROW_H / 2 + 4),
                    ("fill", "currentColor"),
                    ("font-size", 11),
                ],
                " ".join(annotations),
            )
        )
    anchor = _el("a", [("href", link(task.id))], "".join(content))
    return [_el("g", [("class", " ".join(classes)), ("data-task", task.id)], anchor)]


def gantt_legend(messages: Messages) -> Markup:
    """A small HTML legend explaining the chart's shapes, patterns and lines."""
    m = _catalog(messages)
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
        f' stroke="{CRITICAL_STROKE}" stroke-width="2.5"/>',
        "milestone": f'<polygon points="14,1 21,8 14,15 7,8" fill="{BAR_FILL}"'
        f' stroke="{BAR_STROKE}"/>',
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
