"""Making and fingerprinting the files of a rendered site, on worker processes when it pays.

The workers are forked after everything is computed, so they inherit the analysed site
and the prepared pages instead of receiving them pickled; only file names go to them and
only fingerprints come back.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from multiprocessing.pool import Pool
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from sitegen.core.forking import _fork_context, _stoppable, split_evenly

if TYPE_CHECKING:
    from sitegen.builder.output import StagingFolder
    from sitegen.core.fingerprint import PageReads
    from sitegen.site.datafiles import DataSources
    from sitegen.site.render import SiteRenderer

# Fingerprints by file, and the content files each page's fingerprint reached (if traced).
Fingerprinted = tuple[dict[str, bytes], dict[str, frozenset[str]]]
Task = TypeVar("Task")
Result = TypeVar("Result")

# Below these, starting worker processes costs more than it saves. Sites: every file of a
# small site is quick to make. Files to make: small on purpose, as the few files of an
# incremental build of a big site are often its heaviest (feed, month stream, dashboard).
SITE_IN_PARALLEL_FROM = 300
MAKE_IN_PARALLEL_FROM = 8
# Files to fingerprint (about 50 µs each).
FINGERPRINT_IN_PARALLEL_FROM = 2000
# Page kinds with fewer pages than this are summaries, fingerprinted before forking.
SUMMARY_KIND_BELOW = 500
CHUNK = 64

# In a worker process: the Workers that forked it.
_inherited: Workers | None = None


class Made(NamedTuple):
    """What making files returns: their fingerprints (when asked for) and the digests of
    their bytes."""

    fingerprints: dict[str, bytes]
    digests: dict[str, str]

    def update(self, other: Made) -> None:
        self.fingerprints.update(other.fingerprints)
        self.digests.update(other.digests)


class Workers:
    """Makes and fingerprints the files of one site, here or in ``jobs`` processes."""

    def __init__(
        self,
        renderer: SiteRenderer,
        data_sources: DataSources,
        jobs: int | None = None,
        reads: PageReads | None = None,
    ) -> None:
        """``reads``: filled with the content files each page fingerprinted reaches
        (see `SiteRenderer.fingerprinter`)."""
        self.renderer = renderer
        self.data_sources = data_sources
        self.reads = reads
        self.fingerprint = renderer.fingerprinter(data_sources, reads)
        self.jobs = jobs or os.cpu_count() or 1
        self._pool: Pool | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None

    def fingerprints(self, names: list[str]) -> dict[str, bytes]:
        """Each file's fingerprint (see `SiteRenderer.fingerprinter`)."""
        if not self._would_be_parallel(len(names), FINGERPRINT_IN_PARALLEL_FROM):
            return {name: self.fingerprint(name) for name in names}
        # The few summary pages (dashboard, projects, people, weeks…) read most of the
        # site's shared values; digested here, before the workers fork, each value is
        # digested once instead of once in every worker (a third of the work).
        summaries = self._summary_pages(names)
        prints = {name: self.fingerprint(name) for name in summaries}
        rest = [name for name in names if name not in prints]
        if not self._parallel(len(rest), 0):
            prints.update((name, self.fingerprint(name)) for name in rest)
            return {name: prints[name] for name in names}
        assert self._pool is not None
        # One contiguous run of files per worker: neighbours share most of their data
        # (a project's tasks, a month's reports), which each worker digests only once.
        for part, reached in self._pool.imap_unordered(
            _fingerprint_chunk, split_evenly(rest, self.jobs)
        ):
            prints.update(part)
            if self.reads is not None:
                self.reads.files.update(reached)
        return {name: prints[name] for name in names}

    def _fingerprints_here(self, names: list[str]) -> Fingerprinted:
        prints = {name: self.fingerprint(name) for name in names}
        if self.reads is None:
            return prints, {}
        reached = self.reads.files  # pages only: other files are made from no document
        return prints, {name: reached[name] for name in names if name in reached}

    def _summary_pages(self, names: list[str]) -> list[str]:
        """The pages of the kinds the site has few of (not one per report or task)."""
        pages = self.renderer.pages
        templates = {name: pages.template(name) for name in names if name in pages}
        kinds = Counter(templates.values())
        return [name for name, kind in templates.items() if kinds[kind] < SUMMARY_KIND_BELOW]

    def make(self, names: list[str], staging: StagingFolder, fingerprint: bool) -> Made:
        """Write the files ``names`` into ``staging``; with ``fingerprint``, return their
        fingerprints too (a full build computes them this way, in parallel)."""
        if not self._parallel(len(names), MAKE_IN_PARALLEL_FROM):
            return self._make(names, staging, fingerprint)
        assert self._pool is not None
        # The data files (feed, calendar…) each take as long as many pages: they go first,
        # one per chunk, so they run alongside the pages instead of before them.
        pages = self.renderer.pages
        chunks = [[name] for name in names if name not in pages]
        page_names = [name for name in names if name in pages]
        chunks += [page_names[i : i + CHUNK] for i in range(0, len(page_names), CHUNK)]
        tasks = [(chunk, staging, fingerprint) for chunk in chunks]
        made = Made({}, {})
        for part in self._pool.imap_unordered(_make_chunk, tasks):
            made.update(part)
        return made

    def _make(self, names: list[str], staging: StagingFolder, fingerprint: bool) -> Made:
        made = Made({}, {})
        for name in names:
            page = self.renderer.pages.get(name)
            data = self.renderer.page(page) if page else self.data_sources[name].make()
            made.digests[name] = staging.write(name, data)
            if fingerprint:
                made.fingerprints[name] = self.fingerprint(name, page)
            if page is None:
                self.data_sources[name].release()
        return made

    def _would_be_parallel(self, count: int, threshold: int) -> bool:
        small = len(self.renderer.pages) < SITE_IN_PARALLEL_FROM
        return not (self.jobs == 1 or small or count < threshold)

    def _parallel(self, count: int, threshold: int) -> bool:
        """Whether to use the workers (starting them if need be)."""
        if not self._would_be_parallel(count, threshold):
            return False
        if self._pool is None:
            context = _fork_context()
            if context is None:
                return False
            self._pool = context.Pool(self.jobs, initializer=_inherit, initargs=(self,))
        return True


def _inherit(workers: Workers) -> None:
    global _inherited
    _inherited = workers
    # The parent may have paused the collector; a worker renders thousands of pages, and
    # what it inherited is frozen, so collections here only look at its own new objects.
    gc.enable()


def _inherited_workers() -> Workers:
    assert _inherited is not None
    return _inherited


def _fingerprint_chunk(names: list[str]) -> Fingerprinted:
    return _stoppable(lambda: _inherited_workers()._fingerprints_here(names))


def _make_chunk(task: tuple[list[str], StagingFolder, bool]) -> Made:
    return _stoppable(lambda: _inherited_workers()._make(*task))


__all__ = ["Made", "Workers"]
