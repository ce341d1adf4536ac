"""Edits the analysis does not see, told apart by a build in a fresh process.

The analysis (statuses, findings, health) reads a document's front matter, its key
lines and, of its body, only what `sitegen.engine.checks.body_as_analysed` says. When
every file edited since the last build is a document that reads the same by that rule,
and the analysis reports what the last build reported, then every value the site
computes is what it was, bar those documents' text. A page whose fingerprint reached
none of those files (`sitegen.builder.readindex`) then has the fingerprint it had; the
others are made again without being fingerprinted, as their inputs changed by
construction. It is the rule the resident preview applies to its kept analysis
(`sitegen.builder.resident`), from what a fresh process can read.

What each edited file read before comes from the parse cache, which keeps one parse
per file by the digest of its bytes; when that parse is gone (another command parsed
the file since), the build fingerprints every page as usual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.builder.incremental import BuildRecord, OutputState
from sitegen.builder.readindex import ReadIndex
from sitegen.content.load import is_document_path
from sitegen.content.parsecache import ParseCache, same_front_matter
from sitegen.content.source import FrontMatterDoc, ReadError, parse_document
from sitegen.content.textfile import read_bytes
from sitegen.core.digests import bytes_digest
from sitegen.core.findings import Finding
from sitegen.core.fingerprint import Fingerprinter, PageReads
from sitegen.engine.checks import body_read_as
from sitegen.site.analysis import Analysis


@dataclass
class PagePlan:
    """Which pages an incremental build must fingerprint, and what it keeps for the next."""

    files: Mapping[str, bytes]  # the content's files now, with their digests
    index: ReadIndex | None = None  # the last build's, if kept
    earlier: Mapping[str, FrontMatterDoc] | None = None  # each edited file, as then
    reads: PageReads = field(default_factory=PageReads)  # what this build's pages reach
    _shown: bytes | None = field(default=None, init=False)  # `history_digest`, once made

    @classmethod
    def before_analysis(
        cls, root: Path, state: OutputState, files: Mapping[str, bytes]
    ) -> PagePlan:
        """What the last build into ``state``'s OUT read, beside the content ``files``
        now. Taken before the analysis, which caches the new parses."""
        last = state.last_build
        index = ReadIndex.load(state.out, last) if last is not None else None
        edits = index.edits(files) if index is not None else None
        return cls(files, index, earlier_parses(root, edits) if edits else None)

    def unchanged_and_edited(
        self, root: Path, analysis: Analysis, build: BuildRecord, last: BuildRecord | None
    ) -> tuple[set[str], set[str]]:
        """The pages that keep their fingerprints, and those that reach an edited file,
        when the analysis does not see the edits; else none of either (every page is
        fingerprinted). ``build``: this build's record; ``last``: the last one's."""
        index, earlier = self.index, self.earlier
        if index is None or earlier is None or last is None:
            return set(), set()
        if not same_reading(analysis, build, last, index, self._history_shown(analysis)):
            return set(), set()
        if not edits_unseen(root, analysis, earlier, self.files, last.findings):
            return set(), set()
        edited = index.pages_reaching(earlier)
        return index.pages() - edited, edited

    def store(
        self, out: Path, analysis: Analysis, build: BuildRecord, unfingerprinted: set[str]
    ) -> None:
        """Keep, for the next build, what each page reaches: as found by this build, or
        as the last build found it for the pages this one did not fingerprint."""
        shown = self._history_shown(analysis)
        traced = self.reads.files
        kept = unfingerprinted - traced.keys()
        ReadIndex.of(build.key(), self.files, traced, shown, self.index, kept).store(out)

    def _history_shown(self, analysis: Analysis) -> bytes:
        """`history_digest` of ``analysis``, made once: both the check and the index
        need it."""
        if self._shown is None:
            self._shown = history_digest(analysis)
        return self._shown


def same_reading(
    analysis: Analysis, build: BuildRecord, last: BuildRecord, index: ReadIndex, shown: bytes
) -> bool:
    """Whether this build reads the site as the last one did, bar the content's files:
    the same sitegen, day and options, and the same history or, after new commits, one
    that shows what it showed (``shown``: `history_digest` of ``analysis``; the analysis
    reads commits for the baselines and trends, and for findings, which `edits_unseen`
    compares; a build of an earlier day reads a commit's files instead of the working
    tree's: then the history must be the same)."""
    if build.key()[1:4] != last.key()[1:4]:  # code, day, public
        return False
    if build.history == last.history:
        return True
    return not analysis.from_commit and shown == index.history


def history_digest(analysis: Analysis) -> bytes:
    """A digest of what the git history shows of the site (baselines and trends)."""
    return Fingerprinter().digest(analysis.history)


def earlier_parses(root: Path, edits: Mapping[str, bytes]) -> dict[str, FrontMatterDoc] | None:
    """What each edited file (content file → digest of its bytes at the last build) held
    then, as parsed; None when one is not a document or its parse is no longer cached.
    Read before the analysis, which caches the new parses in their place."""
    if not edits or not all(is_document_path(name) for name in edits):
        return None
    cache = ParseCache.for_content(root)
    earlier = {}
    for name, digest in edits.items():
        parse = cache.earlier_parse(name, digest)
        if parse is None:
            return None
        earlier[name] = parse
    return earlier


def edits_unseen(
    root: Path,
    analysis: Analysis,
    earlier: Mapping[str, FrontMatterDoc],
    files: Mapping[str, bytes],
    findings_before: Sequence[Finding],
) -> bool:
    """Whether ``analysis`` is what the last build analysed, bar the text of the files
    ``earlier`` holds: it reports the same as then (``findings_before``), and each of
    those files (with its digest now in ``files``) reads the same to it as it did."""
    if tuple(analysis.findings) != tuple(findings_before):
        return False
    documents = analysis.site.documents_in(earlier)
    limit = analysis.site.settings.thresholds.brief_max_chars
    for name, before in earlier.items():
        document = documents.get(name)
        now = _parse(root / name, files[name])
        if document is None or now is None or not same_front_matter(before, now):
            return False
        kind = type(document)
        if body_read_as(kind, before.body, limit) != body_read_as(kind, now.body, limit):
            return False
    return True


def _parse(path: Path, digest: bytes) -> FrontMatterDoc | None:
    """The parse of the file at ``path`` if it still has the bytes of ``digest``."""
    try:
        data = read_bytes(path)
        return parse_document(data) if bytes_digest(data) == digest else None
    except (OSError, ReadError):
        return None


__all__ = ["PagePlan", "earlier_parses", "edits_unseen", "history_digest", "same_reading"]
