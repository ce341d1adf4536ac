#!/usr/bin/env python3
"""A year of git history for the benchmark content, and what reading it costs.

    python bench/history.py [--size large] [--seed 1] [--repeat 3]

The content of `bench/generate.py` (cached under bench/out/) becomes a git repository
in bench/out/history-<size>-s<seed>/ whose history tells how it was written:

- 30 Dec 2022: site.yaml, team.yaml, every project.md and every task, as first planned
  (status todo; about one task in eight with an earlier end, moved later once or twice
  on the day it was due);
- one commit per daily report, by its author, a few minutes after its `submitted` time
  (17:00 ± 20 minutes without one; one in thirty the next morning instead);
- a task's status when it changes: `doing`/`blocked` on its start day, `done`/`cancelled`
  on its end day; risks on the day they were raised; a retro on its date.

The last commit's tree is the generated content, byte for byte. The commits are written
with one `git fast-import` (seconds, not 15,000 `git commit` processes).

Then, each in a fresh process, median of --repeat runs:

  sitegen build, no history (cold)    `sitegen build --no-history`, empty OUT and cache
  first history read                  `history_of()` with an empty cache (in-process time)
  history read after one new commit   `history_of()` with the cache of the previous head
  baselines                           `task_baselines()` of every task
  trend                               `project_trends()` of every project
  sitegen build, with history (cold)  `sitegen build`, empty OUT and cache

Targets: first history read ≤ 2× the cold build; the trend ≤ 25% of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from children import AS_OF, BENCH, OUT, REPO, ensure_content, run_child

ZONE = timezone(timedelta(hours=8))
PLANNED = datetime(2022, 12, 30, 10, 0, tzinfo=ZONE)
FRONT_KEY = re.compile(r"^(?P<key>[a-z_]+): ?(?P<value>.*)$", re.MULTILINE)


@dataclass(order=True)
class Change:
    """One commit: when, in which order among equal times, by whom, what files."""

    when: datetime
    seq: int
    author: str = field(compare=False)
    message: str = field(compare=False)
    files: dict[str, bytes] = field(compare=False)


def front(text: str) -> dict[str, str]:
    """The top-level scalar keys of a file's front matter (enough to plan its history)."""
    head = text.split("\n---", 1)[0]
    return {m["key"]: m["value"].strip() for m in FRONT_KEY.finditer(head)}


def with_key(text: str, key: str, value: str) -> str:
    """The file with the first top-level ``key`` set to ``value``."""
    return re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.MULTILINE)


def working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def plan_history(content: Path, seed: int) -> list[Change]:
    """Every commit of the content's history, oldest first."""
    rng = random.Random(f"history:{seed}")
    seq = iter(range(1_000_000))
    changes: list[Change] = []

    def add(when: datetime, author: str, message: str, files: dict[str, bytes]) -> None:
        changes.append(Change(when, next(seq), author, message, files))

    planned: dict[str, bytes] = {}
    for path in sorted(content.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(content).as_posix()
        text = path.read_text(encoding="utf-8")
        parts = relative.split("/")
        if len(parts) == 1 or parts[1] == "project.md":
            planned[relative] = text.encode()
        elif parts[1] == "tasks":
            planned[relative] = _task_history(relative, text, rng, add)
        elif parts[1] == "reports":
            keys = front(text)
            day = date.fromisoformat(keys["date"])
            if keys.get("submitted"):
                when = datetime.fromisoformat(keys["submitted"]) + timedelta(
                    minutes=rng.randint(1, 12)
                )
            else:
                when = datetime(day.year, day.month, day.day, 17, 0, tzinfo=ZONE) + timedelta(
                    minutes=rng.randint(-20, 20)
                )
            if rng.random() < 1 / 30:  # pushed the next morning
                when = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZONE) + timedelta(
                    days=1, minutes=rng.randint(0, 59)
                )
            add(when, keys["author"], f"daily report {day}", {relative: text.encode()})
        elif parts[1] == "risks":
            keys = front(text)
            raised = date.fromisoformat(keys["raised"])
            when = datetime(raised.year, raised.month, raised.day, 11, 0, tzinfo=ZONE)
            add(when, keys["owner"], f"risk {keys['id']}", {relative: text.encode()})
        else:  # retro.md
            keys = front(text)
            day = date.fromisoformat(keys["date"])
            when = datetime(day.year, day.month, day.day, 15, 0, tzinfo=ZONE)
            add(when, keys["owner"], "retro", {relative: text.encode()})
    add(PLANNED, "pm", "plan every project", planned)
    changes.sort()
    return changes


