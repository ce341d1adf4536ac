"""Building sitegen's wheel as a clean clone would, for the tests of what users install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_wheel(folder: Path) -> Path:
    """The wheel of this checkout, built into ``folder`` without network access, from a
    copy of what packaging reads (setuptools walks the whole project folder, which after
    a benchmark holds gigabytes in bench/out)."""
    source = folder / "source"
    shutil.copytree(
        REPO / "sitegen", source / "sitegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(folder), str(source)],
        check=True,
        cwd=folder,
    )  # fmt: skip
    (wheel,) = folder.glob("sitegen-*.whl")
    return wheel
