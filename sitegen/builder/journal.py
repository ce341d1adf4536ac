"""Committing a build into OUT so that no interruption, kill -9 included, leaves it half-built.

A build stages its files in OUT/.sitegen/stage-XXXX and writes the new manifest beside it
(stage-XXXX.json). Then it writes the journal (OUT/.sitegen/journal.json, atomically): the
staging folder, the files to move in, the files to remove. Writing the journal is the
commit: from then on the build is completed, by this process or by the next build
(`recover`), which applies the journal again. Applying it is idempotent: files removed,
files moved in (one rename each), the manifest replaced, the staging folder and then the
journal removed. Without a journal, a staging folder is an unfinished build: the next
build removes it, and OUT is the previous site.

Earlier versions of sitegen replaced OUT by renaming folders beside it
(.OUT.old-XXXXXXXX, .OUT.new-XXXXXXXX); `recover` cleans up after them too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.builder.outfiles import (
    MANIFEST,
    OWN_FOLDER,
    STAGE_PREFIX,
    Checkpoints,
    file_digest,
    output_error,
    real_folders,
    safe_relative,
)

_STAGE_NAME = re.compile(re.escape(STAGE_PREFIX) + r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Journal:
    stage: str  # the staging folder's name, in OUT/.sitegen
    move: list[str]  # files of the staging folder to move into OUT
    remove: dict[str, str]  # files of OUT to remove, with the digest they must still have

    FILE = "journal.json"

    def manifest_path(self, out: Path) -> Path:
        """Where the build's new manifest waits to replace the current one."""
        return out / OWN_FOLDER / f"{self.stage}.json"

    def to_bytes(self) -> bytes:
        stored = {"stage": self.stage, "move": self.move, "remove": self.remove}
        return json.dumps(stored, ensure_ascii=False).encode("utf-8")

    @classmethod
    def read(cls, own: Path) -> Journal | None:
        """The journal in ``own`` (OUT/.sitegen); None if there is none, or one that is not
        sitegen's (it is written whole or not at all, so only a hand could break it)."""
        try:
            stored = json.loads((own / cls.FILE).read_bytes())
            journal = cls(stored["stage"], list(stored["move"]), dict(stored["remove"]))
            if not _STAGE_NAME.fullmatch(journal.stage):
                return None
            for name in [*journal.move, *journal.remove]:
                safe_relative(name)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return journal


def apply(out: Path, journal: Journal, checkpoints: Checkpoints) -> None:
    """Complete the commit ``journal`` describes; each step can run again after a kill."""
    own = out / OWN_FOLDER
    stage = own / journal.stage
    for name, digest in sorted(journal.remove.items()):
        if not real_folders(out, name):
            continue  # a link on the way leads out of OUT
        if file_digest(out / name) == digest:
            os.unlink(out / name)
            checkpoints.step("removed")
        _remove_empty_folders(out, PurePosixPath(name).parent)
    there: set[str] = {""}  # folders of OUT known to exist
    for name in journal.move:
        if not os.path.lexists(stage / name):
            continue  # moved in before an interruption, alone or with its folder
        moving = _first_missing_folder(out, name, there) or name
        os.replace(stage / moving, out / moving)  # a new folder moves in whole, at once
        checkpoints.step("moved")
    waiting = journal.manifest_path(out)
    if os.path.lexists(waiting):
        os.replace(waiting, own / MANIFEST)
    checkpoints.step("manifest")
    shutil.rmtree(stage, ignore_errors=True)  # only empty folders are left in it
    checkpoints.step("staging-removed")
    os.unlink(own / Journal.FILE)
    checkpoints.step("committed")


def _first_missing_folder(out: Path, name: str, there: set[str]) -> str | None:
    """The outermost folder on the way to ``name`` that OUT does not have yet, if any."""
    parts = name.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder not in there:
            if not os.path.lexists(out / folder):
                return folder
            there.add(folder)
    return None


def _remove_empty_folders(out: Path, folder: PurePosixPath) -> None:
    """Remove ``folder`` of ``out`` and its parents while they are empty (a removed page's
    folder goes with it); never OUT itself."""
    while folder.parts:
        try:
            os.rmdir(out / folder)
        except FileNotFoundError:
            pass
        except OSError:
            return  # not empty, or not a folder
        folder = folder.parent


def recover(out: Path, checkpoints: Checkpoints) -> None:
    """Finish or undo what an interrupted build left in or beside ``out``."""
    _recover_earlier_layout(out)
    own = out / OWN_FOLDER
    journal = Journal.read(own)
    try:
        if journal is not None:
            apply(out, journal, checkpoints)
        elif not own.is_dir():
            return
        for entry in os.scandir(own):
            if entry.name.startswith(STAGE_PREFIX) or entry.name == Journal.FILE:
                _remove(Path(entry.path))
        if not any(os.scandir(own)):
            own.rmdir()  # the first build into OUT was interrupted: leave no trace
    except OSError as error:
        raise output_error(error, out, unfinished=journal is not None) from error


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _recover_earlier_layout(out: Path) -> None:
    """Earlier versions swapped in a new OUT with two renames. A kill between them left no
    OUT, only the previous one renamed .OUT.old-XXXXXXXX: it becomes OUT again. Every other
    such folder is an unfinished or retired build, and goes."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(old|new)-[a-z0-9_]{{8}}")
    leftovers: dict[str, str] = {}  # path → 'old' or 'new'
    try:
        for entry in os.scandir(out.parent):
            found = pattern.fullmatch(entry.name)
            if found and entry.is_dir(follow_symlinks=False):
                leftovers[entry.path] = found[1]
    except OSError:
        return
    previous = [path for path, kind in leftovers.items() if kind == "old"]
    if previous and not os.path.lexists(out):
        newest = max(previous, key=lambda path: os.lstat(path).st_mtime_ns)
        try:
            os.rename(newest, out)
        except OSError as error:
            raise output_error(error, out, unfinished=True) from error
        del leftovers[newest]
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


__all__ = ["Journal", "apply", "recover"]
