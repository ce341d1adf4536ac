"""The analysed site the preview keeps between saves, and when it still holds.

Every save loads the site again, taking unchanged files' documents from
`ValidatedDocuments`. The analysis (statuses, findings, health) is a function of the
documents as the analysis reads them; when the only files that changed are documents
that read the same — same front matter, and a body the analysis sees the same of (see
`sitegen.engine.checks.body_as_analysed`) — the earlier analysis still holds. The changed
documents' bodies and sources are then moved into the documents the analysis holds, so
that every value and page made from them shows the new text, and only the pages whose
fingerprints reach an edited file are fingerprinted and rendered again (`PageReads`).
Any other change (a new or deleted file, site.yaml, team.yaml, the theme, a new commit,
a new day) analyses the site again; values made from one document alone (a report's
entry states and findings, a task's planned progress) are then taken from `derived`
while their document is the same object (`sitegen.engine.memo`).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.content.inputs import (
    Contents,
    StatusKey,
    content_digest,
    digest_after_edits,
    read_statuses,
)
from sitegen.content.load import LoadResult, changed_documents, load_changed, load_site
from sitegen.content.memo import ValidatedDocuments
from sitegen.content.model import Document
from sitegen.content.parsecache import ParseCache
from sitegen.content.source import LineTable, Source
from sitegen.core.fingerprint import PageReads
from sitegen.engine.checks import body_as_analysed
from sitegen.engine.history.facts import forget_versions
from sitegen.engine.memo import DerivedMemo
from sitegen.site.analysis import Analysis


@dataclass(frozen=True)
class _Earlier:
    files: dict[str, bytes]  # the content's files and their digests, as analysed
    key: tuple[Any, ...]  # the history read and the day analysed
    loaded: LoadResult
    analysis: Analysis


class ResidentSite:
    """What one preview keeps of its site between builds."""

    def __init__(self) -> None:
        self.documents = ValidatedDocuments()
        # Values made from one document each, kept for the next analysis.
        self.derived = DerivedMemo()
        self._earlier: _Earlier | None = None
        self.reused = False  # whether the last analysis was the earlier one
        self.changed: frozenset[str] = frozenset()  # the files it changed, if so
        self.reads = PageReads()  # what each page's fingerprint reached, at the last build
        self._retired: tuple[object, ...] = ()  # what only the last build read (`let_go`)
        self._contents: Contents | None = None  # the last digest, with its walk and statuses
        self._unconfirmed = False  # whether it was taken without a walk

    def read_contents(self, root: Path, saved: Iterable[Path] | None = None) -> Contents:
        """What a build of ``root`` reads now (see `sitegen.content.inputs`): files whose
        status is what it was at the last call are not read again. The statuses stay
        here, not on disk, after the first call.

        ``saved``: the files the watcher saw change since the last call, when it can
        tell. When they are all files read last time and still there, only they are
        looked at; anything else (a file came or went, a folder changed) walks the
        content folder again."""
        contents = None
        if saved is not None and self._contents is not None:
            edited = _relative_files(root, saved)
            if edited is not None:
                contents = digest_after_edits(root, self._contents, edited)
        self._unconfirmed = contents is not None
        if contents is None:
            contents = content_digest(root, self._known_statuses(root), keep_walk=True)
        self._contents = contents
        return replace(contents, statuses={}, walk=None)

    def confirm(self, root: Path) -> bool:
        """Walk ``root`` again if the last digest was taken from the watcher's word alone
        (see `read_contents`); True when the walk finds a change the watcher did not
        report (a watcher can lose events), so that the caller builds again."""
        if not self._unconfirmed or self._contents is None:
            return False
        earlier = self._contents.digest
        self._contents = content_digest(root, self._contents.statuses, keep_walk=True)
        self._unconfirmed = False
        return self._contents.digest != earlier

    def _known_statuses(self, root: Path) -> Mapping[str, tuple[StatusKey, bytes]]:
        """The file statuses of the last digest; the user cache's before the first."""
        return self._contents.statuses if self._contents is not None else read_statuses(root)

    def parse_cache(self, root: Path, known: Mapping[str, bytes] | None) -> ParseCache:
        """The parse cache for a load of ``root``: the user cache's for the first load;
        later loads take unchanged files from `documents` and parse only the saved ones,
        so the cache is neither read nor written again."""
        if len(self.documents):
            return ParseCache(None, known)
        return ParseCache.for_content(root, known)

    def load(
        self, root: Path, files: dict[str, bytes], cache: ParseCache | None, jobs: int
    ) -> LoadResult:
        """The site in ``root``, its files having the digests ``files``: only the saved
        documents are read when the earlier load allows it (see `load_changed`)."""
        earlier = self._earlier
        if earlier is not None:
            parse_cache = cache or ParseCache(None, files)
            again = load_changed(
                root, earlier.loaded, earlier.files, files, parse_cache, self.documents
            )
            if again is not None:
                return again
        return load_site(root, cache, jobs, self.documents)

    def earlier_analysis(
        self, loaded: LoadResult, files: dict[str, bytes], *key: Any
    ) -> Analysis | None:
        """The earlier analysis when it still holds for ``loaded`` (read from ``files``,
        with their digests), updated in place; ``key``: all else an analysis depends on
        (the history read, the day)."""
        self.reused, self.changed = False, frozenset()
        earlier = self._earlier
        if earlier is None or earlier.key != key:
            return None
        pairs = changed_pairs(earlier.files, files, earlier.loaded, loaded)
        limit = loaded.site.settings.thresholds.brief_max_chars
        if pairs is None or not all(read_alike(old, new, limit) for old, new in pairs):
            return None
        # The analysis may hold a copy of a document (a risk as it stood on an earlier
        # day): the copy would keep the old text.
        analysed = earlier.analysis.site.documents_in(old.source.file for old, _ in pairs)
        if any(analysed.get(old.source.file, old) is not old for old, _ in pairs):
            return None
        for old, new in pairs:
            adopt_text(old, new)
            self.documents.replace(old.source.file, type(old), old)
        forget_versions(self.derived, (old for old, _ in pairs))
        self._earlier = _Earlier(files, key, earlier.loaded, earlier.analysis)
        self.reused = True
        self.changed = frozenset(old.source.file for old, _ in pairs)
        return earlier.analysis

    def unchanged_and_edited(self) -> tuple[list[str], list[str]]:
        """After an edit the analysis does not see: the pages that cannot have changed
        since the last build (their fingerprints reach none of the edited files), and
        those that reach one, to make again (each still reaches what it reached: the
        analysis is the same). After any other edit, none of either: what the pages read
        is found again."""
        return self.reads.after_edit(self.changed) if self.reused else ([], [])

    def forget(self) -> None:
        """An analysis made without this resident (the day read from a commit): the
        earlier analysis no longer is the site shown, nor what its pages read."""
        self._earlier = None
        self.reused, self.changed = False, frozenset()
        self.reads = PageReads()

    def remember(
        self, loaded: LoadResult, analysis: Analysis, files: dict[str, bytes], *key: Any
    ) -> None:
        """A new analysis (see `earlier_analysis`): what its pages read is found anew.
        The earlier analysis is kept until `let_go`, or the next analysis."""
        self.derived.finish()
        self._retired = (self._earlier, self.reads)
        self._earlier = _Earlier(files, key, loaded, analysis)
        self.reads = PageReads()

    def let_go(self) -> None:
        """Free what only earlier builds read. Freeing a large site's analysis takes
        10–20 ms: the preview does it once the saved file's page is out."""
        self._retired = ()


