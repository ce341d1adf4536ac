"""A cache of parsed front matter, keyed on each file's content hash.

It lives in the user cache directory (``$XDG_CACHE_HOME/sitegen``), never in the
content folder. Parsing is a pure function of a file's bytes, so a hit returns
exactly what parsing would: a cached build and a cold build are identical. An entry is
used only for the bytes it was made from, from a cache file that verifies (see
`sitegen.core.cachefiles`); anything else is parsed again.

Each parse is kept packed (MessagePack: a few hundred bytes instead of a few kilobytes
of live objects) and unpacked when the loader asks for it, so a build does not hold
every file's parse alive next to its typed document.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgpack

from sitegen import __version__
from sitegen.content.source import FrontMatterDoc, LineTable, ReadError, parse_document
from sitegen.content.textfile import ReadNote, read_bytes
from sitegen.core.cachefiles import cache_file, cache_home, read_record, write_record
from sitegen.core.digests import bytes_digest

# Bump when parsing changes in a way the package version does not capture.
FORMAT = f"parse {__version__}/9"
# Below this many files to parse, starting processes costs more than it saves.
PARSE_IN_PARALLEL_FROM = 1000
# YAML values MessagePack has no type for, kept as their text.
_DECIMAL, _BIG_INTEGER = 1, 2


Entry = tuple[bytes, bytes]  # (digest of the file's bytes, packed FrontMatterDoc)


class ParseCache:
    """Parsed documents of one content folder: relative path → (digest, packed parse)."""

    def __init__(self, file: Path | None, known: Mapping[str, bytes] | None = None) -> None:
        self.file = file
        # Digests of the files as `sitegen.content.inputs` read them at the start of the build;
        # a file whose cached parse has the same digest is not read again.
        self.known = known or {}
        self._entries: dict[str, Entry] = {}
        self._used: dict[str, Entry] = {}
        self._changed = False
        if file is not None:
            stored = read_record(file, FORMAT)
            entries = stored.get("entries") if stored else None
            self._entries = entries if isinstance(entries, dict) else {}

    @classmethod
    def for_content(cls, root: Path, known: Mapping[str, bytes] | None = None) -> ParseCache:
        return cls(cache_file("parse", root.resolve()), known)

    def parse_ahead(self, root: Path, relatives: list[str], jobs: int) -> None:
        """Parse on ``jobs`` processes those of ``relatives`` (documents of the content
        folder ``root``) whose parse is not cached yet, when there are enough of them."""
        missing = [path for path in relatives if not self._cached(path)]
        if jobs < 2 or len(missing) < PARSE_IN_PARALLEL_FROM:
            return
        from sitegen.core.forking import map_forked, split_evenly

        tasks = [(os.fspath(root), part) for part in split_evenly(missing, jobs)]
        for parsed in map_forked(_parse_files, tasks, jobs):
            # Unpacked here, not on the pool's result thread: what that thread allocates
            # stays in its own heap, which the rest of the build did not reuse (a build's
            # peak memory was 18 MB higher one run in two).
            self._entries.update(msgpack.unpackb(parsed, use_list=False))
            self._changed = True

    def _cached(self, relative: str) -> bool:
        entry = self._entries.get(relative)
        return entry is not None and entry[0] == self.known.get(relative)

    def front_matter(self, relative: str, path: Path | str) -> tuple[bytes, FrontMatterDoc]:
        """Parse ``path`` (raising ReadError, or NotRead when it is no file to read), or
        return the parse of the same bytes; with the digest of those bytes."""
        cached = self._entries.get(relative)
        if cached is not None and cached[0] == self.known.get(relative):
            doc = self._reuse(relative, cached)
            if doc is not None:
                return cached[0], doc
        data = read_bytes(path)
        digest = bytes_digest(data)
        if cached is not None and cached[0] == digest:
            doc = self._reuse(relative, cached)
            if doc is not None:
                return digest, doc
        doc = parse_document(data)
        packed = packed_parse(doc)
        if packed is not None:
            self._used[relative] = (digest, packed)
            self._changed = True
            if isinstance(doc.lines, LineTable):
                doc.lines.release()  # decoded again from its packed form if ever looked up
        return digest, doc

    def keep(self, relative: str) -> None:
        """Keep the parse of ``relative`` for the next run without reading it (the
        loader had the document from its file's bytes already)."""
        cached = self._entries.get(relative)
        if cached is not None and cached[0] == self.known.get(relative):
            self._used[relative] = cached

    def earlier_parse(self, relative: str, digest: bytes) -> FrontMatterDoc | None:
        """The parse kept for ``relative`` when that file's bytes had ``digest``."""
        cached = self._entries.get(relative)
        return unpacked_parse(cached[1]) if cached is not None and cached[0] == digest else None

    def _reuse(self, relative: str, cached: Entry) -> FrontMatterDoc | None:
        doc = unpacked_parse(cached[1])
        if doc is not None:
            self._used[relative] = cached
        return doc

    def save(self) -> None:
        """Keep what this run parsed (entries of deleted files are dropped), then let go
        of it: once the typed documents exist, the rest of the build (and the workers it
        forks) need not carry every file's parsed front matter too."""
        changed = self._changed or self._used.keys() != self._entries.keys()
        if self.file is not None and changed:
            write_record(self.file, FORMAT, {"entries": self._used})
        self._entries, self._used = {}, {}


def same_front_matter(one: FrontMatterDoc, other: FrontMatterDoc) -> bool:
    """Whether two parses differ in their bodies at most: the same front matter value for
    value and type (YAML's 1, 1.0 and true told apart), key lines and read notes."""
    front = [_front_row(doc) for doc in (one, other)]
    return front[0] is not None and front[0] == front[1]


def _front_row(doc: FrontMatterDoc) -> bytes | None:
    data, lines, body_line, notes = _front_parts(doc)
    return _packed([data, lines, body_line, notes])


def _front_parts(doc: FrontMatterDoc) -> tuple[dict[str, Any], str, int, list[list[Any]]]:
    lines = doc.lines if isinstance(doc.lines, LineTable) else LineTable(dict(doc.lines))
    notes = [[note.code, note.reason, note.line] for note in doc.notes]
    return doc.data, lines.packed(), doc.body_line, notes


def _packed(row: list[Any]) -> bytes | None:
    """``row`` as MessagePack; None for a value the format cannot hold (then the file is
    simply parsed again next time)."""
    try:
        return msgpack.packb(row, default=_extension)
    except (TypeError, ValueError, OverflowError):
        return None


def packed_parse(doc: FrontMatterDoc) -> bytes | None:
    data, lines, body_line, notes = _front_parts(doc)
    return _packed([data, lines, doc.body, body_line, notes])


def unpacked_parse(packed: bytes) -> FrontMatterDoc | None:
    try:
        data, lines, body, body_line, notes = msgpack.unpackb(packed, ext_hook=_from_extension)
        read_notes = tuple(ReadNote(str(c), str(reason), int(line)) for c, reason, line in notes)
    except Exception:  # not a parse of this format: parse the file instead
        return None
    return FrontMatterDoc(data, LineTable(packed=lines), body, body_line, read_notes)


def _extension(value: object) -> msgpack.ExtType:
    if isinstance(value, Decimal):
        return msgpack.ExtType(_DECIMAL, str(value).encode())
    if isinstance(value, int):  # beyond 64 bits
        return msgpack.ExtType(_BIG_INTEGER, str(value).encode())
    raise TypeError(f"no MessagePack form for {type(value).__name__}")


def _from_extension(code: int, data: bytes) -> object:
    if code == _DECIMAL:
        return Decimal(data.decode())
    if code == _BIG_INTEGER:
        return int(data)
    raise ValueError(f"unknown extension {code}")


def _parse_files(task: tuple[str, list[str]]) -> bytes:
    """In a worker: the parse of each file that parses, as a packed map of entries. The
    loader reads the others again itself, so what it reports (or raises) does not
    depend on this."""
    root, relatives = task
    parsed = {}
    for relative in relatives:
        try:
            data = read_bytes(os.path.join(root, relative))
            packed = packed_parse(parse_document(data))
        except Exception:
            continue
        if packed is not None:
            parsed[relative] = (bytes_digest(data), packed)
    return msgpack.packb(parsed)


__all__ = [
    "ParseCache",
    "ReadError",
    "cache_file",
    "cache_home",
    "packed_parse",
    "read_record",
    "same_front_matter",
    "unpacked_parse",
    "write_record",
]
