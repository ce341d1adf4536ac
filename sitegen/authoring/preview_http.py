"""What the preview serves over HTTP: the built files as they are, and HTML pages with
the reload script and, after a failed build, the panel of its errors (see
`sitegen.authoring.serve`)."""

from __future__ import annotations

import html
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from sitegen.authoring.preview_push import EVENTS_PATH, Broadcast, reload_script
from sitegen.core.i18n import Messages

VERSION_PATH = "/__sitegen/version"
ERROR_STYLE = (
    "position:relative;z-index:99999;margin:0;padding:1em 1.5em;background:#fff0f0;"
    "color:#600;border-bottom:3px solid #c00;font:14px/1.5 system-ui,sans-serif"
)


class PreviewSite(Protocol):
    """What the handler serves: the preview's OUT and the state of its builds."""

    out: Path
    base_url: str
    has_site: bool  # a build has succeeded: before, every page is an error page
    broadcast: Broadcast

    def early_page(self, name: str) -> tuple[bytes, int] | None: ...
    def decorate(self, page: bytes | None, version: int | None = None) -> bytes: ...
    def version_payload(self) -> bytes: ...


def decorated(page: bytes | None, msg: Messages, errors: list[str], version: int) -> bytes:
    """An HTML response: ``page`` (or, when None, an error page), the panel listing the
    ``errors`` of the build, and the script that reloads it after build ``version``."""
    panel = error_panel(msg, errors) if errors else ""
    script = reload_script(version, EVENTS_PATH)
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


def error_panel(msg: Messages, errors: list[str]) -> str:
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


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a request for a name too long, or not text
        return False


def _name_in(out: Path, target: Path) -> str:
    """``target`` as a name in OUT ("" when it is not in it)."""
    try:
        return target.relative_to(out).as_posix()
    except ValueError:
        return ""


def _page(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (OSError, ValueError):
        return None


def handler_for(server: PreviewSite) -> type[SimpleHTTPRequestHandler]:
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
            if "\0" in path:  # no file has such a name; the file system refuses to look
                self.send_error(HTTPStatus.BAD_REQUEST)
                return
            if path == VERSION_PATH:
                self._send(HTTPStatus.OK, "application/json", server.version_payload(), head)
                return
            if path == EVENTS_PATH:
                self._follow_events(head)
                return
            base = server.base_url
            if base != "/" and (path + "/").startswith(base):
                path = "/" + path[len(base) :]
                self.path = path + (f"?{parts.query}" if parts.query else "")
            target = Path(self.translate_path(path))
            if _is_dir(target):
                if not path.endswith("/"):
                    self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                    self.send_header("Location", parts.path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            early = server.early_page(_name_in(server.out, target))
            if early is not None:
                body = server.decorate(*early)
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", body, head)
                return
            if target.suffix.lower() in (".html", ".htm") or not server.has_site:
                page = _page(target)
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

        def send_head(self) -> BytesIO | BinaryIO | None:
            try:
                return super().send_head()
            except (OSError, ValueError):  # a name no file can have (too long, not text)
                self.send_error(HTTPStatus.NOT_FOUND)
                return None

        def _follow_events(self, head: bool) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self.close_connection = True
            if head:
                return

            def write(data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()

            server.broadcast.follow(write)

        def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler
