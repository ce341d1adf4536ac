"""A fresh `sitegen build` after an edit the analysis does not see fingerprints only the
pages that reach the edited file, and still ends as a clean build would.

The first incremental build into an OUT keeps which content files each page reaches
(`sitegen.builder.readindex`); the builds after it use that index when every edited file
reads the same to the analysis (`sitegen.builder.unseen`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.builder import workers
from sitegen.builder.incremental import UNFINGERPRINTED, BuildRecord, OutputState
from sitegen.builder.readindex import ReadIndex
from tests.test_incremental import AS_OF, REPORT, SITE, append, clean_build, edit, run, tree


@pytest.fixture
def fingerprinted(monkeypatch) -> list[str]:
    """The names of the files each build fingerprints, as it asks the workers."""
    asked: list[str] = []
    original = workers.Workers.fingerprints

    def spy(self, names):
        asked.extend(names)
        return original(self, names)

    monkeypatch.setattr(workers.Workers, "fingerprints", spy)
    return asked


def pages(names: list[str]) -> list[str]:
    return [name for name in names if name.endswith(".html")]


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(SITE, folder)
    return folder


def indexed_out(content: Path, out: Path) -> None:
    """OUT after a cold build and one incremental build (which keeps the index)."""
    run(content, out)
    append(content / "launch/tasks/L-01.md", "\nFirst note.\n")
    run(content, out)


@pytest.mark.parametrize(
    "document, text",
    [(REPORT, "\nOne more line.\n"), ("launch/tasks/L-03.md", "\nA note.\n")],
)
def test_an_edit_the_analysis_does_not_see_fingerprints_no_page(
    document, text, content, tmp_path, monkeypatch, fingerprinted
):
    out = tmp_path / "out"
    indexed_out(content, out)
    fingerprinted.clear()
    append(content / document, text)
    reporter = run(content, out)
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)
    # Of the data files, only the feed shows documents' text: the others keep theirs.
    assert fingerprinted == ["feed.xml"]
    assert 0 < reporter.written[1] < 30
    # The pages that reach the edited file are made again, with no fingerprint on record.
    state = OutputState.load(out)
    remade = [name for name, known in state.files.items() if known.fingerprint == UNFINGERPRINTED]
    assert remade == pages(remade) and 0 < len(remade) <= reporter.written[1]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: edit(c / REPORT, "progress: 41", "progress: 12"),  # a value it computes with
        lambda c: append(c / REPORT, "简" * 300 + "\n"),  # a brief over the limit: a finding
        lambda c: edit(c / REPORT, "\n---\n", "\n\n---\n"),  # the body starts a line later
        lambda c: (c / "launch/reports/2023-10-08-pat.md").write_text(  # a new file
            (c / REPORT).read_text("utf-8").replace("2023-10-07", "2023-10-08"), "utf-8"
        ),
        lambda c: edit(c / "site.yaml", "title: Multi", "title: Many"),  # not a document
    ],
    ids=["progress", "long brief", "body line", "new report", "site title"],
)
def test_an_edit_the_analysis_sees_fingerprints_every_page(
    change, content, tmp_path, monkeypatch, fingerprinted
):
    out = tmp_path / "out"
    indexed_out(content, out)
    fingerprinted.clear()
    change(content)
    run(content, out)
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)
    assert len(pages(fingerprinted)) > 50


def test_pages_made_without_a_fingerprint_are_made_again_by_the_next_full_comparison(
    content, tmp_path, monkeypatch, fingerprinted
):
    out = tmp_path / "out"
    indexed_out(content, out)
    append(content / REPORT, "\nOne more line.\n")
    run(content, out)  # the report's pages: made again, unfingerprinted
    edit(content / REPORT, "progress: 41", "progress: 12")
    run(content, out)
    append(content / REPORT, "\nAnd another.\n")
    run(content, out)
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)


def test_the_index_belongs_to_one_build_and_says_which_files_changed(content, tmp_path):
    out = tmp_path / "out"
    indexed_out(content, out)
    last = OutputState.load(out).last_build
    assert last is not None
    index = ReadIndex.load(out, last)
    assert index is not None
    assert index.edits(index.files) == {}
    assert index.edits({**index.files, "launch/tasks/NEW.md": b"x"}) is None  # a file came
    edited = {**index.files, REPORT: b"now"}
    assert index.edits(edited) == {REPORT: index.files[REPORT]}
    reaching = index.pages_reaching([REPORT])
    assert "reports/launch/2023-10-07-pat.html" in reaching
    assert "tasks/L-02.html" not in reaching and "risks/index.html" not in reaching
    other = BuildRecord(b"other", last.code, last.as_of, last.public, last.timezone, ())
    assert ReadIndex.load(out, other) is None  # another build's index is not used


def test_an_index_keeps_what_kept_pages_reached_and_adds_what_traced_pages_did(tmp_path):
    build = BuildRecord(b"in", b"code", AS_OF, False, "UTC", ())
    files = {"a.md": b"1", "b.md": b"2", "c.md": b"3"}
    traced = {"x.html": frozenset({"a.md"}), "y.html": frozenset({"a.md", "b.md"})}
    first = ReadIndex.of(build.key(), files, traced)
    # y.html kept as it was; z.html traced anew, reaching a file the first never named
    traced = {"z.html": frozenset({"b.md", "c.md"})}
    later = ReadIndex.of(build.key(), files, traced, b"h", first, {"y.html"})
    for index in (later, _stored_and_loaded(later, tmp_path / "out", build)):
        assert set(index.pages()) == {"y.html", "z.html"}  # x.html: neither kept nor traced
        assert index.pages_reaching(["a.md"]) == {"y.html"}
        assert index.pages_reaching(["b.md"]) == {"y.html", "z.html"}
        assert index.pages_reaching(["c.md", "d.md"]) == {"z.html"}
        assert index.files == files and index.history == b"h"


def _stored_and_loaded(index: ReadIndex, out: Path, build: BuildRecord) -> ReadIndex:
    index.store(out)
    loaded = ReadIndex.load(out, build)
    assert loaded is not None
    return loaded


SAMPLE = Path(__file__).resolve().parent.parent / "content"
SAMPLE_REPORT = "q3-launch/reports/2023-07-03-zhao-liu.md"


def test_after_a_new_commit_that_shows_nothing_new_no_page_is_fingerprinted(
    tmp_path, monkeypatch, fingerprinted
):
    """A push in CI: each build follows a new commit. When the history shows what it
    showed (baselines, trends, findings) and the edit is one the analysis does not see,
    the index still holds."""
    from sample_history import sample_repository

    repo = sample_repository(tmp_path / "repo", SAMPLE)
    out = tmp_path / "out"
    run(repo.content, out, as_of=None)
    for number, when in enumerate(["2023-10-20T10:00:00+08:00", "2023-10-21T10:00:00+08:00"]):
        fingerprinted.clear()
        append(repo.content / SAMPLE_REPORT, f"\n补充 {number}。\n")
        repo.commit(when)
        run(repo.content, out, as_of=None)
    assert pages(fingerprinted) == []  # the second build after a commit: from the index
    assert tree(out) == clean_build(repo.content, tmp_path / "clean", monkeypatch, as_of=None)


def test_commits_that_change_what_the_history_shows_fingerprint_every_page(
    tmp_path, monkeypatch, fingerprinted
):
    """Between two builds a task's end moved and moved back: the files read the same as
    at the last build but for a report's text, yet the history now shows two replans."""
    from sample_history import sample_repository

    repo = sample_repository(tmp_path / "repo", SAMPLE)
    out = tmp_path / "out"
    task = repo.content / "q3-launch/tasks/MKT-202307-001-01.md"
    run(repo.content, out, as_of=None)
    append(repo.content / SAMPLE_REPORT, "\n补充。\n")
    repo.commit("2023-10-20T10:00:00+08:00")
    run(repo.content, out, as_of=None)  # keeps the index
    edit(task, "end: 2023-07-07", "end: 2023-07-10")
    repo.commit("2023-10-21T10:00:00+08:00")
    edit(task, "end: 2023-07-10", "end: 2023-07-07")
    append(repo.content / SAMPLE_REPORT, "\n又补充。\n")
    repo.commit("2023-10-22T10:00:00+08:00")
    fingerprinted.clear()
    run(repo.content, out, as_of=None)
    assert len(pages(fingerprinted)) > 20
    assert tree(out) == clean_build(repo.content, tmp_path / "clean", monkeypatch, as_of=None)


