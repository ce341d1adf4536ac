"""A site built with base_url /status/ works when served under /status/ (GitHub Pages)."""

from __future__ import annotations

import functools
import re
import shutil
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from click.testing import CliRunner

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
LINK = re.compile(r'(?:href|src)="([^"]+)"')


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


def test_every_link_resolves_under_a_sub_path(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    settings = content / "site.yaml"
    settings.write_text(settings.read_text("utf-8") + "\nbase_url: /status/\n", "utf-8")
    www = tmp_path / "www"
    result = CliRunner().invoke(
        main, ["build", str(content), "-o", str(www / "status"), "--as-of", "2023-07-20"]
    )
    assert result.exit_code == 0, result.output

    handler = functools.partial(_Quiet, directory=str(www))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/status/"
    try:
        seen, queue, broken = set(), [root + "index.html"], []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read()
            except OSError as error:
                broken.append(f"{url}: {error}")
                continue
            if not url.endswith(".html"):
                continue
            for href in LINK.findall(body.decode("utf-8")):
                target = urldefrag(urljoin(url, href.replace("&amp;", "&"))).url
                if urlsplit(target).netloc == urlsplit(root).netloc:
                    assert target.startswith(root), f"{url} links out of /status/: {href}"
                    queue.append(target)
    finally:
        server.shutdown()
        server.server_close()
    assert not broken, broken
    pages = {u for u in seen if u.endswith(".html")}
    assert len(pages) == len(list((www / "status").rglob("*.html")))
    assert root + "feed.xml" in seen and root + "status.json" in seen


def test_relative_urls_are_what_relpath_gives():
    import itertools
    import posixpath
    from urllib.parse import quote

    from sitegen.site.render import relative_url

    folders = ["", ".", "tasks", "tasks/", "./tasks", "reports", "reports/proj-01", "a/b/c"]
    targets = [
        "index.html",
        "tasks/X-1.html",
        "tasks",
        "tasks/",
        "reports/proj-01/2023-01-01-a.html",
        "reports/proj-01/",
        "a/b/x.html#frag",
        "people/张三.html",
        "a b.html",
        ".",
    ]
    for here, target in itertools.product(folders, targets):
        expected = posixpath.relpath(target, here or ".")
        if target.endswith("/") and not expected.endswith("/"):
            expected += "/"
        assert relative_url(here, target) == quote(expected, safe="/#"), (here, target)
