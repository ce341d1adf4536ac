"""The sample site printed by Chromium (print-to-PDF), as a director would print it.

Like the screen tests this fails, and does not skip, without /usr/bin/chromium. Pages are
counted in the PDF's bytes: Chromium writes one ``/Type /Page`` object per page (and one
``/Type /Pages`` tree), uncompressed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_browser import REPO, browser, site  # noqa: F401 (fixtures shared with the screen tests)

from sitegen.cli import main

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
PT = 96 / 72  # CSS pixels per point
A4_PORTRAIT_CONTENT_W = (210 - 2 * 12) * MM  # the theme's @page margins
A4_LANDSCAPE_CONTENT = ((297 - 2 * 10) * MM, (210 - 2 * 10) * MM)
SMALLEST_LABEL_PT = 5


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """The width and height (points) of each page of a PDF Chromium wrote."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page(?![a-zA-Z])", data):
        # a page's dictionary: from the `<<` before its /Type to the `>>` that closes it
        start = data.rfind(b"<<", 0, match.start())
        end = data.find(b"endobj", match.end())
        box = re.search(
            rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", data[start:end]
        )
        assert box, "a page without a /MediaBox"
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        sizes.append((x1 - x0, y1 - y0))
    return sizes


def _print(chromium, path: Path) -> list[tuple[float, float]]:
    page = chromium.new_page()
    page.goto(path.as_uri())
    data = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    page.close()
    assert data.startswith(b"%PDF")
    return pdf_pages(data)


def _smallest_gantt_text_pt(chromium, path: Path, width: float, selector: str) -> float:
    """The smallest Gantt text, in points, when the page is laid out for print at
    ``width`` CSS pixels (the printable width of its page)."""
    page = chromium.new_page(viewport={"width": round(width), "height": 1000})
    page.emulate_media(media="print")
    page.goto(path.as_uri())
    smallest = page.evaluate(
        """selector => Math.min(...[...document.querySelectorAll(selector)]
          .filter(svg => svg.getClientRects().length).map(svg => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('[font-size]')]
                .filter(e => e.getClientRects().length)
                .map(e => parseFloat(e.getAttribute('font-size')));
            return Math.min(...sizes) * scale;
        }))""",
        selector,
    )
    page.close()
    return smallest / PT


A4 = (595.92, 842.88)  # Chromium's A4, in points


def _is_a4(size: tuple[float, float], landscape: bool = False) -> bool:
    expected = A4[::-1] if landscape else A4
    return all(abs(a - b) < 2 for a, b in zip(size, expected, strict=True))


def test_the_weekly_briefs_print_on_one_a4_page(site: Path, browser) -> None:  # noqa: F811
    briefs = [site / "brief.html", *sorted((site / "briefs").glob("*.html"))]
    assert len(briefs) == 2  # the portfolio and the sample's one project
    for brief in briefs:
        pages = _print(browser, brief)
        assert len(pages) == 1, f"{brief.relative_to(site)} prints on {len(pages)} pages"
        assert _is_a4(pages[0]), pages
    smallest = _smallest_gantt_text_pt(
        browser, site / "brief.html", A4_PORTRAIT_CONTENT_W, ".gantt-chart svg.gantt"
    )
    assert smallest >= SMALLEST_LABEL_PT


def test_a_three_project_portfolio_brief_still_fits_one_page(tmp_path, browser) -> None:  # noqa: F811
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "sites" / "multi", content)
    out = tmp_path / "site"
    args = ["build", str(content), "-o", str(out), "--as-of", "2023-10-09", "--no-history"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for brief in [out / "brief.html", *sorted((out / "briefs").glob("*.html"))]:
        assert len(_print(browser, brief)) == 1, brief.relative_to(out)


def test_the_project_page_prints_with_its_gantt_on_a_landscape_page(site: Path, browser) -> None:  # noqa: F811
    pages = _print(browser, site / "projects" / "q3-launch.html")
    assert 3 <= len(pages) <= 10, len(pages)
    shapes = "".join(
        "L" if _is_a4(size, landscape=True) else "P" if _is_a4(size) else "?" for size in pages
    )
    # portrait A4, with one run of landscape pages for the WBS, the assignment table
    # (guide table 2) and the Gantt
    assert re.fullmatch(r"P+L+P*", shapes), (shapes, pages)
    # the Gantt's heading, chart and key fit that one page: the heading is never alone
    page = browser.new_page(viewport={"width": round(A4_LANDSCAPE_CONTENT[0]), "height": 700})
    page.emulate_media(media="print")
    page.goto((site / "projects" / "q3-launch.html").as_uri())
    height = page.evaluate("document.querySelector('section.gantt').getBoundingClientRect().height")
    assert 0 < height <= A4_LANDSCAPE_CONTENT[1]
    # nothing of the navigation prints, and no "show …" line of a fold
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.site-header nav, .crumbs, summary, .skip')]
            .filter(e => e.getClientRects().length).map(e => e.outerHTML.slice(0, 60))"""
    )
    assert hidden == []
    # the folded assignment table prints; the Gantt's data table (the chart repeats it) not
    assert page.evaluate("document.querySelector('table.assignment').getClientRects().length")
    assert not page.evaluate("document.querySelector('.gantt-table').getClientRects().length")
    page.close()
    smallest = _smallest_gantt_text_pt(
        browser,
        site / "projects" / "q3-launch.html",
        A4_LANDSCAPE_CONTENT[0],
        ".gantt-chart svg.gantt",
    )
    assert smallest >= SMALLEST_LABEL_PT
