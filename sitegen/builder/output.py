"""Stage 6: write the rendered files into OUT, touching only the files sitegen owns there.

OUT may hold files that are not sitegen's: a .git folder (OUT as a work tree of a gh-pages
branch), CNAME, .nojekyll, a README. sitegen owns the files its manifest lists
(OUT/.sitegen/manifest.json: every file it wrote, with the SHA-256 of its bytes) and the
.sitegen folder; it never overwrites, moves or removes anything else. OUT itself is never
renamed or removed, so it may be a mount point.

A build renders its files into a staging folder inside OUT/.sitegen (on OUT's file system),
then checks that every file it would replace is its own or already holds the same bytes; if
not, it stops, names the file and leaves OUT as it was. Then it commits (`sitegen.builder.journal`):
a journal names the files to move in and to remove, and the next build finishes a commit
that was interrupted (by kill -9 too), so OUT is always the complete old or new site.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from sitegen.builder.outfiles import (
    OWN_FOLDER,
    STAGE_PREFIX,
    Checkpoints,
    OutputError,
    conflicts,
    data_digest,
    error_concerns,
    file_digest,
    manifest_bytes,
    output_error,
    real_folders,
    safe_relative,
    write_atomically,
)


class StagingFolder:
    """Where a build's files wait (in OUT/.sitegen) until the commit; small, as it is sent
    to the worker processes that render into it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._folders: set[Path] = set()  # made already: one mkdir per folder, not per file

    def write(self, name: str, data: bytes) -> str:
        """Stage one file; returns the digest of its bytes."""
        target = self.folder / safe_relative(name)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(data)
        return data_digest(data)


class OutputWriter:
    """Stages a build's files in OUT/.sitegen, then `commit` puts them in place.

    Used as a context manager: leaving the block without a commit (a failed render,
    Ctrl-C) removes what was staged, and OUT stays as it was.
    """

    def __init__(
        self,
        out: Path,
        owned: Mapping[str, str],
        names: Collection[str],
        checkpoints: Checkpoints | None = None,
    ) -> None:
        self.out = Path(os.path.abspath(out))  # also drops '..'
        self.owned = owned  # what the manifest says sitegen wrote
        self.names = names  # every file of this build; those not written stay as they are
        self.checkpoints = checkpoints or Checkpoints.from_environment()
        self.staging = StagingFolder(self.out)  # replaced on entry
        self._made_out = False
        self._committing = False

    def __enter__(self) -> OutputWriter:
        try:
            if not self.out.is_dir():
                self.out.mkdir(parents=True)
                self._made_out = True
            own = self.out / OWN_FOLDER
            own.mkdir(exist_ok=True)
            self.staging = StagingFolder(Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=own)))
        except OSError as error:
            self._discard()
            raise output_error(error, self.out) from error
        self.checkpoints.step("staging")
        return self

    def write(self, name: str, data: bytes) -> str:
        return self.staging.write(name, data)

    def commit(self, staged: Mapping[str, str]) -> None:
        """Put the ``staged`` files (name → digest, as `write` returned) in place, keep the
        other files of the build, and remove sitegen's files the build no longer makes."""
        from sitegen.builder.journal import Journal, apply

        self.checkpoints.step("staged")
        clashes = conflicts(self.out, self.owned, staged)
        if clashes:
            raise OutputError("output.foreign", self.out, files=clashes)
        manifest = {name: staged.get(name) or self._kept_digest(name) for name in self.names}
        removed = {
            name: digest
            for name, digest in self.owned.items()
            if name not in manifest
            and real_folders(self.out, name)
            and file_digest(self.out / name) == digest  # changed since: no longer sitegen's
        }
        journal = Journal(self.staging.folder.name, sorted(staged), removed)
        own = self.out / OWN_FOLDER
        try:
            write_atomically(journal.manifest_path(self.out), manifest_bytes(manifest))
            self.checkpoints.step("manifest-staged")
            write_atomically(own / journal.FILE, journal.to_bytes())
        except OSError as error:
            raise output_error(error, self.out) from error
        self._committing = True
        self.checkpoints.step("journal")
        try:
            apply(self.out, journal, self.checkpoints)
        except OSError as error:
            raise output_error(error, self.out, unfinished=True) from error

    def _kept_digest(self, name: str) -> str:
        known = self.owned.get(name)
        if known is not None:
            return known
        found = file_digest(self.out / name)  # only if a caller keeps a file it never wrote
        if found is None:
            raise FileNotFoundError(errno.ENOENT, "kept but missing", str(self.out / name))
        return found

    def __exit__(self, kind: type[BaseException] | None, error: object, *_: object) -> None:
        if self._committing:
            return  # the journal is written: the commit completes now or in the next build
        self._discard()
        if isinstance(error, OSError) and error_concerns(error, self.out):
            raise output_error(error, self.out) from error

    def _discard(self) -> None:
        """Remove what this writer made, so that OUT is exactly as it was."""
        own = self.out / OWN_FOLDER
        staged = self.staging.folder
        if staged != self.out:
            shutil.rmtree(staged, ignore_errors=True)
            Path(f"{staged}.json").unlink(missing_ok=True)
        for folder in (own, self.out) if self._made_out else (own,):
            with contextlib.suppress(OSError):  # only if empty: a failed first build leaves nothing
                folder.rmdir()


__all__ = ["OutputWriter", "StagingFolder"]
