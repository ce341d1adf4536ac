"""The server-rendered Gantt chart (sitegen/site/gantt/)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from fractions import Fraction

import pytest

from sitegen.content.choices import Priority, TaskStatus
from sitegen.content.model import TaskDoc
from sitegen.core.i18n import Messages
from sitegen.engine.compute import TaskState
from sitegen.engine.workdays import WorkCalendar
from sitegen.site.gantt import (
    BAR_TOP,
    HEADER_H,
    LABEL_W,
    PAD_DAYS,
    ROW_H,
    day_width,
    gantt_legend,
    gantt_svg,
    truncate,
)

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
AS_OF = date(2024, 3, 6)  # a Wednesday


def state(
    task_id: str,
    start: str | None,
    end: str,
    *,
    title: str | None = None,
    module: str | None = "web",
    kind: str = "task",
    depends_on: tuple[str, ...] = (),
    status: TaskStatus = TaskStatus.DOING,
    actual: Fraction | None = None,
    planned: Fraction | None = None,
    total_float: int | None = 1,
    parent: str | None = None,
    children: tuple[str, ...] = (),
) -> TaskState:
    doc = TaskDoc.model_validate(
        {
            "id": task_id,
            "title": title or f"Task {task_id}",
            "owner": "pat",
            "start": start,
            "end": end,
            "module": module,
            "kind": kind,
            "depends_on": list(depends_on),
            "parent": parent,
        }
    )
    deviation = None
    if actual is not None and planned:
        deviation = (actual - planned) / planned
    return TaskState(
        task=doc,
        project="p",
        status=status,
        priority=Priority.P2,
        duration=0,
        planned=planned,
        actual=actual,
        schedule_deviation=deviation,
        total_float=total_float,
        children=children,
        dependents=(),
        entries=(),
    )


def link(task_id: str) -> str:
    return f"../tasks/{task_id}.html"


def sample() -> list[TaskState]:
    return [
        state(
            "A",
            "2024-03-04",
            "2024-03-08",
            actual=Fraction(50),
            planned=Fraction(60),
            total_float=0,
        ),
        state("B", "2024-03-11", "2024-03-13", depends_on=("A",), total_float=0),
        state(
            "C",
            "2024-03-05",
            "2024-03-07",
            module=None,
            kind="hidden",
            actual=Fraction(10),
            planned=Fraction(40),
        ),
        state("M", None, "2024-03-14", module=None, kind="milestone", depends_on=("B", "C", "X")),
        state("L", "2024-03-01", "2024-03-05", module=None, status=TaskStatus.TODO),
    ]


def render(tasks=None, language: str = "en", **kwargs) -> str:
    return str(
        gantt_svg(
            sample() if tasks is None else tasks,
            WorkCalendar(),
            AS_OF,
            Messages(language, kind="gantt"),
            link,
            "Launch plan",
            **kwargs,
        )
    )


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def task_groups(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:g[@data-task]", NS)


def test_parses_as_svg_with_accessible_name() -> None:
    root = parse(render())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "group"  # its task links make it a group, not an image
    labelled = root.get("aria-labelledby").split()
    assert [root.find(f".//*[@id='{i}']").tag for i in labelled] == [f"{SVG}title", f"{SVG}desc"]
    assert root.find("s:title", NS).text == "Launch plan"
    width, height = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {width} {height}"


def test_one_linked_bar_per_task() -> None:
    root = parse(render())
    groups = task_groups(root)
    assert [g.get("data-task") for g in groups] == ["A", "B", "C", "M", "L"]
    for g in groups:
        anchor = g.find("s:a", NS)
        assert anchor.get("href") == link(g.get("data-task"))
        bars = [e for e in anchor if "bar" in (e.get("class") or "").split()]
        assert len(bars) == 1
        task_id = g.get("data-task")
        assert anchor.find("s:title", NS).text.startswith(f"Task {task_id} ({task_id})")


def test_bar_geometry_spans_first_to_last_day_inclusive() -> None:
    root = parse(render())
    first = date(2024, 3, 1)  # min start (L) …
    day_w = day_width((date(2024, 3, 14) - first).days + 1 + 2 * PAD_DAYS)
    bar = root.find(".//s:g[@data-task='A']//s:rect[@class]", NS)
    assert "bar" in bar.get("class").split()
    assert float(bar.get("x")) == LABEL_W + (PAD_DAYS + 3) * day_w  # 03-04 is day 3 after 03-01
    assert float(bar.get("width")) == 5 * day_w  # 03-04 .. 03-08 inclusive
    progress = root.find(".//s:g[@data-task='A']//s:rect[@class='progress']", NS)
    assert float(progress.get("width")) == pytest.approx(2.5 * day_w, abs=0.05)
    words = "".join(root.find(".//s:g[@data-task='A']", NS).itertext())
    assert "50%" in words and "50.0%" not in words  # no false precision


def test_milestone_is_a_diamond() -> None:
    root = parse(render())
    anchor = root.find(".//s:g[@data-task='M']/s:a", NS)
    assert anchor.find("s:rect", NS) is None
    polygon = anchor.find("s:polygon", NS)
    assert "milestone" in polygon.get("class").split()
    assert len(polygon.get("points").split()) == 4


def test_critical_class_only_on_critical_tasks() -> None:
    root = parse(render())
    critical = {
        g.get("data-task") for g in task_groups(root) if "critical" in g.get("class").split()
    }
    assert critical == {"A", "B"}
    bar = root.find(".//s:g[@data-task='A']//s:rect", NS)
    assert "critical" in bar.get("class").split()
    assert bar.get("fill").startswith("url(#")  # a hatch pattern, not colour alone


def test_late_deviating_and_hidden_are_marked() -> None:
    root = parse(render())
    classes = {g.get("data-task"): set(g.get("class").split()) for g in task_groups(root)}
    assert "late" in classes["L"]  # open, ended 03-05 < 03-06
    assert "late" not in classes["A"]
    assert "deviating" in classes["C"]  # 10 vs 40 planned: −75%
    assert "deviating" not in classes["A"]  # 50 vs 60 planned: −16.7%
    late_text = "".join(root.find(".//s:g[@data-task='L']", NS).itertext())
    assert "⚠" in late_text
    hidden_bar = root.find(".//s:g[@data-task='C']//s:rect", NS)
    assert "hidden" in hidden_bar.get("class").split()
    assert hidden_bar.get("stroke-dasharray")


def test_deviation_threshold_is_inclusive() -> None:
    exactly = state("E", "2024-03-04", "2024-03-08", actual=Fraction(40), planned=Fraction(50))
    root = parse(render([exactly]))
    assert "deviating" in task_groups(root)[0].get("class").split()  # exactly −20%


def test_done_task_is_not_late() -> None:
    done = state("D", "2024-03-01", "2024-03-04", status=TaskStatus.DONE, actual=Fraction(100))
    root = parse(render([done]))
    assert "late" not in task_groups(root)[0].get("class").split()


def test_today_line_position() -> None:
    tasks = [state("A", "2024-03-04", "2024-03-15")]
    root = parse(render(tasks))
    day_w = day_width(12 + 2 * PAD_DAYS)
    line = root.find(".//s:line[@class='today-line']", NS)
    expected = LABEL_W + (PAD_DAYS + 2) * day_w + day_w / 2  # 03-06 is 2 days after 03-04
    assert float(line.get("x1")) == float(line.get("x2")) == expected


def test_no_today_line_out_of_range() -> None:
    tasks = [state("A", "2024-04-01", "2024-04-12")]
    assert parse(render(tasks)).find(".//s:line[@class='today-line']", NS) is None


def test_weekend_and_holiday_shading() -> None:
    # Two weeks Mon 03-04 .. Sun 03-17, padded to Sat 03-02 .. Tue 03-19: weekends
    # 03-02, 03-03, 03-09, 03-10, 03-16, 03-17.
    tasks = [state("A", "2024-03-04", "2024-03-17")]
    root = parse(render(tasks))
    shaded = root.findall(".//s:rect[@data-date]", NS)
    assert [r.get("data-date") for r in shaded] == [
        "2024-03-02", "2024-03-03", "2024-03-09", "2024-03-10", "2024-03-16", "2024-03-17",
    ]  # fmt: skip
    calendar = WorkCalendar(
        holidays=frozenset({date(2024, 3, 8)}), workdays=frozenset({date(2024, 3, 9)})
    )
    markup = str(gantt_svg(tasks, calendar, AS_OF, Messages("en", "gantt"), link, "x"))
    shaded = parse(markup).findall(".//s:rect[@data-date]", NS)
    dates = [r.get("data-date") for r in shaded]
    assert "2024-03-08" in dates and "2024-03-09" not in dates
    assert len(dates) == 6


def test_dependency_arrows() -> None:
    root = parse(render())
    arrows = root.findall(".//s:path[@class='dependency']", NS)
    # B←A, M←B, M←C; M←X is skipped (X is not in the chart).
    assert [(a.get("data-from"), a.get("data-to")) for a in arrows] == [
        ("A", "B"), ("B", "M"), ("C", "M"),
    ]  # fmt: skip
    marker = root.find(".//s:marker", NS)
    assert all(a.get("marker-end") == f"url(#{marker.get('id')})" for a in arrows)


def test_ids_unique_per_chart() -> None:
    one = parse(render())
    two = parse(render(id_prefix="second"))
    ids_one = {e.get("id") for e in one.iter() if e.get("id")}
    ids_two = {e.get("id") for e in two.iter() if e.get("id")}
    assert ids_one and not ids_one & ids_two
    other_title = str(
        gantt_svg(sample(), WorkCalendar(), AS_OF, Messages("en", "gantt"), link, "Another plan")
    )
    assert not ids_one & {e.get("id") for e in parse(other_title).iter() if e.get("id")}


def test_group_headers_when_module_changes() -> None:
    root = parse(render())
    labels = [t.text for t in root.findall(".//s:text[@class='group-label']", NS)]
    assert labels == ["web", "No module"]
    zh = parse(render(language="zh-CN"))
    assert [t.text for t in zh.findall(".//s:text[@class='group-label']", NS)][-1] == "未分模块"


def test_untrusted_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & <b>'
    tasks = [state("A", "2024-03-04", "2024-03-08", title=evil, module="<i>m</i>")]
    markup = str(
        gantt_svg(
            tasks, WorkCalendar(), AS_OF, Messages("en", "gantt"), lambda _: '"><script>', evil
        )
    )
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup
    root = parse(markup)
    assert root.find("s:title", NS).text == evil
    assert root.find(".//s:a", NS).get("href") == '"><script>'
    assert root.find(".//s:a/s:title", NS).text.startswith("<script>")


def test_output_is_deterministic() -> None:
    assert render() == render()
    assert render(language="zh-CN") == render(language="zh-CN")


def test_empty_chart_still_valid() -> None:
    root = parse(render([]))
    assert task_groups(root) == []


def test_many_tasks_long_span() -> None:
    tasks = [
        state(
            f"T{i:03d}",
            f"2024-{1 + i % 12:02d}-01",
            f"2024-{1 + i % 12:02d}-20",
            module=f"m{i // 20}",
        )
        for i in range(120)
    ]
    root = parse(render(tasks))
    assert len(task_groups(root)) == 120
    days = (date(2024, 12, 20) - date(2024, 1, 1)).days + 1 + 2 * PAD_DAYS
    assert day_width(days) >= 6
    assert float(root.get("height")) >= HEADER_H + (120 + 6) * ROW_H
    bar = root.find(".//s:g[@data-task='T000']//s:rect", NS)
    assert float(bar.get("y")) == HEADER_H + ROW_H + BAR_TOP  # after the m0 header row


def test_day_width_compresses() -> None:
    assert 18 <= day_width(14) <= 24
    assert 18 <= day_width(120) <= 24
    assert 6 <= day_width(200) < 18
    assert day_width(2000) == 6


def test_truncate_counts_wide_characters() -> None:
    assert truncate("short") == "short"
    cut = truncate("市场推广活动" * 10, 20)
    assert cut.endswith("…") and len(cut) <= 11
    assert truncate("a" * 50, 10) == "a" * 9 + "…"


def test_chinese_labels_and_catalogs_match() -> None:
    markup = render(language="zh-CN")
    assert "今天" in markup and "年3月" in markup
    en = Messages("en", "gantt")
    zh = Messages("zh-CN", "gantt")
    singular = {key for key in en._strings if key.endswith(".one")}  # English plurals only
    assert set(en._strings) - singular == set(zh._strings)


def test_legend() -> None:
    html = str(gantt_legend(Messages("zh-CN", "gantt")))
    root = ET.fromstring(html)
    assert root.tag == "ul" and len(root) == 13
    assert "关键路径" in html
    # A ui catalog is accepted too: the gantt catalog in its language is used.
    assert "Milestone" in str(gantt_legend(Messages("en", "ui")))


def test_the_id_column_repeats_the_charts_left_edge_for_phones() -> None:
    markup = str(
        gantt_svg(
            sample(), WorkCalendar(), AS_OF, Messages("en", "gantt"), link, "Plan", id_column=True
        )
    )
    head, rest = markup.split("</svg>", 1)
    column, chart = rest.split("</svg>", 1)
    assert 'class="gantt-head" aria-hidden="true"' in head
    assert 'class="gantt-ids" aria-hidden="true"' in column
    assert "<a " not in column  # decorative: the chart has the links
    for group in ("rows", "tasks"):
        assert re.search(rf'<g class="{group}" id="(gantt-plan-[0-9a-f]+-{group})"', chart)
        used = re.search(rf'href="#(gantt-plan-[0-9a-f]+-{group})"', column)
        assert used and f'id="{used[1]}"' in chart
