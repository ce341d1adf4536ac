"""The preview finds the saved file's page by its path before the site's other pages are
planned (`BulkPages.find`): it must be the very page the plan has at that path."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sitegen.builder.analyse import analyse
from sitegen.core.i18n import Messages
from sitegen.site.analysis import Analysis
from sitegen.site.pages.bulk import BulkPages
from sitegen.site.pages.page import PageMaker
from sitegen.site.pages.view import SiteView

REPO = Path(__file__).resolve().parent.parent


def _bulk(analysis: Analysis) -> BulkPages:
    settings = analysis.site.settings
    ui = Messages(settings.language, kind="ui")
    return BulkPages(SiteView(analysis), PageMaker(settings.title), ui)


def _analysed(content: Path) -> Analysis:
    return analyse(content, date(2023, 9, 30), cache=False, history=False)


@pytest.mark.parametrize("content", [REPO / "content", REPO / "tests" / "sites" / "multi"])
def test_every_task_risk_and_report_page_is_found_as_planned(content: Path) -> None:
    analysis = _analysed(content)
    plan = {page.path: page for page in _bulk(analysis).plan()}
    kinds = {path.split("/")[0] for path in plan}
    assert {"tasks", "risks", "reports"} <= kinds
    found = 0
    for path, planned in plan.items():
        fresh = _bulk(analysis)  # as the preview asks: nothing planned yet
        page = fresh.find(path)
        if path.startswith("reports/") and path.count("/") == 1:  # the stream's own pages
            assert page is None, path
            continue
        assert page is not None, path
        assert (page.path, page.template) == (planned.path, planned.template)
        assert page.subject == planned.subject
        assert page.make() == planned.make()
        found += 1
    assert found > 20


@pytest.mark.parametrize(
    "path", ["index.html", "tasks/NOPE.html", "reports/q3-launch/2023-01-01-nobody.html", "tasks"]
)
def test_other_paths_are_left_to_the_plan(path: str) -> None:
    assert _bulk(_analysed(REPO / "content")).find(path) is None


def test_a_report_path_two_reports_share_is_left_to_the_plan(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    reports = content / "q3-launch" / "reports"
    # Named for another day, but its front matter says it is the 3 July report again.
    (reports / "2023-07-04-zhao-liu.md").write_bytes(
        (reports / "2023-07-03-zhao-liu.md").read_bytes()
    )
    analysis = _analysed(content)
    path = "reports/q3-launch/2023-07-03-zhao-liu.html"
    assert path in {page.path for page in _bulk(analysis).plan()}
    assert _bulk(analysis).find(path) is None
