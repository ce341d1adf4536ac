"""Writing OUT: nothing lands outside it, and a failed write leaves it as it was."""

from __future__ import annotations

import pytest

from sitegen.output import Staging, UnsafeOutputPath, Update, safe_relative


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


def test_an_update_moves_new_files_in_and_removes_what_is_not_kept(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "b.html": b"2", "old/c.html": b"3"})
    with Update(out, keep={"a.html", "b.html", "new/d.html"}) as update:
        update.write("b.html", b"two")
        update.write("new/d.html", b"4")
        assert (out / "b.html").read_bytes() == b"2"  # nothing changes before the end
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {"a.html": b"1", "b.html": b"two", "new/d.html": b"4"}
    assert not (out / "old").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_interrupted_update_leaves_the_folder_as_it_was(error, tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "b.html": b"2"})
    with pytest.raises(error), Update(out, keep={"a.html"}) as update:
        update.write("a.html", b"new")
        raise error
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {"a.html": b"1", "b.html": b"2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
