"""What the content folder's history holds, as plain data.

The mainline is the sequence of states the folder went through on HEAD's first-parent
line: each `Revision` is one commit that changed something in it, with its changes.
Commit times can be out of order (a rebase, a wrong clock); a revision's `effective`
time is the latest time of it and every revision before it, so that "the content at
moment T" is always a prefix of the mainline: a change cannot take effect before the
changes it was made on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Commit:
    id: str
    time: datetime  # committer time, with the committer's offset
    author: str

    @property
    def short(self) -> str:
        return self.id[:7]


@dataclass(frozen=True, slots=True)
class Change:
    """A file of the content folder after a commit: ``blob`` is None when it was
    removed (or is no longer a regular file)."""

    path: str  # relative to the content folder, with '/'
    blob: str | None
    old_path: str | None = None  # where it was renamed (or copied) from


@dataclass(frozen=True, slots=True)
class Revision:
    commit: Commit
    effective: datetime
    changes: tuple[Change, ...] | list[Change]


@dataclass(frozen=True, slots=True)
class Version:
    """A file as one revision left it (blob None: removed)."""

    revision: Revision
    blob: str | None


@dataclass(frozen=True)
class NoHistory:
    """Why history is off: 'disabled' (--no-history), 'no-git', 'not-a-repository',
    'shallow', 'no-commits', 'not-committed' (nothing in the folder was ever committed),
    'unreadable'."""

    reason: str


class Blobs(Protocol):
    def read(self, blob: str) -> bytes: ...

    def close(self) -> None: ...


@dataclass
class History:
    head: str
    revisions: list[Revision]  # oldest first
    arrivals: dict[str, Commit]  # path → first commit on any branch that contained it
    renamed_from: dict[str, str]  # path → the path it was renamed from
    blobs: Blobs | None = None
    _versions: dict[str, list[Version]] | None = field(default=None, repr=False)
    _effective: list[datetime] | None = field(default=None, repr=False)

    @classmethod
    def made(
        cls, head: str, revisions: list[Revision], arrived: dict[str, Any], blobs: Blobs | None
    ) -> History:
        history = cls(head, [], {}, {}, blobs)
        return history.extended(head, revisions, arrived, blobs)

    def extended(
        self, head: str, revisions: list[Revision], arrived: dict[str, Any], blobs: Blobs | None
    ) -> History:
        """This history followed by ``revisions`` (read after its head)."""
        combined = list(self.revisions)
        latest = combined[-1].effective if combined else None
        for revision in revisions:
            latest = revision.commit.time if latest is None else max(latest, revision.commit.time)
            combined.append(Revision(revision.commit, latest, tuple(revision.changes)))
        arrivals = dict(self.arrivals)
        for path, commit in arrived["arrivals"].items():
            known = arrivals.get(path)
            if known is None or commit.time < known.time:
                arrivals[path] = commit
        renamed_from = {**arrived["renamed_from"], **self.renamed_from}
        return History(head, combined, arrivals, renamed_from, blobs)

    def reopened(self, blobs: Blobs) -> History:
        return replace(self, blobs=blobs, _versions=self._versions, _effective=self._effective)

    # What the content was

    def position(self, moment: datetime) -> int:
        """How many revisions had taken effect at ``moment`` (0: none yet)."""
        if self._effective is None:
            self._effective = [revision.effective for revision in self.revisions]
        return bisect_right(self._effective, moment)

    def files_at(self, moment: datetime) -> dict[str, str] | None:
        """path → blob of every file in the content folder at ``moment``; None before
        the first revision (history knows nothing of that time)."""
        count = self.position(moment)
        if count == 0:
            return None
        files: dict[str, str] = {}
        for revision in self.revisions[:count]:
            apply(files, revision)
        return files

    def states(self) -> Iterator[tuple[Revision, dict[str, str]]]:
        """Each revision with the files as it left them (one dict, updated in place:
        copy it to keep it)."""
        files: dict[str, str] = {}
        for revision in self.revisions:
            apply(files, revision)
            yield revision, files

    def versions(self, path: str) -> list[Version]:
        """The revisions that changed ``path``, oldest first (a rename's new path starts
        with the revision that renamed it)."""
        if self._versions is None:
            index: dict[str, list[Version]] = {}
            for revision in self.revisions:
                for change in revision.changes:
                    index.setdefault(change.path, []).append(Version(revision, change.blob))
            self._versions = index
        return self._versions.get(path, [])

    def arrival(self, path: str) -> Commit | None:
        """The first commit that contained ``path``, or the file it was renamed from."""
        found = self.arrivals.get(path)
        seen = {path}
        previous = self.renamed_from.get(path)
        while previous is not None and previous not in seen:
            seen.add(previous)
            earlier = self.arrivals.get(previous)
            if earlier is not None and (found is None or earlier.time < found.time):
                found = earlier
            previous = self.renamed_from.get(previous)
        return found

    def read(self, blob: str) -> bytes:
        if self.blobs is None:
            raise LookupError("this history has no reader of file contents")
        return self.blobs.read(blob)

    def close(self) -> None:
        if self.blobs is not None:
            self.blobs.close()

    # Stored in the cache as plain data

    def stored(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "revisions": [
                [
                    *_commit_row(revision.commit),
                    [[c.path, c.blob, c.old_path] for c in revision.changes],
                ]
                for revision in self.revisions
            ],
            "arrivals": {path: _commit_row(commit) for path, commit in self.arrivals.items()},
            "renamed_from": self.renamed_from,
        }

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> History:
        # A commit that brought files in is one of the revisions, mostly: made once.
        commits: dict[str, Commit] = {}

        def commit(row: list[str]) -> Commit:
            made = commits.get(row[0])
            if made is None:
                made = commits[row[0]] = _commit(row)
            return made

        revisions = []
        for row in stored["revisions"]:
            made = commit(row)
            revisions.append(Revision(made, made.time, [Change(*c) for c in row[3]]))
        arrived = {
            "arrivals": {path: commit(row) for path, row in stored["arrivals"].items()},
            "renamed_from": dict(stored["renamed_from"]),
        }
        return cls.made(str(stored["head"]), revisions, arrived, None)


def apply(files: dict[str, str], revision: Revision) -> None:
    for change in revision.changes:
        if change.blob is None:
            files.pop(change.path, None)
        else:
            files[change.path] = change.blob


def _commit_row(commit: Commit) -> list[str]:
    return [commit.id, commit.time.isoformat(), commit.author]


def _commit(row: list[str]) -> Commit:
    return Commit(str(row[0]), datetime.fromisoformat(str(row[1])), str(row[2]))


__all__ = ["Blobs", "Change", "Commit", "History", "NoHistory", "Revision", "Version", "apply"]
