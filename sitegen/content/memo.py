"""Documents validated by an earlier load in the same process.

The resident preview (`sitegen serve`) loads the site again after every save. A
document is a function of its file's bytes, the model of its kind and the language of
its messages, so a file whose bytes are unchanged gives the same document and the same
findings: they are taken from here instead of being parsed and validated again, and
only the saved files are.
"""

from __future__ import annotations

from typing import NamedTuple

from sitegen.content.model import Document
from sitegen.core.findings import Finding


class _Kept(NamedTuple):
    digest: bytes
    language: str
    document: Document
    findings: tuple[Finding, ...]


class ValidatedDocuments:
    """File (relative to the content folder) and model → the document validated from
    the file's bytes. Documents that failed validation are not kept: they are rare, and
    their findings depend on more than their own file."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, type[Document]], _Kept] = {}
        self._used: dict[tuple[str, type[Document]], _Kept] = {}

    def get(
        self, file: str, model: type[Document], digest: bytes | None, language: str
    ) -> tuple[Document, tuple[Finding, ...]] | None:
        kept = self._kept.get((file, model))
        if kept is None or digest is None or kept.digest != digest or kept.language != language:
            return None
        self._used[(file, model)] = kept
        return kept.document, kept.findings

    def keep(
        self,
        file: str,
        model: type[Document],
        digest: bytes,
        language: str,
        document: Document,
        findings: list[Finding],
    ) -> None:
        self._used[(file, model)] = _Kept(digest, language, document, tuple(findings))

    def replace(self, file: str, model: type[Document], document: Document) -> None:
        """Keep ``document`` as the one validated from ``file``'s current bytes (the
        resident preview's, which took the new document's text)."""
        kept = self._kept.get((file, model))
        if kept is not None:
            self._kept[(file, model)] = kept._replace(document=document)

    def finish(self) -> None:
        """Forget the documents this load did not use (their files changed or went)."""
        self._kept, self._used = self._used, {}

    def __len__(self) -> int:
        return len(self._kept)


__all__ = ["ValidatedDocuments"]
