"""Incremental builds: which output files must be written, and what OUT already holds.

Every output file has a fingerprint, a digest of everything it is rendered from (see
`SiteRenderer.fingerprints`). After a build, the fingerprint of each file and the size
and modification time it got in OUT are kept in the user cache directory. The next build
writes a file only when its fingerprint changed or OUT no longer holds it as written,
and removes what it no longer produces. The result is byte-identical to a build into an
empty folder (tests/test_incremental.py checks this after many kinds of edits).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import NamedTuple

from sitegen import __version__
from sitegen.cache import cache_home
from sitegen.output import Staging, Update

FORMAT = f"{__version__}/output-2"


class Written(NamedTuple):
    """One output file as the last build left it."""

    fingerprint: bytes
    size: int
    mtime_ns: int


class OutputState:
    """What the previous build wrote into one output folder."""

    def __init__(self, out: Path, file: Path | None, files: dict[str, Written]) -> None:
        self.out = out
        self.file = file
        self.files = files

    @classmethod
    def load(cls, out: Path, enabled: bool = True) -> OutputState:
        out = out.absolute()
        if not enabled:
            return cls(out, None, {})
        key = hashlib.sha256(str(out).encode()).hexdigest()[:16]
        file = cache_home() / f"out-{key}.pickle"
        files: dict[str, Written] = {}
        if out.is_dir():
            try:
                with file.open("rb") as stream:
                    stored = pickle.load(stream)
                if isinstance(stored, dict) and stored.get("format") == FORMAT:
                    files = {name: Written(*known) for name, known in stored["files"].items()}
            except Exception:  # any unreadable record only means a full build
                files = {}
        return cls(out, file, files)

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
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                # plain tuples: unpickling 15,000 dataclass instances takes a third of a second
                rows = {name: tuple(known) for name, known in files.items()}
                pickle.dump({"format": FORMAT, "files": rows}, stream, protocol=5)
            os.replace(temporary, self.file)
        except OSError:
            pass  # without a record the next build writes everything again


__all__ = ["OutputState", "Written"]
