"""The Gantt chart read by people: names first, owners, nesting, baselines, milestones,
the project end, arrows told apart, critical vs late without hue, the page layout."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from fractions import Fraction

import pytest
from test_gantt import AS_OF, NS, link, parse, render, state

from sitegen.content.choices import TaskKind
from sitegen.core.i18n import Messages
from sitegen.engine.workdays import WorkCalendar
from sitegen.site.gantt import LABEL_W, PAD_DAYS, ROW_H, day_width, gantt_svg
from sitegen.site.gantt.arrows import entry_offsets, lane_offsets
from sitegen.site.gantt.bars import Baseline, summary_outline
from sitegen.site.gantt.chart import depths
from sitegen.site.gantt.style import (
    CRITICAL_STROKE,
    GHOST_H,
    HEADER_H,
    ID_COLUMN_MAX_W,
    LANE_GAP,
    LATE_STROKE,
)
from sitegen.site.gantt.text import label_units, percent

NAMES = {"pat": "Pat Lee"}


def chart(tasks, **kwargs) -> ET.Element:
    return parse(render(tasks, owners=NAMES.get, **kwargs))


def group(root: ET.Element, task_id: str) -> ET.Element:
    return root.find(f".//s:g[@data-task='{task_id}']", NS)


def annotation(root: ET.Element, task_id: str) -> str:
    return "".join(group(root, task_id).find(".//s:text[@class='annotation']", NS).itertext())


def test_percent_has_no_false_precision() -> None:
    assert percent(Fraction(100)) == "100%"
    assert percent(Fraction(0)) == "0%"
    assert percent(Fraction(200, 3)) == "66.7%"
    assert percent(None) is None


def test_label_units_leave_room_for_the_id_and_indent() -> None:
    # 44 units, less the 17-character id at 10/12 of the width (15 units) and a gap of 2.
    assert label_units("MKT-202307-001-01", 0) == 27
    assert label_units("MKT-202307-001-01", 2) == 23  # two levels down: 2 units each
    assert label_units("X" * 80, 0) == 12  # never less


def test_the_name_comes_first_and_the_id_second() -> None:
    root = chart([state("A", "2024-03-04", "2024-03-08", title="Key visual")])
    row = group(root, "A")
    assert row.find(".//s:text[@class='label']", NS).text == "Key visual"
    task_id = row.find(".//s:text[@class='task-id']", NS)
    assert task_id.text == "A"
    assert task_id.get("text-anchor") == "end" and float(task_id.get("x")) == LABEL_W - 8
    assert float(task_id.get("font-size")) < 12  # secondary: smaller than the name


def test_each_bar_names_its_owner_and_progress() -> None:
    root = chart([state("A", "2024-03-04", "2024-03-08", actual=Fraction(50))])
    assert annotation(root, "A") == "Pat Lee · 50%"
    tooltip = group(root, "A").find(".//s:title", NS).text
    assert "Owner: Pat Lee" in tooltip


def test_a_milestone_says_its_name_not_a_percentage() -> None:
    done = state("M", None, "2024-03-08", kind="milestone", title="Launch", actual=Fraction(100))
    root = chart([done])
    assert annotation(root, "M") == "Launch"


def test_the_chart_is_wide_enough_for_the_text_after_the_last_bar() -> None:
    long_name = "A milestone with a rather long name"  # cut to 30 units: 29 + '…'
    root = chart([state("M", None, "2024-03-08", kind="milestone", title=long_name)])
    day_w = day_width(1 + 2 * PAD_DAYS)
    right = LABEL_W + PAD_DAYS * day_w + day_w / 2 + 7  # the diamond's right corner
    assert float(root.get("width")) == round(right + 5 + 30 * 6.6 + 8)


def test_depths_count_the_ancestors_on_the_chart() -> None:
    tasks = [
        state("P", "2024-03-04", "2024-03-15", children=("C1",)),
        state("C1", "2024-03-04", "2024-03-08", parent="P", children=("C2",)),
        state("C2", "2024-03-04", "2024-03-05", parent="C1"),
        state("O", "2024-03-04", "2024-03-05", parent="not-on-the-chart"),
    ]
    assert depths(tasks) == {"P": 0, "C1": 1, "C2": 2, "O": 0}
    root = chart(tasks)
    xs = [
        float(group(root, t).find(".//s:text[@class='label']", NS).get("x"))
        for t in ["P", "C1", "C2"]
    ]
    assert xs == [8, 20, 32]  # 12 px per level


def test_depths_survive_a_parent_cycle() -> None:
    tasks = [
        state("A", "2024-03-04", "2024-03-05", parent="B"),
        state("B", "2024-03-04", "2024-03-05", parent="A"),
    ]
    assert depths(tasks) == {"A": 1, "B": 1}


def test_a_parent_is_a_summary_bracket() -> None:
    assert summary_outline(100, 40, 4) == [
        (100, 4), (140, 4), (140, 15), (135, 10), (105, 10), (100, 15),
    ]  # fmt: skip
    parent = state("P", "2024-03-04", "2024-03-08", children=("C",), actual=Fraction(25))
    root = chart([parent, state("C", "2024-03-04", "2024-03-05", parent="P")])
    row = group(root, "P")
    assert "summary" in row.get("class").split()
    bracket = row.find(".//s:polygon", NS)
    assert bracket.get("class").split()[:2] == ["bar", "summary"]
    assert row.find(".//s:text[@class='label']", NS).get("font-weight") == "bold"
    assert annotation(root, "P") == "Pat Lee · 25%"  # the roll-up, from its state


def test_a_ghost_bar_shows_the_baseline_where_a_task_slipped() -> None:
    tasks = [
        state("A", "2024-03-04", "2024-03-08"),  # baseline 03-04..03-06: slipped 2 days
        state("B", "2024-03-04", "2024-03-08"),  # baseline as planned: no ghost
    ]
    baselines = {
        "A": Baseline(date(2024, 3, 4), date(2024, 3, 6), 2),
        "B": Baseline(date(2024, 3, 4), date(2024, 3, 8), 0),
    }
    root = chart(tasks, baselines=baselines)
    day_w = day_width(5 + 2 * PAD_DAYS)
    ghost = group(root, "A").find(".//s:rect[@class='baseline']", NS)
    row_y = HEADER_H + ROW_H  # after the module's header row
    assert float(ghost.get("x")) == LABEL_W + PAD_DAYS * day_w
    assert float(ghost.get("width")) == 3 * day_w  # 03-04 .. 03-06 inclusive
    assert float(ghost.get("y")) == row_y + 19  # under the bar (4..18) and its outline
    assert float(ghost.get("height")) == GHOST_H
    assert group(root, "B").find(".//s:rect[@class='baseline']", NS) is None
    tooltip = group(root, "A").find(".//s:title", NS).text
    assert "Baseline 2024-03-04 – 2024-03-06: now ends 2 working days later" in tooltip
    assert chart(tasks).find(".//s:rect[@class='baseline']", NS) is None  # no history


def test_the_axis_reaches_back_to_a_baseline_and_out_to_the_project_end() -> None:
    tasks = [state("A", "2024-03-11", "2024-03-15")]
    baselines = {"A": Baseline(date(2024, 3, 4), date(2024, 3, 8), 5)}
    root = chart(tasks, baselines=baselines, project_end=date(2024, 3, 22))
    # 03-04 .. 03-22 is 19 days, padded by 2 on each side
    day_w = day_width(19 + 2 * PAD_DAYS)
    ghost = root.find(".//s:rect[@class='baseline']", NS)
    assert float(ghost.get("x")) == LABEL_W + PAD_DAYS * day_w
    line = root.find(".//s:line[@class='project-end-line']", NS)
    # after 03-22, the 18th day after 03-04
    assert float(line.get("x1")) == LABEL_W + (PAD_DAYS + 19) * day_w
    assert "Project end 2024-03-22" in "".join(root.itertext())


def test_lanes_and_entries_are_spread() -> None:
    assert lane_offsets(1, 50) == [0]
    assert lane_offsets(3, 20) == [0, LANE_GAP, 2 * LANE_GAP]
    assert lane_offsets(3, 4) == [0, 2, 4]  # a short bar: closer together
    assert entry_offsets(1) == [0]
    assert entry_offsets(2) == [-2, 2]
    assert entry_offsets(4) == pytest.approx([-5, -5 / 3, 5 / 3, 5])  # within the bar


def _path_points(path: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in re.findall(r"[-\d.]+,[-\d.]+", path.get("d"))]


def test_arrows_from_one_task_to_two_successors_can_be_told_apart() -> None:
    tasks = [
        state("02", "2024-03-04", "2024-03-08"),
        state("04", "2024-03-11", "2024-03-13", depends_on=("02",)),
        state("15", "2024-03-11", "2024-03-15", depends_on=("02",)),
        state("20", "2024-03-18", "2024-03-19", depends_on=("04", "15")),
    ]
    root = chart(tasks)
    day_w = day_width(16 + 2 * PAD_DAYS)
    arrows = {
        (a.get("data-from"), a.get("data-to")): _path_points(a)
        for a in root.findall(".//s:path[@class='dependency']", NS)
    }
    to_04, to_15 = arrows["02", "04"], arrows["02", "15"]
    bar_right = LABEL_W + (PAD_DAYS + 5) * day_w  # 02 ends after 03-08
    assert to_04[0][0] == bar_right - 4  # the nearest successor: the rightmost lane
    assert to_15[0][0] == bar_right - 4 - LANE_GAP  # its own vertical line
    start = LABEL_W + (PAD_DAYS + 7) * day_w  # both successors start on 03-11
    assert to_04[-1][0] == to_15[-1][0] == start  # arrowheads at the successor's start
    # two arrows into 20 arrive 4 px apart, around the middle of its bar
    middle = HEADER_H + ROW_H + 3 * ROW_H + ROW_H / 2
    assert arrows["04", "20"][-1][1] == middle - 2
    assert arrows["15", "20"][-1][1] == middle + 2


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _deuteranopia_luminance(colour: str) -> float:
    """Relative luminance of ``colour`` as a deuteranope sees it (Machado et al. 2009,
    severity 1, in linear RGB)."""
    r, g, b = (_linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    matrix = (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    )
    sr, sg, sb = (min(1, max(0, x * r + y * g + z * b)) for x, y, z in matrix)
    return 0.2126 * sr + 0.7152 * sg + 0.0722 * sb


def test_critical_and_late_outlines_differ_without_hue() -> None:
    critical, late = _deuteranopia_luminance(CRITICAL_STROKE), _deuteranopia_luminance(LATE_STROKE)
    ratio = (max(critical, late) + 0.05) / (min(critical, late) + 0.05)
    assert ratio >= 3  # told apart by lightness alone
    tasks = [
        state("C", "2024-03-04", "2024-03-08", total_float=0),
        state("L", "2024-03-01", "2024-03-05"),  # open and past its end on 03-06
    ]
    root = chart(tasks)
    crit = group(root, "C").find(".//s:rect", NS)
    late_bar = group(root, "L").find(".//s:rect", NS)
    assert crit.get("fill").startswith("url(#") and not late_bar.get("fill").startswith("url(")
    assert crit.get("stroke-width") != late_bar.get("stroke-width")
    assert "⚠" in "".join(group(root, "L").itertext())


def test_the_page_layout_has_a_sticky_header_and_opens_at_today() -> None:
    tasks = [state("A", "2024-02-01", "2024-03-29", title="Key visual")]
    markup = str(
        gantt_svg(
            tasks, WorkCalendar(), AS_OF, Messages("en", "gantt"), link, "Plan", id_column=True
        )
    )
    top, body = markup.split('<div class="gantt-body">')
    assert top.startswith('<div class="gantt-top"><span class="gantt-corner"')
    assert 'class="gantt-head" aria-hidden="true"' in top
    assert "month-label" in top and "month-label" not in body  # the header is its own SVG
    column_w = round(8 + 6.5 * len("Key visual") + 8)
    assert column_w < ID_COLUMN_MAX_W
    assert f'style="width:{column_w}px;margin-right:-{column_w}px"' in top
    day_w = day_width(59 + 2 * PAD_DAYS)  # 02-01 .. 03-29
    today_x = LABEL_W + (PAD_DAYS + 34) * day_w  # 03-06 is 34 days after 02-01
    left = today_x - column_w - 60  # room for half the label under the today line
    assert f'<span class="gantt-now" style="left:{left:g}px"></span>' in body
    chart_svg = ET.fromstring(body[body.index("<svg", 10) : body.rindex("</svg>") + 6])
    assert chart_svg.get("viewBox").split()[1] == str(HEADER_H)  # the rows, under the header


def test_task_kind_milestone_has_no_summary_bracket() -> None:
    milestone = state("M", None, "2024-03-08", kind="milestone", children=("X",))
    root = chart([milestone])
    assert TaskKind.MILESTONE.value in group(root, "M").get("class")
    assert "summary" not in group(root, "M").get("class").split()
