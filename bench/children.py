"""What every benchmark script shares: where things are, running one child (its time,
CPU and peak memory), and the generated content under measurement."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
LOGS = OUT / "logs"
AS_OF = "2023-12-31"


# --- running one child ---------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    rss_kib: int
    rc: int
    log: Path
    cpu: float = float("nan")  # user + system seconds of the child and its workers
    system: float = float("nan")  # of which system: the kernel's, mostly creating files


def run_child(
    cmd: list[str], log: Path, env: dict[str, str] | None = None, timeout: float = 3600.0
) -> Run:
    """Spawn, reap with wait4 (for this child's own max RSS), time wall-clock."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss, proc.returncode, log, cpu, usage.ru_stime)


# --- content ------------------------------------------------------------------------------


def file_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_content(size: str, seed: int) -> tuple[Path, float | None]:
    content = OUT / f"content-{size}-s{seed}"
    stamp = OUT / f"content-{size}-s{seed}.stamp"
    want = file_hash(BENCH / "generate.py")
    if content.is_dir() and stamp.exists() and stamp.read_text().strip() == want:
        return content, None
    stamp.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), size, str(content), "--seed", str(seed)],
        check=True,
    )
    took = time.perf_counter() - start
    stamp.write_text(want + "\n")
    return content, took