def test_a_new_commit_keeps_the_index_only_if_the_history_shows_the_same(tmp_path):
    """What the history shows besides findings (baselines, trends) is compared by digest;
    a build of an earlier day reads a commit's files, so any new commit counts there."""
    from dataclasses import replace

    from sitegen.builder.analyse import analyse
    from sitegen.builder.unseen import history_digest, same_reading
    from sitegen.engine.history.facts import HistoryFacts
    from sitegen.engine.history.trend import TrendPoint

    analysis = analyse(SITE, AS_OF)
    last = BuildRecord(b"then", b"code", AS_OF, False, "UTC", (), "commit-1")
    now = replace(last, inputs=b"now", history="commit-2")
    digest = history_digest(analysis)
    index = ReadIndex(last.key(), {}, [], {}, digest)
    assert same_reading(analysis, now, last, index, digest)
    assert not same_reading(replace(analysis, from_commit=True), now, last, index, digest)
    point = TrendPoint(AS_OF, None, None)
    shown = replace(analysis, history=HistoryFacts(True, {}, {"launch": (point,)}))
    assert not same_reading(shown, now, last, index, history_digest(shown))
    no_commit = replace(now, history="commit-1")
    assert same_reading(shown, no_commit, last, index, history_digest(shown))
    assert not same_reading(analysis, replace(now, public=True), last, index, digest)