def _task_history(relative: str, text: str, rng: random.Random, add) -> bytes:
    """Commits of one task after planning; returns its planned version."""
    keys = front(text)
    owner, status = keys["owner"], keys["status"]
    start, end = date.fromisoformat(keys["start"]), date.fromisoformat(keys["end"])
    ends = [end]
    if "plan" not in keys and (end - start).days >= 3 and rng.random() < 1 / 8:
        for _ in range(2 if rng.random() < 1 / 3 else 1):
            earlier = working_days_before(ends[0], rng.randint(1, 2))
            if earlier <= start:
                break
            ends.insert(0, earlier)
    # (when, key, value): the end moved on the day it was due, the status changed.
    events = [(at(due, 10, 30), "end", str(later)) for due, later in pairwise(ends)]
    if status in ("doing", "blocked"):
        events.append((at(start, 9, 30), "status", status))
    elif status != "todo":
        events.append((at(end, 18, 10), "status", status))
    state = {"end": str(ends[0]), "status": "todo"}

    def version() -> bytes:
        return with_key(with_key(text, "end", state["end"]), "status", state["status"]).encode()

    first = version()
    for when, key, value in sorted(events):
        state[key] = value
        add(when, owner, f"{keys['id']}: {key} {value}", {relative: version()})
    return first


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def fast_import_stream(changes: list[Change]) -> bytes:
    """The commits as a `git fast-import` stream on refs/heads/main."""
    out: list[bytes] = []
    for change in changes:
        stamp = f"{int(change.when.timestamp())} {change.when.strftime('%z')}"
        who = f"{change.author} <{change.author}@example.com> {stamp}"
        message = change.message.encode()
        out.append(
            f"commit refs/heads/main\nauthor {who}\ncommitter {who}\ndata {len(message)}\n".encode()
            + message
            + b"\n"
        )
        for path, data in sorted(change.files.items()):
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    return b"".join(out)


def git(folder: Path, *arguments: str, data: bytes | None = None, when: str = "") -> str:
    """git in ``folder``; ``when``: the author and committer time of a commit it makes."""
    environment = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        **({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}),
    }
    done = subprocess.run(
        ["git", *arguments], cwd=folder, input=data, capture_output=True, env=environment
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {arguments[0]}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode()


def ensure_history(size: str, seed: int) -> tuple[Path, int, float | None]:
    """bench/out/history-<size>-s<seed>/: the content with its history; (folder,
    commits, seconds it took to make or None when cached)."""
    content, _ = ensure_content(size, seed)
    folder = OUT / f"history-{size}-s{seed}"
    stamp = OUT / f"history-{size}-s{seed}.stamp"
    want = hashlib.sha256(
        (BENCH / "generate.py").read_bytes() + Path(__file__).read_bytes()
    ).hexdigest()[:16]
    if folder.is_dir() and stamp.exists() and stamp.read_text().split()[0] == want:
        return folder, int(stamp.read_text().split()[1]), None
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    changes = plan_history(content, seed)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "fast-import", "--quiet", "--done", data=fast_import_stream(changes) + b"done\n")
    git(folder, "reset", "-q", "--hard", "main")
    if git(folder, "status", "--porcelain"):
        raise RuntimeError("the history's last tree is not the generated content")
    took = time.perf_counter() - started
    stamp.write_text(f"{want} {len(changes)}\n")
    return folder, len(changes), took


# --- measuring ----------------------------------------------------------------------------


