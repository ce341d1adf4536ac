"""The caches speed rebuilds up and never change what is built.

Every cache file is verified before use: one that is damaged, of another version,
written without the user's key, or a pickle that would run code is ignored, and the
build is what a build with no cache at all would be.
"""

from __future__ import annotations

import os
import pathlib
import pickle
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
TASK = "q3-launch/tasks/MKT-202307-001-02.md"
KINDS = ("parse", "inputs", "out", "templates")


def build(site: Path, out: Path, *options: str) -> dict[str, bytes]:
    args = ["build", str(site), "-o", str(out), "--as-of", "2023-07-20", "--no-history", *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def cache_files(cache: Path, kind: str) -> list[Path]:
    """The files of one kind of cache (the templates' are in a folder of their own)."""
    home = cache / "sitegen"
    found = [*home.glob(f"{kind}-*"), *home.glob(f"{kind}-*/*")]
    files = [path for path in found if path.is_file()]
    assert files, f"no {kind} cache was written"
    return files


def test_cached_and_cold_builds_are_identical_and_edits_are_seen(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    site = tmp_path / "content"
    shutil.copytree(REPO / "content", site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    cold = build(site, tmp_path / "cold")
    assert cache_files(cache, "parse"), "the cache was not written"
    warm = build(site, tmp_path / "warm")
    assert warm == cold

    task = site / TASK
    task.write_text(task.read_text("utf-8").replace("素材制作", "素材制作（改）", 1), "utf-8")
    edited = build(site, tmp_path / "edited")
    assert "素材制作（改）" in edited["tasks/MKT-202307-001-02.html"].decode("utf-8")
    shutil.rmtree(cache)
    assert build(site, tmp_path / "edited-cold") == edited

    task.write_text(before[task].decode("utf-8"), "utf-8")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_an_edited_parse_cache_entry_does_not_change_the_site(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    cold = build(REPO / "content", tmp_path / "cold")
    page = "tasks/MKT-202307-001-02.html"
    assert "素材制作" in cold[page].decode("utf-8")
    # The same number of bytes in the same place: the file keeps its shape, only the
    # title in the cached parse changes.
    for stored in cache_files(cache, "parse"):
        data = stored.read_bytes()
        assert "素材制作".encode() in data
        stored.write_bytes(data.replace("素材制作".encode(), "素材修改".encode()))
    again = build(REPO / "content", tmp_path / "again")  # a new OUT: every document is loaded
    assert "素材修改" not in again[page].decode("utf-8")
    assert again == cold


def truncate_early(file: Path) -> None:
    file.write_bytes(file.read_bytes()[:24])


def truncate_halfway(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def garble(file: Path) -> None:
    file.write_bytes(b"not a cache \x00\xff" * 10)


def other_version(file: Path) -> None:
    """A record that verifies, sealed for another version of its format."""
    from sitegen.builder import incremental
    from sitegen.content import inputs
    from sitegen.content import parsecache as cache
    from sitegen.core import cachefiles
    from sitegen.site import render

    formats = {
        "parse": cache.FORMAT,
        "inputs": inputs.FORMAT,
        "out": incremental.FORMAT,
        "templates": render.TEMPLATES_FORMAT,
    }
    kind = file.parent.name if file.parent.name.startswith("templates-") else file.name
    format = formats[kind.split("-", 1)[0]]
    payload = cachefiles.read_sealed(file, format)
    if payload is not None:  # else not rewritten since the last damage
        cachefiles.write_sealed(file, format + "-other", payload)


class _Plant:
    """Unpickling it creates the file MARKER: a stand-in for running any code."""

    marker: Path

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def pickle_that_runs_code(file: Path) -> None:
    payload = pickle.dumps(_Plant(), protocol=5)
    if file.parent.name.startswith("templates-"):
        from jinja2.bccache import bc_magic  # what Jinja's own cache reads first

        payload = bc_magic + payload
    file.write_bytes(payload)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated early": truncate_early,
    "truncated halfway": truncate_halfway,
    "garbage": garble,
    "other version": other_version,
    "pickle that runs code": pickle_that_runs_code,
}


@pytest.fixture(scope="module")
def cold_sample(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A cache folder and OUT after a cold build of the sample."""
    folder = tmp_path_factory.mktemp("cold-sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        built = build(REPO / "content", folder / "out")
    return folder, built


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_foreign_cache_file_of_any_kind_is_ignored(
    damage, cold_sample, tmp_path, monkeypatch
):
    _Plant.marker = tmp_path / "code-ran"
    shutil.copytree(cold_sample[0], tmp_path, dirs_exist_ok=True)
    cache, out = tmp_path / "cache", tmp_path / "out"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))

    def damage_every_kind() -> None:
        for kind in KINDS:
            for file in cache_files(cache, kind):
                DAMAGE[damage](file)

    damage_every_kind()
    assert build(REPO / "content", out) == cold_sample[1]
    damage_every_kind()
    assert build(REPO / "content", out, "--full") == cold_sample[1]
    assert not _Plant.marker.exists(), "loading a cache file ran code"


def test_records_are_read_back_as_written_only_for_their_own_format(tmp_path, monkeypatch):
    from sitegen.core.cachefiles import read_record, write_record

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    file = tmp_path / "cache" / "sitegen" / "kind-0123.cache"
    record = {"rows": {"a.md": ((1, 2, 3), b"\x00digest")}, "day": "2023-07-20", "n": None}
    write_record(file, "kind/1", record)
    assert read_record(file, "kind/1") == record
    assert read_record(file, "kind/2") is None
    assert read_record(tmp_path / "cache" / "sitegen" / "missing.cache", "kind/1") is None
    moved = file.with_name("kind-4567.cache")  # a record is about what its name says
    file.rename(moved)
    assert read_record(moved, "kind/1") is None


def test_the_key_is_private_and_one_that_is_not_is_replaced(tmp_path, monkeypatch):
    from sitegen.core.cachefiles import read_record, write_record

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = tmp_path / "cache" / "sitegen"
    write_record(home / "kind-0.cache", "kind/1", {"a": 1})
    key = home / "key"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert read_record(home / "kind-0.cache", "kind/1") == {"a": 1}

    key.chmod(0o644)  # others could read it, so could have sealed anything with it
    assert read_record(home / "kind-0.cache", "kind/1") is None
    write_record(home / "kind-1.cache", "kind/1", {"b": 2})
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert read_record(home / "kind-1.cache", "kind/1") == {"b": 2}
    assert read_record(home / "kind-0.cache", "kind/1") is None  # sealed with the old key


def test_a_record_sealed_with_another_key_is_ignored(tmp_path, monkeypatch):
    """Someone who can write the cache folder but not read the key cannot make the
    build use a parse of their own."""
    from sitegen.content import parsecache as parse_cache
    from sitegen.core.cachefiles import read_record, write_record

    site = tmp_path / "content"
    shutil.copytree(REPO / "content", site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "theirs"))
    build(site, tmp_path / "out-theirs")
    (theirs,) = cache_files(tmp_path / "theirs", "parse")
    stored = read_record(theirs, parse_cache.FORMAT)
    assert stored is not None
    entries = dict(stored["entries"])
    digest, packed = entries[TASK]
    entries[TASK] = (digest, packed.replace("素材制作".encode(), "素材修改".encode()))
    write_record(theirs, parse_cache.FORMAT, {**stored, "entries": entries})
    forged = build(site, tmp_path / "forged")  # with their own key, the forgery is used
    assert "素材修改" in forged["tasks/MKT-202307-001-02.html"].decode("utf-8")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "mine"))
    mine = build(site, tmp_path / "out-mine")
    (own,) = cache_files(tmp_path / "mine", "parse")
    shutil.copyfile(theirs, own)
    assert build(site, tmp_path / "again") == mine


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_cache_folder_of_another_user_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = tmp_path / "cache" / "sitegen"
    home.mkdir(parents=True)
    os.chown(home, 4321, 4321)
    assert build(REPO / "content", tmp_path / "out")
    assert sorted(p.name for p in home.iterdir()) == []


def test_parses_keep_every_kind_of_value_exactly():
    from sitegen.content.parsecache import packed_parse, unpacked_parse
    from sitegen.content.source import split_front_matter

    text = (
        "---\ntitle: 标题\nint: 12\nbig: 123456789012345678901234567890\n"
        "neg: -9223372036854775809\n"
        "decimal: 1.50\nexp: 1e5\ninf: .inf\nnan: .nan\nyes: true\nnone: null\n"
        "date: 2023-07-20\nbinary: !!binary aGVsbG8=\nlist: [1, '2', [3]]\n"
        "map: {a: {b: [x, {c: 0.1}]}}\n---\nBody **text**\n"
    )
    doc = split_front_matter(text)
    again = unpacked_parse(packed_parse(doc))
    assert again is not None
    assert repr(again.data) == repr(doc.data)  # types too: Decimal('1.50'), not 1.5
    assert dict(again.lines) == dict(doc.lines)
    assert (again.body, again.body_line) == (doc.body, doc.body_line)
    assert unpacked_parse(b"\xc1 not a parse") is None


def test_a_parse_the_format_cannot_hold_is_returned_but_not_cached(tmp_path, monkeypatch):
    from sitegen.content import parsecache as cache
    from sitegen.content.source import FrontMatterDoc, LineTable

    odd = FrontMatterDoc({"title": "half a pair \ud800", "kinds": {1, 2}}, LineTable({}), "", 2)
    assert cache.packed_parse(odd) is None
    monkeypatch.setattr(cache, "parse_document", lambda data: odd)
    document = tmp_path / "task.md"
    document.write_text("---\ntitle: x\n---\n", "utf-8")
    parses = cache.ParseCache(tmp_path / "cache" / "sitegen" / "parse-0.cache")
    assert parses.front_matter("task.md", document)[1] is odd
    parses.save()
    assert cache.ParseCache(parses.file)._entries == {}


def test_parsing_in_parallel_finds_and_builds_the_same(tmp_path, monkeypatch):
    import sitegen.content.parsecache
    import sitegen.core.forking

    forked = []
    map_forked = sitegen.core.forking.map_forked

    def counting_map_forked(function, tasks, jobs):
        forked.append(len(tasks))
        return map_forked(function, tasks, jobs)

    monkeypatch.setattr(sitegen.content.parsecache, "PARSE_IN_PARALLEL_FROM", 1)
    monkeypatch.setattr(sitegen.core.forking, "map_forked", counting_map_forked)
    site = tmp_path / "content"
    shutil.copytree(REPO / "content", site)
    (site / "q3-launch" / "tasks" / "BROKEN.md").write_text("---\ntitle: [open\n---\n", "utf-8")
    (site / "q3-launch" / "tasks" / "EMPTY.md").write_text("", "utf-8")

    def run(jobs: str) -> tuple[int, str]:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{jobs}"))
        args = ["build", str(site), "-o", str(tmp_path / f"out-{jobs}"), "--as-of", "2023-07-20"]
        result = CliRunner().invoke(main, [*args, "-j", jobs])
        return result.exit_code, result.output

    serial = run("1")
    assert not forked
    parallel = run("2")
    assert forked == [2], "the documents were not parsed on two processes"
    assert parallel == serial
    assert serial[0] == 1 and "BROKEN.md:2" in serial[1] and "EMPTY.md" in serial[1]


def test_a_forgotten_line_table_refuses_look_ups_instead_of_answering_wrong() -> None:
    from sitegen.content.source import LineTable, Source

    table = LineTable({("title",): 3})
    table.packed()
    forgotten = Source("p/tasks/a.md", table, content_digest=b"d" * 16)
    forgotten.forget_lines()
    with pytest.raises(LookupError):
        forgotten.line("title")
    # Without the file's digest, the lines are what its fingerprint is made of: kept.
    kept = Source("p/tasks/b.md", LineTable({("title",): 3}))
    kept.forget_lines()
    assert kept.line("title") == 3
    assert kept.fingerprint_parts() == ("p/tasks/b.md", ((("title",), 3),), 1, 1)
