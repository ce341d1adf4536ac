"""Incremental builds: which output files must be written, and what OUT already holds.

Every output file has a fingerprint, a digest of everything it is rendered from (see
`SiteRenderer.fingerprinter`). After a build, the fingerprint of each file and the size
and modification time it got in OUT are kept in the user cache directory. The next build
writes a file only when its fingerprint changed or OUT no longer holds it as written,
and removes what it no longer produces. The result is byte-identical to a build into an
empty folder (tests/test_incremental.py checks this after many kinds of edits).

Which files of OUT are sitegen's is known from OUT itself (its manifest, see
`sitegen.builder.output`), so that a build with an empty user cache (CI) still leaves every other
file alone; this record only saves work.

The record also keeps what the build read and reported (`BuildRecord`), so that a build
of unchanged content needs neither analysis nor fingerprints.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import __version__
from sitegen.builder.journal import recover
from sitegen.builder.outfiles import MANIFEST, OWN_FOLDER, Checkpoints, file_digest, read_manifest
from sitegen.builder.output import OutputWriter
from sitegen.core.cachefiles import cache_file, read_record, write_record
from sitegen.core.findings import Finding, Severity

FORMAT = f"{__version__}/output-4"
# The fingerprint recorded for a file made without one (see `sitegen.builder.unseen`): it
# matches no page's, so the next build that fingerprints the page makes it again.
UNFINGERPRINTED = b""
# A finding's fields in order; `dataclasses.astuple` deep-copies each value, which took
# half a second for the 44,000 findings of a big site.
_finding_row = attrgetter(*(field.name for field in fields(Finding)))


def record_file(out: Path) -> Path:
    """Where the builds into ``out`` are recorded (in the user cache): one record however
    OUT is spelled ('a/../out')."""
    return cache_file("out", Path(os.path.abspath(out)))


class Written(NamedTuple):
    """One output file as the last build left it."""

    fingerprint: bytes
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class BuildRecord:
    """What a successful build read and reported. A build that would read the same
    (see `sitegen.content.inputs`) with the same sitegen and options would write the same files
    and report the same findings."""

    inputs: bytes  # sitegen.content.inputs.content_digest, taken before the build read anything
    code: bytes  # sitegen.core.digests.code_digest
    as_of: date
    public: bool
    timezone: str  # the site's: the day of a build without --as-of depends on it
    findings: tuple[Finding, ...]
    history: str = ""  # sitegen.engine.history.analysis.history_key: the head commit, or why none

    def matches(
        self, inputs: bytes, code: bytes, as_of: date, public: bool, history: str = ""
    ) -> bool:
        mine = (self.inputs, self.code, self.as_of, self.public, self.history)
        return mine == (inputs, code, as_of, public, history)

    def key(self) -> tuple[Any, ...]:
        """What names this build among all builds: what it read, with which sitegen and
        options (builds of the same key make the same files)."""
        return (self.inputs, self.code, self.as_of.isoformat(), self.public, self.history)

    def stored(self) -> tuple[Any, ...]:
        """As plain data (see `sitegen.core.cachefiles`): the day as text, findings as rows."""
        findings = tuple(map(_finding_row, self.findings))  # plain tuples load fast
        day = self.as_of.isoformat()
        return (self.inputs, self.code, day, self.public, self.timezone, findings, self.history)

    @classmethod
    def from_stored(cls, row: tuple[Any, ...]) -> BuildRecord:
        inputs, code, day, public, timezone, rows, history = row
        findings = tuple(Finding(name, Severity(level), *rest) for name, level, *rest in rows)
        return cls(inputs, code, date.fromisoformat(day), public, timezone, findings, history)


class OutputState:
    """What the previous build wrote into one output folder."""

    def __init__(
        self,
        out: Path,
        file: Path | None,
        files: dict[str, Written],
        last_build: BuildRecord | None = None,
        owned: dict[str, str] | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> None:
        self.out = out
        self.file = file
        self.files = files
        self.last_build = last_build
        self.owned = owned or {}  # the files of OUT that are sitegen's: name → digest
        self.checkpoints = checkpoints or Checkpoints.from_environment()
        self.this_build: BuildRecord | None = None  # stored by `record` when set

    @classmethod
    def load(cls, out: Path, keep: bool = True) -> OutputState:
        """What OUT holds, once an interrupted build into it is finished or undone (this may
        raise `OutputError`); with ``keep`` False, no record of the last build (a full build),
        though this build's is still recorded for the next."""
        out = Path(os.path.abspath(out))
        checkpoints = Checkpoints.from_environment()
        recover(out, checkpoints)
        file = record_file(out)
        owned = read_manifest(out)
        stored = read_record(file, FORMAT) if (keep or owned is None) and out.is_dir() else None
        try:
            files = {name: Written(*known) for name, known in stored["files"].items()}
            last = stored.get("build")
            last_build = BuildRecord.from_stored(last) if last and keep else None
        except Exception:  # no record, or one of another shape: a full build
            files, last_build = {}, None
        if owned is None:
            owned = _adopted(out, files)
        files = {name: known for name, known in files.items() if name in owned} if keep else {}
        return cls(out, file, files, last_build, owned, checkpoints)

    def intact(self) -> bool:
        """OUT holds the files the last build left, as it left them (other files do not
        matter: they are not sitegen's)."""
        if self.files.keys() != self.owned.keys():  # e.g. another manifest checked out
            return False
        if not os.path.isfile(self.out / OWN_FOLDER / MANIFEST):
            return False
        return all(self._holds(name, known.fingerprint) for name, known in self.files.items())

    def stale(self, fingerprints: dict[str, bytes], made_again: Collection[str] = ()) -> list[str]:
        """The files whose inputs changed, or which OUT lost or someone changed; and
        those ``made_again`` whatever their fingerprints."""
        return [
            name
            for name, digest in fingerprints.items()
            if name in made_again or not self._holds(name, digest)
        ]

    def _holds(self, name: str, fingerprint: bytes) -> bool:
        known = self.files.get(name)
        if known is None or known.fingerprint != fingerprint:
            return False
        try:
            stat = os.stat(os.path.join(self.out, name))
        except OSError:
            return False
        return stat.st_size == known.size and stat.st_mtime_ns == known.mtime_ns

    def writer(self, names: list[str]) -> OutputWriter:
        """Where to write this build's files (``names``: all of them, written or kept)."""
        return OutputWriter(self.out, self.owned, names, self.checkpoints)

    def forget(self) -> None:
        """Drop the record (when OUT itself goes away, as the preview's does)."""
        if self.file is not None:
            self.file.unlink(missing_ok=True)

    def record(self, fingerprints: dict[str, bytes], written: list[str]) -> None:
        """Remember this build's files; silently skipped when the cache is not writable."""
        if self.file is None:
            return
        fresh = set(written)
        files = {}
        for name, digest in fingerprints.items():
            known = self.files.get(name)
            if name not in fresh and known is not None:
                files[name] = known
                continue
            try:
                stat = os.stat(os.path.join(self.out, name))
            except OSError:
                continue
            files[name] = Written(digest, stat.st_size, stat.st_mtime_ns)
        self.files = files
        # Each Written is stored as the plain row it is (a named tuple), and loads as one.
        build = self.this_build.stored() if self.this_build else None
        write_record(self.file, FORMAT, {"files": files, "build": build})


def _adopted(out: Path, recorded: dict[str, Written]) -> dict[str, str]:
    """For an OUT without a manifest (built by an earlier sitegen): the files this machine's
    record says sitegen wrote there, if still as written (the same size and modification
    time), with their digests."""
    adopted = {}
    for name, known in recorded.items():
        try:
            found = os.lstat(os.path.join(out, name))
        except OSError:
            continue
        if (found.st_size, found.st_mtime_ns) == (known.size, known.mtime_ns):
            digest = file_digest(out / name)
            if digest is not None:
                adopted[name] = digest
    return adopted


__all__ = ["BuildRecord", "OutputState", "Written", "record_file"]
