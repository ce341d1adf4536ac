"""One task's row: its bar, summary bracket or milestone diamond, baseline ghost,
progress, label, tooltip, owner and flags."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sitegen.content.choices import TaskKind
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.engine.compute import TaskState
from sitegen.site.gantt.axis import Axis
from sitegen.site.gantt.style import (
    ANNOTATION_UNIT_W,
    BAR_FILL,
    BAR_H,
    BAR_STROKE,
    BAR_TOP,
    CRITICAL_STROKE,
    DIAMOND,
    FLAG,
    GHOST_FILL,
    GHOST_H,
    INDENT,
    LABEL_W,
    LATE_STROKE,
    PROGRESS_FILL,
    ROW_H,
    SUMMARY_H,
)
from sitegen.site.gantt.svg import class_list, el, points, text
from sitegen.site.gantt.text import label_units, percent, text_width, truncate


@dataclass(frozen=True)
class Baseline:
    """A task's schedule as first planned (SPEC §9) and how far its end slipped since."""

    start: date
    end: date
    slip_days: int


@dataclass(frozen=True)
class RowInfo:
    """What a row shows besides the task's own state."""

    depth: int = 0  # levels below the nearest ancestor on the chart
    owner: str = ""  # the owner's display name
    baseline: Baseline | None = None


def span(state: TaskState) -> tuple[date, date]:
    """The task's first and last day, in order even when the file has them swapped."""
    first, end = state.task.first_day, state.task.end
    return (first, end) if first <= end else (end, first)


def drawn_span(state: TaskState, axis: Axis) -> tuple[date, date]:
    """The part of the task's span that the chart's axis shows."""
    first, end = span(state)
    return axis.clamp(first), axis.clamp(end)


def is_summary(state: TaskState) -> bool:
    return not state.is_leaf and state.task.kind is not TaskKind.MILESTONE


def ends(state: TaskState, axis: Axis, y: int) -> tuple[float, float, float]:
    """(left x, right x, middle y) of a task's bar or diamond."""
    first, end = drawn_span(state, axis)
    mid = y + ROW_H / 2
    if state.task.kind is TaskKind.MILESTONE:
        cx = axis.centre(end)
        return cx - DIAMOND, cx + DIAMOND, mid
    return axis.x(first), axis.x(end) + axis.day_w, mid


def slipped(state: TaskState, baseline: Baseline | None) -> bool:
    """Whether the task's dates differ from its baseline's (a ghost is drawn then)."""
    return baseline is not None and (baseline.start, baseline.end) != span(state)


def _flags(state: TaskState, as_of: date, threshold: Decimal | Fraction) -> tuple[bool, bool]:
    late = state.is_open and state.task.end < as_of
    deviating = state.is_open and metrics.is_alert(state.schedule_deviation, threshold)
    return late, deviating


