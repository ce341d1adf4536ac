"""The command line speaks the site's language: summaries and click's frames."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.cli import run

SAMPLE = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def call(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        run(list(arguments))
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(done.value.code or 0), captured.out + captured.err


def test_a_chinese_site_gets_chinese_summaries(content: Path, tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "out")
    code, said = call(capsys, "build", str(content), "-o", out, "--as-of", "2023-07-20")
    assert code == 0
    assert "0 个错误、" in said and "个警告" in said and f"位于 {tmp_path / 'out'}" in said
    assert "errors" not in said and "built" not in said
    code, said = call(capsys, "check", str(content), "--as-of", "2023-07-20")
    assert code == 0 and "0 个错误、" in said


def test_click_frames_follow_the_site(content: Path, capsys) -> None:
    code, said = call(capsys, "build", str(content), "--no-such-option")
    assert code == 2
    assert said.startswith("用法：sitegen build") and "错误：" in said
    assert "Usage:" not in said and "Error:" not in said


def test_an_english_site_keeps_english(content: Path, capsys) -> None:
    settings = content / "site.yaml"
    settings.write_text(settings.read_text("utf-8").replace("zh-CN", "en"), "utf-8")
    code, said = call(capsys, "build", str(content), "--no-such-option")
    assert code == 2 and said.startswith("Usage: sitegen build") and "Error: " in said
    code, said = call(capsys, "check", str(content), "--as-of", "2023-07-20")
    assert re.search(r"^0 errors, \d+ warnings?, \d+ notices?$", said, re.MULTILINE)
