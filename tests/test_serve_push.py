"""`sitegen serve` pushes its news to the open pages (Server-Sent Events): a save
reloads the page with the saved file's page made first, a failed build shows its
errors, and the snippet that listens is never part of the built site."""

from __future__ import annotations

import http.client
import json
import queue
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from gitrepo import FixtureRepo

from sitegen.authoring.preview_push import EVENTS_PATH, Broadcast, event_bytes, reload_script
from sitegen.authoring.serve import PreviewServer
from sitegen.content.history import History

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2023, 7, 20)
REPORT = "q3-launch/reports/2023-07-03-zhao-liu.md"
REPORT_PAGE = "reports/q3-launch/2023-07-03-zhao-liu.html"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PreviewServer]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    preview = PreviewServer(content, port=0, as_of=AS_OF, history=False)
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


def _get(server: PreviewServer, name: str) -> str:
    url = f"http://127.0.0.1:{server.port}/{name}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _follow(server: PreviewServer) -> queue.Queue[dict[str, Any]]:
    """The news the preview pushes, as a page's EventSource receives it."""
    news: queue.Queue[dict[str, Any]] = queue.Queue()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", EVENTS_PATH)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("text/event-stream")

    def read() -> None:
        try:
            for line in response:
                if line.startswith(b"data: "):
                    news.put(json.loads(line[6:]))
        except OSError:
            pass

    threading.Thread(target=read, daemon=True).start()
    return news


def _next(news: queue.Queue[dict[str, Any]]) -> dict[str, Any]:
    return news.get(timeout=8)


def test_a_save_pushes_the_saved_page_first_then_the_whole_site(server: PreviewServer) -> None:
    news = _follow(server)
    now = _next(news)  # on connecting: the build the pages come from
    assert now == {"version": server.version, "ok": True}
    assert "（已补充）" not in _get(server, REPORT_PAGE)

    report = server.content / REPORT
    report.write_text(report.read_text("utf-8") + "\n（已补充）\n", "utf-8")
    early = _next(news)
    assert early == {"version": now["version"] + 1, "ok": True, "pages": ["/" + REPORT_PAGE]}
    done = _next(news)
    assert done == {"version": now["version"] + 1, "ok": True}
    page = _get(server, REPORT_PAGE)
    assert "（已补充）" in page
    assert reload_script(done["version"]) in page  # no reload again for this page


def test_pages_made_ahead_are_served_from_memory_until_the_site_is_written(
    server: PreviewServer,
) -> None:
    ahead = {REPORT_PAGE: b"<html><body>ahead</body></html>", "tasks/NEW-1.html": b"<p>new</p>"}
    with server._lock:
        server.early = ahead
        server.errors = ["from the build before"]  # that build's errors are not this one's
    page = _get(server, REPORT_PAGE)
    assert page.startswith("<html><body>ahead")
    assert reload_script(server.version + 1) in page and 'id="sitegen-errors"' not in page
    assert "<p>new</p>" in _get(server, "tasks/NEW-1.html")  # not in OUT yet


def test_a_failed_build_pushes_the_error_panel(server: PreviewServer) -> None:
    news = _follow(server)
    now = _next(news)
    task = server.content / "q3-launch/tasks/MKT-202307-001-01.md"
    task.write_text("---\nid: [unclosed\n---\n", "utf-8")
    failed = _next(news)
    assert failed["ok"] is False and failed["version"] == now["version"] + 1
    assert failed["panel"].startswith('<div id="sitegen-errors"')
    assert "MKT-202307-001-01.md:" in failed["panel"]
    # The last good site is still served, with the same panel on top.
    assert failed["panel"] in _get(server, REPORT_PAGE)
    # A page that connects now learns of the failure at once.
    assert _next(_follow(server)) == failed


def test_a_new_commit_rebuilds_with_the_history_read_on_from_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = FixtureRepo(tmp_path / "repo")  # the content is a folder of the work tree
    repo.copy_site(REPO / "content")
    repo.commit("2023-07-17T18:00:00+08:00")
    with PreviewServer(repo.content, port=0, as_of=AS_OF) as preview:
        news = _follow(preview)
        now = _next(news)
        time.sleep(0.2)  # the watcher starts just after the preview answers
        head = repo.commit("2023-07-18T18:00:00+08:00", "a commit that changes no file")
        assert _next(news) == {"version": now["version"] + 1, "ok": True}
        assert isinstance(preview._found, History) and preview._found.head == head


def test_the_built_site_never_holds_the_reload_snippet(server: PreviewServer) -> None:
    served = _get(server, "index.html")
    assert served.count("new EventSource(") == 1
    for path in server.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"EventSource" not in data and EVENTS_PATH.encode() not in data, path


def test_a_page_that_follows_gets_the_latest_news_and_stops_with_the_preview() -> None:
    broadcast = Broadcast(keep_alive=0.05)
    broadcast.publish({"version": 3, "ok": True})
    received: list[bytes] = []
    follower = threading.Thread(target=broadcast.follow, args=(received.append,))
    follower.start()
    broadcast.publish({"version": 4, "ok": False, "panel": "<div>…</div>"})
    threading.Event().wait(0.2)
    broadcast.close()
    follower.join(timeout=2)
    assert not follower.is_alive()
    stream = b"".join(received)
    assert stream.startswith(b"retry: 1000\n" + event_bytes({"version": 3, "ok": True}))
    assert event_bytes({"version": 4, "ok": False, "panel": "<div>…</div>"}) in stream
    assert b": keep-alive\n\n" in stream


def test_a_page_that_went_away_ends_its_stream() -> None:
    def gone(_data: bytes) -> None:
        raise BrokenPipeError

    Broadcast().follow(gone)  # returns instead of raising


@pytest.mark.browser
def test_a_browser_reloads_on_a_save_and_shows_a_failed_build_at_once(
    server: PreviewServer,
) -> None:
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    base = f"http://127.0.0.1:{server.port}"
    report, task = server.content / REPORT, server.content / "q3-launch/tasks/MKT-202307-001-01.md"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            failures: list[str] = []
            page.on("pageerror", lambda error: failures.append(str(error)))
            page.goto(f"{base}/{REPORT_PAGE}")
            time.sleep(0.3)  # the EventSource connects
            report.write_text(report.read_text("utf-8") + "\n（浏览器看到了）\n", "utf-8")
            page.wait_for_function("document.body.innerText.includes('浏览器看到了')", timeout=8000)

            task.write_text("---\nid: [unclosed\n---\n", "utf-8")
            page.wait_for_selector("#sitegen-errors", timeout=8000)  # no reload needed
            assert "MKT-202307-001-01.md:" in page.inner_text("#sitegen-errors")
            assert failures == []
        finally:
            browser.close()
