"""Earlier versions of content files as typed documents.

A version that does not parse or validate is None: findings are about the files as
they are now; history only adds what the valid versions say.

A version's parse is kept between builds by its blob id (`VersionCache`): git names a
blob by a digest of its bytes, and parsing is a pure function of the bytes, so a kept
parse is exactly what parsing the blob again would give. A build after a new commit
then parses only the versions that commit made, not every earlier version again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from sitegen.content.history.model import History
from sitegen.content.model import Document
from sitegen.content.parsecache import FORMAT as PARSE_FORMAT
from sitegen.content.parsecache import packed_parse, unpacked_parse
from sitegen.content.source import FrontMatterDoc, ReadError, Source, parse_document
from sitegen.core.cachefiles import cache_file, read_record, write_record

DocT = TypeVar("DocT", bound=Document)

FORMAT = f"versions of {PARSE_FORMAT}"
_UNPARSED = b""  # kept for a blob that does not parse: it is not read again either


class VersionCache:
    """Parses of earlier versions by blob id, kept in the user cache between builds;
    only the versions a build used are kept for the next."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        stored = read_record(file, FORMAT) if file is not None else None
        entries = stored.get("entries") if stored else None
        self._entries: dict[str, bytes] = entries if isinstance(entries, dict) else {}
        self._used: dict[str, bytes] = {}
        self._changed = False

    @classmethod
    def for_content(cls, root: Path) -> VersionCache:
        return cls(cache_file("versions", root.resolve()))

    def parse(self, blob: str, read: Callable[[], bytes]) -> FrontMatterDoc | None:
        """The parse of ``blob`` (``read`` gives its bytes), None when it does not parse."""
        packed = self._entries.get(blob)
        if isinstance(packed, bytes):
            parsed = unpacked_parse(packed) if packed else None
            if parsed is not None or packed == _UNPARSED:
                self._used[blob] = packed
                return parsed
        try:
            parsed = parse_document(read())
        except (ReadError, ValueError):
            parsed = None
        packed = _UNPARSED if parsed is None else packed_parse(parsed)
        if packed is not None:
            self._used[blob] = packed
            self._changed = True
        return parsed

    def save(self) -> None:
        if self.file is not None and (self._changed or self._used.keys() != self._entries.keys()):
            write_record(self.file, FORMAT, {"entries": self._used})
        # A preview saves after every analysis: what is on disk now is what was used.
        self._entries, self._changed = dict(self._used), False


class VersionReader:
    """Reads blobs of ``history`` as documents, each blob once per kind; ``cache``: where
    the parses of earlier builds are kept, if anywhere."""

    def __init__(self, history: History, cache: VersionCache | None = None) -> None:
        self.history = history
        self.cache = cache
        self._parsed: dict[tuple[str, type[Document]], Document | None] = {}

    def remember(self, blob: str, document: Document) -> None:
        """``document`` (loaded from a file whose bytes are ``blob``) stands for the blob."""
        self._parsed[(blob, type(document))] = document

    def stands_for(self, document: Document) -> bool:
        """Whether ``document`` stands for a blob (it was remembered for one)."""
        return any(doc is document for doc in self._parsed.values())

    def forget(self, documents: Iterable[Document]) -> None:
        """``documents`` no longer stand for the blobs they were remembered for."""
        gone = {id(document) for document in documents}
        self._parsed = {key: doc for key, doc in self._parsed.items() if id(doc) not in gone}

    def document(self, blob: str | None, path: str, model: type[DocT]) -> DocT | None:
        if blob is None:
            return None
        key = (blob, model)
        if key not in self._parsed:
            if self.cache is None:
                self._parsed[key] = parse_version(self.history.read(blob), path, model)
            else:
                parsed = self.cache.parse(blob, lambda: self.history.read(blob))
                self._parsed[key] = None if parsed is None else typed(parsed, path, model)
        return self._parsed[key]  # type: ignore[return-value]


def parse_version(data: bytes, path: str, model: type[DocT]) -> DocT | None:
    """The document in ``data`` (the bytes of ``path`` in some commit), or None."""
    try:
        front_matter = parse_document(data)
    except (ReadError, ValueError):
        return None
    return typed(front_matter, path, model)


def typed(front_matter: FrontMatterDoc, path: str, model: type[DocT]) -> DocT | None:
    """The document ``front_matter`` (a parse of ``path`` in some commit) holds, or None."""
    try:
        document = model.model_validate(front_matter.data)
    except (ValidationError, ValueError):
        return None
    document.source = Source(path, front_matter.lines, body_line=front_matter.body_line)
    document.body = front_matter.body
    return document


__all__ = ["VersionCache", "VersionReader", "parse_version", "typed"]
