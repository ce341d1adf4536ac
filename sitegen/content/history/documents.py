"""Earlier versions of content files as typed documents.

A version that does not parse or validate is None: findings are about the files as
they are now; history only adds what the valid versions say.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError

from sitegen.content.history.model import History
from sitegen.content.model import Document
from sitegen.content.source import ReadError, Source, parse_document

DocT = TypeVar("DocT", bound=Document)


class VersionReader:
    """Reads blobs of ``history`` as documents, each blob once per kind."""

    def __init__(self, history: History) -> None:
        self.history = history
        self._parsed: dict[tuple[str, type[Document]], Document | None] = {}

    def remember(self, blob: str, document: Document) -> None:
        """``document`` (loaded from a file whose bytes are ``blob``) stands for the blob."""
        self._parsed[(blob, type(document))] = document

    def document(self, blob: str | None, path: str, model: type[DocT]) -> DocT | None:
        if blob is None:
            return None
        key = (blob, model)
        if key not in self._parsed:
            self._parsed[key] = parse_version(self.history.read(blob), path, model)
        return self._parsed[key]  # type: ignore[return-value]


def parse_version(data: bytes, path: str, model: type[DocT]) -> DocT | None:
    """The document in ``data`` (the bytes of ``path`` in some commit), or None."""
    try:
        front_matter = parse_document(data)
        document = model.model_validate(front_matter.data)
    except (ReadError, ValidationError, ValueError):
        return None
    document.source = Source(path, front_matter.lines, body_line=front_matter.body_line)
    document.body = front_matter.body
    return document


__all__ = ["VersionReader", "parse_version"]
