"""The one-page weekly brief: what it selects (pure functions) and the pages it makes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from test_gantt import link, state

from sitegen.cli import main
from sitegen.content.choices import TaskStatus
from sitegen.core.i18n import Messages
from sitegen.engine.health import Health
from sitegen.engine.workdays import WorkCalendar
from sitegen.site.gantt import gantt_svg
from sitegen.site.pages.brief import (
    brief_window,
    charted,
    portfolio_chart,
    tasks_in_window,
)
from sitegen.site.pages.paths import brief_path

REPO = Path(__file__).resolve().parent.parent
THURSDAY = date(2023, 7, 20)


def test_the_window_is_this_week_and_the_two_after_it() -> None:
    assert brief_window(THURSDAY) == (date(2023, 7, 17), date(2023, 8, 6))
    assert brief_window(date(2023, 7, 17)) == (date(2023, 7, 17), date(2023, 8, 6))
    assert brief_window(date(2023, 7, 23)) == (date(2023, 7, 17), date(2023, 8, 6))  # a Sunday
    assert brief_window(THURSDAY, weeks=1) == (date(2023, 7, 17), date(2023, 7, 23))


def test_paths() -> None:
    assert brief_path() == "brief.html"
    assert brief_path("q3-launch") == "briefs/q3-launch.html"


def test_tasks_in_window_keep_those_that_meet_it_then_the_open_and_critical() -> None:
    window = (date(2023, 7, 17), date(2023, 8, 6))
    before = state("A", "2023-07-03", "2023-07-14")  # ends the Friday before
    touching = state("B", "2023-07-10", "2023-07-17")  # ends on the first day
    inside = state("C", "2023-07-20", "2023-07-25")
    across = state("D", "2023-07-01", "2023-08-31")  # runs through the whole window
    last_day = state("E", "2023-08-06", "2023-08-10")
    after = state("F", "2023-08-07", "2023-08-10")
    ordered = [before, touching, inside, across, last_day, after]
    assert tasks_in_window(ordered, window) == ([touching, inside, across, last_day], 0)

    closed = state("G", "2023-07-18", "2023-07-19", status=TaskStatus.DONE)
    critical = state("H", "2023-07-24", "2023-07-26", total_float=0)
    # 6 meet the window, 3 fit: open critical H, then open B and C (given order), not
    # closed G; shown in the order given
    shown, left = tasks_in_window([touching, closed, inside, critical, across, last_day], window, 3)
    assert (shown, left) == ([touching, inside, critical], 3)


def _row(health: Health) -> SimpleNamespace:
    return SimpleNamespace(health=SimpleNamespace(health=health))


def test_the_portfolio_charts_the_least_healthy_projects_in_their_order() -> None:
    a, b, c, d = (
        _row(Health.GREEN),
        _row(Health.RED),
        _row(Health.AMBER),
        _row(Health.RED),
    )
    assert charted([a, b, c, d], 3) == [b, c, d]
    assert charted([a, b, c, d], 2) == [b, d]
    assert charted([a], 3) == [a]


def _decision_items(html: str) -> list[str]:
    return [_text(item).strip() for item in re.findall(r'<li class="decision.*?</li>', html, re.S)]


def test_each_brief_shows_the_decisions_that_concern_its_project(tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = ["build", str(REPO / "tests" / "sites" / "multi"), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--as-of", "2023-10-09"])
    assert result.exit_code == 0, result.output
    dashboard = _decision_items((out / "index.html").read_text("utf-8"))
    portfolio = _decision_items((out / "brief.html").read_text("utf-8"))
    assert dashboard and portfolio == dashboard[: len(portfolio)]  # the same list, cut short
    per_project = [
        _decision_items(brief.read_text("utf-8")) for brief in sorted(out.glob("briefs/*.html"))
    ]
    assert len(per_project) == 3
    assert all(set(items) <= set(dashboard) for items in per_project)
    assert any(items for items in per_project)
    assert any(len(items) < len(dashboard) for items in per_project)


def test_the_portfolio_chart_groups_each_project_under_its_name() -> None:
    one = state("A-1", "2023-07-17", "2023-07-18", module="content")
    two = state("A-2", "2023-07-18", "2023-07-19", module=None)
    three = state("B-1", "2023-07-19", "2023-07-20", module="content")
    merged = portfolio_chart([("Alpha", [one, two]), ("Beta", [three])])
    assert [s.task.module for s in merged] == ["Alpha · content", "Alpha", "Beta · content"]
    assert [s.task.id for s in merged] == ["A-1", "A-2", "B-1"]
    assert one.task.module == "content"  # the model is left as it was
    assert portfolio_chart([("Alpha", [one, two])]) == [one, two]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "site"
    args = ["build", str(REPO / "content"), "-o", str(out), "--as-of", "2023-07-20"]
    result = CliRunner().invoke(main, [*args, "--no-history"])
    assert result.exit_code == 0, result.output
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_briefs_show_the_portfolio_decisions_kpis_and_three_weeks(site: Path) -> None:
    portfolio = (site / "brief.html").read_text("utf-8")
    project = (site / "briefs" / "q3-launch.html").read_text("utf-8")
    for html in (portfolio, project):
        text = _text(html)
        for heading in ("项目", "需要决策", "KPI 状态", "未来三周"):
            assert heading in text
        assert "Q3新品上市社交媒体推广" in text
        assert "小红书曝光量" in text  # a KPI
        # the chart runs from Monday 17 July to Sunday 6 August, not the whole project
        desc = re.search(r'<desc id="brief-gantt-desc">([^<]*)</desc>', html)
        assert desc and "2023-07-17" in desc.group(1) and "2023-08-06" in desc.group(1)
        assert "MKT-202307-001-01" not in re.sub(r"<table.*?</table>", "", html, flags=re.S)
    # every page links to the brief; the project page to its own
    assert 'href="brief.html"' in (site / "index.html").read_text("utf-8")
    assert 'href="../briefs/q3-launch.html"' in (site / "projects" / "q3-launch.html").read_text(
        "utf-8"
    )


def test_a_gantt_window_narrows_the_axis() -> None:
    messages = Messages("en", kind="gantt")
    calendar = WorkCalendar()
    tasks = [state("A", "2024-02-01", "2024-04-30"), state("B", "2024-03-04", "2024-03-08")]
    window = (date(2024, 3, 4), date(2024, 3, 24))
    svg = gantt_svg(tasks, calendar, date(2024, 3, 6), messages, link, "Chart", window=window)
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", svg)
    assert desc and "2024-03-04" in desc.group(1) and "2024-03-24" in desc.group(1)
    full = gantt_svg(tasks, calendar, date(2024, 3, 6), messages, link, "Chart")
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    assert width < float(re.search(r'viewBox="0 0 ([\d.]+)', full).group(1))
