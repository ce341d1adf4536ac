"""The content folder's git history: what it was on any day, and who changed what when
(SPEC §9).

`history_of` reads it, reusing what earlier builds read: the log read up to a commit is
cached under the user cache folder, keyed by the content folder, and a build after new
commits reads only those.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.content.history.model import Change, Commit, History, NoHistory, Revision, Version
from sitegen.content.history.reader import read_history
from sitegen.core.cachefiles import cache_file, read_record, write_record

FORMAT = "history/1"
# What a build takes: whether to read history, or what the caller read already.
HistoryChoice = bool | History | NoHistory


def history_of(root: Path, enabled: bool = True) -> History | NoHistory:
    """The history of the content folder ``root``, or why there is none. The caller
    closes a History when done with reading files from it."""
    if not enabled:
        return NoHistory("disabled")
    file = cache_file("history", root.resolve())
    earlier = _cached(file)
    found = read_history(root, earlier)
    if isinstance(found, History):
        if not found.revisions:
            found.close()
            return NoHistory("not-committed")
        if earlier is None or earlier.head != found.head:
            write_record(file, FORMAT, {"history": found.stored()})
    return found


@contextmanager
def opened(root: Path, choice: HistoryChoice) -> Iterator[History | NoHistory]:
    """The history of ``root`` (True: read it, False: off), closed afterwards when read
    here; a History or NoHistory given is used as it is (the caller closes it)."""
    if not isinstance(choice, bool):
        yield choice
        return
    found = history_of(root, enabled=choice)
    try:
        yield found
    finally:
        if isinstance(found, History):
            found.close()


def history_key(found: History | NoHistory) -> str:
    """What of the history a build's output depends on: its head commit, or why none."""
    return found.head if isinstance(found, History) else f"none:{found.reason}"


def _cached(file: Path) -> History | None:
    stored = read_record(file, FORMAT)
    if stored is None:
        return None
    try:
        return History.from_stored(stored["history"])
    except (KeyError, TypeError, ValueError, IndexError):  # another shape: read it all again
        return None


__all__ = [
    "Change",
    "Commit",
    "History",
    "HistoryChoice",
    "NoHistory",
    "Revision",
    "Version",
    "history_key",
    "history_of",
    "opened",
]
