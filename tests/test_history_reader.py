"""The git history reader on fixture repositories with fixed commit times."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from gitrepo import FixtureRepo

from sitegen.content.history import History, NoHistory, history_of
from sitegen.content.history import reader as history_reader


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def repo(tmp_path: Path) -> FixtureRepo:
    repo = FixtureRepo(tmp_path / "repo")
    repo.write("README.md", "outside the content folder\n")
    repo.write("p/tasks/T-1.md", "v1\n")
    repo.commit("2023-07-01T10:00:00+08:00", "plan")
    repo.write("p/tasks/T-1.md", "v2\n")
    repo.write("p/reports/2023-07-03-li.md", "report\n")
    repo.commit("2023-07-03T18:30:00+08:00", "report and replan")
    return repo


def read(repo: FixtureRepo) -> History:
    found = history_of(repo.content)
    assert isinstance(found, History), found
    return found


def test_files_as_they_stood_at_each_moment(repo: FixtureRepo) -> None:
    history = read(repo)
    assert history.files_at(moment("2023-06-30T23:59:59+08:00")) is None
    july_1 = history.files_at(moment("2023-07-01T23:59:59+08:00"))
    assert july_1 is not None and set(july_1) == {"README.md", "p/tasks/T-1.md"}
    assert history.read(july_1["p/tasks/T-1.md"]) == b"v1\n"
    july_3 = history.files_at(moment("2023-07-03T23:59:59+08:00"))
    assert july_3 is not None and history.read(july_3["p/tasks/T-1.md"]) == b"v2\n"
    assert [v.revision.commit.time for v in history.versions("p/tasks/T-1.md")] == [
        moment("2023-07-01T10:00:00+08:00"),
        moment("2023-07-03T18:30:00+08:00"),
    ]
    assert history.arrival("p/reports/2023-07-03-li.md").time == moment("2023-07-03T18:30:00+08:00")
    history.close()


def test_only_the_content_folder_counts(tmp_path: Path) -> None:
    repo = FixtureRepo(tmp_path / "repo")
    (repo.path / "code.py").write_text("x = 1\n")
    repo.write("site.yaml", "title: t\n")
    repo.commit("2023-07-01T10:00:00+00:00")
    (repo.path / "code.py").write_text("x = 2\n")
    repo.commit("2023-07-02T10:00:00+00:00")
    history = read(repo)
    assert len(history.revisions) == 1
    assert set(history.files_at(moment("2023-07-05T00:00:00+00:00")) or {}) == {"site.yaml"}


def test_renames_deletions_and_readditions(repo: FixtureRepo) -> None:
    repo.rename("p/reports/2023-07-03-li.md", "p/reports/2023-07/2023-07-03-li.md")
    repo.commit("2023-07-05T09:00:00+08:00", "reports by month")
    repo.remove("p/tasks/T-1.md")
    repo.commit("2023-07-06T09:00:00+08:00", "drop")
    repo.write("p/tasks/T-1.md", "v3\n")
    repo.commit("2023-07-07T09:00:00+08:00", "back")
    history = read(repo)
    # A renamed report was handed in when its first version was committed.
    assert history.arrival("p/reports/2023-07/2023-07-03-li.md").time == moment(
        "2023-07-03T18:30:00+08:00"
    )
    july_6 = history.files_at(moment("2023-07-06T12:00:00+08:00")) or {}
    assert "p/tasks/T-1.md" not in july_6
    assert "p/reports/2023-07/2023-07-03-li.md" in july_6
    assert "p/reports/2023-07-03-li.md" not in july_6
    blobs = [v.blob for v in history.versions("p/tasks/T-1.md")]
    assert blobs[2] is None and history.read(blobs[3]) == b"v3\n"
    assert history.arrival("p/tasks/T-1.md").time == moment("2023-07-01T10:00:00+08:00")


def test_a_merged_branch_counts_from_its_own_commit(repo: FixtureRepo) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.write("p/reports/2023-07-04-wang.md", "on a branch\n")
    repo.commit("2023-07-04T16:00:00+08:00", "report on a branch", author="Wang Wu")
    repo.git("checkout", "-q", "main")
    repo.write("p/tasks/T-2.md", "new task\n")
    repo.commit("2023-07-04T17:00:00+08:00", "task")
    repo.git("merge", "-q", "--no-edit", "side", when="2023-07-04T19:00:00+08:00")
    history = read(repo)
    path = "p/reports/2023-07-04-wang.md"
    assert history.arrival(path).time == moment("2023-07-04T16:00:00+08:00")
    assert history.arrival(path).author == "Wang Wu"
    # On the published branch it appears with the merge.
    assert path not in (history.files_at(moment("2023-07-04T18:00:00+08:00")) or {})
    assert path in (history.files_at(moment("2023-07-04T19:00:00+08:00")) or {})


def test_commit_times_out_of_order_never_undo_later_changes(repo: FixtureRepo) -> None:
    repo.write("p/tasks/T-1.md", "v3\n")
    repo.commit("2023-07-02T08:00:00+08:00", "clock was wrong")  # before its parent
    history = read(repo)
    assert [r.effective for r in history.revisions][-1] == moment("2023-07-03T18:30:00+08:00")
    late = history.files_at(moment("2023-07-03T23:00:00+08:00")) or {}
    assert history.read(late["p/tasks/T-1.md"]) == b"v3\n"
    early = history.files_at(moment("2023-07-02T12:00:00+08:00")) or {}
    assert history.read(early["p/tasks/T-1.md"]) == b"v1\n"


def test_detached_head_and_a_dirty_tree(repo: FixtureRepo) -> None:
    first = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    repo.git("checkout", "-q", "--detach", first)
    repo.write("p/tasks/T-1.md", "uncommitted\n")
    history = read(repo)
    assert history.head == first and len(history.revisions) == 1


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("disabled", "disabled"),
        ("shallow", "shallow"),
        ("plain", "not-a-repository"),
        ("empty", "no-commits"),
        ("uncommitted", "not-committed"),
        ("no-git", "no-git"),
    ],
)
def test_why_there_is_no_history(
    repo: FixtureRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: str, reason: str
) -> None:
    root = repo.content
    if setup == "shallow":
        root = repo.shallow_clone(tmp_path / "clone").content
    elif setup == "plain":
        root = tmp_path / "plain"
        root.mkdir()
    elif setup == "empty":
        root = FixtureRepo(tmp_path / "empty").content
    elif setup == "uncommitted":
        fresh = FixtureRepo(tmp_path / "fresh")
        (fresh.path / "notes.txt").write_text("x\n")
        fresh.git("add", "-A")
        fresh.git("commit", "-q", "-m", "x", when="2023-07-01T00:00:00+00:00")
        root = fresh.content
    elif setup == "no-git":
        monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    found = history_of(root, enabled=setup != "disabled")
    assert found == NoHistory(reason)


def test_a_build_after_one_commit_reads_only_that_commit(
    repo: FixtureRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    read(repo).close()
    spans: list[tuple[str, ...]] = []
    real_log = history_reader._log

    def counting_log(root: Path, *options: str):
        spans.append(options)
        return real_log(root, *options)

    monkeypatch.setattr(history_reader, "_log", counting_log)
    before = repo.head()
    repo.write("p/tasks/T-1.md", "v3\n")
    repo.commit("2023-07-04T10:00:00+08:00")
    history = read(repo)
    assert spans and all(options[-1] == f"{before}..{repo.head()}" for options in spans)
    assert len(history.revisions) == 3
    assert history.read(history.versions("p/tasks/T-1.md")[-1].blob or "") == b"v3\n"
    spans.clear()
    read(repo)  # nothing new: nothing read
    assert spans == []


def test_a_rewritten_branch_is_read_again(repo: FixtureRepo) -> None:
    read(repo).close()
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write("p/tasks/T-1.md", "other v2\n")
    repo.commit("2023-07-04T10:00:00+08:00")
    history = read(repo)
    assert len(history.revisions) == 2
    assert history.read(history.versions("p/tasks/T-1.md")[-1].blob or "") == b"other v2\n"


def test_a_corrupt_cache_only_costs_time(repo: FixtureRepo) -> None:
    read(repo).close()
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "sitegen"
    for stored in cache.glob("history-*"):
        stored.write_bytes(b"\x80garbage")
    assert len(read(repo).revisions) == 2


def test_without_merges_the_arrivals_follow_from_the_mainline(repo: FixtureRepo) -> None:
    repo.rename("p/reports/2023-07-03-li.md", "p/reports/2023-07/2023-07-03-li.md")
    repo.commit("2023-07-05T09:00:00+08:00", "reports by month")
    repo.remove("p/tasks/T-1.md")
    repo.commit("2023-07-06T09:00:00+08:00", "drop")
    repo.write("p/tasks/T-1.md", "v3\n")
    repo.commit("2023-07-07T09:00:00+08:00", "back")
    found = history_reader.locate(repo.content)
    assert isinstance(found, history_reader.Repository)
    walked = history_reader._arrivals_walk(repo.content, found.head)
    mainline = history_reader._mainline(repo.content, found.head)
    assert history_reader.arrivals_along(mainline, set()) == walked
    # From a commit on: the files present then are not arrivals.
    since = repo.git("rev-parse", "HEAD~2").strip()
    later = history_reader._mainline(repo.content, f"{since}..{found.head}")
    present = {"README.md", "p/tasks/T-1.md", "p/reports/2023-07/2023-07-03-li.md"}
    derived = history_reader.arrivals_along(later, present)
    assert derived["arrivals"] == {"p/tasks/T-1.md": mainline[-1].commit}


def test_a_build_after_one_commit_without_merges_walks_the_log_once(
    repo: FixtureRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    read(repo).close()
    spans: list[tuple[str, ...]] = []
    real_log = history_reader._log

    def counting_log(root: Path, *options: str):
        spans.append(options)
        return real_log(root, *options)

    monkeypatch.setattr(history_reader, "_log", counting_log)
    repo.write("p/reports/2023-07-04-li.md", "report\n")
    repo.commit("2023-07-04T17:10:00+08:00")
    history = read(repo)
    assert len(spans) == 1
    assert history.arrival("p/reports/2023-07-04-li.md").time == moment("2023-07-04T17:10:00+08:00")
    assert history.arrival("p/tasks/T-1.md").time == moment("2023-07-01T10:00:00+08:00")
