"""The charts and "my week" as pages show them: what a reader sees without history, in a
week still to come, on a person's page, and the labels phone cards are made of.
(Their geometry is tested in test_charts.py; the sample's pages in the golden files.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_pages import MULTI, _build, _text, read


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample read without history, as of 2023-07-20."""
    return _build("content", tmp_path_factory.mktemp("plain") / "out")


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(MULTI, tmp_path_factory.mktemp("team") / "out", "2023-10-18")


def test_without_history_the_s_curve_is_one_muted_line(plain: Path) -> None:
    project = read(plain, "projects/q3-launch.html")
    assert '<p class="muted">没有 git 版本历史，无法画出进度曲线（S 曲线）。</p>' in project
    assert 'class="chart s-curve"' not in project and 'class="sparkline"' not in project


def test_this_week_vs_last_shows_four_figures_and_none_for_weeks_to_come(plain: Path) -> None:
    current = read(plain, "weekly/2023-W29.html")
    section = current.split('<section aria-labelledby="vs-h">', 1)[1].split("</section>", 1)[0]
    labels = re.findall(r'<span class="change-label">([^<]*)</span>', section)
    assert labels == ["整体实际进度", "完成任务", "新增预警", "解除预警"]
    # without history no overall progress: shown as —, never as 0
    assert '<span class="change-now">—</span>' in section
    assert "上周" in section and ("好转" in section or "变差" in section or "持平" in section)
    assert 'aria-labelledby="vs-h"' not in read(plain, "weekly/2023-W31.html")


def test_a_person_page_opens_with_my_week_and_names_the_person(team: Path) -> None:
    page = read(team, "people/ming.html")
    text = _text(page)
    assert "Team › 李明" in text and "(ming)" not in text
    assert page.index('id="myweek-h"') < page.index('id="ptasks-h"')
    week = _text(page.split('id="myweek-h"', 1)[1].split("</section>", 1)[0])
    for heading in ("Overdue 3", "Due this week 0", "Not confirmed yet 1", "Reports owed"):
        assert heading in week, heading
    assert "B-03 Brand video edit" in week and "L-03 Launch visuals" in week
    # his P0 task is overdue and behind: at risk, whatever the count of tasks says
    assert '<span class="tag load-at-risk">At risk</span>' in page
    assert "li-si" not in page and "ming)" not in text


def test_phone_cards_label_every_cell_of_the_kpi_risk_and_wbs_tables(plain: Path) -> None:
    pages = {
        "kpis": read(plain, "projects/q3-launch.html"),
        "wbs": read(plain, "projects/q3-launch.html"),
        "risks": read(plain, "risks/index.html"),
    }
    for kind, html in pages.items():
        table = re.split(rf'<table class="{kind} stack">', html, maxsplit=1)[1]
        body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        cells = re.findall(r"<td\b[^>]*>", body)
        unlabelled = [c for c in cells if "data-label=" not in c and 'class="code"' not in c]
        assert cells and not unlabelled, (kind, unlabelled)
    assert 'data-label="达标率"' in pages["kpis"]
    assert 'data-label="状态"' in pages["wbs"] and 'data-label="实际进度"' in pages["wbs"]
    assert 'data-label="当前状态"' in pages["risks"]


def test_the_load_rule_is_explained_in_both_languages(plain: Path, team: Path) -> None:
    assert "有风险" in _text(read(plain, "measures.html"))
    measures = _text(read(team, "measures.html"))
    assert "How the load status is decided" in measures and "At risk: a P0 task" in measures