def _tooltip(state: TaskState, m: Messages, info: RowInfo, late: bool, deviating: bool) -> str:
    task = state.task
    first, end = span(state)
    lines = [f"{task.title} ({task.id})"]
    if info.owner:
        lines.append(m("tip.owner", owner=info.owner))
    if task.kind is TaskKind.MILESTONE:
        lines.append(m("tip.milestone", date=end.isoformat()))
    else:
        lines.append(
            m("tip.dates", start=first.isoformat(), end=end.isoformat(), days=state.duration)
        )
    baseline = info.baseline
    if baseline is not None and slipped(state, baseline):
        key = "tip.baseline_early" if baseline.slip_days < 0 else "tip.baseline_late"
        lines.append(
            m(
                key,
                start=baseline.start.isoformat(),
                end=baseline.end.isoformat(),
                days=abs(baseline.slip_days),
            )
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
    if is_summary(state):
        notes.append(m("summary"))
    if task.kind is TaskKind.HIDDEN:
        notes.append(m("hidden"))
    if late:
        notes.append(m("late"))
    if deviating:
        notes.append(m("deviating"))
    if notes:
        lines.append(m.join(notes))
    return "\n".join(lines)


def _ghost(state: TaskState, axis: Axis, y: int, baseline: Baseline | None) -> list[str]:
    """The baseline as a thin grey bar under the bar (a hollow diamond for a milestone),
    where the task's dates moved since."""
    if baseline is None or not slipped(state, baseline):
        return []
    first, end = axis.clamp(baseline.start), axis.clamp(baseline.end)
    if state.task.kind is TaskKind.MILESTONE:
        cx, cy, half = axis.centre(end), y + ROW_H / 2, DIAMOND - 2
        corners = ((cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy))
        return [
            el(
                "polygon",
                [
                    ("class", "baseline"),
                    ("points", points(corners)),
                    ("fill", "none"),
                    ("stroke", GHOST_FILL),
                    ("stroke-dasharray", "2 2"),
                ],
            )
        ]
    return [
        el(
            "rect",
            [
                ("class", "baseline"),
                ("x", axis.x(first)),
                ("y", y + BAR_TOP + BAR_H + 1),  # clear of a 3 px outline
                ("width", (end - first).days * axis.day_w + axis.day_w),
                ("height", GHOST_H),
                ("fill", GHOST_FILL),
            ],
        )
    ]


def _bar(
    state: TaskState, axis: Axis, y: int, prefix: str, late: bool, deviating: bool
) -> tuple[list[str], float]:
    """The bar (or diamond, or summary bracket) and its progress fill; returns the parts
    and its right edge."""
    task = state.task
    first, end = drawn_span(state, axis)
    critical = state.critical
    hidden = task.kind is TaskKind.HIDDEN
    stroke = LATE_STROKE if late or deviating else CRITICAL_STROKE if critical else BAR_STROKE
    width = 3 if critical and not (late or deviating) else 2.5 if late or deviating else 1
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
    share = min(Fraction(state.actual or 0), Fraction(100)) / 100
    if is_summary(state):
        return _summary(x, bar_w, y, share, stroke, width, shown), x + bar_w
    parts = [
        el(
            "rect",
            [
                ("class", class_list(["bar"], shown)),
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
    if share > 0:
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


def summary_outline(x: float, width: float, top: float) -> list[tuple[float, float]]:
    """A parent's bracket: a bar ``SUMMARY_H`` high with a leg pointing down at each end."""
    leg = min(5.0, width / 2)
    bottom = top + SUMMARY_H
    return [
        (x, top),
        (x + width, top),
        (x + width, bottom + 5),
        (x + width - leg, bottom),
        (x + leg, bottom),
        (x, bottom + 5),
    ]


def _summary(
    x: float,
    bar_w: float,
    y: int,
    share: Fraction,
    stroke: str,
    width: float,
    shown: tuple[tuple[str, bool], ...],
) -> list[str]:
    top = y + BAR_TOP
    parts = [
        el(
            "polygon",
            [
                ("class", class_list(["bar", "summary"], shown)),
                ("points", points(summary_outline(x, bar_w, top))),
                ("fill", BAR_FILL),
                ("stroke", stroke),
                ("stroke-width", width),
            ],
        )
    ]
    if share > 0:
        parts.append(
            el(
                "rect",
                [
                    ("class", "progress"),
                    ("x", x),
                    ("y", top + 1.5),
                    ("width", bar_w * share),
                    ("height", SUMMARY_H - 3),
                    ("fill", PROGRESS_FILL),
                    ("pointer-events", "none"),
                ],
            )
        )
    return parts


def annotation_units(state: TaskState, owner: str, late: bool, deviating: bool) -> int:
    """The width of the text after the bar, in narrow-character units (see `annotation`)."""
    words = _annotation_words(state, owner)
    flags = 3 * (late + deviating)
    return text_width(" · ".join(words)) + flags if words or flags else 0


def _annotation_words(state: TaskState, owner: str) -> list[str]:
    """A milestone says its name; a task or parent its owner and progress."""
    if state.task.kind is TaskKind.MILESTONE:
        return [truncate(state.task.title, 30)]
    progress = percent(state.actual)
    return [w for w in (owner, progress) if w]


def task_row(
    state: TaskState,
    axis: Axis,
    y: int,
    prefix: str,
    m: Messages,
    link: Callable[[str], str],
    as_of: date,
    threshold: Decimal | Fraction,
    info: RowInfo = RowInfo(),
) -> tuple[str, float]:
    """The task's label, bar and annotations, linked to its page; and the x where its
    text after the bar ends (the chart is made wide enough for it)."""
    task = state.task
    late, deviating = _flags(state, as_of, threshold)
    classes = class_list(
        ["task", f"status-{state.status.value}", f"kind-{task.kind.value}"],
        [
            ("critical", state.critical),
            ("late", late),
            ("deviating", deviating),
            ("summary", is_summary(state)),
        ],
    )
    bar, right = _bar(state, axis, y, prefix, late, deviating)
    baseline_y = y + ROW_H / 2 + 4
    content = [
        el("title", [], text(_tooltip(state, m, info, late, deviating))),
        el(
            "text",
            [
                ("class", "label"),
                ("x", 8 + INDENT * info.depth),
                ("y", baseline_y),
                ("fill", "currentColor"),
                ("font-weight", "bold" if is_summary(state) else None),
            ],
            text(truncate(task.title, label_units(task.id, info.depth))),
        ),
        el(
            "text",
            [
                ("class", "task-id"),
                ("x", LABEL_W - 8),
                ("y", baseline_y),
                ("text-anchor", "end"),
                ("fill", "currentColor"),
                ("fill-opacity", 0.8),
                ("font-size", 10),
            ],
            text(truncate(task.id, 24)),
        ),
        *bar,
        *_ghost(state, axis, y, info.baseline),  # over the bar's outline, not under it
    ]
    words = [text(w) for w in _annotation_words(state, info.owner)]
    flags = []
    if late:
        flags.append(el("tspan", [("class", "flag late"), *FLAG], "⚠"))
    if deviating:
        flags.append(el("tspan", [("class", "flag deviating"), *FLAG], "▼"))
    end_x = right
    if words or flags:
        content.append(
            el(
                "text",
                [
                    ("class", "annotation"),
                    ("x", right + 5),
                    ("y", baseline_y),
                    ("fill", "currentColor"),
                    ("font-size", 11),
                ],
                " ".join([" · ".join(words), *flags]).strip(),
            )
        )
        units = annotation_units(state, info.owner, late, deviating)
        end_x = right + 5 + units * ANNOTATION_UNIT_W
    anchor = el("a", [("href", link(task.id))], "".join(content))
    return el("g", [("class", classes), ("data-task", task.id)], anchor), end_x
