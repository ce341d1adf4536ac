"""The parse cache speeds rebuilds up and never changes what is built."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent


def build(site: Path, out: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(
        main, ["build", str(site), "-o", str(out), "--as-of", "2023-07-20", "--no-history"]
    )
    assert result.exit_code == 0, result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_cached_and_cold_builds_are_identical_and_edits_are_seen(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    site = tmp_path / "content"
    shutil.copytree(REPO / "content", site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}

    cold = build(site, tmp_path / "cold")
    assert list((cache / "sitegen").glob("parse-*.pickle")), "the cache was not written"
    warm = build(site, tmp_path / "warm")
    assert warm == cold

    task = site / "q3-launch" / "tasks" / "MKT-202307-001-02.md"
    task.write_text(task.read_text("utf-8").replace("素材制作", "素材制作（改）", 1), "utf-8")
    edited = build(site, tmp_path / "edited")
    assert "素材制作（改）" in edited["tasks/MKT-202307-001-02.html"].decode("utf-8")
    shutil.rmtree(cache)
    assert build(site, tmp_path / "edited-cold") == edited

    task.write_text(before[task].decode("utf-8"), "utf-8")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_broken_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cold = build(REPO / "content", tmp_path / "cold")
    for stored in (tmp_path / "cache" / "sitegen").glob("parse-*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert build(REPO / "content", tmp_path / "again") == cold


def test_parsing_in_parallel_finds_and_builds_the_same(tmp_path, monkeypatch):
    import sitegen.cache
    import sitegen.workers

    forked = []
    map_forked = sitegen.workers.map_forked

    def counting_map_forked(function, tasks, jobs):
        forked.append(len(tasks))
        return map_forked(function, tasks, jobs)

    monkeypatch.setattr(sitegen.cache, "PARSE_IN_PARALLEL_FROM", 1)
    monkeypatch.setattr(sitegen.workers, "map_forked", counting_map_forked)
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
    assert serial[0] == 1 and "BROKEN.md:3" in serial[1] and "EMPTY.md" in serial[1]
