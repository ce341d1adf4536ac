"""Theme files: only ordinary files inside the content folder reach OUT."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.builder.analyse import analyse
from sitegen.cli import main

SECRET = "root:x:0:0:TOKEN-6a1f9e"
TASK = (
    "---\nid: A-1\ntitle: Write copy\nowner: ann\nstart: 2024-03-04\nend: 2024-03-05\n"
    "deliverables: [copy]\n---\nBody\n"
)


def make_site(parent: Path) -> Path:
    root = parent / "site"
    (root / "p" / "tasks").mkdir(parents=True)
    (root / "site.yaml").write_text("title: T\nlanguage: en\n", encoding="utf-8")
    (root / "team.yaml").write_text("people:\n  - id: ann\n    name: Ann\n", encoding="utf-8")
    (root / "p" / "project.md").write_text("---\ntitle: P\n---\n", encoding="utf-8")
    (root / "p" / "tasks" / "A-1.md").write_text(TASK, encoding="utf-8")
    return root


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (opening a pipe waits for a writer forever)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("the build hung")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def hostile_theme(tmp_path: Path) -> Path:
    """A theme whose links lead out of the content folder, and a pipe."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "config").write_text(SECRET, encoding="utf-8")
    (outside / "measures.html").write_text(SECRET, encoding="utf-8")
    site = make_site(tmp_path)
    static, templates = site / "_theme" / "static", site / "_theme" / "templates"
    static.mkdir(parents=True)
    templates.mkdir()
    (static / "passwd.txt").symlink_to(outside / "passwd")
    (static / "git").symlink_to(outside / "folder")
    (templates / "measures.html").symlink_to(outside / "measures.html")
    os.mkfifo(static / "pipe")
    (site / "notes").mkdir()
    (site / "notes" / "brand.css").write_text("body { color: teal }\n", encoding="utf-8")
    (static / "extra.css").symlink_to(Path("..", "..", "notes", "brand.css"))
    (static / "loop").symlink_to(".")
    return site


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
def test_links_out_of_the_content_folder_and_pipes_are_skipped(
    tmp_path: Path, hostile_theme: Path, public: bool
) -> None:
    out = tmp_path / "out"
    args = ["build", str(hostile_theme), "-o", str(out), "--as-of", "2024-03-04"]
    with time_limit(60):
        result = CliRunner().invoke(main, args + (["--public"] if public else []))
    assert result.exit_code == 0, result.output
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text("utf-8", "replace"), path
    published = sorted(p.relative_to(out).as_posix() for p in (out / "static").rglob("*"))
    assert published == ["static/extra.css", "static/favicon.svg", "static/site.css"]
    assert (out / "static" / "extra.css").read_text("utf-8") == "body { color: teal }\n"
    assert "How we measure" in (out / "measures.html").read_text("utf-8")  # the theme's own
    outside = "a link pointing outside the content folder was skipped; copy the file in instead"
    for line in (
        f"_theme/static/git:1: warning[skipped]: {outside}",
        f"_theme/static/passwd.txt:1: warning[skipped]: {outside}",
        f"_theme/templates/measures.html:1: warning[skipped]: {outside}",
        "_theme/static/pipe:1: warning[skipped]: not an ordinary file (a pipe, a device or a "
        "broken link), so it was skipped; put an ordinary file here or delete it",
    ):
        assert line in result.output


def test_check_names_the_skipped_theme_files_in_the_site_language(
    hostile_theme: Path,
) -> None:
    (hostile_theme / "site.yaml").write_text("title: T\nlanguage: zh-CN\n", encoding="utf-8")
    with time_limit(60):
        findings = analyse(hostile_theme, cache=False).findings
    skipped = {f.file: f.message for f in findings if f.code == "skipped"}
    outside = "指向内容文件夹之外的链接已跳过；请把文件复制进来"
    special = "不是普通文件（管道、设备或失效的链接），已跳过；请换成普通文件或删除它"
    assert skipped == {
        "_theme/static/git": outside,
        "_theme/static/passwd.txt": outside,
        "_theme/static/pipe": special,
        "_theme/templates/measures.html": outside,
    }


def test_a_theme_folder_linked_out_of_the_content_folder_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "static").mkdir(parents=True)
    (outside / "static" / "env.txt").write_text(SECRET, encoding="utf-8")
    site = make_site(tmp_path)
    (site / "_theme").symlink_to(outside)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-04"])
    assert result.exit_code == 0, result.output
    assert not (out / "static" / "env.txt").exists()
    assert "_theme/static:1: warning[skipped]" in result.output


@pytest.mark.parametrize("name", ["project.md", "retro.md"])
def test_project_files_linked_out_of_the_content_folder_are_not_read(
    tmp_path: Path, name: str
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    site = make_site(tmp_path)
    (site / "p" / name).unlink(missing_ok=True)
    (site / "p" / name).symlink_to(secret)
    analysis = analyse(site, cache=False)
    assert ("skipped", f"p/{name}") in [(f.code, f.file) for f in analysis.findings]
    assert SECRET not in repr(analysis.site.projects)


def test_team_and_settings_linked_out_of_the_content_folder_are_not_read(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    for name, text in (("site.yaml", f"title: {SECRET}\n"), ("team.yaml", "people: []\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        (site / name).unlink()
        (site / name).symlink_to(tmp_path / name)
    analysis = analyse(site, cache=False)
    skipped = [f.file for f in analysis.findings if f.code == "skipped"]
    assert skipped == ["site.yaml", "team.yaml"]
    assert analysis.site.settings.title != SECRET


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_theme_template_that_fails_on_a_page_is_a_finding_and_out_is_kept(
    tmp_path: Path, jobs: str
) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    args = ["build", str(site), "-o", str(out), "--as-of", "2024-03-04", "-j", jobs]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    templates = site / "_theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "task.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<p>{{ nosuch.title }}</p>\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert (
        "_theme/templates/task.html:3: error[parse]: the theme's template task.html failed "
        "while making tasks/A-1.html: 'nosuch' is undefined. Fix it, or delete the file"
    ) in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