def _relative_files(root: Path, saved: Iterable[Path]) -> list[str] | None:
    """``saved`` as paths relative to ``root``; None if one is not inside it."""
    top = os.path.abspath(root)
    relative = []
    for path in saved:
        inside = os.path.relpath(os.path.abspath(path), top)
        if inside.startswith(("..", "/")) or inside == ".":
            return None
        relative.append(Path(inside).as_posix())
    return relative


def changed_pairs(
    before: dict[str, bytes], after: dict[str, bytes], earlier: LoadResult, now: LoadResult
) -> list[tuple[Document, Document]] | None:
    """(earlier document, document now) for each file that changed between the two
    loads; None when a file came or went, a file other than a document changed, or the
    loads did not report the same."""
    if Counter(earlier.findings) != Counter(now.findings):
        return None
    old_documents = changed_documents(before, after, earlier.site)
    if old_documents is None:
        return None
    new_documents = now.site.documents_in(old_documents)
    if new_documents.keys() != old_documents.keys():
        return None
    return [(old, new_documents[name]) for name, old in old_documents.items()]


def read_alike(old: Document, new: Document, brief_limit: int) -> bool:
    """Whether the analysis reads ``old`` and ``new`` the same: the same fields and key
    lines, and the same of their bodies."""
    if type(old) is not type(new) or _fields(old) != _fields(new):
        return False
    if _lines(old.source) != _lines(new.source):
        return False
    return body_as_analysed(old, brief_limit) == body_as_analysed(new, brief_limit)


def adopt_text(old: Document, new: Document) -> None:
    """Give ``old`` the body and source (with its file's digest) of ``new``."""
    old.__dict__["body"] = new.body
    old.__dict__["source"] = new.source


def _fields(document: Document) -> dict[str, Any]:
    return {name: value for name, value in vars(document).items() if name not in ("body", "source")}


def _lines(source: Source) -> tuple[Any, ...]:
    lines = source.lines
    table = lines.packed() if isinstance(lines, LineTable) else dict(lines)
    return (source.file, table, source.first_line, source.body_line)


__all__ = ["ResidentSite", "adopt_text", "changed_pairs", "read_alike"]
