"""The package is built in stages, and a lower stage never imports a higher one.

The contract lives in pyproject.toml ([tool.importlinter]): cli → authoring → build →
site → engine → content → core. A new import that runs upwards fails here, so no
import circle between stages can come back.
"""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parent.parent


def test_no_stage_imports_a_higher_one(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(os.fspath(REPO))
    assert lint_imports(config_filename=os.fspath(REPO / "pyproject.toml")) == 0
