#!/usr/bin/env python3
"""Benchmark `sitegen build` against Hugo and an I/O floor on synthetic content.

    python bench/run.py [--size large] [--sizes small,large,xl] [--repeat N] [--seed N]

For every size: generate content (cached under bench/out/), then time, each as a
fresh process, median of --repeat runs; the runs are interleaved in rounds (one of
each row per round), so that a drifting machine load hits every row alike:

  sitegen full build (cold)        empty OUT and empty sitegen cache dir
  sitegen rebuild, no change       same OUT, nothing edited
  sitegen rebuild, 1 report edited the body of one report changed before each run, the
                                   first build after the cold one (no index of what pages read)
  … again, after an incremental build  the same edit once OUT was built incrementally
  sitegen rebuild, 1 task edited   the body of one task changed before each run
  sitegen check                    `sitegen check --format json` (once per repeat)
  Hugo full build                  throwaway Hugo site whose content/ hard-links the .md files
  I/O floor                        bench/iofloor.py: read every input, write one HTML per input
  sitegen serve: save → page       resident `sitegen serve`, end to end over HTTP (bench/live.py)
  … a progress figure → page       the same save changing a progress figure (the analysis sees it)
  … content in git                 the same progress save on the content with a year of history
  hugo server: save → page         the same with `hugo server`

Wall-clock time is time.perf_counter() around spawning and reaping the child.
Peak memory is the child's own ru_maxrss as returned by os.wait4() for that pid
(Linux reports KiB), i.e. the max RSS of exactly that process, not a delta.
A Markdown report is printed on stdout and written to bench/out/report-<sizes>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from children import AS_OF, BENCH, LOGS, OUT, REPO, Run, ensure_content, run_child
from history import ensure_history, git
from hugo import HUGO, ensure_hugo_site
from report import Row, SizeResult, render


def input_stats(content: Path) -> tuple[int, int, int]:
    files = md = size = 0
    for path in content.rglob("*"):
        if path.is_file():
            files += 1
            md += path.suffix == ".md"
            size += path.stat().st_size
    return files, md, size


def count_files(folder: Path, suffix: str = ".html") -> tuple[int, int]:
    if not folder.is_dir():
        return 0, 0
    total = html = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += 1
            html += path.name.endswith(suffix)
    return html, total


# --- measuring one size ------------------------------------------------------------------


def _touch(path: Path, original: bytes, what: str, n: int) -> None:
    """Append one short line to the Markdown body (keeps front matter and the brief valid)."""
    path.write_bytes(original.rstrip(b"\n") + f"（{what}修订{n}）\n".encode())


def tail(path: Path, lines: int = 25) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def resolve(rev: str) -> str:
    """The commit a revision names (HEAD moves while a long benchmark runs)."""
    return subprocess.run(
        ["git", "rev-parse", "--verify", rev + "^{commit}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def sitegen_command(rev: str | None) -> tuple[list[str], dict[str, str]]:
    """The command that runs sitegen: the installed one, or a committed revision
    exported with `git archive` into bench/out/sitegen-<sha>/ and put first on PYTHONPATH."""
    if not rev:
        # The script pip installed beside this Python, not the first `sitegen` on PATH: a
        # version manager's shim there (pyenv's is a bash script) adds ~0.1 s to each run.
        script = Path(sys.executable).parent / "sitegen"
        found = str(script) if script.is_file() else shutil.which("sitegen")
        return ([found] if found else [sys.executable, "-m", "sitegen.cli"]), {}
    sha = resolve(rev)
    where = OUT / f"sitegen-{sha[:12]}"
    if not (where / "sitegen" / "cli.py").exists():
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha, "sitegen"], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    code = "import sys; from sitegen.cli import main; sys.argv[0] = 'sitegen'; main()"
    # -P: do not put the current directory (the repo, with its own sitegen/) on sys.path
    return [sys.executable, "-P", "-c", code], {"PYTHONPATH": str(where)}


ROWS = (
    "full",
    "noop",
    "report",
    "report-again",
    "task",
    "check",
    "history",
    "commit",
    "hugo",
    "floor",
    "serve",
    "serve-all",
    "serve-progress",
    "serve-history",
    "hugo-serve",
)
LIVE_ROWS = ("serve", "serve-all", "serve-progress", "serve-history", "hugo-serve")


Step = tuple[
    str, str, list[str], Callable[[int], None] | None, Callable[[], None] | None, dict[str, str]
]


def measure(
    size: str,
    seed: int,
    repeat: int,
    timeout: float,
    skip_hugo: bool,
    rev: str | None = None,
    wanted: tuple[str, ...] = ROWS,
) -> SizeResult:
    print(f"[{size}] content ...", file=sys.stderr, flush=True)
    content, gen_seconds = ensure_content(size, seed)
    inputs = input_stats(content)
    site_out = OUT / f"site-{size}"
    cache = OUT / f"cache-{size}"
    base, extra_env = sitegen_command(rev)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), **extra_env)
    build = [*base, "build", str(content), "-o", str(site_out), "--as-of", AS_OF]
    rows: dict[str, Row] = {}
    problems: list[str] = []

    # Every measurement: (key, label, command, before each run, after each run, env).
    steps: list[Step] = []
    pages = ""

    def cold(_n: int) -> None:
        shutil.rmtree(site_out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

    def resync() -> None:
        """An untimed build, so that the next row starts from an OUT that matches the content."""
        run_child(build, LOGS / f"{size}-resync.log", env, timeout)

    steps.append(("full", "sitegen full build (cold)", build, cold, None, env))
    if "full" not in wanted and {"noop", "report", "report-again", "task"} & set(wanted):
        steps.append(("prepare", "", build, cold, None, env))  # rebuild rows need an OUT
    steps.append(("noop", "sitegen rebuild, no change", build, None, None, env))
    reports = sorted(content.glob("*/reports/*.md"))
    tasks = sorted(content.glob("*/tasks/*.md"))
    edited: dict[str, tuple[Path, bytes]] = {}
    for key, label, path in (
        ("report", "sitegen rebuild, 1 report changed", reports[len(reports) // 2]),
        # The step before it ends with an incremental build (the resync), which keeps
        # what each page read: the edits after it are the daily loop's.
        (
            "report-again",
            "sitegen rebuild, 1 report changed, after an incremental build",
            reports[len(reports) // 2],
        ),
        ("task", "sitegen rebuild, 1 task changed", tasks[len(tasks) // 2]),
    ):
        original = path.read_bytes()
        edited[key] = (path, original)

        def restore(p: Path = path, o: bytes = original) -> None:
            p.write_bytes(o)
            resync()

        touch = partial(_touch, path, original, key)
        steps.append((key, label, build, touch, restore, env))
    check = [*base, "check", str(content), "--as-of", AS_OF, "--format", "json"]
    steps.append(("check", "sitegen check (json)", check, None, None, env))
    if {"history", "commit"} & set(wanted):
        steps += history_steps(size, seed, base, extra_env, timeout)

    public = Path()
    if not skip_hugo:
        hugo_site, how = ensure_hugo_site(size, seed, content)
        public = hugo_site / "public"
        hugo_env = dict(os.environ, HUGO_CACHEDIR=str(hugo_site / "cache"))

        def hugo_cold(_n: int) -> None:
            shutil.rmtree(public, ignore_errors=True)
            shutil.rmtree(hugo_site / "cache", ignore_errors=True)
            shutil.rmtree(hugo_site / "resources", ignore_errors=True)

        hugo = [HUGO, "--quiet", "-s", str(hugo_site), "-d", str(public)]
        steps.append(("hugo", "Hugo full build (cold)", hugo, hugo_cold, None, hugo_env))

    floor_out = OUT / f"floor-{size}"
    floor = [sys.executable, str(BENCH / "iofloor.py"), str(content), str(floor_out)]

    def floor_cold(_n: int) -> None:
        shutil.rmtree(floor_out, ignore_errors=True)

    steps.append(("floor", "I/O floor (read all, write 1 HTML each)", floor, floor_cold, None, env))

    # Rounds, not one measurement after another: on a shared machine the load drifts, and
    # a ratio of two rows is only fair when their runs were interleaved.
    failed: set[str] = set()
    try:
        for n in range(repeat):
            for key, label, cmd, before, after, env_ in steps:
                if key in failed or (key not in wanted and key != "prepare"):
                    continue
                if key == "prepare" and n > 0:
                    continue
                if before:
                    before(n)
                print(f"[{size}] {label or key} #{n + 1} ...", file=sys.stderr, flush=True)
                run = run_child(cmd, LOGS / f"{size}-{key}-{n + 1}.log", env_, timeout)
                if after:
                    after()
                print(
                    f"[{size}]   {run.seconds:.2f}s rc={run.rc} rss={run.rss_kib // 1024}MiB",
                    file=sys.stderr,
                    flush=True,
                )
                if key == "prepare":
                    continue
                rows.setdefault(key, Row(label)).runs.append(run)
                if run.rc != 0:
                    failed.add(key)
                    log = tail(run.log)
                    problems.append(f"{size} / {label}: exit {run.rc} ({run.log})\n```\n{log}\n```")
                if key == "full":
                    html, total = count_files(site_out)
                    pages = f"{html} html / {total} files"
    finally:
        for path, original in edited.values():
            path.write_bytes(original)

    if set(LIVE_ROWS) & set(wanted):
        live = live_rows(size, content, base, env, repeat, skip_hugo, seed, problems)
        rows.update({key: row for key, row in live.items() if key in wanted})
    for key in ("full", "noop", "report", "report-again", "task"):
        if key in rows and "full" in rows:
            rows[key].pages = pages
    for key, (path, _) in edited.items():
        if key in rows:
            rows[key].note = str(path.relative_to(content))
    if "hugo" in rows:
        rows["hugo"].pages = "{} html / {} files".format(*count_files(public))
        rows["hugo"].note = f"content/ = {how} of the .md files, front matter unchanged"
    if "floor" in rows:
        rows["floor"].pages = "{} html / {} files".format(*count_files(floor_out))

    findings: dict[str, int] = {}
    if "check" in rows and rows["check"].runs:
        try:
            text = rows["check"].runs[-1].log.read_text(encoding="utf-8")
            data = json.loads(text[text.index("{") :])
            for f in data["findings"]:
                findings[f["severity"]] = findings.get(f["severity"], 0) + 1
        except (ValueError, KeyError) as error:
            problems.append(f"{size} / check: could not read JSON findings ({error})")
    return SizeResult(size, content, gen_seconds, inputs, rows, findings, problems)


def live_rows(
    size: str,
    content: Path,
    base: list[str],
    env: dict[str, str],
    repeat: int,
    skip_hugo: bool,
    seed: int,
    problems: list[str],
) -> dict[str, Row]:
    """The live preview rows (see bench/live.py): one report saved, its page served."""
    import live

    sys.path.insert(0, str(REPO))
    from sitegen.site.pages.paths import page_of_document

    reports = sorted(content.glob("*/reports/*.md"))
    report = reports[len(reports) // 2]
    relative = report.relative_to(content).as_posix()
    page = page_of_document(relative) or ""
    rows: dict[str, Row] = {}
    log = LOGS / f"{size}-serve.log"
    print(f"[{size}] sitegen serve: save → page ...", file=sys.stderr, flush=True)
    try:
        served, rebuilt, rss, rc = live.sitegen_serve(
            base, env, content, report, page, AS_OF, repeat, log, REPO
        )
        for key, label, timings in (
            ("serve", "sitegen serve: save → changed page served", served),
            ("serve-all", "sitegen serve: save → whole site rebuilt", rebuilt),
        ):
            rows[key] = Row(label, [Run(t.seconds, rss, rc, log, t.cpu) for t in timings])
            rows[key].note = relative
    except (RuntimeError, OSError, ValueError, queue.Empty) as error:
        problems.append(f"{size} / sitegen serve: {error} ({log})\n```\n{tail(log)}\n```")
    label = "sitegen serve{}: save a progress figure → changed page served"
    for key, where, note in (
        ("serve-progress", "", "an edit the analysis sees"),
        ("serve-history", ", content in git", "the same edit, with a year of history read"),
    ):
        log = LOGS / f"{size}-{key}.log"
        print(f"[{size}] {label.format(where)} ...", file=sys.stderr, flush=True)
        try:
            folder = ensure_history(size, seed)[0] if where else content
            served, _, rss, rc = live.sitegen_serve(
                base, env, folder, folder / relative, page, AS_OF, repeat, log, REPO, progress=True
            )
            rows[key] = Row(
                label.format(where), [Run(t.seconds, rss, rc, log, t.cpu) for t in served]
            )
            rows[key].note = note
        except (RuntimeError, OSError, ValueError, queue.Empty) as error:
            problems.append(
                f"{size} / {label.format(where)}: {error} ({log})\n```\n{tail(log)}\n```"
            )
    if skip_hugo:
        return rows
    hugo_site, _how = ensure_hugo_site(size, seed, content)
    hugo_env = dict(os.environ, HUGO_CACHEDIR=str(hugo_site / "cache"))
    log = LOGS / f"{size}-hugo-serve.log"
    print(f"[{size}] hugo server: save → page ...", file=sys.stderr, flush=True)
    try:
        timings, rss, rc = live.hugo_server(HUGO, hugo_site, relative, hugo_env, repeat, log, REPO)
        label = "hugo server: save → changed page served"
        rows["hugo-serve"] = Row(label, [Run(t.seconds, rss, rc, log, t.cpu) for t in timings])
        rows["hugo-serve"].note = "rendering to memory (its default), polled every 10 ms"
    except (RuntimeError, OSError) as error:
        problems.append(f"{size} / hugo server: {error} ({log})\n```\n{tail(log)}\n```")
    return rows


def history_steps(
    size: str, seed: int, base: list[str], extra_env: dict[str, str], timeout: float
) -> list[Step]:
    """The same content with a year of git history (bench/history.py): a cold build that
    reads it all, and a build after one new commit (a report's brief edited and committed
    that evening; the commit is taken back after each run)."""

    print(f"[{size}] history ...", file=sys.stderr, flush=True)
    folder, _, _ = ensure_history(size, seed)
    site_out, cache = OUT / f"site-history-{size}", OUT / f"cache-history-{size}"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), **extra_env)
    build = [*base, "build", str(folder), "-o", str(site_out), "--as-of", AS_OF]
    report = sorted(folder.glob("*/reports/*.md"))[-1]
    original = report.read_bytes()

    def cold(_n: int) -> None:
        shutil.rmtree(site_out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

    def commit(n: int) -> None:
        if not site_out.is_dir():
            run_child(build, LOGS / f"{size}-history-resync.log", env, timeout)
        report.write_bytes(original.rstrip(b"\n") + f"（补充{n}）\n".encode())
        git(folder, "commit", "-qam", f"one more {n}", when="2023-12-29T21:00:00+08:00")

    def take_back() -> None:
        git(folder, "reset", "-q", "--hard", "HEAD~1")
        run_child(build, LOGS / f"{size}-history-resync.log", env, timeout)

    return [
        (
            "history",
            "sitegen full build, with a year of git history (cold)",
            build,
            cold,
            None,
            env,
        ),
        ("commit", "sitegen rebuild after one new commit", build, commit, take_back, env),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark sitegen against Hugo and an I/O floor.")
    parser.add_argument("--size", default="large", help="one size (default: large)")
    parser.add_argument(
        "--sizes", help="comma-separated sizes, e.g. small,large,xl (overrides --size)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per child process")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help=f"comma-separated subset of: {','.join(ROWS)} (default: all)",
    )
    parser.add_argument(
        "--sitegen-rev",
        metavar="REV",
        help="benchmark this git revision of sitegen/ (exported to bench/out/) "
        "instead of the installed working tree",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in (args.sizes or args.size).split(",") if s.strip()]
    sys.path.insert(0, str(BENCH))
    from generate import SIZES

    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    rows = tuple(r.strip() for r in args.rows.split(",") if r.strip())
    if set(rows) - set(ROWS):
        parser.error(f"unknown row(s): {', '.join(sorted(set(rows) - set(ROWS)))}")
    OUT.mkdir(parents=True, exist_ok=True)
    tested = resolve(args.sitegen_rev) if args.sitegen_rev else None  # fixed now: HEAD moves
    results = [
        measure(s, args.seed, max(1, args.repeat), args.timeout, args.skip_hugo, tested, rows)
        for s in sizes
    ]
    report = render(results, max(1, args.repeat), ROWS, tested)
    tag = "-".join(sizes) + (f"-{args.sitegen_rev}" if args.sitegen_rev else "")
    tag += "" if rows == ROWS else "-" + "-".join(rows)
    (OUT / f"report-{tag}.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0 if all(row.ok for res in results for row in res.rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
