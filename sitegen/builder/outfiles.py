"""The files of OUT that sitegen owns: its folder and manifest, safe relative paths, the
errors writing can meet (in plain words), digests, and the checks made before a commit.

`sitegen.builder.output` stages a build's files and `sitegen.builder.journal` commits them;
both stand on what is here.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import stat
import tempfile
from collections.abc import Mapping
from json.encoder import encode_basestring  # type: ignore[attr-defined]
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


def error_concerns(error: OSError, out: Path) -> bool:
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
    if not files:
        stored = {"format": MANIFEST_FORMAT, "files": {}}
        return json.dumps(stored, indent=0, ensure_ascii=False).encode("utf-8") + b"\n"
    # What json.dumps(indent=0) writes, without its pure-Python encoder: at 15,000 files
    # that made 60,000 pieces at the highest point of a build's memory.
    text = encode_basestring
    lines = ",\n".join(f"{text(name)}: {text(files[name])}" for name in sorted(files))
    head = f'{{\n"format": {text(MANIFEST_FORMAT)},\n"files": {{\n'
    return f"{head}{lines}\n}}\n}}\n".encode()


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


__all__ = [
    "KILL_AT_VARIABLE",
    "MANIFEST",
    "MANIFEST_FORMAT",
    "OWN_FOLDER",
    "STAGE_PREFIX",
    "Checkpoints",
    "OutputError",
    "UnsafeOutputPath",
    "check_relative",
    "conflicts",
    "data_digest",
    "error_concerns",
    "file_digest",
    "manifest_bytes",
    "output_error",
    "read_manifest",
    "real_folders",
    "safe_relative",
    "write_atomically",
]
