#!/usr/bin/env python3
"""Where the time of one build, or of one preview save, goes: stage by stage.

    python bench/stages.py rebuild          # a fresh-process rebuild after one report edit
    python bench/stages.py save             # a preview save of a progress figure → its page
    python bench/stages.py save --git       # the same, with the content in git
    python bench/stages.py cold             # a fresh-process full build, no caches

`run.py` says how long a whole command takes; this says which stages make that time,
so that a change aimed at one of them can be measured there. Every stage is a function
of sitegen wrapped with a timer where its caller looks it up; a stage called inside
another shows indented below it. Wall-clock milliseconds, the median over ``--repeat``
runs with the spread. The work of forked workers shows only as the wall time of the
stage that waits for them.

``rebuild`` and ``cold`` run each build in a fresh process, as `sitegen build` does
(the rebuild after an incremental build, as run.py's "after an incremental build"
row: the daily loop). ``save`` keeps one preview in this process and times from the
save handed over until the saved file's page is made, without the watcher and HTTP
(about 60 ms more in run.py's preview rows).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from children import AS_OF, OUT, REPO, ensure_content
from history import ensure_history

# (module, owner class or "", function, label): each stage as its caller looks it up.
PIPELINE = [
    ("sitegen.builder.pipeline", "", "current_contents", "content digest"),
    ("sitegen.builder.incremental", "OutputState", "load", "OUT's record"),
    ("sitegen.builder.unseen", "PagePlan", "before_analysis", "read index"),
    ("sitegen.builder.analyse", "", "analyse", "analysis"),
    ("sitegen.builder.unseen", "PagePlan", "unchanged_and_edited", "edits the analysis sees?"),
    ("sitegen.builder.pipeline", "", "write_output", "render and write"),
    ("sitegen.builder.unseen", "PagePlan", "store", "read index stored"),
]
ANALYSIS = [
    ("sitegen.engine.history.analysis", "", "reading_for", "which commit or tree is read"),
    ("sitegen.builder.analyse", "", "load_site", "load"),
    ("sitegen.builder.resident", "ResidentSite", "load", "load"),  # the preview's
    (
        "sitegen.builder.resident",
        "ResidentSite",
        "earlier_analysis",
        "the last analysis still right?",
    ),
    ("sitegen.site.theme", "Theme", "for_content", "theme"),
    ("sitegen.builder.analyse", "", "validate_site", "validate"),
    ("sitegen.engine.history.analysis", "", "dated_on", "as dated on the day"),
    ("sitegen.builder.analyse", "", "compute", "compute"),
    ("sitegen.builder.analyse", "", "run_checks", "checks"),
    ("sitegen.engine.history.analysis", "", "history_findings", "history: reports"),
    ("sitegen.builder.analyse", "", "history_facts", "history: baselines, trends"),
    ("sitegen.builder.analyse", "", "project_health", "health"),
    ("sitegen.builder.analyse", "", "sort_findings", "findings sorted"),
    ("sitegen.builder.resident", "ResidentSite", "remember", "kept for the next save"),
]
OUTPUT = [
    ("sitegen.site.render", "SiteRenderer", "__init__", "renderer"),
    ("sitegen.site.render", "SiteRenderer", "names", "every file's name (page plan, summaries)"),
    ("sitegen.builder.pipeline", "", "_fingerprints", "fingerprints"),
    ("sitegen.builder.workers", "Workers", "make", "render and write the stale files"),
    ("sitegen.builder.incremental", "OutputState", "record", "OUT's record written"),
]
PREVIEW = [
    ("sitegen.builder.resident", "ResidentSite", "read_contents", "content digest"),
    ("sitegen.authoring.serve", "PreviewServer", "_history_now", "history read again"),
    ("sitegen.builder.analyse", "", "analyse", "analysis"),
    ("sitegen.site.render", "SiteRenderer", "__init__", "renderer"),
    ("sitegen.authoring.serve", "PreviewServer", "_serve_early", "the saved file's page"),
    ("sitegen.builder.pipeline", "", "write_output", "then the rest of the site"),
]


class Stages:
    """Wall time per stage of one run, by the path of stages it ran inside."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.seconds: dict[tuple[str, ...], float] = {}

    def wrap(self, stages: list[tuple[str, str, str, str]]) -> None:
        for module_name, owner_name, name, label in stages:
            try:
                module = importlib.import_module(module_name)
                owner = getattr(module, owner_name) if owner_name else module
                found = owner.__dict__[name] if owner_name else getattr(owner, name)
            except (ImportError, AttributeError, KeyError):
                where = ".".join(part for part in (module_name, owner_name, name) if part)
                message = f"bench/stages.py: no {where} in sitegen: update the stage lists"
                raise SystemExit(message) from None
            setattr(owner, name, self._timed(found, label))

    def _timed(self, found: Any, label: str) -> Any:
        if isinstance(found, classmethod):
            return classmethod(self._timed(found.__func__, label))
        if isinstance(found, staticmethod):
            return staticmethod(self._timed(found.__func__, label))

        @functools.wraps(found)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(label):
                return found(*args, **kwargs)

        return timed

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        self.inside.append(label)
        path = tuple(self.inside)
        self.seconds.setdefault(path, 0.0)  # listed in the order the stages begin
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[path] += time.perf_counter() - start
            self.inside.pop()

    def take(self) -> dict[tuple[str, ...], float]:
        taken, self.seconds = self.seconds, {}
        return taken


# --- one fresh process per build (run as a child of this script) -------------------------


