"""What a fresh install gets: the theme and catalogs ship inside the package."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from installing import build_wheel

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_theme_and_catalogs(tmp_path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "sitegen/site/themes/default/templates/base.html",
        "sitegen/site/themes/default/static/site.css",
        "sitegen/locales/messages.zh-CN.yaml",
        "sitegen/locales/ui.en.yaml",
    ):
        assert needed in names
    theme_files = [
        p.relative_to(REPO / "sitegen").as_posix()
        for p in (REPO / "sitegen" / "site" / "themes").rglob("*")
        if p.is_file()
    ]
    assert {f"sitegen/{name}" for name in theme_files} <= names


def test_the_installed_command_builds_from_any_folder(tmp_path):
    command = shutil.which("sitegen")
    assert command, "install the package first (see README)"
    result = subprocess.run(
        [command, "build", str(REPO / "content"), "-o", "site", "--as-of", "2023-07-20"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "status.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
