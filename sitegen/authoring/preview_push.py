"""How `sitegen serve` tells the open pages that the site changed: Server-Sent Events.

Every HTML response of the preview (never a built file) ends with `reload_script`: it
opens ``/__sitegen/events`` and, on news, reloads the page or shows the error panel.
The news is a JSON object:

- ``{"version": N, "ok": true}``: the whole site of build N is in place; a page that
  was served from an earlier build reloads.
- ``{"version": N, "ok": true, "pages": [...]}``: the pages made from the saved files
  are ready ahead of the rest (their URL paths); a page among them reloads now, any
  other waits for the whole site.
- ``{"version": N, "ok": false, "panel": "<div…>"}``: build N failed; the page stays
  and shows the panel (the previous good site is still served).

Only the latest news is kept: a page that missed one learns the newest on connecting,
and a newer version always implies what an older one said.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

EVENTS_PATH = "/__sitegen/events"
# Seconds between comments that keep an idle stream open (and find clients that left).
KEEP_ALIVE = 15.0

_SCRIPT = """<script>(function(){var v=%(version)s,p=location.pathname;
if(p.slice(-1)==="/"){p+="index.html"}var s=new EventSource(%(events)s);
s.onmessage=function(e){var d=JSON.parse(e.data);if(d.ok){
if(d.version>v&&(!d.pages||d.pages.indexOf(p)>=0)){s.close();location.reload()}return}
v=Math.max(v,d.version);var t=document.createElement("div");t.innerHTML=d.panel;
var n=t.firstElementChild,o=document.getElementById("sitegen-errors");
if(!n){return}if(o){o.replaceWith(n)}else{document.body.insertBefore(n,document.body.firstChild)}}
})();</script>"""


def reload_script(version: int, events_url: str = EVENTS_PATH) -> str:
    """The snippet the preview adds to a page served from build ``version``."""
    return _SCRIPT % {"version": json.dumps(version), "events": json.dumps(events_url)}


def event_bytes(news: dict[str, Any]) -> bytes:
    """One Server-Sent Event carrying ``news``."""
    return f"data: {json.dumps(news, ensure_ascii=False)}\n\n".encode()


class Broadcast:
    """The latest news of the preview, sent to every page that follows it."""

    def __init__(self, keep_alive: float = KEEP_ALIVE) -> None:
        self.keep_alive = keep_alive
        self._changed = threading.Condition()
        self._serial = 0
        self._news: dict[str, Any] = {"version": 0, "ok": True}
        self._closed = False

    @property
    def news(self) -> dict[str, Any]:
        with self._changed:
            return dict(self._news)

    def publish(self, news: dict[str, Any]) -> None:
        with self._changed:
            self._serial += 1
            self._news = news
            self._changed.notify_all()

    def close(self) -> None:
        """Ends every stream (the preview stops)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _news_after(self, serial: int) -> bool:
        return self._closed or self._serial != serial

    def follow(self, write: Callable[[bytes], None]) -> None:
        """Write the latest news now and each newer one as it comes, until the preview
        stops; ``write`` raising OSError (the page went away) ends it too."""
        with self._changed:
            serial, news = self._serial, self._news
        try:
            write(b"retry: 1000\n" + event_bytes(news))
            while True:
                with self._changed:
                    self._changed.wait_for(partial(self._news_after, serial), self.keep_alive)
                    if self._closed:
                        return
                    fresh = self._serial != serial
                    serial, news = self._serial, self._news
                write(event_bytes(news) if fresh else b": keep-alive\n\n")
        except OSError:  # the browser closed the page or the connection
            return


__all__ = ["EVENTS_PATH", "Broadcast", "event_bytes", "reload_script"]
