"""Writing OUT: nothing lands outside it, nothing that is not sitegen's is touched, and a
failed write leaves it as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.builder.journal import recover
from sitegen.builder.outfiles import (
    Checkpoints,
    OutputError,
    UnsafeOutputPath,
    output_error,
    read_manifest,
    safe_relative,
)
from sitegen.builder.output import OutputWriter
from sitegen.core.i18n import Messages

FOREIGN = {
    ".git/HEAD": b"ref: refs/heads/gh-pages\n",
    "CNAME": b"status.example.com\n",
    ".nojekyll": b"",
    "notes/README.txt": b"written by hand\n",
}


def write_tree(out: Path, files: dict[str, bytes]) -> None:
    """One build of ``files`` into ``out``, as `sitegen.builder.pipeline.write_output` makes it."""
    with OutputWriter(out, read_manifest(out) or {}, files.keys()) as writer:
        writer.commit({name: writer.write(name, data) for name, data in sorted(files.items())})


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def site_files(folder: Path) -> dict[str, bytes]:
    return {name: data for name, data in tree(folder).items() if not name.startswith(".sitegen/")}


def add(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


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
    before = tree(out)
    with pytest.raises(UnsafeOutputPath):
        write_tree(out, {"index.html": b"new", "../evil.html": b"x"})
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_manifest_lists_every_file_written_with_its_digest(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"index.html": b"home", "tasks/任务.html": b"task"})
    stored = json.loads((out / ".sitegen" / "manifest.json").read_text("utf-8"))
    assert stored["files"] == {
        "index.html": hashlib.sha256(b"home").hexdigest(),
        "tasks/任务.html": hashlib.sha256(b"task").hexdigest(),
    }
    assert sorted(tree(out)) == [".sitegen/manifest.json", "index.html", "tasks/任务.html"]


def test_a_build_replaces_and_removes_only_its_own_files(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "b.html": b"2", "old/c.html": b"3", "gone/d.html": b"4"})
    add(out, {**FOREIGN, "old/notes.txt": b"mine"})
    with OutputWriter(out, read_manifest(out) or {}, ["a.html", "b.html", "new/e.html"]) as writer:
        staged = {
            "b.html": writer.write("b.html", b"two"),
            "new/e.html": writer.write("new/e.html", b"5"),
        }
        assert (out / "b.html").read_bytes() == b"2"  # nothing changes before the commit
        writer.commit(staged)
    assert site_files(out) == {
        **FOREIGN,
        "old/notes.txt": b"mine",  # its folder stays with it
        "a.html": b"1",
        "b.html": b"two",
        "new/e.html": b"5",
    }
    assert not (out / "gone").exists()  # an emptied folder of sitegen's goes
    assert sorted(read_manifest(out)) == ["a.html", "b.html", "new/e.html"]
    assert sorted(p.name for p in (out / ".sitegen").iterdir()) == ["manifest.json"]


def test_a_file_changed_by_hand_is_no_longer_removed(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "about.html": b"sitegen's"})
    (out / "about.html").write_bytes(b"taken over by hand")
    write_tree(out, {"a.html": b"1"})
    assert (out / "about.html").read_bytes() == b"taken over by hand"
    assert sorted(read_manifest(out)) == ["a.html"]  # and it is not sitegen's any more


def test_without_a_manifest_nothing_is_removed(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "old.html": b"2"})
    (out / ".sitegen" / "manifest.json").unlink()
    write_tree(out, {"a.html": b"1"})
    assert site_files(out) == {"a.html": b"1", "old.html": b"2"}


def test_a_file_with_the_same_bytes_is_taken_over(tmp_path):
    out = tmp_path / "out"
    add(out, {"index.html": b"home"})  # e.g. sitegen's output copied here
    write_tree(out, {"index.html": b"home"})
    assert read_manifest(out) == {"index.html": hashlib.sha256(b"home").hexdigest()}


@pytest.mark.parametrize(
    "foreign, named",
    [
        ({"index.html": b"someone's"}, "index.html"),
        ({"tasks/t.html/x": b"a folder where a page goes"}, "tasks/t.html"),
        ({"tasks": b"a file where a folder goes"}, "tasks"),
    ],
)
def test_replacing_a_foreign_file_is_an_error_naming_it(foreign, named, tmp_path):
    out = tmp_path / "out"
    add(out, foreign)
    before = tree(out)
    with pytest.raises(OutputError) as raised:
        write_tree(out, {"index.html": b"home", "tasks/t.html": b"task"})
    assert raised.value.key == "output.foreign" and raised.value.values["files"] == [named]
    message = raised.value.message(Messages("en"))
    assert f"would replace a file that sitegen did not write: {named}." in message
    assert message.endswith(f"Nothing in {out} was changed.")
    assert tree(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted({n.split("/")[0] for n in foreign})


def test_a_link_on_the_way_is_never_written_through(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "tasks").symlink_to(elsewhere)
    with pytest.raises(OutputError) as raised:
        write_tree(out, {"tasks/t.html": b"task"})
    assert raised.value.values["files"] == ["tasks"]
    assert list(elsewhere.iterdir()) == []


def test_many_foreign_files_are_counted_and_the_first_named(tmp_path):
    out = tmp_path / "out"
    files = {f"p{i}.html": b"theirs" for i in range(8)}
    add(out, files)
    with pytest.raises(OutputError) as raised:
        write_tree(out, {name: b"ours" for name in files})
    chinese = raised.value.message(Messages("zh-CN"))
    named = "p0.html、p1.html、p2.html、p3.html、p4.html、等另外 3 个"
    assert f"会覆盖 8 个不是 sitegen 写入的文件：{named}。" in chinese


def test_a_failed_first_write_leaves_no_output_folder(tmp_path):
    out = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), OutputWriter(out, {}, ["a.html"]) as writer:
        writer.write("a.html", b"1")
        raise RuntimeError
    assert not out.exists()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_interrupted_write_leaves_the_folder_as_it_was(error, tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "b.html": b"2"})
    add(out, FOREIGN)
    before = tree(out)
    with pytest.raises(error), OutputWriter(out, read_manifest(out) or {}, ["a.html"]) as writer:
        writer.write("a.html", b"new")
        raise error
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.EROFS, "read-only"),
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EBUSY, "busy"),
        (errno.EIO, "cannot write: Input/output error"),
    ],
)
def test_a_system_error_becomes_a_message_naming_the_file(code, words, tmp_path):
    error = OSError(code, os.strerror(code), str(tmp_path / "out" / "index.html"))
    message = output_error(error, tmp_path / "out").message(Messages("en"))
    assert message.startswith(f"{tmp_path / 'out' / 'index.html'}: ") and words in message
    assert "Nothing in" in message
    unfinished = output_error(error, tmp_path / "out", unfinished=True).message(Messages("zh-CN"))
    assert unfinished.endswith("的更新中途停止；下次构建会先把它完成。")


def test_a_full_disk_while_staging_changes_nothing(tmp_path):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1"})
    before = tree(out)

    def full(name: str, data: bytes) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")  # a write names no file

    with (
        pytest.raises(OutputError) as raised,
        OutputWriter(out, read_manifest(out), ["a.html"]) as writer,
    ):
        writer.staging.write = full  # type: ignore[method-assign]
        writer.write("a.html", b"2")
    assert raised.value.key == "output.no-space" and not raised.value.unfinished
    assert tree(out) == before


def test_a_commit_that_stops_halfway_is_finished_by_the_next_build(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_tree(out, {"a.html": b"1", "b.html": b"2", "c.html": b"3"})
    new = {"a.html": b"one", "b.html": b"two", "c.html": b"three"}
    replace = os.replace
    moved = []

    def full_after_one(source, target, **options):
        if str(target).endswith(".html"):
            moved.append(target)
            if len(moved) == 2:
                raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return replace(source, target, **options)

    monkeypatch.setattr(os, "replace", full_after_one)
    with pytest.raises(OutputError) as raised:
        write_tree(out, new)
    assert raised.value.unfinished
    monkeypatch.setattr(os, "replace", replace)
    recover(out, Checkpoints())
    assert site_files(out) == new
    assert sorted(p.name for p in (out / ".sitegen").iterdir()) == ["manifest.json"]


@pytest.mark.parametrize("out_there", [True, False])
def test_folders_left_beside_out_by_earlier_versions_are_cleaned_up(out_there, tmp_path):
    out = tmp_path / "out"
    previous = tmp_path / ".out.old-k2j4h_9a"
    add(previous, {"index.html": b"previous"})
    add(tmp_path / ".out.new-abcd1234", {"index.html": b"unfinished"})
    add(tmp_path / ".outer.new-abcd1234", {"x": b"not ours"})
    if out_there:
        add(out, {"index.html": b"current"})
    recover(out, Checkpoints())
    # a kill between the two renames of an earlier version's swap left no OUT: the
    # previous one comes back
    assert tree(out) == {"index.html": b"current" if out_there else b"previous"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".outer.new-abcd1234", "out"]


def test_the_kill_hook_kills_at_the_named_or_counted_step(tmp_path):
    for kill_at, steps in (("3", ["a", "b", "c", "d"]), ("c", ["a", "b", "c", "d"])):
        child = os.fork()
        if child == 0:  # pragma: no cover - in the child
            hook = Checkpoints(kill_at)
            for step in steps:
                hook.step(step)
                (tmp_path / f"{kill_at}-{step}").touch()
            os._exit(0)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9
        assert sorted(p.name for p in tmp_path.glob(f"{kill_at}-*")) == [
            f"{kill_at}-a",
            f"{kill_at}-b",
        ]


@given(st.text(alphabet="a/.\\ b", max_size=12))
def test_a_name_is_checked_as_a_posix_path_would_check_it(name):
    from pathlib import PurePosixPath

    from sitegen.builder.outfiles import UnsafeOutputPath, check_relative

    pure = PurePosixPath(name)
    unsafe = pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in name
    try:
        check_relative(name)
    except UnsafeOutputPath:
        assert unsafe
    else:
        assert not unsafe
