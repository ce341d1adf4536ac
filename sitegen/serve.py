"""`sitegen serve`: build into a cache folder, serve it, rebuild on change, reload the browser.

The built files stay exactly what `sitegen build` writes; the reload script is added to
HTML responses only. It polls ``/__sitegen/version`` every second and reloads the page
when the number changes (one increment per build, good or failed).

A failed build keeps the previous good site served, with the findings (file:line:
message) in a panel on top of every page; before any good build, every page is an
error page listing them.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import tempfile
import threading
import traceback
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.cache import cache_home
from sitegen.findings import Severity
from sitegen.i18n import Messages
from sitegen.incremental import OutputState
from sitegen.reporter import format_text

VERSION_PATH = "/__sitegen/version"
RELOAD_SCRIPT = """<script>(function(){var v=%s;setInterval(function(){
fetch("%s",{cache:"no-store"}).then(function(r){return r.json()}).then(function(d){
if(d.version!==v){location.reload()}}).catch(function(){})},1000)})();</script>"""
ERROR_STYLE = (
    "position:relative;z-index:99999;margin:0;padding:1em 1.5em;background:#fff0f0;"
    "color:#600;border-bottom:3px solid #c00;font:14px/1.5 system-ui,sans-serif"
)


class PreviewServer:
    """Builds CONTENT, serves the result on HOST:PORT and rebuilds when CONTENT changes."""

    def __init__(
        self,
        content: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        as_of: date | None = None,
        log: Callable[[str], None] | None = None,
        history: bool = True,
    ) -> None:
        self.content = content.resolve()
        self.history = history
        self.host = host
        self.port = port
        self.as_of = as_of
        self.log = log or (lambda _line: None)
        self.version = 0
        self.errors: list[str] = []  # lines of the last failed build; empty when it worked
        self.has_site = False
        self.base_url = "/"
        self.language = "en"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._httpd: ThreadingHTTPServer | None = None
        digest = hashlib.sha256(str(self.content).encode()).hexdigest()[:12]
        cache = cache_home()
        if cache.resolve().is_relative_to(self.content):
            cache = Path(tempfile.gettempdir()) / "sitegen"  # never write inside CONTENT
        cache.mkdir(parents=True, exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix=f"serve-{digest}-", dir=cache))
        self.out = self.workdir / "site"

    # ------------------------------------------------------------ building

    def rebuild(self) -> bool:
        from sitegen.build import analyse, write_output
        from sitegen.inputs import current_contents

        try:
            contents = current_contents(self.content)  # reads only files whose status changed
            analysis = analyse(self.content, self.as_of, contents=contents, history=self.history)
            self.language = analysis.site.settings.language
            ok = not analysis.failed
            lines = [format_text(f) for f in analysis.findings if f.severity is Severity.ERROR]
            if ok:
                state = OutputState.load(self.out)
                write_output(analysis, state, jobs=1)  # no fork: this process has threads
                self.base_url = analysis.site.settings.base_url
        except Exception as error:  # a crash must not stop the preview
            ok = False
            lines = [f"{type(error).__name__}: {error}", *traceback.format_exc().splitlines()]
        with self._lock:
            self.version += 1
            self.errors = [] if ok else (lines or ["build failed"])
            self.has_site = self.has_site or ok
        return ok

    @property
    def messages(self) -> Messages:
        return Messages(self.language, kind="authoring")

    # ------------------------------------------------------------ serving

    def start(self) -> int:
        """Build once, then serve and watch in background threads; returns the port."""
        from watchfiles import watch  # imported first so a missing package fails early

        self.rebuild()
        handler = _handler_for(self)
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        serving = threading.Thread(target=self._httpd.serve_forever, name="sitegen-http")
        watching = threading.Thread(target=self._watch, args=(watch,), name="sitegen-watch")
        self._threads = [serving, watching]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        return self.port

    def _watch(self, watch) -> None:
        for _changes in watch(self.content, stop_event=self._stop, raise_interrupt=False):
            ok = self.rebuild()
            if ok:
                self.log(self.messages("serve.rebuilt", files=_count(self.out)))
            else:
                self.log(self.messages("serve.failed", count=len(self.errors)))
                for line in self.errors:
                    self.log("  " + line)

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        shutil.rmtree(self.workdir, ignore_errors=True)
        OutputState.load(self.out, keep=False).forget()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ pages

    def decorate(self, page: bytes | None) -> bytes:
        """An HTML response: the page (or an error page), the error panel, the reload script."""
        with self._lock:
            version, errors = self.version, list(self.errors)
        msg = self.messages
        panel = _error_panel(msg, errors) if errors else ""
        script = RELOAD_SCRIPT % (json.dumps(version), VERSION_PATH)
        if page is None:
            text = (
                '<!doctype html><html><head><meta charset="utf-8">'
                f"<title>{html.escape(msg('serve.error.title'))}</title></head><body>"
                f"{panel or html.escape(msg('serve.error.none-yet'))}</body></html>"
            )
        else:
            text = page.decode("utf-8", errors="replace")
            if panel:
                text = _insert_after_body_open(text, panel)
        return _insert_before_body_close(text, script).encode("utf-8")

    def version_payload(self) -> bytes:
        with self._lock:
            return json.dumps({"version": self.version, "ok": not self.errors}).encode()


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def _error_panel(msg: Messages, errors: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in errors)
    return (
        f'<div id="sitegen-errors" style="{ERROR_STYLE}"><strong>'
        f"{html.escape(msg('serve.error.title'))}</strong> "
        f"{html.escape(msg('serve.error.intro'))}<ul>{items}</ul></div>"
    )


def _insert_after_body_open(text: str, fragment: str) -> str:
    lower = text.lower()
    start = lower.find("<body")
    end = lower.find(">", start) if start != -1 else -1
    if end == -1:
        return fragment + text
    return text[: end + 1] + fragment + text[end + 1 :]


def _insert_before_body_close(text: str, fragment: str) -> str:
    index = text.lower().rfind("</body>")
    if index == -1:
        return text + fragment
    return text[:index] + fragment + text[index:]


def _handler_for(server: PreviewServer) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(server.out), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the terminal shows builds, not requests

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            self._respond(head=False)

        def do_HEAD(self) -> None:
            self._respond(head=True)

        def _respond(self, head: bool) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            if path == VERSION_PATH:
                self._send(HTTPStatus.OK, "application/json", server.version_payload(), head)
                return
            base = server.base_url
            if base != "/" and (path + "/").startswith(base):
                path = "/" + path[len(base) :]
                self.path = path + (f"?{parts.query}" if parts.query else "")
            target = Path(self.translate_path(path))
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", parts.path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            if target.suffix.lower() in (".html", ".htm") or not server.has_site:
                page = target.read_bytes() if target.is_file() else None
                if page is None and server.has_site:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                body = server.decorate(page)
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", body, head)
                return
            if head:
                super().do_HEAD()
            else:
                super().do_GET()

        def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler
