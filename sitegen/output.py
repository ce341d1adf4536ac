"""Stage 6: write the rendered files into OUT atomically.

Everything is written into a fresh folder beside OUT, which then replaces OUT in
two renames; until the swap the previous OUT stays exactly as it was, and an
interrupted build leaves at most a stray temporary folder, never a half-built OUT.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath


class UnsafeOutputPath(ValueError):
    pass


def safe_relative(path: str) -> PurePosixPath:
    """A relative path that cannot leave the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise UnsafeOutputPath(f"refusing to write outside the output folder: {path!r}")
    return pure


def write_tree(out: Path, files: Mapping[str, bytes]) -> None:
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name in sorted(files):
            target = staging / safe_relative(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
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
