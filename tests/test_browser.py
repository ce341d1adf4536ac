"""The built sample site in a real browser (Debian's Chromium driven by Playwright).

Run with ``pytest -m browser``. The test fails (it does not skip) when Chromium is
missing: install it with ``apt-get install -y chromium``; Playwright never downloads one.
Screenshots go to ``$SITEGEN_SCREENSHOTS`` when set, else to a pytest temporary folder.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner

from sitegen.cli import main

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOT_PAGES = {
    "dashboard": "index.html",
    "project": "projects/q3-launch.html",
    "task": "tasks/MKT-202307-001-02.html",
    "person": "people/li-si.html",
    "weekly": "weekly/2023-W29.html",
    "retro": "retro/q3-launch.html",
    "priorities": "priorities.html",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = runner.invoke(
            main, ["build", "content", "-o", str(out), "--as-of", "2023-07-20", "--no-history"]
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def server(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("SITEGEN_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _open(browser, width: int, external: list[str]):
    context = browser.new_context(viewport={"width": width, "height": 900})

    def guard(route, request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", None) and not request.url.startswith(
            ("data:", "about:")
        ):
            external.append(request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    return context


def test_every_page_loads_cleanly_and_links_resolve(site: Path, server: str, browser) -> None:
    external: list[str] = []
    problems: list[str] = []
    context = _open(browser, 1280, external)
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            problems.append(f"{page.url}: console {m.type}: {m.text}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    page.on(
        "requestfailed",
        # a favicon still loading when the test moves on is cancelled (ERR_ABORTED): not a fault
        lambda r: (
            problems.append(f"failed {r.url}: {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    broken: list[str] = []
    ids_cache: dict[Path, set[str]] = {}
    pages = _pages(site)
    assert len(pages) > 20
    for path in pages:
        response = page.goto(server + path)
        assert response is not None and response.ok, path
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            absolute = urljoin(server + path, href)
            if not absolute.startswith(server):
                continue  # evidence links to other hosts are not loaded
            parts = urlsplit(absolute)
            target = site / unquote(parts.path[len(urlsplit(server).path) :])
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path}: {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = ids_cache.setdefault(target, _ids(target.read_text("utf-8")))
                if parts.fragment not in ids:
                    broken.append(f"{path}: {href} (no anchor)")
    context.close()
    assert not problems, problems
    assert not external, external
    assert not broken, broken


def test_file_urls_work_without_a_server(site: Path, browser) -> None:
    external: list[str] = []
    context = _open(browser, 1280, external)
    page = context.new_page()
    page.goto((site / "tasks" / "MKT-202307-001-02.html").as_uri())
    with page.expect_navigation():
        page.click("header nav a[href$='index.html'] >> nth=0")
    page.wait_for_load_state("load")  # the stylesheet counts only once the page has loaded
    assert page.url.endswith("/index.html")
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("getComputedStyle(document.body).fontFamily"), (
        "the stylesheet did not load from file://"
    )
    context.close()
    assert not external


@pytest.mark.parametrize("width", [390, 1280])
def test_no_horizontal_overflow_and_screenshots(
    site: Path, server: str, browser, screenshots: Path, width: int
) -> None:
    external: list[str] = []
    context = _open(browser, width, external)
    page = context.new_page()
    overflowing = []
    for path in _pages(site):
        page.goto(server + path)
        wide = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if wide > 1:
            overflowing.append(f"{path}: {wide}px")
    for name, path in SCREENSHOT_PAGES.items():
        page.goto(server + path)
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    if width == 390:
        page.goto(server + "index.html")
        # the Gantt chart scrolls inside its own container instead of widening the page
        scrollers = page.eval_on_selector_all(
            ".gantt .scroll",
            "els => els.map(e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX])",
        )
        assert scrollers
        assert all(style == "auto" for _, _, style in scrollers)
    context.close()
    assert not overflowing, overflowing
    assert not external, external


LONG_CONTENT = {
    # an id with no place to break, on the alert tiles, the priorities matrix and the Gantt
    "launch/tasks/Q3LaunchSocialMediaKeyVisualRefresh2023.md": (
        "---\nid: Q3LaunchSocialMediaKeyVisualRefresh2023\ntitle: Key visual\nowner: pat\n"
        "start: 2023-09-25\nend: 2023-09-28\ndeliverables: [kv]\n---\n"
    ),
    # a brief with a long link (dashboard, report stream) and one with a wide table
    "launch/reports/2023-10-09-pat.md": (
        "---\ndate: 2023-10-09\nauthor: pat\nsubmitted: 2023-10-09T08:00:00+08:00\n---\n"
        "Done: see https://docs.google.com/document/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789/edit\n"
    ),
    "launch/reports/2023-10-08-pat.md": (
        "---\ndate: 2023-10-08\nauthor: pat\n---\n"
        "| Channel | Planned | Actual | Reach | Clicks | CTR |\n|---|---:|---:|---:|---:|---:|\n"
        "| Weibo | 10 | 8 | 120000 | 3400 | 2.83% |\n"
        "| Xiaohongshu | 5 | 5 | 45000 | 1200 | 2.67% |\n"
    ),
}


def test_long_words_links_and_tables_do_not_widen_phone_pages(tmp_path, browser) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "sites" / "multi", content)
    for name, text in LONG_CONTENT.items():
        (content / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    args = ["build", str(content), "-o", str(out), "--as-of", "2023-10-09"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    page = _open(browser, 390, []).new_page()
    overflowing = []
    for path in _pages(out):
        page.goto((out / path).as_uri())
        if page.evaluate("document.documentElement.scrollWidth") > 390:
            overflowing.append(path)
    assert not overflowing, overflowing


def test_gantt_task_ids_stay_in_view_on_a_phone(site: Path, server: str, browser) -> None:
    context = _open(browser, 390, [])
    page = context.new_page()
    page.goto(server + "projects/q3-launch.html")
    chart = page.query_selector(".gantt-chart")
    ids = page.query_selector(".gantt-chart .gantt-ids")
    assert ids is not None and ids.is_visible()
    page.evaluate("document.querySelector('.gantt-chart').scrollLeft = 600")
    assert abs(ids.bounding_box()["x"] - chart.bounding_box()["x"]) < 2  # stuck to the left
    assert ids.bounding_box()["width"] < 200  # the bars keep most of the screen
    desktop = _open(browser, 1280, []).new_page()
    desktop.goto(server + "projects/q3-launch.html")
    assert not desktop.query_selector(".gantt-chart .gantt-ids").is_visible()
    context.close()


FIRST_SCREENS = [(1366, 768), (390, 844)]


def _first_screen_problems(page, width: int, height: int) -> list[str]:
    """What of the first screen is not wholly inside the first viewport: each project's
    name and health word, and the first decision (or the line saying none is needed)."""
    boxes = page.eval_on_selector_all(
        ".prow-name, .prow .health, .decision:first-child .decision-issue, #decisions-h + p",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.textContent.trim(), r.left, r.top, r.right, r.bottom]; })",
    )
    names = page.eval_on_selector_all(".prow-name", "els => els.length")
    healths = page.eval_on_selector_all(".prow .health", "els => els.length")
    first = page.eval_on_selector_all(
        ".decision .decision-issue, #decisions-h + p", "e => e.length"
    )
    problems = [] if names and names == healths and first else [f"missing: {boxes}"]
    for text, left, top, right, bottom in boxes:
        if left < 0 or top < 0 or right > width or bottom > height:
            problems.append(
                f"{width}x{height}: {text!r} at {left:.0f},{top:.0f}–{right:.0f},{bottom:.0f}"
            )
    return problems


@pytest.mark.parametrize(("width", "height"), FIRST_SCREENS)
def test_the_first_screen_fits_the_first_viewport(
    site: Path, server: str, browser, screenshots: Path, tmp_path: Path, width: int, height: int
) -> None:
    # The sample (one project, nothing to decide on 2023-07-20), and the three-project
    # test site with decisions.
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "sites" / "multi", content)
    two = tmp_path / "two"
    result = CliRunner().invoke(
        main, ["build", str(content), "-o", str(two), "--as-of", "2023-10-09"]
    )
    assert result.exit_code == 0, result.output
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = []
    for name, url in (("sample", server + "index.html"), ("two", (two / "index.html").as_uri())):
        page.goto(url)
        if name == "two":
            assert page.eval_on_selector_all(".prow", "e => e.length") == 3
            assert page.eval_on_selector_all(".decision", "e => e.length") >= 1
        problems += _first_screen_problems(page, width, height)
        page.screenshot(path=str(screenshots / f"first-screen-{name}-{width}x{height}.png"))
    context.close()
    assert not problems, problems


def test_gantt_opens_at_today_on_a_phone_and_keeps_its_month_header(
    site: Path, server: str, browser
) -> None:
    context = _open(browser, 390, [])
    page = context.new_page()
    page.goto(server + "projects/q3-launch.html")
    chart = page.query_selector(".gantt-chart")
    box = chart.bounding_box()
    names = page.query_selector(".gantt-chart .gantt-ids").bounding_box()
    today = page.query_selector(".gantt-chart svg.gantt .today-line").bounding_box()
    # scrolled sideways without a script, today just right of the names column
    assert chart.evaluate("e => e.scrollLeft") > 0
    assert page.evaluate("window.scrollY") == 0  # only the chart scrolls, not the page
    assert names["x"] + names["width"] <= today["x"] <= box["x"] + box["width"] / 2 + 60
    page.set_viewport_size({"width": 390, "height": 300})  # the chart's box: 80% of it
    head = page.query_selector(".gantt-chart .gantt-top")
    assert chart.evaluate("e => { e.scrollTop = 120; return e.scrollTop; }") > 0
    top = chart.bounding_box()["y"]
    assert abs(head.bounding_box()["y"] - top) < 2  # the month header stays in view
    desktop = _open(browser, 1366, []).new_page()
    desktop.goto(server + "projects/q3-launch.html")
    assert desktop.query_selector(".gantt-chart").evaluate("e => e.scrollLeft") == 0
    context.close()
