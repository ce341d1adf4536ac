"""`sitegen serve`: build into a cache folder, serve it, rebuild on change, reload the browser.

The built files stay exactly what `sitegen build` writes; the reload script is added to
HTML responses only. It follows the preview's Server-Sent Events (`sitegen.authoring.preview_push`):
the page reloads when its build is replaced, or shows the errors of a failed build.

The preview stays resident between saves: it keeps the history it read, the documents it
validated and the analysed site with its renderer (`sitegen.builder.resident`: a save
that changes only what pages show of a text is rendered without analysing the site
again). What it keeps is frozen out of the garbage collector's scans (see `rebuild`);
the watcher hands over the changes of one save (or of several made while a build runs)
as one batch. The pages made from the saved files are rendered first and served from
memory, and the open pages told, before the rest of the site is written.

A failed build keeps the previous good site served, with the findings (file:line:
message) in a panel on top of every page; before any good build, every page is an
error page listing them.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from watchfiles import Change, DefaultFilter

from sitegen.authoring.preview_http import decorated, error_panel, handler_for
from sitegen.authoring.preview_push import Broadcast
from sitegen.builder.collector import collector_paused
from sitegen.builder.incremental import OutputState
from sitegen.builder.outfiles import OutputError
from sitegen.builder.reporter import format_text
from sitegen.builder.resident import ResidentSite
from sitegen.content.history import History, NoHistory, history_of
from sitegen.content.history.reader import read_history
from sitegen.content.parsecache import cache_home
from sitegen.core.findings import Severity
from sitegen.core.i18n import Messages
from sitegen.site.pages.paths import page_of_document

if TYPE_CHECKING:
    from sitegen.site.render import SiteRenderer

# Milliseconds without a change after which the watcher reports the quiet (see `_tidy`).
QUIET_MS = 5000
# Milliseconds without an event after which a save's events are handed over as one batch.
# A save is a few events within a millisecond or two (an editor's temporary file and
# rename included); the watcher looks twice, so a save waits about 2 × this before its
# build starts (watchfiles' default of 50 ms made it about 100 ms).
STEP_MS = 20


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
        self.version = 0  # of the site in OUT: one more per build, good or failed
        self.errors: list[str] = []  # lines of the last failed build; empty when it worked
        self.has_site = False
        self.base_url = "/"
        self.language = "en"
        self.written = self.total = 0  # files the last build wrote, and files in the site
        self.broadcast = Broadcast()
        # Pages of the build under way made ahead of the rest (name in OUT → bytes).
        self.early: dict[str, bytes] = {}
        self._found: History | NoHistory | None = None  # the history read so far
        # The analysed site and its renderer, kept between saves (see ResidentSite).
        self.resident = ResidentSite()
        self._renderer: SiteRenderer | None = None
        self._frozen_builds = 0  # builds since the collector last looked at everything
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
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

    def rebuild(self, changed: Iterable[Path] = ()) -> bool:
        """Build the site again; ``changed``: the files saved since the last build, whose
        pages are made and announced first."""
        from sitegen.site.render import TemplateFailed

        saved = list(changed)
        first = self._pages_of(saved)
        try:
            ok, lines = self._build(first, saved or None)
        except OutputError as problem:  # e.g. a full disk: what to do, not a traceback
            ok, lines = False, [problem.message(Messages(self.language))]
        except TemplateFailed as failed:  # the content's own theme
            ok, lines = False, [format_text(failed.finding(self.content, Messages(self.language)))]
        except Exception as error:  # a crash must not stop the preview
            ok = False
            lines = [f"{type(error).__name__}: {error}", *traceback.format_exc().splitlines()]
        finally:
            gc.freeze()  # see `_build`
            self._frozen_builds += 1
        with self._lock:
            self.version += 1
            self.errors = [] if ok else (lines or ["build failed"])
            self.has_site = self.has_site or ok
            self.early = {}
            news: dict[str, object] = {"version": self.version, "ok": ok}
            if not ok:
                news["panel"] = error_panel(self.messages, self.errors)
        self.broadcast.publish(news)
        return ok

    def _build(self, first: list[str], saved: list[Path] | None) -> tuple[bool, list[str]]:
        """Build; ``first``: the pages to make and announce first; ``saved``: the files
        the watcher saw change, if it did (see `ResidentSite.read_contents`)."""
        from sitegen.builder.analyse import analyse
        from sitegen.builder.pipeline import write_output
        from sitegen.site.render import SiteRenderer

        # The analysed site and its pages live until the next build: once made, they are
        # frozen out of the collector's scans (a full collection over them took 0.3–0.5 s
        # per save on a large site); what rendering makes is collected as usual. The
        # earlier site is freed once the saved file's page is out (see `let_go`).
        resident = self.resident
        earlier = self._renderer
        try:
            with collector_paused():
                contents = resident.read_contents(self.content, saved)
                found = self._history_now()
                analysis = analyse(
                    self.content, self.as_of, contents=contents, history=found, resident=resident
                )
                self.language = analysis.site.settings.language
                if analysis.failed:
                    return False, [
                        format_text(f) for f in analysis.findings if f.severity is Severity.ERROR
                    ]
                renderer = earlier
                if renderer is None or not resident.reused:
                    renderer = self._renderer = SiteRenderer(analysis)
                gc.freeze()
            self.base_url = analysis.site.settings.base_url
            self._serve_early(renderer, first)
        finally:
            del earlier
            resident.let_go()
        state = OutputState.load(self.out)
        # no fork: this process has threads
        unchanged, edited = resident.unchanged_and_edited()
        self.written, self.total = write_output(
            analysis, state, 1, renderer, resident.reads, unchanged=unchanged, edited=edited
        )
        return True, []

    def _pages_of(self, changed: Iterable[Path]) -> list[str]:
        """The pages made from the files ``changed`` (names in OUT), in order."""
        pages = []
        for path in changed:
            try:
                relative = path.resolve().relative_to(self.content).as_posix()
            except (OSError, ValueError):
                continue
            page = page_of_document(relative)
            if page is not None and page not in pages:
                pages.append(page)
        return pages

    def _serve_early(self, renderer: SiteRenderer, first: list[str]) -> None:
        """Render the pages ``first`` now, serve them from memory and tell the open pages;
        a page that fails is left to the full write, which reports it."""
        made = {}
        for name in first:
            page = renderer.pages.get(name)
            if page is None:
                continue
            try:
                made[name] = renderer.page(page)
            except Exception:
                continue
        if not made:
            return
        with self._lock:
            self.early = made
            version = self.version + 1
        urls = [quote(self.base_url + name) for name in made]
        self.broadcast.publish({"version": version, "ok": True, "pages": urls})

    def _history_now(self) -> History | NoHistory:
        """The content's history, read again only from the commits after the last read."""
        earlier = self._found
        if not self.history:
            found: History | NoHistory = NoHistory("disabled")
        elif isinstance(earlier, History):
            found = read_history(self.content, earlier)
            if isinstance(found, History) and not found.revisions:
                found.close()
                found = NoHistory("not-committed")
        else:
            found = history_of(self.content)
        if isinstance(earlier, History):
            earlier.close()
        self._found = found
        return found

    def _tidy(self) -> None:
        """While nothing changes: build again if a walk of the content finds a change
        the watcher did not report; let the collector look at everything once, so that
        cycles left by earlier builds (frozen when they were current) are freed."""
        if self.resident.confirm(self.content):
            self.rebuild()
        if self._frozen_builds:
            self._frozen_builds = 0
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    @property
    def messages(self) -> Messages:
        return Messages(self.language, kind="authoring")

    # ------------------------------------------------------------ serving

    def start(self) -> int:
        """Build once, then serve and watch in background threads; returns the port."""
        from watchfiles import watch

        self.rebuild()
        handler = handler_for(self)
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        serving = threading.Thread(target=self._httpd.serve_forever, name="sitegen-http")
        git_dir = _git_dir(self.content) if self.history else None
        watching = threading.Thread(target=self._watch, args=(watch, git_dir), name="sitegen-watch")
        self._threads = [serving, watching]
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        self._watching.wait(timeout=5)
        return self.port

    def _watch(self, watch, git_dir: Path | None) -> None:
        # One batch per save: the watcher hands over the events once STEP_MS pass without
        # one, and gathers what happens during a build into the next batch.
        folders = [self.content, *([git_dir] if git_dir else [])]
        self._watching.set()  # (the watcher itself starts a few milliseconds later)
        for changes in watch(
            *folders,
            watch_filter=ContentOrCommits(git_dir),
            stop_event=self._stop,
            raise_interrupt=False,
            yield_on_timeout=True,
            rust_timeout=QUIET_MS,
            step=STEP_MS,
        ):
            if not changes:
                self._tidy()
                continue
            ok = self.rebuild(Path(path) for _change, path in sorted(changes))
            if ok:
                self.log(self.messages("serve.rebuilt", count=self.written, total=self.total))
            else:
                self.log(self.messages("serve.failed", count=len(self.errors)))
                for line in self.errors:
                    self.log("  " + line)

    def stop(self) -> None:
        self._stop.set()
        self.broadcast.close()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if isinstance(self._found, History):
            self._found.close()
        gc.unfreeze()  # the site it kept goes now; the process is as it was
        shutil.rmtree(self.workdir, ignore_errors=True)
        OutputState.load(self.out, keep=False).forget()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ pages

    def early_page(self, name: str) -> tuple[bytes, int] | None:
        """A page of the build under way made ahead of the rest, with its version."""
        with self._lock:
            page = self.early.get(name)
            return None if page is None else (page, self.version + 1)

    def decorate(self, page: bytes | None, version: int | None = None) -> bytes:
        """An HTML response: the page (or an error page), the error panel, the reload
        script; ``version``: of the build the page comes from (default: the last)."""
        with self._lock:
            version = self.version if version is None else version
            # a page made ahead by a build under way: that build's analysis had no errors
            errors = list(self.errors) if version <= self.version else []
        return decorated(page, self.messages, errors, version)

    def version_payload(self) -> bytes:
        with self._lock:
            return json.dumps({"version": self.version, "ok": not self.errors}).encode()


class ContentOrCommits(DefaultFilter):
    """What the preview watches: the content (less what editors and tools leave around)
    and, in the repository's git folder, the branch heads: a commit changes the history a
    build reads even when no file of the content changed."""

    def __init__(self, git_dir: Path | None) -> None:
        super().__init__()
        self.git_dir = str(git_dir) + os.sep if git_dir else None

    def __call__(self, change: Change, path: str) -> bool:
        if self.git_dir and path.startswith(self.git_dir):
            name = path[len(self.git_dir) :].replace(os.sep, "/")
            heads = name in ("HEAD", "packed-refs") or name.startswith("refs/heads/")
            return heads and not name.endswith(".lock")
        return super().__call__(change, path)


def _git_dir(content: Path) -> Path | None:
    """The git folder of the repository holding ``content``, if there is one."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--absolute-git-dir"],
            cwd=content,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    folder = Path(found.stdout.strip()) if found.returncode == 0 else None
    return folder if folder is not None and folder.is_dir() else None