def probe(folder: Path) -> dict[str, dict[str, float]]:
    """In this process (the parent gives it an empty cache folder): each step's wall and
    CPU seconds, git's CPU included."""
    import resource

    sys.path.insert(0, str(REPO))
    from sitegen.content.history import History, history_of
    from sitegen.content.history.documents import VersionReader
    from sitegen.content.history.reader import unchanged_files
    from sitegen.content.history.snapshot import day_of
    from sitegen.content.load import load_site
    from sitegen.engine.history.baseline import task_baselines
    from sitegen.engine.history.trend import project_trends
    from sitegen.engine.workdays import WorkCalendar

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    timings: dict[str, dict[str, float]] = {}

    def timed(key: str, work):
        wall, used = time.perf_counter(), cpu()
        result = work()
        timings[key] = {"wall": time.perf_counter() - wall, "cpu": cpu() - used}
        return result

    history = timed("read", lambda: history_of(folder))
    assert isinstance(history, History)
    site = load_site(folder).site
    calendar = WorkCalendar.from_settings(site.settings.calendar)
    as_of = date.fromisoformat(AS_OF)

    def known_versions() -> VersionReader:
        reader = VersionReader(history)
        blobs = unchanged_files(folder)
        for document in site.documents():
            blob = blobs.get(document.source.file)
            if blob is not None:
                reader.remember(blob, document)
        return reader

    reader = timed("known", known_versions)
    timed("baselines", lambda: task_baselines(site, history, reader, calendar))
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(site.settings.timezone)
    newest = day_of(history.revisions[-1].effective, zone)
    trends = timed("trend", lambda: project_trends(site, history, reader, as_of, newest))
    timings["trend"]["points"] = sum(len(points) for points in trends.values())
    timings["read"]["commits"] = len(history.revisions)
    history.close()

    # One new commit: a line more in one report's brief, committed that evening.
    report = sorted(folder.glob("*/reports/*.md"))[-1]
    original = report.read_bytes()
    report.write_bytes(original + "补充说明。\n".encode())
    git(folder, "commit", "-qam", "one more", when="2023-12-29T21:00:00+08:00")
    try:
        again = timed("next", lambda: history_of(folder))
        assert isinstance(again, History) and len(again.revisions) == len(history.revisions) + 1
        again.close()
    finally:
        git(folder, "reset", "-q", "--hard", "HEAD~1")
    return timings


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def median(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)


def measure(size: str, seed: int, repeat: int, timeout: float) -> str:
    folder, commits, took = ensure_history(size, seed)
    made = f"made in {took:.1f} s" if took is not None else "cached"
    base = [sys.executable, "-P", "-c", "import sys; from sitegen.cli import main; main()"]
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    site_out, cache = OUT / f"site-history-{size}", OUT / f"cache-history-{size}"
    logs = OUT / "logs"
    rows: dict[str, Timing] = {}
    extra: dict[str, float] = {}
    for n in range(repeat):
        for key, options in (("plain", ["--no-history"]), ("history", [])):
            shutil.rmtree(site_out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            command = [*base, "build", str(folder), "-o", str(site_out), "--as-of", AS_OF]
            run = run_child(
                [*command, *options],
                logs / f"history-{size}-{key}-{n + 1}.log",
                dict(environment, XDG_CACHE_HOME=str(cache)),
                timeout,
            )
            if run.rc != 0:
                raise RuntimeError(f"sitegen build failed; see {run.log}")
            rows.setdefault(key, Timing()).add(run.seconds, run.cpu)
            print(f"[history] build {key} #{n + 1}: {run.seconds:.2f} s", file=sys.stderr)
        shutil.rmtree(cache, ignore_errors=True)
        done = subprocess.run(
            [sys.executable, __file__, "--probe", str(folder)],
            env=dict(environment, XDG_CACHE_HOME=str(cache)),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        for key, values in json.loads(done.stdout).items():
            rows.setdefault(key, Timing()).add(values["wall"], values["cpu"])
            extra.update({k: v for k, v in values.items() if k not in ("wall", "cpu")})
        print(f"[history] probe #{n + 1}: {done.stdout.strip()}", file=sys.stderr)
    return report(size, folder, commits, made, repeat, rows, extra)


LABELS = {
    "plain": "sitegen build --no-history (cold)",
    "history": "sitegen build, with history (cold)",
    "read": "first history read (empty cache)",
    "next": "history read after one new commit",
    "known": "files unchanged since staged (git ls-files)",
    "baselines": "baselines of every task",
    "trend": "trend of every project",
}


def report(
    size: str,
    folder: Path,
    commits: int,
    made: str,
    repeat: int,
    rows: dict[str, Timing],
    extra: dict[str, float],
) -> str:
    plain_wall, plain_cpu = rows["plain"].median
    lines = [
        f"## History ({size})",
        "",
        f"`{folder.relative_to(REPO)}`: {commits} commits ({extra.get('commits', 0):.0f}"
        f" touching the content), {made}; the trend has {extra.get('points', 0):.0f} points."
        f" Median of {repeat}; CPU includes git's.",
        "",
        "| measurement | seconds | CPU s | against the cold build (time / CPU) |",
        "|---|---:|---:|---|",
    ]
    for key, label in LABELS.items():
        wall, cpu = rows[key].median
        ratio = "" if key == "plain" else f"{wall / plain_wall:.2f}× / {cpu / plain_cpu:.2f}×"
        lines.append(f"| {label} | {wall:.2f} | {cpu:.2f} | {ratio} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe)))
        return 0
    text = measure(args.size, args.seed, max(1, args.repeat), args.timeout)
    (OUT / f"report-history-{args.size}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
