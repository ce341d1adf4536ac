"""The time axis: day columns, the month and day header, grid lines, non-working days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sitegen.core.i18n import Messages
from sitegen.engine.workdays import WorkCalendar
from sitegen.site.gantt.style import HEADER_H, LABEL_W, MONTH_ROW_H
from sitegen.site.gantt.svg import el, text


def day_width(span_days: int) -> int:
    """Pixels per day: roomy for short spans, compressed (≥ 6) beyond ~120 days."""
    if span_days <= 60:
        return 22
    if span_days <= 120:
        return 18
    return max(6, 2160 // span_days)


class Axis:
    """Day columns from ``first`` to ``last``, right of the task labels."""

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last
        self.days = (last - first).days + 1
        self.day_w = day_width(self.days)
        self.x0 = LABEL_W

    def clamp(self, day: date) -> date:
        """``day``, or the axis's end nearest to it: a bar longer than the chart's window
        (see `sitegen.content.window`) runs to its edge."""
        return min(max(day, self.first), self.last)

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


def _rule(name: str, x1: float, y1: float, x2: float, y2: float, opacity: float) -> str:
    return el(
        "line",
        [
            ("class", name),
            ("x1", x1),
            ("y1", y1),
            ("x2", x2),
            ("y2", y2),
            ("stroke", "currentColor"),
            ("stroke-opacity", opacity),
        ],
    )


def grid(axis: Axis, height: int) -> list[str]:
    """Month and week lines from the top of the chart down to ``height``."""
    parts = ['<g class="grid-lines">']
    for day in axis.each_day():
        x = axis.x(day)
        if day.day == 1:
            parts.append(_rule("grid month", x, 0, x, height, 0.5))
        elif day.weekday() == 0:
            parts.append(_rule("grid week", x, MONTH_ROW_H, x, height, 0.2))
    parts.append("</g>")
    return parts


def header(axis: Axis, m: Messages) -> list[str]:
    """Month labels and day (or week-start) labels above the rows."""
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
                    el(
                        "text",
                        [
                            ("class", "month-label"),
                            ("x", x + 4),
                            ("y", 13),
                            ("fill", "currentColor"),
                            ("font-weight", "bold"),
                        ],
                        text(label),
                    )
                )
        monday = day.weekday() == 0
        if wide or monday:
            anchor_x = axis.centre(day) if wide else x + 2
            parts.append(
                el(
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
    parts.append(_rule("axis-line", 0, HEADER_H - 0.5, axis.right, HEADER_H - 0.5, 0.6))
    parts.append("</g>")
    return parts


def shading(axis: Axis, calendar: WorkCalendar, body_h: int) -> list[str]:
    """A shaded column for each weekend day and holiday."""
    parts = ['<g class="nonworking">']
    for day in axis.each_day():
        if calendar.is_working(day):
            continue
        kind = "weekend" if day.weekday() in calendar.weekend else "holiday"
        parts.append(
            el(
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
