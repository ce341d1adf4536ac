"""Incremental builds write only what changed, and always end as a clean build would.

Each case edits a copy of the multi-project site (or OUT itself), rebuilds into the same
OUT, and compares the result byte for byte with a full build of the same content into an
empty folder with an empty cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sitegen.builder.pipeline import build
from sitegen.builder.reporter import BufferedReporter

SITE = Path(__file__).resolve().parent / "sites" / "multi"
THEME = (
    Path(__file__).resolve().parent.parent / "sitegen" / "site" / "themes" / "default" / "templates"
)
AS_OF = date(2023, 10, 9)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def run(content: Path, out: Path, **options) -> BufferedReporter:
    reporter = BufferedReporter()
    options.setdefault("as_of", AS_OF)
    assert build(content, out, reporter, jobs=1, **options), [str(f) for f in reporter.reported]
    return reporter


def clean_build(content: Path, out: Path, monkeypatch, **options) -> dict[str, bytes]:
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(out.parent / f"{out.name}-cache"))
        run(content, out, **options)
    return tree(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


REPORT = "launch/reports/2023-10-07-pat.md"
EDITS: dict[str, Callable[[Path], None]] = {
    "report body": lambda c: append(c / REPORT, "\nOne more line.\n"),
    "report progress": lambda c: edit(c / REPORT, "progress: 41", "progress: 12"),
    "report removed": lambda c: (c / REPORT).unlink(),
    "report added": lambda c: (c / "launch/reports/2023-10-08-pat.md").write_text(
        (c / REPORT).read_text("utf-8").replace("2023-10-07", "2023-10-08"), "utf-8"
    ),
    "task title": lambda c: edit(c / "launch/tasks/L-02.md", "title: ", "title: Renamed "),
    "task body": lambda c: append(c / "launch/tasks/L-03.md", "\nA note.\n"),
    "task end": lambda c: edit(c / "launch/tasks/L-02.md", "end: 2023-10-", "end: 2023-11-"),
    "risk status": lambda c: edit(c / "launch/risks/R-L1.md", "status: ", "status: resolved\nx: "),
    "person name": lambda c: edit(c / "team.yaml", "name: Olga Petrova", "name: Olga P."),
    "site title": lambda c: edit(c / "site.yaml", "title: Multi", "title: Many"),
    "stylesheet override": lambda c: (
        (c / "_theme/static").mkdir(parents=True)
        or (c / "_theme/static/extra.css").write_text("body{color:red}", "utf-8")
    ),
    "template override": lambda c: (
        (c / "_theme/templates").mkdir(parents=True)
        or (c / "_theme/templates/report.html").write_text(
            (THEME / "report.html").read_text("utf-8").replace("</h1>", "</h1><p>override</p>"),
            "utf-8",
        )
    ),
}


@pytest.mark.parametrize("change", EDITS)
def test_an_incremental_build_equals_a_clean_build(change, tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    out = tmp_path / "out"
    run(content, out)
    EDITS[change](content)
    reporter = run(content, out)
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)
    assert reporter.written[1] > 0, "the edit changed nothing"


def test_nothing_changed_nothing_written(tmp_path):
    out = tmp_path / "out"
    first = run(SITE, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run(SITE, out)
    assert again.written[1] == 0
    assert again.unchanged == first.written[1]
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_one_report_body_rewrites_only_the_pages_that_show_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    out = tmp_path / "out"
    total = run(content, out).written[1]
    EDITS["report body"](content)
    written = run(content, out).written[1]
    # the report page, its month and week, the task and person pages that list it,
    # the dashboard, the feed… but not the other task, risk and report pages
    assert 0 < written < total / 3


@pytest.mark.parametrize("damage", ["edited", "deleted"])
def test_a_damaged_output_folder_is_repaired(damage, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(SITE, out)
    page = out / "tasks" / "L-02.html"
    if damage == "edited":
        page.write_bytes(page.read_bytes().replace(b"L-02", b"L-99"))
    else:
        page.unlink()
    run(SITE, out)
    assert tree(out) == clean_build(SITE, tmp_path / "clean", monkeypatch)


def test_files_added_to_the_output_folder_are_left_alone(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(SITE, out)
    added = {"tasks/stray.html": b"x", "stray/deep/x.html": b"y", ".nojekyll": b"", "CNAME": b"z"}
    for name, data in added.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    run(SITE, out)
    run(SITE, out, full=True)
    assert tree(out) == {**clean_build(SITE, tmp_path / "clean", monkeypatch), **added}


@pytest.mark.parametrize("options", [{"public": True}, {"as_of": date(2023, 9, 28)}])
def test_changed_options_rebuild_what_they_change(options, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(SITE, out)
    run(SITE, out, **options)
    assert tree(out) == clean_build(SITE, tmp_path / "clean", monkeypatch, **options)
    run(SITE, out)
    assert tree(out) == clean_build(SITE, tmp_path / "clean-again", monkeypatch)


def test_full_renders_everything_again(tmp_path):
    out = tmp_path / "out"
    first = run(SITE, out)
    again = run(SITE, out, full=True)
    assert again.written[1] == first.written[1]
    assert again.unchanged == 0


def test_a_page_context_that_is_not_data_is_refused():
    from sitegen.core.fingerprint import Fingerprinter

    with pytest.raises(TypeError, match="only be rendered from data"):
        Fingerprinter().digest({"view": object()})


def test_fingerprints_made_by_workers_match_those_made_before_rendering(tmp_path, monkeypatch):
    """A full build fingerprints files in the worker processes, after rendering them; an
    incremental one in the main process, before. Both must agree, or nothing is ever kept."""
    from sitegen.builder import workers

    monkeypatch.setattr(workers, "SITE_IN_PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "MAKE_IN_PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "FINGERPRINT_IN_PARALLEL_FROM", 1)
    out = tmp_path / "out"
    reporter = BufferedReporter()
    assert build(SITE, out, reporter, as_of=AS_OF, jobs=2)
    again = BufferedReporter()
    assert build(SITE, out, again, as_of=AS_OF, jobs=2)
    assert again.written[1] == 0
    assert again.unchanged == reporter.written[1]


def test_an_interrupted_worker_stops_the_build_and_leaves_the_output(tmp_path, monkeypatch):
    from sitegen.builder import output, workers
    from sitegen.core.forking import WorkerStopped

    monkeypatch.setattr(workers, "SITE_IN_PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "MAKE_IN_PARALLEL_FROM", 1)
    out = tmp_path / "out"
    run(SITE, out, full=True)
    before = tree(out)
    original = output.StagingFolder.write

    def interrupted(self, name, data):
        if name.startswith("tasks/"):
            raise KeyboardInterrupt  # in a worker process: Ctrl-C reaches every process
        return original(self, name, data)

    monkeypatch.setattr(output.StagingFolder, "write", interrupted)
    with pytest.raises(WorkerStopped):
        build(SITE, out, BufferedReporter(), as_of=date(2023, 10, 10), jobs=2)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("stored", [b"not a record", b"\x80\x05N.", None])
def test_an_unreadable_record_of_the_last_build_means_a_full_build(stored, tmp_path, monkeypatch):
    from sitegen.builder.incremental import FORMAT, record_file
    from sitegen.core.cachefiles import read_record, write_record

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    out = tmp_path / "out"
    first = run(SITE, out)
    record = record_file(out)
    if stored is None:  # a record that verifies, with rows of the wrong shape
        data = read_record(record, FORMAT)
        assert data is not None
        write_record(record, FORMAT, {**data, "files": {"index.html": (1, 2)}})
    else:
        record.write_bytes(stored)
    again = run(SITE, out)
    assert again.written[1] == first.written[1]
    assert tree(out) == clean_build(SITE, tmp_path / "clean", monkeypatch)


def test_an_unchanged_site_replays_the_last_findings(tmp_path):
    out = tmp_path / "out"
    first = run(SITE, out)
    again = run(SITE, out)
    assert again.written[1] == 0
    assert again.reported == first.reported and first.reported  # same findings, same order
    strict = BufferedReporter()
    assert not build(SITE, out, strict, as_of=AS_OF, strict=True)  # the site has warnings
    assert strict.did_fail and strict.reported == first.reported


@pytest.mark.parametrize("statuses", ["taken now", "trusted at once"])
def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(
    tmp_path, monkeypatch, statuses
):
    if statuses == "trusted at once":  # as if the build had run long after the last edit
        monkeypatch.setattr("sitegen.content.inputs.UNTRUSTED_FOR_NS", -(10**12))
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    out = tmp_path / "out"
    run(content, out)
    report = content / REPORT
    stat = report.stat()
    edit(report, "progress: 41", "progress: 14")
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert report.stat().st_size == stat.st_size
    assert run(content, out).written[1] > 0
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)


def test_a_file_is_read_again_only_when_its_status_changed_or_was_too_fresh(tmp_path):
    from sitegen.content.inputs import UNTRUSTED_FOR_NS, content_digest

    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    later = os.stat(content / REPORT).st_ctime_ns + 2 * UNTRUSTED_FOR_NS
    first = content_digest(content, now_ns=later)
    assert first.statuses.keys() == first.files.keys()
    # A made-up digest for an unchanged file is taken as it is: the file was not read.
    known = {**first.statuses, REPORT: (first.statuses[REPORT][0], b"made up")}
    assert content_digest(content, known, now_ns=later).files[REPORT] == b"made up"
    append(content / REPORT, "more")
    again = content_digest(content, known, now_ns=later)
    assert again.files[REPORT] == content_digest(content).files[REPORT] != b"made up"
    # Just written: its status is not kept, so the next build reads it again.
    assert REPORT not in content_digest(content, known).statuses


def test_after_edits_of_known_files_only_they_are_looked_at(tmp_path):
    # The preview takes the digest again from the files the watcher reports, without a
    # walk; anything that only a walk can see (a file came or went, or is a link now)
    # gives None, and the caller walks.
    from sitegen.content.inputs import UNTRUSTED_FOR_NS, content_digest, digest_after_edits

    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    later = os.stat(content / REPORT).st_ctime_ns + 60 * UNTRUSTED_FOR_NS
    first = content_digest(content, now_ns=later, keep_walk=True)
    append(content / REPORT, "more")
    after = digest_after_edits(content, first, [REPORT], now_ns=later)
    assert after is not None and after.digest == content_digest(content).digest != first.digest
    assert after.files == content_digest(content).files
    again = digest_after_edits(content, after, [REPORT], now_ns=later)
    assert again is not None and again.digest == after.digest
    assert digest_after_edits(content, content_digest(content), [REPORT]) is None  # no walk
    new = "launch/reports/2023-10-08-pat.md"
    shutil.copy(content / REPORT, content / new)
    assert digest_after_edits(content, after, [new], now_ns=later) is None
    (content / new).unlink()
    (content / REPORT).unlink()
    assert digest_after_edits(content, after, [REPORT], now_ns=later) is None
    (content / REPORT).symlink_to(
        content / "launch/tasks" / sorted(os.listdir(content / "launch/tasks"))[0]
    )
    assert digest_after_edits(content, after, [REPORT], now_ns=later) is None
    assert digest_after_edits(content, after, ["../elsewhere.md"], now_ns=later) is None


def test_the_preview_walks_again_when_quiet_to_catch_what_the_watcher_missed(tmp_path, monkeypatch):
    from sitegen.builder.resident import ResidentSite
    from sitegen.content import inputs
    from sitegen.content.inputs import content_digest

    monkeypatch.setattr(inputs, "UNTRUSTED_FOR_NS", 0)  # every status trusted at once
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    resident = ResidentSite()
    resident.read_contents(content)
    assert not resident.confirm(content)  # taken by a walk: nothing to confirm
    append(content / REPORT, "more")
    (content / "launch/reports/2023-09-26-pat.md").unlink()  # the watcher missed this
    told = resident.read_contents(content, [content / REPORT])
    assert told.digest != content_digest(content).digest  # the watcher's word alone
    assert resident.confirm(content)  # the walk finds the deleted file: build again
    assert resident.read_contents(content).digest == content_digest(content).digest
    assert not resident.confirm(content)


def test_a_new_file_the_loader_ignores_changes_nothing_it_writes(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    out = tmp_path / "out"
    run(content, out)
    (content / "launch" / "tasks" / "notes.txt").write_text("not content", "utf-8")
    (content / ".git").mkdir()
    (content / ".git" / "HEAD").write_text("ref", "utf-8")
    assert run(content, out).written[1] == 0
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)


def test_links_out_of_the_content_folder_or_in_a_loop_are_not_walked(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    (content / "everything").symlink_to("/")
    (content / "launch" / "loop").symlink_to("..")
    out = tmp_path / "out"
    run(content, out)
    assert run(content, out).written[1] == 0  # the second build stopped early
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)


def test_alert_pages_that_are_no_longer_made_go_with_their_folder(tmp_path, monkeypatch):
    from sitegen.site.pages import alerts

    # ten alerts of the site are 'late' and still count: B-05's overdue and schedule
    # deviation, six other schedule deviations, a stale task and a dependency order
    monkeypatch.setattr(alerts, "ALERTS_PER_PAGE", 9)
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    out = tmp_path / "out"
    run(content, out)
    assert sorted(p.name for p in (out / "alerts").iterdir()) == ["late-2.html"]
    edit(content / "brand/tasks/B-05.md", "end: 2023-09-28", "end: 2023-09-28\nstatus: done")
    run(content, out)
    assert not (out / "alerts").exists()
    assert tree(out) == clean_build(content, tmp_path / "clean", monkeypatch)


def test_a_build_of_unchanged_content_starts_without_the_model_engine_or_templates(tmp_path):
    # What a build that finds nothing changed imports is what every `sitegen build`
    # pays before it can tell; the model (pydantic), the engine and the templates
    # (Jinja) are only imported once there is something to analyse.
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "sitegen", "build", str(SITE), "-o", str(out)]
    command += ["--as-of", AS_OF.isoformat()]
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache))
    subprocess.run(command, env=environment, check=True, capture_output=True)
    probe = (
        "import sys, runpy; sys.argv = sys.argv[1:];"
        "code = 0\n"
        "try: runpy.run_module('sitegen', run_name='__main__')\n"
        "except SystemExit as done: code = done.code\n"
        "heavy = sorted(m for m in ('pydantic', 'jinja2', 'markdown', 'sitegen.engine.compute',"
        " 'sitegen.content.model', 'sitegen.authoring.serve') if m in sys.modules)\n"
        "print(code, *heavy)"
    )
    again = subprocess.run(
        [sys.executable, "-c", probe, *command[2:]],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    assert again.stdout.split() == ["0"]


def test_a_data_file_works_out_its_data_once_and_lets_it_go():
    """Data files are made from data worked out where they are made (the workers, in a
    full build), kept while fingerprinting and making reuse it, then let go."""
    from sitegen.site.datafiles import DataFile, Once

    worked: list[str] = []
    status = Once(lambda: worked.append("status") or {"tasks": [1, 2]})
    tasks = Once(lambda: {"tasks": status()["tasks"]}, made_from=(status,))
    table = DataFile(tasks, lambda data: repr(data["tasks"]).encode())
    assert table.inputs() == {"tasks": [1, 2]} and table.make() == b"[1, 2]"
    assert worked == ["status"]  # once for both
    table.release()  # the status data it was made from goes too
    assert table.make() == b"[1, 2]" and worked == ["status", "status"]