def child(content: Path, out: Path) -> None:
    """Build ``content`` into ``out`` once, printing each stage's seconds as JSON."""
    started = time.perf_counter()
    stages = Stages()
    with stages.stage("imports"):
        from sitegen.builder.pipeline import build
        from sitegen.builder.reporter import BufferedReporter

        stages.wrap(PIPELINE + ANALYSIS + OUTPUT)
    with stages.stage("build"):
        ok = build(content, out, BufferedReporter(), as_of=date.fromisoformat(AS_OF))
    assert ok, "the build failed"
    timings = {"/".join(path): seconds for path, seconds in stages.take().items()}
    timings["total in process"] = time.perf_counter() - started
    print(json.dumps(timings))


def fresh_build(content: Path, out: Path, cache: Path) -> dict[tuple[str, ...], float]:
    command = [sys.executable, __file__, "--child", str(content), str(out)]
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(REPO))
    start = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    timings = {tuple(key.split("/")): value for key, value in json.loads(done.stdout).items()}
    timings[("process, start to exit",)] = time.perf_counter() - start
    return timings


def middle_report(content: Path) -> Path:
    """The report run.py edits too."""
    reports = sorted(content.glob("*/reports/*.md"))
    return reports[len(reports) // 2]


def body_edit(path: Path, original: bytes, n: int) -> None:
    path.write_bytes(original.rstrip(b"\n") + f"（分段计时修订{n}）\n".encode())


def progress_edit(original: bytes, n: int) -> bytes:
    edited = re.sub(rb"progress: *\d+", b"progress: %d" % (7 + n % 90), original, count=1)
    assert edited != original, "the report has no progress figure to change"
    return edited


def measure_rebuild(content: Path, repeat: int) -> list[dict[tuple[str, ...], float]]:
    work = Path(tempfile.mkdtemp(prefix="stages-", dir=OUT))
    out, cache = work / "site", work / "cache"
    report = middle_report(content)
    original = report.read_bytes()
    runs = []
    try:
        fresh_build(content, out, cache)  # cold
        body_edit(report, original, 0)
        fresh_build(content, out, cache)  # the first after a cold build: makes the read index
        report.write_bytes(original)
        fresh_build(content, out, cache)
        for n in range(1, repeat + 1):
            body_edit(report, original, n)
            runs.append(fresh_build(content, out, cache))
            report.write_bytes(original)
            fresh_build(content, out, cache)  # untimed: OUT matches the content again
    finally:
        report.write_bytes(original)
        shutil.rmtree(work, ignore_errors=True)
    return runs


def measure_cold(content: Path, repeat: int) -> list[dict[tuple[str, ...], float]]:
    runs = []
    for _ in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="stages-", dir=OUT))
        try:
            runs.append(fresh_build(content, work / "site", work / "cache"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return runs


# --- the preview, in this process ------------------------------------------------------------


def measure_save(content: Path, repeat: int, history: bool) -> list[dict[tuple[str, ...], float]]:
    sys.path.insert(0, str(REPO))
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="stages-cache-", dir=OUT)
    from sitegen.authoring.serve import PreviewServer

    stages = Stages()
    stages.wrap(PREVIEW + ANALYSIS)
    report = middle_report(content)
    original = report.read_bytes()
    preview = PreviewServer(content, port=0, as_of=date.fromisoformat(AS_OF), history=history)
    page_made: list[float] = []
    serve_early = preview._serve_early

    def early(*args: Any) -> None:
        serve_early(*args)
        page_made.append(time.perf_counter())

    preview._serve_early = early  # type: ignore[method-assign]
    runs = []
    try:
        assert preview.rebuild(), "the first build failed"
        for n in range(repeat + 1):  # the first save warms what the preview keeps
            report.write_bytes(progress_edit(original, n))
            stages.take()
            start = time.perf_counter()
            assert preview.rebuild([report]), "a save's build failed"
            timings = stages.take()
            timings[("save → its page made",)] = page_made[-1] - start
            if n:
                runs.append(timings)
    finally:
        report.write_bytes(original)
        preview.stop()
        shutil.rmtree(preview.workdir, ignore_errors=True)
        shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    return runs


# --- the table -----------------------------------------------------------------------------------


def table(runs: list[dict[tuple[str, ...], float]]) -> str:
    paths = sorted({path for run in runs for path in run}, key=lambda p: _first_seen(runs, p))
    lines = ["| stage | ms (median) | min–max |", "|---|---:|---:|"]
    for path in paths:
        values = [run.get(path, 0.0) * 1000 for run in runs]
        indent = "&nbsp;&nbsp;" * (len(path) - 1)
        lines.append(
            f"| {indent}{path[-1]} | {statistics.median(values):.0f} "
            f"| {min(values):.0f}–{max(values):.0f} |"
        )
    return "\n".join(lines)


def _first_seen(runs: list[dict[tuple[str, ...], float]], path: tuple[str, ...]) -> int:
    """Stages in the order they ran (a dict keeps the order its keys came in)."""
    for run in runs:
        if path in run:
            return list(run).index(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["rebuild", "save", "cold"])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--git", action="store_true", help="save: the content in git")
    args = parser.parse_args(argv)
    content = ensure_history(args.size, args.seed)[0] if args.git else None
    content = content or ensure_content(args.size, args.seed)[0]
    measure: dict[str, Callable[[], list[dict[tuple[str, ...], float]]]] = {
        "rebuild": lambda: measure_rebuild(content, args.repeat),
        "cold": lambda: measure_cold(content, args.repeat),
        "save": lambda: measure_save(content, args.repeat, args.git),
    }
    runs = measure[args.scenario]()
    what = f"{args.scenario}{' --git' if args.git else ''}, {args.size}, {len(runs)} runs"
    print(f"## {what}\n\n{table(runs)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(main())
