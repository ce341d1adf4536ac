"""Live preview rows of bench/run.py: a save → the changed page served, end to end over HTTP.

One resident server at a time (`sitegen serve`, then `hugo server`), started untimed
and left to finish its first build. Then, --repeat times: one report's body gets a new
line, and the clock runs from the write until a GET of the report's page returns bytes
holding that line. For sitegen the bench follows the preview's Server-Sent Events as a
browser does and GETs the page when told; Hugo is asked every 10 ms (its live reload
is a WebSocket). CPU is the server process's user + system time over the same span
(from /proc), peak RSS its VmHWM. After each run the file is put back, untimed.

`sitegen serve` is also timed with an edit its analysis sees (a progress figure in the
report's front matter): the clock then runs until the page served differs from the
page before the save.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 900.0  # seconds for a server's first build (a cold large site, one core)
SAVE_TIMEOUT = 120.0
STOP_TIMEOUT = 300.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Resident:
    """A server process running for the length of a row."""

    proc: subprocess.Popen[bytes]

    @classmethod
    def start(cls, cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> Resident:
        log.parent.mkdir(parents=True, exist_ok=True)
        sink = open(log, "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        sink.close()
        return cls(proc)

    def cpu(self) -> float:
        """User + system seconds of the server and the children it waited for."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15]) / TICKS

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> int:
        """The exit code after SIGTERM (SIGKILL when it takes over STOP_TIMEOUT)."""
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def wait_until(check: Callable[[], bool], seconds: float, every: float = 0.01) -> bool:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


def follow_events(port: int, path: str = "/__sitegen/events") -> queue.Queue[dict[str, Any]]:
    """The preview's Server-Sent Events, as an EventSource receives them."""
    news: queue.Queue[dict[str, Any]] = queue.Queue()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
    connection.request("GET", path)
    response = connection.getresponse()

    def read() -> None:
        try:
            for line in response:
                if line.startswith(b"data: "):
                    news.put(json.loads(line[6:]))
        except (OSError, ValueError):
            pass

    threading.Thread(target=read, daemon=True).start()
    return news


@dataclass
class Timing:
    seconds: float
    cpu: float


def sitegen_serve(
    command: list[str],
    env: dict[str, str],
    content: Path,
    report: Path,
    page: str,
    as_of: str,
    repeat: int,
    log: Path,
    cwd: Path,
    progress: bool = False,
) -> tuple[list[Timing], list[Timing], int, int]:
    """(save → page served, save → whole site rebuilt) per run, peak RSS KiB, exit code.
    ``progress``: the edit changes the report's first progress figure instead."""
    port = free_port()
    cmd = [*command, "serve", str(content), "--port", str(port), "--as-of", as_of]
    server = Resident.start(cmd, env, log, cwd)
    url = f"http://127.0.0.1:{port}/{quote(page)}"
    served: list[Timing] = []
    rebuilt: list[Timing] = []
    original = report.read_bytes()
    try:
        if not wait_until(lambda: get(url) is not None, START_TIMEOUT, 0.5):
            raise RuntimeError(f"sitegen serve never served {url}")
        news = follow_events(port)
        version = news.get(timeout=30)["version"]
        for n in range(repeat):
            marker = f"（serve修订{n}）"
            before = get(url) or b""
            edited = (
                re.sub(rb"progress: *\d+", b"progress: %d" % (7 + n), original, count=1)
                if progress
                else original.rstrip(b"\n") + f"\n\n{marker}\n".encode()
            )
            assert edited != original, "no progress figure to change"
            cpu, start = server.cpu(), time.perf_counter()
            report.write_bytes(edited)
            seen_page = False
            while True:
                event = news.get(timeout=SAVE_TIMEOUT)
                now = event["version"] > version and event["ok"]
                listed = "pages" not in event or "/" + quote(page) in event["pages"]
                if now and listed and not seen_page:
                    body = get(url) or b""
                    if (body != before) if progress else (marker.encode() in body):
                        served.append(Timing(time.perf_counter() - start, server.cpu() - cpu))
                        seen_page = True
                if now and "pages" not in event:
                    rebuilt.append(Timing(time.perf_counter() - start, server.cpu() - cpu))
                    version = event["version"]
                    break
            report.write_bytes(original)
            while not (event := news.get(timeout=SAVE_TIMEOUT))["version"] > version or (
                "pages" in event
            ):
                pass
            version = event["version"]
    finally:
        report.write_bytes(original)
        rss = server.rss_kib()
        rc = server.stop()
    return served, rebuilt, rss, 0 if rc in (0, -15) else rc


def hugo_server(
    hugo: str,
    site: Path,
    relative: str,
    env: dict[str, str],
    repeat: int,
    log: Path,
    cwd: Path,
) -> tuple[list[Timing], int, int]:
    """Save → page served per run for `hugo server` (rendering to memory, its default)."""
    port = free_port()
    cmd = [hugo, "server", "-s", str(site), "--port", str(port), "--bind", "127.0.0.1"]
    server = Resident.start(cmd, env, log, cwd)
    source = site / "content" / relative
    stem = relative.removesuffix(".md").lower()
    url = f"http://127.0.0.1:{port}/{quote(stem)}/"
    original = source.read_bytes()
    served: list[Timing] = []
    try:
        if not wait_until(lambda: get(url) is not None, START_TIMEOUT, 0.5):
            raise RuntimeError(f"hugo server never served {url}")
        for n in range(repeat):
            marker = f"（serve修订{n}）".encode()
            cpu, start = server.cpu(), time.perf_counter()
            source.write_bytes(original.rstrip(b"\n") + b"\n\n" + marker + b"\n")
            if not wait_until(lambda m=marker: m in (get(url) or b""), SAVE_TIMEOUT):
                raise RuntimeError("hugo server never served the edit")
            served.append(Timing(time.perf_counter() - start, server.cpu() - cpu))
            source.write_bytes(original)
            wait_until(lambda m=marker: m not in (get(url) or m), SAVE_TIMEOUT)
    finally:
        source.write_bytes(original)
        rss = server.rss_kib()
        rc = server.stop()
    return served, rss, 0 if rc in (0, -15) else rc
