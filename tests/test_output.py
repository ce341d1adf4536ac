"""Writing OUT: nothing lands outside it, and a failed write leaves it as it was."""

from __future__ import annotations

import pytest

from sitegen.output import Staging, UnsafeOutputPath, safe_relative


def write_tree(out, files: dict[str, bytes]) -> None:
    with Staging(out) as staging:
        for name, data in sorted(files.items()):
            staging.write(name, data)


@pytest.mark.parametrize(
    "name", ["../escape.html", "/etc/passwd", "a/../../b.html", "", "a\\..\\b.html"]
)
def test_paths_that_would_leave_the_output_folder_are_refused(name):
    with pytest.raises(UnsafeOutputPath):
        safe_relative(name)


def test_ordinary_and_chinese_paths_are_kept():
    assert (
        str(safe_relative("reports/q3/2023-07-10-li-si.html")) == "reports/q3/2023-07-10-li-si.html"
    )
    assert str(safe_relative("tasks/任务 1.html")) == "tasks/任务 1.html"


def test_an_unsafe_name_aborts_the_whole_write(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"index.html": b"old"})
    with pytest.raises(UnsafeOutputPath):
        write_tree(out, {"index.html": b"new", "../evil.html": b"x"})
    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_staging_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"old.html": b"1", "keep/x.html": b"2"})
    with Staging(out) as staging:
        staging.write("new.html", b"3")
        assert not (out / "new.html").exists()  # nothing visible before the swap
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["new.html"]
