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
import hashlib
import json
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.core.i18n import Messages

OWN_FOLDER = ".sitegen"  # in OUT: the manifest, staging folders, the journal
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "sitegen-manifest/1"
STAGE_PREFIX = "stage-"  # staging folders and the files written beside them
KILL_AT_VARIABLE = "SITEGEN_KILL_AT"
_FILES_NAMED = 5  # an error lists this many files, then "and N more"


class UnsafeOutputPath(ValueError):
    pass


def safe_relative(path: str) -> PurePosixPath:
    """A relative path that cannot leave the output folder."""
    check_relative(path)
    return PurePosixPath(path)


def check_relative(path: str) -> None:
    """Raise UnsafeOutputPath unless ``path`` is relative, names something, and has no '..'
    and no backslash. What `PurePosixPath` would say, in string operations: a manifest
    names 15,000 files, and making a path of each took a tenth of a second."""
    if type(path) is not str:
        raise TypeError(f"a file name is text, not {type(path).__name__}")
    parts = path.split("/")
    if (
        path.startswith("/")
        or "\\" in path
        or ".." in parts
        or all(part in ("", ".") for part in parts)
    ):
        raise UnsafeOutputPath(f"refusing to write outside the output folder: {path!r}")


class OutputError(Exception):
    """OUT cannot be written as asked; `message` says why and what to do, in plain words."""

    def __init__(self, key: str, out: Path, unfinished: bool = False, **values: Any) -> None:
        super().__init__(key, out, values)
        self.key = key
        self.out = out
        self.unfinished = unfinished  # a commit stopped halfway: the next build finishes it
        self.values = values

    def message(self, messages: Messages) -> str:
        """The message in the language of ``messages``."""
        values = dict(self.values)
        if "files" in values:
            files = list(values["files"])
            shown = files[:_FILES_NAMED]
            if len(files) > len(shown):
                shown.append(messages("output.more", count=len(files) - len(shown)))
            values.update(files=messages.join(shown), count=len(files))
        outcome = "output.unfinished" if self.unfinished else "output.unchanged"
        space = "" if messages.language == "zh-CN" else " "  # Chinese sentences need none
        return messages(self.key, out=self.out, **values) + space + messages(outcome, out=self.out)


_ERRNO_KEYS = {
    errno.EROFS: "output.read-only",
    errno.ENOSPC: "output.no-space",
    errno.EDQUOT: "output.no-space",
    errno.EACCES: "output.permission",
    errno.EPERM: "output.permission",
    errno.EBUSY: "output.busy",
}


def output_error(error: OSError, out: Path, unfinished: bool = False) -> OutputError:
    """What to tell the user about ``error``, met while writing ``out``."""
    key = _ERRNO_KEYS.get(error.errno or 0, "output.os")
    path = error.filename if error.filename is not None else out
    problem = error.strerror or str(error)
    return OutputError(key, out, unfinished, path=path, problem=problem)


def _concerns(error: OSError, out: Path) -> bool:
    """Whether ``error`` came from writing ``out`` (a full disk names no file)."""
    if error.filename is None:
        return True
    return Path(os.path.abspath(os.fsdecode(error.filename))).is_relative_to(out)


class Checkpoints:
    """The points of a write at which an interruption must leave OUT recoverable.

    For tests of exactly that: with SITEGEN_KILL_AT=N the process kills itself (SIGKILL, as
    `kill -9` does) on reaching the N-th point; with SITEGEN_KILL_AT=NAME, the first point
    of that name."""

    def __init__(self, kill_at: str | None = None) -> None:
        self.kill_at = kill_at
        self.passed = 0

    @classmethod
    def from_environment(cls) -> Checkpoints:
        return cls(os.environ.get(KILL_AT_VARIABLE) or None)

    def step(self, name: str) -> None:
        if self.kill_at is None:
            return
        self.passed += 1
        if self.kill_at in (name, str(self.passed)):
            os.kill(os.getpid(), signal.SIGKILL)


def data_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The digest of the regular file at ``path`` (not followed if a link); None if none."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def read_manifest(out: Path) -> dict[str, str] | None:
    """The files sitegen wrote into ``out`` (name → digest); None without a readable manifest."""
    try:
        stored = json.loads((out / OWN_FOLDER / MANIFEST).read_bytes())
        files = stored["files"]
        if stored.get("format") != MANIFEST_FORMAT or not isinstance(files, dict):
            return None
        for name, digest in files.items():
            check_relative(name)
            if not (isinstance(digest, str) and len(digest) == 64):
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return files


def manifest_bytes(files: Mapping[str, str]) -> bytes:
    """One file per line, sorted: a deployed OUT's history shows which pages changed."""
    stored = {"format": MANIFEST_FORMAT, "files": dict(sorted(files.items()))}
    return json.dumps(stored, indent=0, ensure_ascii=False).encode("utf-8") + b"\n"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: into a temporary file beside it, then rename."""
    handle, temporary = tempfile.mkstemp(prefix=STAGE_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def real_folders(out: Path, name: str) -> bool:
    """Whether every folder on the way to ``name`` in ``out`` is a real folder or absent:
    never a link (writing through it would write outside OUT) nor a file."""
    folder = out
    for part in PurePosixPath(name).parts[:-1]:
        folder = folder / part
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return True
        if not stat.S_ISDIR(mode):
            return False
    return True


def conflicts(out: Path, owned: Mapping[str, str], staged: Mapping[str, str]) -> list[str]:
    """The files (or folders) of ``out`` that writing ``staged`` would replace though sitegen
    did not write them: not in ``owned`` and not already holding the same bytes."""
    found: set[str] = set()
    folders = _FolderStates(out)
    for name, digest in staged.items():
        folder, _, _ = name.rpartition("/")
        state = folders.state(folder)
        if state == _ABSENT:
            continue  # nothing can be in the way inside a folder that does not exist
        if state != _FOLDER:
            found.add(state)  # a file or link on the way
            continue
        path = out / name
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISREG(mode) and (name in owned or file_digest(path) == digest):
            continue
        found.add(name)
    return sorted(found)


_FOLDER, _ABSENT = "\0folder", "\0absent"


class _FolderStates:
    """Each folder of OUT on the way to a file, looked at once: a real folder, absent, or
    (by its name) the file or link that blocks the way."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.known: dict[str, str] = {"": _FOLDER}

    def state(self, folder: str) -> str:
        known = self.known.get(folder)
        if known is not None:
            return known
        above = self.state(folder.rpartition("/")[0])
        if above == _FOLDER:
            try:
                mode = os.lstat(self.out / folder).st_mode
                above = _FOLDER if stat.S_ISDIR(mode) else folder
            except FileNotFoundError:
                above = _ABSENT
        self.known[folder] = above
        return above


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
        if isinstance(error, OSError) and _concerns(error, self.out):
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


__all__ = [
    "Checkpoints",
    "OutputError",
    "OutputWriter",
    "StagingFolder",
    "UnsafeOutputPath",
    "check_relative",
    "read_manifest",
    "safe_relative",
]
