"""A cache of parsed front matter, keyed on each file's content hash.

It lives in the user cache directory (``$XDG_CACHE_HOME/sitegen``), never in the
content folder. Parsing is a pure function of a file's bytes, so a hit returns
exactly what parsing would: a cached build and a cold build are identical.

Each parse is kept pickled (a few hundred bytes instead of a few kilobytes of live
objects) and unpickled when the loader asks for it, so a build does not hold every
file's parse alive next to its typed document.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.fingerprint import bytes_digest
from sitegen.source import FrontMatterDoc, ReadError, parse_document
from sitegen.textfile import read_bytes

# Bump when parsing changes in a way the package version does not capture.
FORMAT = f"{__version__}/8"
# Below this many files to parse, starting processes costs more than it saves.
PARSE_IN_PARALLEL_FROM = 1000


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitegen"


def cache_file(kind: str, folder: Path) -> Path:
    """The cache file of ``kind`` kept for ``folder`` (named by a digest of its path)."""
    key = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return cache_home() / f"{kind}-{key}.pickle"


def read_record(file: Path, format: str) -> dict[str, Any] | None:
    """What `write_record` stored in ``format``; None when missing, unreadable or older."""
    try:
        with file.open("rb") as stream:
            stored = pickle.load(stream)
    except Exception:  # an unreadable cache only costs time
        return None
    if not isinstance(stored, dict) or stored.get("format") != format:
        return None
    return stored


def write_record(file: Path, format: str, record: dict[str, Any]) -> None:
    """Store ``record`` whole or not at all; a cache that cannot be written only costs time."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump({"format": format, **record}, stream, protocol=5)
        os.replace(temporary, file)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


Entry = tuple[bytes, bytes]  # (digest of the file's bytes, pickled FrontMatterDoc)


class ParseCache:
    """Parsed documents of one content folder: relative path → (digest, pickled parse)."""

    def __init__(self, file: Path | None, known: Mapping[str, bytes] | None = None) -> None:
        self.file = file
        # Digests of the files as `sitegen.inputs` read them at the start of the build;
        # a file whose cached parse has the same digest is not read again.
        self.known = known or {}
        self._entries: dict[str, Entry] = {}
        self._used: dict[str, Entry] = {}
        self._changed = False
        if file is not None:
            stored = read_record(file, FORMAT)
            self._entries = stored.get("entries", {}) if stored else {}

    @classmethod
    def for_content(cls, root: Path, known: Mapping[str, bytes] | None = None) -> ParseCache:
        return cls(cache_file("parse", root.resolve()), known)

    def parse_ahead(self, root: Path, relatives: list[str], jobs: int) -> None:
        """Parse on ``jobs`` processes those of ``relatives`` (documents of the content
        folder ``root``) whose parse is not cached yet, when there are enough of them."""
        missing = [path for path in relatives if not self._cached(path)]
        if jobs < 2 or len(missing) < PARSE_IN_PARALLEL_FROM:
            return
        from sitegen.workers import map_forked, split_evenly

        tasks = [(os.fspath(root), part) for part in split_evenly(missing, jobs)]
        for parsed in map_forked(_parse_files, tasks, jobs):
            self._entries.update(parsed)
            self._changed = True

    def _cached(self, relative: str) -> bool:
        entry = self._entries.get(relative)
        return entry is not None and entry[0] == self.known.get(relative)

    def front_matter(self, relative: str, path: Path | str) -> tuple[bytes, FrontMatterDoc]:
        """Parse ``path`` (raising ReadError, or NotRead when it is no file to read), or
        return the parse of the same bytes; with the digest of those bytes."""
        cached = self._entries.get(relative)
        if cached is None or cached[0] != self.known.get(relative):
            data = read_bytes(path)
            digest = bytes_digest(data)
            if cached is None or cached[0] != digest:
                cached = (digest, _pickled_parse(data))
                self._changed = True
        self._used[relative] = cached
        return cached[0], pickle.loads(cached[1])

    def save(self) -> None:
        """Keep what this run parsed (entries of deleted files are dropped), then let go
        of it: once the typed documents exist, the rest of the build (and the workers it
        forks) need not carry every file's parsed front matter too."""
        changed = self._changed or self._used.keys() != self._entries.keys()
        if self.file is not None and changed:
            write_record(self.file, FORMAT, {"entries": self._used})
        self._entries, self._used = {}, {}


def _pickled_parse(data: bytes) -> bytes:
    return pickle.dumps(parse_document(data), protocol=5)


def _parse_files(task: tuple[str, list[str]]) -> dict[str, Entry]:
    """In a worker: the parse of each file that parses. The loader reads the others
    again itself, so what it reports (or raises) does not depend on this."""
    root, relatives = task
    parsed = {}
    for relative in relatives:
        try:
            data = read_bytes(os.path.join(root, relative))
            parsed[relative] = (bytes_digest(data), _pickled_parse(data))
        except Exception:
            continue
    return parsed


__all__ = ["ParseCache", "ReadError", "cache_file", "cache_home", "read_record", "write_record"]
