"""Finish-to-start dependency arrows, routed so that each can be followed on its own.

Arrows leaving one task for several successors leave its bar at different x (one
vertical *lane* each, the nearest successor's on the right), and arrows entering one
task from several predecessors arrive at different heights of its start: 02→04 and
02→15 do not share a line, and the arrowhead always sits at the successor's start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitegen.content.choices import TaskKind
from sitegen.engine.compute import TaskState
from sitegen.site.gantt.axis import Axis
from sitegen.site.gantt.bars import ends
from sitegen.site.gantt.style import BAR_H, DIAMOND, LANE_GAP, ROW_H
from sitegen.site.gantt.svg import el, points

Point = tuple[float, float]


@dataclass(frozen=True)
class Link:
    source: str
    target: str


def links(tasks: Sequence[TaskState]) -> list[Link]:
    """The dependencies between tasks on the chart, in chart order of the successor."""
    shown = {s.task.id for s in tasks}
    return [
        Link(dependency, state.task.id)
        for state in tasks
        for dependency in dict.fromkeys(state.task.depends_on)
        if dependency in shown and dependency != state.task.id
    ]


def lane_offsets(count: int, room: float) -> list[float]:
    """How far left of the exit point each of ``count`` lanes is: ``LANE_GAP`` apart,
    closer together when the bar (``room`` pixels) is too short for that."""
    if count <= 1:
        return [0.0] * count
    gap = min(float(LANE_GAP), max(room, 0.0) / (count - 1))
    return [index * gap for index in range(count)]


def entry_offsets(count: int) -> list[float]:
    """Heights (from the middle of the bar) where ``count`` arrows enter one task: 4 px
    apart, centred, within the bar."""
    if count <= 1:
        return [0.0] * count
    step = min(4.0, (BAR_H - 4) / (count - 1))
    return [(index - (count - 1) / 2) * step for index in range(count)]


def route(
    exit_x: float, exit_y: float, entry_x: float, entry_y: float, target_y: int, down: bool
) -> list[Point]:
    """Down (or up) from the source's edge to the successor's row, then right into its
    start; round through the gap between rows when the successor starts further left."""
    if entry_x - exit_x >= 6:
        return [(exit_x, exit_y), (exit_x, entry_y), (entry_x, entry_y)]
    gap_y = target_y if down else target_y + ROW_H
    return [
        (exit_x, exit_y),
        (exit_x, gap_y),
        (entry_x - 8, gap_y),
        (entry_x - 8, entry_y),
        (entry_x, entry_y),
    ]


def arrow_routes(
    tasks: Sequence[TaskState], row_y: Mapping[str, int], axis: Axis
) -> list[tuple[Link, list[Point]]]:
    """Each dependency with the points of its arrow."""
    by_id = {s.task.id: s for s in tasks}
    found = links(tasks)
    outgoing: dict[str, list[Link]] = defaultdict(list)
    incoming: dict[str, list[Link]] = defaultdict(list)
    for link in found:
        outgoing[link.source].append(link)
        incoming[link.target].append(link)
    exit_x: dict[Link, float] = {}
    for source, leaving in outgoing.items():
        # The nearest successor takes the rightmost lane, so lanes never cross.
        leaving.sort(key=lambda k: (abs(row_y[k.target] - row_y[source]), row_y[k.target]))
        left, right, _ = ends(by_id[source], axis, row_y[source])
        if by_id[source].task.kind is TaskKind.MILESTONE:
            start, room = (left + right) / 2, DIAMOND
        else:
            start, room = right - min(4, (right - left) / 2), max(right - left - 8, 0)
        for link, offset in zip(leaving, lane_offsets(len(leaving), room), strict=True):
            exit_x[link] = start - offset
    entry_dy: dict[Link, float] = {}
    for arriving in incoming.values():
        arriving.sort(key=lambda k: row_y[k.source])
        for link, offset in zip(arriving, entry_offsets(len(arriving)), strict=True):
            entry_dy[link] = offset
    routes = []
    for link in found:
        source, target = by_id[link.source], by_id[link.target]
        source_y, target_y = row_y[link.source], row_y[link.target]
        down = target_y > source_y
        edge = DIAMOND if source.task.kind is TaskKind.MILESTONE else BAR_H / 2
        exit_y = source_y + ROW_H / 2 + (edge if down else -edge)
        entry_x, _, middle = ends(target, axis, target_y)
        routes.append(
            (link, route(exit_x[link], exit_y, entry_x, middle + entry_dy[link], target_y, down))
        )
    return routes


def dependencies(
    tasks: Sequence[TaskState], row_y: Mapping[str, int], axis: Axis, prefix: str
) -> list[str]:
    """The arrows, under the bars."""
    parts = ['<g class="dependencies" fill="none" stroke="currentColor" stroke-width="1.2">']
    for link, path in arrow_routes(tasks, row_y, axis):
        parts.append(
            el(
                "path",
                [
                    ("class", "dependency"),
                    ("data-from", link.source),
                    ("data-to", link.target),
                    ("d", "M" + points(path, " L")),
                    ("marker-end", f"url(#{prefix}-arrow)"),
                    ("stroke-opacity", 0.7),
                ],
            )
        )
    parts.append("</g>")
    return parts
