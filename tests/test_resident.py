"""The resident preview keeps the analysed site between saves: an edit the analysis does
not see (a brief, a task's description) is rendered without analysing the site again;
any other edit analyses it again. Either way OUT is what a cold build writes
(tests/test_graph_property.py checks that under random edits)."""

from __future__ import annotations

import json
import re
import shutil
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from gitrepo import FixtureRepo

from sitegen.authoring.serve import PreviewServer
from sitegen.builder.analyse import analyse
from sitegen.builder.pipeline import build
from sitegen.builder.reporter import BufferedReporter
from sitegen.content import load
from sitegen.content.load import load_site
from sitegen.content.source import Source
from sitegen.core.fingerprint import PageReads
from sitegen.site.export import status_data

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2023, 7, 20)
REPORT = "q3-launch/reports/2023-07-03-zhao-liu.md"
REPORT_PAGE = "reports/q3-launch/2023-07-03-zhao-liu.html"
TASK = "q3-launch/tasks/MKT-202307-001-02.md"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and ".sitegen" not in path.relative_to(folder).parts
    }


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "content"
    shutil.copytree(REPO / "content", folder)
    return folder


@pytest.fixture
def preview(content: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(content, port=0, as_of=AS_OF, history=False)
    assert server.rebuild()
    assert not server.resident.reused
    try:
        yield server
    finally:
        server.stop()


def cold_build(content: Path, out: Path, **options: Any) -> dict[str, bytes]:
    """What a cold build makes: as of AS_OF without history, unless ``options`` say."""
    chosen = {"as_of": AS_OF, "history": False, **options}
    assert build(content, out, BufferedReporter(), jobs=1, **chosen)
    return tree(out)


def recording(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, note) -> list:
    """``owner.name`` works as before; ``note(*arguments)`` of each call is listed."""
    noted: list = []
    original = getattr(owner, name)

    def recorded(*arguments):
        noted.append(note(*arguments))
        return original(*arguments)

    monkeypatch.setattr(owner, name, recorded)
    return noted


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FixtureRepo:
    """The sample content in git, with its history."""
    from sample_history import sample_repository

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return sample_repository(tmp_path / "repo", REPO / "content")


@pytest.fixture
def history_preview(repo: FixtureRepo) -> Iterator[PreviewServer]:
    """A preview of today that reads the history; not built yet."""
    server = PreviewServer(repo.content, port=0)
    try:
        yield server
    finally:
        server.stop()


def as_cold(server: PreviewServer, repo: FixtureRepo, out: Path) -> bool:
    """Whether the preview shows what a cold build of today makes."""
    return tree(server.out) == cold_build(repo.content, out, as_of=None, history=True)


def edit(content: Path, name: str, old: str, new: str) -> Path:
    path = content / name
    text = path.read_text("utf-8")
    assert re.search(old, text, flags=re.M), old
    path.write_text(re.sub(old, new, text, count=1, flags=re.M), "utf-8")
    return path


def test_a_brief_edit_is_rendered_without_analysing_the_site_again(
    preview: PreviewServer, content: Path, tmp_path: Path
) -> None:
    path = content / REPORT
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n（已补充说明）\n", "utf-8")
    assert preview.rebuild([path])
    assert preview.resident.reused
    assert "（已补充说明）" in (preview.out / REPORT_PAGE).read_text("utf-8")
    assert preview.written < preview.total / 4  # only the pages that show the brief
    assert tree(preview.out) == cold_build(content, tmp_path / "cold")


@pytest.mark.parametrize(
    ("old", "new", "seen"),
    [
        (r"progress: \d+", "progress: 5", "a progress figure"),
        (r"\Z", "长" * 201 + "\n", "a brief over the length limit"),
        (r"^author: .*$", "author: wang-wu", "the author"),
    ],
)
def test_an_edit_the_analysis_sees_analyses_the_site_again(
    preview: PreviewServer, content: Path, tmp_path: Path, old: str, new: str, seen: str
) -> None:
    path = edit(content, REPORT, old, new)
    ok = preview.rebuild([path])
    assert not preview.resident.reused, seen
    cold = tmp_path / "cold"
    assert ok == build(content, cold, BufferedReporter(), as_of=AS_OF, jobs=1, history=False)
    if ok:
        assert tree(preview.out) == tree(cold)


def test_a_save_reads_only_the_saved_document_and_reports_its_new_findings(
    preview: PreviewServer, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No other file is read and no folder walked again: the earlier load, with the
    saved document in place of its old self and its findings in place of the old ones."""

    def no_walk(*args: Any) -> list[str]:
        raise AssertionError("the content folder was walked again")

    def saved(path: Path) -> list[str]:
        with monkeypatch.context() as patched:
            patched.setattr(load, "_markdown_files", no_walk)
            assert preview.rebuild([path])
        assert not preview.resident.reused
        status = json.loads((preview.out / "status.json").read_text("utf-8"))
        return [f["file"] for f in status["findings"] if f["code"] == "unknown-key"]

    entry = r"^(    progress: \d+)$"
    typo = edit(content, REPORT, entry, r"\1\n    progres: 30")  # an unknown key: a warning
    assert saved(typo) == [REPORT]
    assert tree(preview.out) == cold_build(content, tmp_path / "cold")
    assert saved(edit(content, REPORT, r"^    progres: 30\n", "")) == []
    assert tree(preview.out) == cold_build(content, tmp_path / "cold again")


def test_an_analysis_again_remakes_only_the_values_of_the_saved_report(
    preview: PreviewServer, content: Path
) -> None:
    """Findings and entry states made from one report are kept for the next analysis
    while the report is unchanged; the saved report's are made again, and a change to
    what they read besides the report (here a person's name) remakes them all."""
    resident = preview.resident

    def again():
        contents = resident.read_contents(content)
        return analyse(content, AS_OF, contents=contents, history=False, resident=resident)

    earlier = again()
    edit(content, REPORT, r"progress: \d+", "progress: 5")
    later = again()
    assert not resident.reused

    def by_file(findings, file):
        return [f for f in findings if f.file == file and f.code != "missing-report"]

    other = next(f.file for f in earlier.findings if "/reports/" in f.file and f.file != REPORT)
    before, after = by_file(earlier.findings, other), by_file(later.findings, other)
    assert before and all(a is b for a, b in zip(before, after, strict=True))
    entries = {id(e) for e in earlier.status.entries}
    saved = [e for e in later.status.entries if e.report.source.file == REPORT]
    assert saved and all(id(e) not in entries for e in saved)
    assert saved[0].entry.progress == 5
    # team.yaml is unchanged: its people are the ones read before, not read again
    assert all(a is b for a, b in zip(earlier.site.people, later.site.people, strict=True))
    kept = [e for e in later.status.entries if e.report.source.file == other]
    assert kept and all(id(e) in entries for e in kept)

    edit(content, "team.yaml", r"name: 李四", "name: 李小四")
    renamed = again()
    named = [f for f in renamed.findings if f.code in ("deviation", "late-report")]
    assert len(named) == 4
    assert all(f.message.startswith("李小四 ") for f in named if f.person == "li-si")
    assert "李小四" in {person.name for person in renamed.site.people}


def test_a_new_file_or_a_settings_edit_analyses_the_site_again(
    preview: PreviewServer, content: Path
) -> None:
    copy = content / "q3-launch/reports/2023-07-21-zhao-liu.md"
    copy.write_text((content / REPORT).read_text("utf-8").replace("2023-07-03", "2023-07-21"))
    assert preview.rebuild([copy])
    assert not preview.resident.reused
    settings = content / "site.yaml"
    settings.write_text(settings.read_text("utf-8") + "\n# a comment\n", "utf-8")
    assert preview.rebuild([settings])
    assert not preview.resident.reused


def test_the_analysis_reads_of_a_body_only_what_the_preview_compares(content: Path) -> None:
    """Every document's body replaced by another text that `body_as_analysed` reads the
    same: the statuses and findings are unchanged (a check that starts reading bodies
    otherwise makes this fail, and the preview would then show stale findings)."""
    before = analyse(content, AS_OF, history=False, cache=False)
    for path in content.glob("*/**/*.md"):
        head, marker, _ = path.read_text("utf-8").rpartition("---\n")
        if marker:
            path.write_text(f"{head}---\n\n另一段完全不同的文字。\n[链接](x.md)\n", "utf-8")
    after = analyse(content, AS_OF, history=False, cache=False)
    assert after.findings == before.findings

    def data(analysis):
        parts = (analysis.status, analysis.health, analysis.findings, analysis.history)
        return json.dumps(status_data(analysis.site, *parts), sort_keys=True)

    assert data(after) == data(before)


@dataclass(frozen=True)
class _Shown:
    title: str
    source: Source


@dataclass(frozen=True)
class _Row:
    shown: _Shown
    file_named: str  # names a file without reading it, as an entry names its report


def test_a_page_reads_the_files_its_digest_reaches_and_only_those_are_forgotten() -> None:
    first, second = Source("a.md", content_digest=b"1"), Source("b.md", content_digest=b"2")
    one, two = _Shown("A", first), _Shown("B", second)
    reads = PageReads()
    tracer = reads.tracer
    digest_a, files_a = tracer.digest_with_files({"rows": [_Row(one, "b.md")]})
    _, files_b = tracer.digest_with_files((two, [one]))
    assert files_a == {"a.md"}  # "b.md" is only named
    assert files_b == {"a.md", "b.md"}
    reads.files.update(page_a=files_a, page_b=files_b, page_c=frozenset())
    assert reads.after_edit(frozenset({"b.md"})) == (["page_a", "page_c"], ["page_b"])
    # what reached a.md only is still known, and digests the same
    assert tracer.digest_with_files({"rows": [_Row(one, "b.md")]}) == (digest_a, files_a)


def test_with_history_a_brief_edit_is_reused_and_matches_a_cold_build(
    repo: FixtureRepo, history_preview: PreviewServer, tmp_path: Path
) -> None:
    """The git history (baselines, trends, report times) is read from commits: an
    uncommitted brief edit leaves what it says as it was. (Today: an earlier day would
    be read from that day's commit, not from the files being edited.)"""
    assert history_preview.rebuild()
    path = repo.content / REPORT
    path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n（补充）\n", "utf-8")
    assert history_preview.rebuild([path])
    assert history_preview.resident.reused
    assert as_cold(history_preview, repo, tmp_path / "cold")


def test_with_history_an_edit_the_analysis_sees_does_not_replay_the_history_again(
    repo: FixtureRepo,
    history_preview: PreviewServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The trends replay the history day by day up to the working tree: the preview keeps
    that replay between saves, and replays again only after a new commit. It keeps the
    baselines too while no task changed. Either way every page is what a cold build
    makes."""
    from sitegen.engine.history import baseline, trend

    replayed = recording(monkeypatch, trend._Replay, "change", lambda _replay, path, _blob: path)
    chosen = recording(monkeypatch, baseline, "choose_baseline", lambda _steps, cutoff: cutoff)
    assert history_preview.rebuild()
    assert replayed and chosen
    for number, progress in enumerate((35, 90)):
        replayed.clear()
        chosen.clear()
        path = edit(repo.content, REPORT, r"progress: \d+", f"progress: {progress}")
        assert history_preview.rebuild([path])
        assert not history_preview.resident.reused
        assert replayed == [] and chosen == []  # no task changed: the same baselines
        assert as_cold(history_preview, repo, tmp_path / f"cold-{number}")
    task = edit(repo.content, TASK, r"^end: .*$", "end: 2023-07-25")  # a replan
    assert history_preview.rebuild([task])
    assert chosen  # a task changed: baselines again (its slip moved)
    assert as_cold(history_preview, repo, tmp_path / "cold-replanned")
    repo.commit("2023-07-21T18:00:00+08:00", "progress, and a task replanned")
    assert history_preview.rebuild([path, task])
    assert replayed
    assert as_cold(history_preview, repo, tmp_path / "cold-committed")


def test_with_history_git_is_asked_once_for_the_staged_files(
    repo: FixtureRepo,
    history_preview: PreviewServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Which files git has staged as they are is asked once per preview, and the
    preview keeps the documents that stand for a blob (they were read from its bytes)
    with the versions it parsed. A brief edit moves its text into the kept document:
    that document stands for no blob from then on. Each analysis equals a cold build."""
    from sitegen.content.history.documents import VersionReader
    from sitegen.engine.history import facts

    asked = recording(monkeypatch, facts, "unchanged_files", lambda root: root)
    # the files whose documents stand for a blob
    remembered = recording(
        monkeypatch, VersionReader, "remember", lambda reader, _blob, doc: (reader, doc)
    )
    assert history_preview.rebuild()
    standing = {doc.source.file: (reader, doc) for reader, doc in remembered}
    assert len(asked) == 1 and REPORT in standing and TASK in standing
    brief = repo.content / REPORT
    brief.write_text(brief.read_text("utf-8").rstrip("\n") + "\n\n（补充）\n", "utf-8")
    assert history_preview.rebuild([brief])
    assert history_preview.resident.reused
    remembered.clear()
    task = edit(repo.content, TASK, r"^end: .*$", "end: 2023-07-25")
    assert history_preview.rebuild([task])
    assert not history_preview.resident.reused
    assert len(asked) == 1
    assert remembered == []  # the preview keeps its reader, and what stands for a blob
    reader, report = standing[REPORT]
    assert not reader.stands_for(report)  # it took the brief's new text in place
    assert reader.stands_for(standing[TASK][1])  # the task as it was read: its blob
    assert as_cold(history_preview, repo, tmp_path / "cold")


def test_the_documents_of_saved_files_are_found_in_their_projects_folders() -> None:
    site = load_site(Path(__file__).parent / "sites" / "multi").site
    saved = ["brand/reports/2023-09-27-ming.md", "launch/tasks/L-02.md", "ops/retro.md", "x/y.md"]
    found = site.documents_in(saved)
    assert {file: type(document).__name__ for file, document in found.items()} == {
        "brand/reports/2023-09-27-ming.md": "ReportDoc",
        "launch/tasks/L-02.md": "TaskDoc",
        "ops/retro.md": "RetroDoc",
    }
    every = {document.source.file: document for document in site.documents()}
    assert all(every[file] is document for file, document in found.items())


def test_the_earlier_site_is_freed_once_the_saved_files_page_is_out(
    content: Path, preview: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freeing a large site's analysis and pages takes 10–20 ms: not before the saved
    file's page is made, and not kept after."""
    earlier = weakref.ref(preview._renderer)
    alive_when_the_page_is_made = recording(
        monkeypatch, preview, "_serve_early", lambda *_: earlier() is not None
    )
    path = edit(content, REPORT, r"progress: \d+", "progress: 35")
    assert preview.rebuild([path])
    assert not preview.resident.reused
    assert alive_when_the_page_is_made == [True]
    preview._tidy()  # when nothing changes: what the frozen builds left in cycles goes too
    assert earlier() is None
