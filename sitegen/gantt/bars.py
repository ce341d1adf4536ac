"""One task's row: its bar or milestone diamond, progress, label, tooltip and flags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sitegen import metrics
from sitegen.compute import TaskState
from sitegen.gantt.axis import Axis
from sitegen.gantt.style import (
    BAR_FILL,
    BAR_H,
    BAR_STROKE,
    BAR_TOP,
    CRITICAL_STROKE,
    DIAMOND,
    FLAG,
    LATE_STROKE,
    PROGRESS_FILL,
    ROW_H,
)
from sitegen.gantt.svg import class_list, el, points, text
from sitegen.gantt.text import percent, truncate
from sitegen.i18n import Messages
from sitegen.model import TaskKind


def span(state: TaskState) -> tuple[date, date]:
    """The task's first and last day, in order even when the file has them swapped."""
    first, end = state.task.first_day, state.task.end
    return (first, end) if first <= end else (end, first)


def drawn_span(state: TaskState, axis: Axis) -> tuple[date, date]:
    """The part of the task's span that the chart's axis shows."""
    first, end = span(state)
    return axis.clamp(first), axis.clamp(end)


def ends(state: TaskState, axis: Axis, y: int) -> tuple[float, float, float]:
    """(left x, right x, middle y) of a task's bar or diamond."""
    first, end = drawn_span(state, axis)
    mid = y + ROW_H / 2
    if state.task.kind is TaskKind.MILESTONE:
        cx = axis.centre(end)
        return cx - DIAMOND, cx + DIAMOND, mid
    return axis.x(first), axis.x(end) + axis.day_w, mid


def _flags(state: TaskState, as_of: date, threshold: Decimal | Fraction) -> tuple[bool, bool]:
    late = state.is_open and state.task.end < as_of
    deviating = state.is_open and metrics.is_alert(state.schedule_deviation, threshold)
    return late, deviating


def _tooltip(state: TaskState, m: Messages, late: bool, deviating: bool) -> str:
    task = state.task
    first, end = span(state)
    lines = [f"{task.id} — {task.title}"]
    if task.kind is TaskKind.MILESTONE:
        lines.append(m("tip.milestone", date=end.isoformat()))
    else:
        lines.append(
            m("tip.dates", start=first.isoformat(), end=end.isoformat(), days=state.duration)
        )
    actual = percent(state.actual)
    planned = percent(state.planned)
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


def _bar(
    state: TaskState, axis: Axis, y: int, prefix: str, late: bool, deviating: bool
) -> tuple[list[str], float]:
    """The bar (or diamond) and its progress fill; returns the parts and its right edge."""
    task = state.task
    first, end = drawn_span(state, axis)
    critical = state.critical
    hidden = task.kind is TaskKind.HIDDEN
    stroke = LATE_STROKE if late or deviating else CRITICAL_STROKE if critical else BAR_STROKE
    width = 2.5 if critical or late or deviating else 1
    dash = "4 3" if hidden else None
    fill = f"url(#{prefix}-hatch)" if critical else BAR_FILL
    shown = (("critical", critical), ("hidden", hidden), ("late", late), ("deviating", deviating))
    if task.kind is TaskKind.MILESTONE:
        cx, cy = axis.centre(end), y + ROW_H / 2
        done = state.actual is not None and state.actual >= 100
        corners = ((cx, cy - DIAMOND), (cx + DIAMOND, cy), (cx, cy + DIAMOND), (cx - DIAMOND, cy))
        diamond = el(
            "polygon",
            [
                ("class", class_list(["bar", "milestone"], [*shown, ("complete", done)])),
                ("points", points(corners)),
                ("fill", PROGRESS_FILL if done and not critical else fill),
                ("stroke", stroke),
                ("stroke-width", width),
                ("stroke-dasharray", dash),
            ],
        )
        return [diamond], cx + DIAMOND
    x = axis.x(first)
    bar_w = (end - first).days * axis.day_w + axis.day_w
    parts = [
        el(
            "rect",
            [
                ("class", class_list(["bar"], [*shown, ("summary", not state.is_leaf)])),
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
    ]
    if state.actual is not None and state.actual > 0:
        share = min(Fraction(state.actual), Fraction(100)) / 100
        parts.append(
            el(
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


def task_row(
    state: TaskState,
    axis: Axis,
    y: int,
    prefix: str,
    m: Messages,
    link: Callable[[str], str],
    as_of: date,
    threshold: Decimal | Fraction,
) -> str:
    """The task's label, bar and annotations, linked to its page."""
    task = state.task
    late, deviating = _flags(state, as_of, threshold)
    classes = class_list(
        ["task", f"status-{state.status.value}", f"kind-{task.kind.value}"],
        [("critical", state.critical), ("late", late), ("deviating", deviating)],
    )
    bar, right = _bar(state, axis, y, prefix, late, deviating)
    label = truncate(f"{task.id} {task.title}")
    id_part, _, title_part = label.partition(" ")
    label_markup = el("tspan", [("font-weight", "bold")], text(id_part)) + (
        " " + text(title_part) if title_part else ""
    )
    annotations = []
    progress = percent(state.actual)
    if progress is not None:
        annotations.append(text(progress))
    if late:
        annotations.append(el("tspan", [("class", "flag late"), *FLAG], "⚠"))
    if deviating:
        annotations.append(el("tspan", [("class", "flag deviating"), *FLAG], "▼"))
    content = [
        el("title", [], text(_tooltip(state, m, late, deviating))),
        el(
            "text",
            [("class", "label"), ("x", 8), ("y", y + ROW_H / 2 + 4), ("fill", "currentColor")],
            label_markup,
        ),
        *bar,
    ]
    if annotations:
        content.append(
            el(
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
    anchor = el("a", [("href", link(task.id))], "".join(content))
    return el("g", [("class", classes), ("data-task", task.id)], anchor)
