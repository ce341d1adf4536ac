"""`sitegen build -o OUT` into the folders people really use: a gh-pages work tree with its
.git, CNAME and .nojekyll; a mount point; a read-only or full disk."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

SITE = Path(__file__).resolve().parent / "sites" / "multi"
AS_OF = "2023-10-09"


def build(out: Path, *options: str, site: Path = SITE):
    return CliRunner().invoke(
        main, ["build", str(site), "-o", str(out), "--as-of", AS_OF, *options]
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def failed_plainly(result) -> bool:
    """Exit 1 with a message: no exception escaped (CliRunner would keep it)."""
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    return "Traceback" not in result.output


def git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_gh_pages_work_tree_keeps_its_git_and_its_own_files(tmp_path, monkeypatch):
    out = tmp_path / "public"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-1"))
    assert build(out).exit_code == 0
    git(out, "init", "-q")
    (out / "CNAME").write_text("status.example.com\n")
    (out / ".nojekyll").touch()
    git(out, "add", "-A")
    git(out, "commit", "-qm", "deploy")
    git_files = tree(out / ".git")
    # CI: a fresh machine, an empty cache, the branch checked out into OUT
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-2"))
    for options in ((), ("--full",), ("--as-of", "2023-10-10")):
        result = build(out, *options)
        assert result.exit_code == 0, result.output
        assert (out / "CNAME").read_text() == "status.example.com\n"
        assert (out / ".nojekyll").is_file()
    assert tree(out / ".git") == git_files
    changed = git(out, "status", "--porcelain")
    assert "CNAME" not in changed and ".nojekyll" not in changed and "index.html" in changed


def test_out_itself_is_never_renamed_so_a_mount_point_can_be_built(tmp_path, monkeypatch):
    """A Docker volume or any mount point: renaming or removing it fails with EBUSY."""
    out = tmp_path / "public"
    out.mkdir()
    inode = out.stat().st_ino
    for name in ("rename", "replace", "rmdir"):
        original = getattr(os, name)

        def busy(*args, _original=original, **options):
            if any(isinstance(a, (str, Path)) and os.path.abspath(a) == str(out) for a in args):
                raise OSError(errno.EBUSY, "Device or resource busy", str(args[0]))
            return _original(*args, **options)

        monkeypatch.setattr(os, name, busy)
    for options in ((), ("--as-of", "2023-10-10"), ("--full",)):
        result = build(out, *options)
        assert result.exit_code == 0, result.output
    assert out.stat().st_ino == inode and (out / "index.html").is_file()


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_a_read_only_output_folder_is_a_message_not_a_traceback(language, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    text = (site / "site.yaml").read_text("utf-8")
    (site / "site.yaml").write_text(text.replace("language: en", f"language: {language}"), "utf-8")
    out = tmp_path / "public"
    assert build(out, site=site).exit_code == 0
    before = tree(out)
    mkdir = os.mkdir

    def read_only(path, *args, **options):  # tests run as root, where chmod stops nothing
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return mkdir(path, *args, **options)

    monkeypatch.setattr(os, "mkdir", read_only)
    result = build(out, "--as-of", "2023-10-10", site=site)
    assert failed_plainly(result)
    expected = {
        "en": ("the disk or folder is read-only", f"Nothing in {out} was changed."),
        "zh-CN": ("磁盘或目录是只读的", f"{out} 中的内容没有任何改动。"),
    }[language]
    assert all(words in result.output for words in expected), result.output
    assert tree(out) == before


def test_a_full_disk_while_rendering_is_a_message_and_changes_nothing(tmp_path, monkeypatch):
    from sitegen.builder import output

    out = tmp_path / "public"
    assert build(out).exit_code == 0
    before = tree(out)
    write = output.StagingFolder.write

    def fills_up(self, name: str, data: bytes) -> str:
        if name.startswith("tasks/"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(self, name, data)

    monkeypatch.setattr(output.StagingFolder, "write", fills_up)
    result = build(out, "--full")
    assert failed_plainly(result)
    assert f"{out}: the disk is full" in result.output
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_a_journal_that_cannot_be_finished_is_reported_before_anything_else(tmp_path, monkeypatch):
    from sitegen.builder import journal

    out = tmp_path / "public"
    assert build(out).exit_code == 0
    (out / ".sitegen" / "journal.json").write_text(
        '{"stage": "stage-abc", "move": ["index.html"], "remove": {}}', "utf-8"
    )
    (out / ".sitegen" / "stage-abc").mkdir()
    (out / ".sitegen" / "stage-abc" / "index.html").write_text("new")

    def read_only(*args, **options):
        raise OSError(errno.EROFS, "Read-only file system", str(out / "index.html"))

    monkeypatch.setattr(journal.os, "replace", read_only)
    result = build(out)
    assert failed_plainly(result)
    assert "the next build finishes it first" in result.output
    monkeypatch.undo()
    assert build(out).exit_code == 0
    assert not (out / ".sitegen" / "journal.json").exists()


def test_the_preview_finishes_an_interrupted_update_and_reports_a_full_disk(tmp_path, monkeypatch):
    from sitegen.authoring.serve import PreviewServer
    from sitegen.builder import output

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    server = PreviewServer(SITE, as_of=date(2023, 10, 9))
    try:
        assert server.rebuild()
        stage = server.out / ".sitegen" / "stage-abc"
        (stage / "tasks").mkdir(parents=True)
        (stage / "tasks" / "L-01.html").write_text("finished by the preview")
        (server.out / ".sitegen" / "journal.json").write_text(
            '{"stage": "stage-abc", "move": ["tasks/L-01.html"], "remove": {}}', "utf-8"
        )
        assert server.rebuild()  # the page is made again, after the journal was applied
        assert sorted(p.name for p in (server.out / ".sitegen").iterdir()) == ["manifest.json"]

        def fills_up(self, name: str, data: bytes) -> str:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(output.StagingFolder, "write", fills_up)
        (server.out / "index.html").unlink()  # so that the next build has a file to write
        assert not server.rebuild()
        assert len(server.errors) == 1 and "the disk is full" in server.errors[0]
    finally:
        server.stop()
