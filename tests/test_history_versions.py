"""Earlier versions of files are parsed once: later builds take the parse kept by blob
id (`VersionCache`) and do not ask git for the blob again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from gitrepo import FixtureRepo

from sitegen.content.history import History, history_of
from sitegen.content.history.documents import VersionCache, VersionReader
from sitegen.content.model import TaskDoc

TASK = "p/tasks/T-1.md"


def task(end: str) -> str:
    return f"---\nid: T-1\ntitle: Draft\nowner: li-si\nstart: 2023-07-03\nend: {end}\n---\nText.\n"


class NoBlobs:
    """Blobs git would give, refused: a read shows the version was not taken from the cache."""

    def read(self, blob: str) -> bytes:
        raise AssertionError(f"blob {blob} read again")

    def close(self) -> None:
        pass


@pytest.fixture
def history(tmp_path: Path) -> History:
    repo = FixtureRepo(tmp_path / "repo")
    repo.write(TASK, task("2023-07-07"))
    repo.commit("2023-07-02T10:00:00+08:00", "plan")
    repo.write(TASK, task("2023-07-10"))
    repo.commit("2023-07-06T12:00:00+08:00", "replan")
    repo.write(TASK, "---\nid: T-1\ntitle: [unclosed\n---\n")
    repo.commit("2023-07-07T12:00:00+08:00", "broken")
    found = history_of(repo.content)
    assert isinstance(found, History)
    return found


def ends(reader: VersionReader, history: History) -> list[date | None]:
    found = []
    for version in history.versions(TASK):
        document = reader.document(version.blob, TASK, TaskDoc)
        found.append(document.end if document is not None else None)
    return found


def test_a_later_build_takes_each_version_from_the_cache(history: History, tmp_path: Path) -> None:
    file = tmp_path / "versions.cache"
    first = VersionCache(file)
    assert ends(VersionReader(history, first), history) == [
        date(2023, 7, 7),
        date(2023, 7, 10),
        None,  # does not parse: says nothing, and is not read again either
    ]
    first.save()
    again = VersionReader(history.reopened(NoBlobs()), VersionCache(file))
    assert ends(again, history) == [date(2023, 7, 7), date(2023, 7, 10), None]
    document = again.document(history.versions(TASK)[1].blob, TASK, TaskDoc)
    assert document is not None and document.body == "Text.\n"
    assert document.source.file == TASK and document.source.line("end") == 6


def test_a_cache_that_does_not_verify_is_parsed_again(history: History, tmp_path: Path) -> None:
    file = tmp_path / "versions.cache"
    cache = VersionCache(file)
    ends(VersionReader(history, cache), history)
    cache.save()
    file.write_bytes(file.read_bytes()[:-5] + b"xxxxx")  # changed by hand or cut short
    assert ends(VersionReader(history, VersionCache(file)), history)[:2] == [
        date(2023, 7, 7),
        date(2023, 7, 10),
    ]


def test_only_the_versions_a_build_used_are_kept(history: History, tmp_path: Path) -> None:
    file = tmp_path / "versions.cache"
    cache = VersionCache(file)
    ends(VersionReader(history, cache), history)
    cache.save()
    newest = history.versions(TASK)[-1].blob
    fewer = VersionCache(file)
    VersionReader(history, fewer).document(newest, TASK, TaskDoc)
    fewer.save()
    kept = VersionReader(history.reopened(NoBlobs()), VersionCache(file))
    assert kept.document(newest, TASK, TaskDoc) is None  # kept: not read
    with pytest.raises(AssertionError, match="read again"):
        kept.document(history.versions(TASK)[0].blob, TASK, TaskDoc)
