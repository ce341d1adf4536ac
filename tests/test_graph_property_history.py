"""Incremental builds of content in git, under random sequences of edits and commits:
after every step, a build into the same OUT with the same user cache, and the resident
preview, make exactly what a cold build of the same repository makes into an empty
folder with an empty cache (or fail as it fails).

The edits are those of `test_graph_property`; a commit takes all of them in at a time
the example picks, some after the day built (then the build reads that day's commit,
not the working tree); the last commit can be taken back. What the history gives
(baselines, trends, report times) is kept between builds and saves by commit: this is
where keeping it could go stale.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from gitrepo import FixtureRepo
from hypothesis import example, given
from hypothesis import strategies as st
from test_graph_property import (
    PROPERTY,
    SITE,
    Edit,
    apply,
    built,
    cache_in,
    each_edit_builds_as_cold,
    edits,
    saving_preview,
)

FIRST_COMMIT_DAY = date(2023, 9, 29)  # commits fall on this day and the 14 after it
commits = st.tuples(st.just("commit"), st.integers(0, 14), st.sampled_from(["09:30", "19:45"]))
# The last commit taken back (its changes stay in the working tree), as after `git reset`
# or before `git commit --amend`: a history that is not only added to.
take_back = st.tuples(st.just("take back"), st.just(0), st.none())
steps = st.lists(st.one_of(edits, commits, take_back), min_size=1, max_size=4)
# Run every time: a report edited after its deadline and then committed is "edited late"
# from that commit on, with the report's file unchanged since the save before.
LATE_EDIT = [("progress", 0, 90), ("commit", 0, "19:45"), ("take back", 0, None)]
# And: a brief the preview moved into the documents it keeps, then a commit after the day
# built, which from then on is read from that day's commit instead of the working tree.
TO_A_COMMIT = [("brief", 0, "Short."), ("commit", 14, "09:30")]


def repository(folder: Path) -> FixtureRepo:
    """The example site in git: planned, then the reports in after their deadline."""
    repo = FixtureRepo(folder)
    repo.copy_site(SITE)
    reports = sorted(repo.content.glob("*/reports/*.md"))
    texts = {report: report.read_bytes() for report in reports}
    for report in reports:
        report.unlink()
    repo.commit("2023-09-25T10:00:00+08:00", "the plan")
    for report, text in texts.items():
        report.write_bytes(text)
    repo.commit("2023-09-28T19:30:00+08:00", "the reports")
    return repo


def committing(repo: FixtureRepo) -> Edit:
    """The edits of `test_graph_property`, a commit of all of them, and taking the last
    commit back."""

    def edit(content: Path, kind: str, which: int, value: object) -> None:
        if kind == "commit":
            day = FIRST_COMMIT_DAY + timedelta(days=which)
            repo.commit(f"{day.isoformat()}T{value}:00+08:00", "update")
        elif kind == "take back":
            if int(repo.git("rev-list", "--count", "HEAD")) > 2:  # keep the plan and reports
                repo.git("reset", "-q", "--soft", "HEAD~1")
        else:
            apply(content, kind, which, value)

    return edit


@contextmanager
def scratch_repository() -> Iterator[tuple[Path, FixtureRepo]]:
    """A scratch folder, and `repository` in it."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        yield work, repository(work / "repo")


@PROPERTY
@given(steps)
@example(LATE_EDIT)
def test_builds_of_content_in_git_equal_cold_builds_after_any_edits_and_commits(plan):
    with scratch_repository() as (work, repo):
        content, out, cache = repo.content, work / "out", work / "cache"
        assert built(content, out, cache, history=True)
        apply(content, "body", 0, "Started.")  # OUT as an incremental build leaves it
        assert built(content, out, cache, history=True)
        rebuild = partial(built, content, out, cache, history=True)
        each_edit_builds_as_cold(work, content, plan, rebuild, out, committing(repo), True)


@PROPERTY
@given(steps)
@example(LATE_EDIT)
@example(TO_A_COMMIT)
def test_the_preview_of_content_in_git_equals_cold_builds_after_any_edits_and_commits(plan):
    with (
        scratch_repository() as (work, repo),
        cache_in(work / "cache"),
        saving_preview(repo.content, history=True) as (saved, out),
    ):
        each_edit_builds_as_cold(work, repo.content, plan, saved, out, committing(repo), True)
