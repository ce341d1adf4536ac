"""Stage 6: write the rendered files into OUT.

A full build writes everything into a fresh folder beside OUT, which then replaces
OUT in two renames; until the swap the previous OUT stays exactly as it was, and an
interrupted build leaves at most a stray temporary folder, never a half-built OUT.
An incremental build (`Update`) renders its few changed files into such a folder too
and moves them into OUT one rename each once all of them are rendered.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Set
from pathlib import Path, PurePosixPath


class UnsafeOutputPath(ValueError):
    pass


def safe_relative(path: str) -> PurePosixPath:
    """A relative path that cannot leave the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise UnsafeOutputPath(f"refusing to write outside the output folder: {path!r}")
    return pure


class Staging:
    """A fresh folder beside OUT: files are written into it, then it replaces OUT.

    Used as a context manager: leaving the block normally swaps it in; leaving it
    by an exception (a failed render, Ctrl-C) removes it and OUT stays as it was.
    """

    def __init__(self, out: Path) -> None:
        self.out = Path(os.path.abspath(out))  # also drops '..': OUT's name and parent are used
        self.folder = self.out  # replaced on entry
        self._folders: set[Path] = set()  # made already: one mkdir per folder, not per file

    def __enter__(self) -> Staging:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent))
        # mkdtemp makes it private (700); as OUT it must be readable by a web server.
        os.chmod(self.folder, 0o755)
        return self

    def write(self, name: str, data: bytes) -> None:
        target = self.folder / safe_relative(name)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(data)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        try:
            _swap(self.folder, self.out)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


class Update(Staging):
    """Changes OUT in place: the files written here replace theirs in OUT when the block
    ends normally; files of OUT not in ``keep`` are removed, so OUT ends up as a build
    into an empty folder would leave it."""

    def __init__(self, out: Path, keep: Set[str]) -> None:
        super().__init__(out)
        self.keep = keep

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self._move_in()
                self._remove_others()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _move_in(self) -> None:
        for folder, _, names in os.walk(self.folder):
            target = self.out / Path(folder).relative_to(self.folder)
            target.mkdir(parents=True, exist_ok=True)
            for name in names:
                os.replace(os.path.join(folder, name), target / name)

    def _remove_others(self) -> None:
        for folder, subfolders, names in os.walk(self.out, topdown=False):
            relative = Path(folder).relative_to(self.out).as_posix()
            prefix = "" if relative == "." else relative + "/"
            for name in names:
                if prefix + name not in self.keep:
                    os.remove(os.path.join(folder, name))
            for name in subfolders:
                path = os.path.join(folder, name)
                if os.path.islink(path):
                    os.remove(path)
                elif not os.listdir(path):
                    os.rmdir(path)
