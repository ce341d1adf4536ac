"""Incremental builds: which output files must be written, and what OUT already holds.

Every output file has a fingerprint, a digest of everything it is rendered from (see
`SiteRenderer.fingerprinter`). After a build, the fingerprint of each file and the size
and modification time it got in OUT are kept in the user cache directory. The next build
writes a file only when its fingerprint changed or OUT no longer holds it as written,
and removes what it no longer produces. The result is byte-identical to a build into an
empty folder (tests/test_incremental.py checks this after many kinds of edits).

The record also keeps what the build read and reported (`BuildRecord`), so that a build
of unchanged content needs neither analysis nor fingerprints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from sitegen import __version__
from sitegen.cache import cache_file, read_record, write_record
from sitegen.findings import Finding, Severity
from sitegen.output import Staging, Update

FORMAT = f"{__version__}/output-4"
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
    (see `sitegen.inputs`) with the same sitegen and options would write the same files
    and report the same findings."""

    inputs: bytes  # sitegen.inputs.content_digest, taken before the build read anything
    code: bytes  # sitegen.fingerprint.code_digest
    as_of: date
    public: bool
    timezone: str  # the site's: the day of a build without --as-of depends on it
    findings: tuple[Finding, ...]
    history: str = ""  # sitegen.history.analysis.history_key: the head commit, or why none

    def matches(
        self, inputs: bytes, code: bytes, as_of: date, public: bool, history: str = ""
    ) -> bool:
        mine = (self.inputs, self.code, self.as_of, self.public, self.history)
        return mine == (inputs, code, as_of, public, history)

    def stored(self) -> tuple[Any, ...]:
        findings = tuple(map(_finding_row, self.findings))  # plain tuples load fast
        return (
            self.inputs,
            self.code,
            self.as_of,
            self.public,
            self.timezone,
            findings,
            self.history,
        )

    @classmethod
    def from_stored(cls, row: tuple[Any, ...]) -> BuildRecord:
        inputs, code, as_of, public, timezone, rows, history = row
        findings = tuple(Finding(name, Severity(level), *rest) for name, level, *rest in rows)
        return cls(inputs, code, as_of, public, timezone, findings, history)


class OutputState:
    """What the previous build wrote into one output folder."""

    def __init__(
        self,
        out: Path,
        file: Path | None,
        files: dict[str, Written],
        last_build: BuildRecord | None = None,
    ) -> None:
        self.out = out
        self.file = file
        self.files = files
        self.last_build = last_build
        self.this_build: BuildRecord | None = None  # stored by `record` when set

    @classmethod
    def load(cls, out: Path, keep: bool = True) -> OutputState:
        """The record of the last build into ``out``; with ``keep`` False, none (a full
        build), though this build's is still recorded for the next."""
        out = Path(os.path.abspath(out))
        file = record_file(out)
        stored = read_record(file, FORMAT) if keep and out.is_dir() else None
        if stored is None:
            return cls(out, file, {})
        try:
            files = {name: Written(*known) for name, known in stored["files"].items()}
            last = stored.get("build")
            return cls(out, file, files, BuildRecord.from_stored(last) if last else None)
        except Exception:  # a record of another shape only means a full build
            return cls(out, file, {})

    def intact(self) -> bool:
        """OUT holds exactly the files the last build left, as it left them."""
        found = set()
        for folder, _, names in os.walk(self.out):
            relative = os.path.relpath(folder, self.out).replace(os.sep, "/")
            prefix = "" if relative == "." else relative + "/"
            found.update(prefix + name for name in names)
        if found != self.files.keys():
            return False
        return all(self._holds(name, known.fingerprint) for name, known in self.files.items())

    def stale(self, fingerprints: dict[str, bytes]) -> list[str]:
        """The files whose inputs changed, or which OUT lost or someone changed."""
        return [name for name, digest in fingerprints.items() if not self._holds(name, digest)]

    def _holds(self, name: str, fingerprint: bytes) -> bool:
        known = self.files.get(name)
        if known is None or known.fingerprint != fingerprint:
            return False
        try:
            stat = os.stat(os.path.join(self.out, name))
        except OSError:
            return False
        return stat.st_size == known.size and stat.st_mtime_ns == known.mtime_ns

    def writer(self, names: list[str], stale: list[str]) -> Staging:
        """Where to write the stale files: in place when OUT keeps some of its files,
        else a fresh folder that replaces OUT whole."""
        if self.files and len(stale) < len(names):
            return Update(self.out, set(names))
        return Staging(self.out)

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
        # plain tuples: unpickling 15,000 dataclass instances takes a third of a second
        rows = {name: tuple(known) for name, known in files.items()}
        build = self.this_build.stored() if self.this_build else None
        write_record(self.file, FORMAT, {"files": rows, "build": build})


__all__ = ["BuildRecord", "OutputState", "Written", "record_file"]
