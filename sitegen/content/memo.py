"""Documents validated by an earlier load in the same process.

The resident preview (`sitegen serve`) loads the site again after every save. A
document is a function of its file's bytes, the model of its kind and the language of
its messages, so a file whose bytes are unchanged gives the same document and the same
findings: they are taken from here instead of being parsed and validated again, and
only the saved files are.
"""

from __future__ import annotations

from typing import NamedTuple

from sitegen.content.model import Document, Person
from sitegen.content.source import Source
from sitegen.core.findings import Finding


class _Kept(NamedTuple):
    digest: bytes
    language: str
    document: Document
    findings: tuple[Finding, ...]


class KeptTeam(NamedTuple):
    """team.yaml as one load read it: its people, with the findings and the ids of the
    people that failed validation."""

    digest: bytes
    language: str
    people: tuple[Person, ...]
    source: Source
    findings: tuple[Finding, ...]
    broken_ids: frozenset[str]


class ValidatedDocuments:
    """File (relative to the content folder) and model → the document validated from
    the file's bytes. Documents that failed validation are not kept: they are rare, and
    their findings depend on more than their own file."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, type[Document]], _Kept] = {}
        self._used: dict[tuple[str, type[Document]], _Kept] = {}
        self._team: KeptTeam | None = None
        self._team_used = False

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

    def team(self, digest: bytes | None, language: str) -> KeptTeam | None:
        """team.yaml as the last load read it, if its bytes (``digest``) are the same."""
        kept = self._team
        if kept is None or digest is None or (kept.digest, kept.language) != (digest, language):
            return None
        self._team_used = True
        return kept

    def keep_team(self, team: KeptTeam) -> None:
        self._team, self._team_used = team, True

    def finish(self) -> None:
        """Forget the documents this load did not use (their files changed or went)."""
        self._kept, self._used = self._used, {}
        if not self._team_used:
            self._team = None
        self._team_used = False

    def finish_again(self) -> None:
        """End a load that read only the files that changed (`load_changed`): every
        other document, and the team, stays kept as it is."""
        self._kept.update(self._used)
        self._used = {}
        self._team_used = False

    def __len__(self) -> int:
        return len(self._kept)


__all__ = ["KeptTeam", "ValidatedDocuments"]
