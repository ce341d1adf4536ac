"""What the history says of tasks and projects: baselines and slips, replans, trends
(SPEC §9), for status.json, the pages and the findings.

Without history for the day read there are none: status.json then says null for the
baseline fields and [] for the trends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sitegen.content.history.documents import VersionCache, VersionReader
from sitegen.content.history.model import History
from sitegen.content.history.reader import unchanged_files
from sitegen.content.history.snapshot import Reading, day_of, site_timezone
from sitegen.content.model import Document
from sitegen.content.projects import Site
from sitegen.core.findings import Finding
from sitegen.core.i18n import Messages
from sitegen.engine.compute import Status
from sitegen.engine.history.analysis import UNREADABLE
from sitegen.engine.history.baseline import TaskBaseline, baseline_findings, task_baselines
from sitegen.engine.history.trend import Hidden, TrendPoint, project_trends
from sitegen.engine.memo import DerivedMemo


@dataclass(frozen=True)
class HistoryFacts:
    known: bool = False  # whether history covered the day read
    baselines: Mapping[str, TaskBaseline] = field(default_factory=dict)  # by task id
    trends: Mapping[str, tuple[TrendPoint, ...]] = field(default_factory=dict)  # by project

    def baseline_row(self, task_id: str) -> dict[str, object]:
        """The baseline fields of a task in status.json (null without history)."""
        baseline = self.baselines.get(task_id)
        if baseline is None:
            return {
                "baseline_start": None,
                "baseline_end": None,
                "slip_days": None,
                "added_after_baseline": None,
            }
        start = baseline.baseline.start
        return {
            "baseline_start": start.isoformat() if start else None,
            "baseline_end": baseline.baseline.end.isoformat(),
            "slip_days": baseline.slip_days,
            "added_after_baseline": baseline.added_after_baseline,
        }


def history_facts(
    reading: Reading,
    root: Path,
    loaded: Site,
    site: Site,
    status: Status,
    messages: Messages,
    memo: DerivedMemo | None = None,
) -> tuple[HistoryFacts, list[Finding]]:
    """Baselines, trends and their findings for ``site`` (the site shown: ``loaded``
    as read from ``root``, redacted for a public build) as ``reading`` reads it.
    ``memo``: what a resident preview kept from its last analysis."""
    history = reading.history
    if history is None or not reading.covers or reading.latest is None:
        return HistoryFacts(), []
    reader = _reader(history, reading, root, loaded, memo)
    try:
        baselines = task_baselines(site, history, reader, status.calendar, reading.latest, memo)
        # The zone that chose the commit read (the working tree's) says where days end.
        zone = site_timezone(root)
        newest = day_of(history.revisions[-1].effective, zone)
        hidden = Hidden.between(loaded, site)
        trends = project_trends(site, history, reader, status.as_of, newest, hidden, zone, memo)
    except UNREADABLE:  # a version git cannot give: as without history (the notice says so)
        return HistoryFacts(), []
    finally:
        if reader.cache is not None:
            reader.cache.save()
    facts = HistoryFacts(True, baselines, {key: tuple(points) for key, points in trends.items()})
    return facts, baseline_findings(site, status, baselines, messages)


# A preview keeps its reader of versions, with the versions it parsed and the documents
# that stand for blobs, from one analysis to the next (see `forget_versions`).
_READER = "version-reader"


def _reader(
    history: History, reading: Reading, root: Path, loaded: Site, memo: DerivedMemo | None
) -> VersionReader:
    """The reader of versions: the one a preview kept, or a new one that lets the
    documents loaded stand for the blobs they were read from."""
    keeper = memo if reading.snapshot is None else None  # a commit's day: read afresh
    kept = keeper.kept(_READER, root) if keeper is not None else None
    if kept is not None:
        kept.history = history  # the same commits and maybe more: this analysis's git
        return kept  # type: ignore[no-any-return]
    reader = VersionReader(history, VersionCache.for_content(root))
    _known_versions(reader, history, reading, root, loaded, memo or DerivedMemo())
    if keeper is not None:
        keeper.keep(_READER, root, reader)
    return reader


def forget_versions(memo: DerivedMemo, documents: Iterable[Document]) -> None:
    """``documents``, which the preview keeps, took new text in place: they no longer
    stand for the blobs they were read from."""
    reader = memo.held(_READER)
    if reader is not None:
        reader.forget(documents)


def _known_versions(
    reader: VersionReader,
    history: History,
    reading: Reading,
    root: Path,
    loaded: Site,
    memo: DerivedMemo,
) -> None:
    """Let the documents loaded stand for the blobs they were read from, so that a
    version that is still the one read is not parsed again.

    Which working-tree files git has staged as they are takes two git calls over the
    whole folder. A preview asks once: a document it keeps was read from the same bytes
    as before, and so from the same blob (its source is new when its file was read
    again, a text moved in included). A document read since is not made to stand for a
    blob: it is almost always an edit not yet staged, and the version is parsed if asked
    for."""
    if reading.snapshot is not None and reading.latest is not None:
        committed = history.files_at(reading.latest) or {}
        for document in loaded.documents():
            blob = committed.get(document.source.file)
            if blob is not None:
                reader.remember(blob, document)
        return
    table = memo.table("staged-blob")
    staged = {} if table.inherited else unchanged_files(root)
    for document in loaded.documents():
        file = document.source.file
        blob = table.get(document.source, file, partial(staged.get, file))
        if blob is not None:
            reader.remember(blob, document)


__all__ = ["HistoryFacts", "forget_versions", "history_facts"]
