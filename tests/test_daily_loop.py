"""The team's daily loop as a user runs it: install into a fresh environment, then
`init`, `new`, `serve` (an edit shows in the browser), `check`, `build` and `notify`,
each as its own process, with no import of sitegen here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from installing import build_wheel


@pytest.fixture(scope="module")
def sitegen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `sitegen` command of a fresh virtual environment. Its libraries come from this
    environment's (no network in tests); sitegen itself is installed from its wheel."""
    folder = tmp_path_factory.mktemp("install")
    wheel = build_wheel(folder)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         "--force-reinstall", str(wheel)],
        check=True,
    )  # fmt: skip
    return venv / "bin" / "sitegen"


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    received: list[dict] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def run(command: Path, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cwd.parent / "cache")}
    return subprocess.run(
        [str(command), *arguments], cwd=cwd, capture_output=True, text=True, env=environment,
        timeout=120,
    )  # fmt: skip


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as reply:
        return reply.read().decode("utf-8")


def test_a_day_of_the_team_from_a_fresh_install(sitegen: Path, tmp_path: Path, webhook) -> None:
    made = run(sitegen, "init", "team", "--language", "zh-CN", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    repo = tmp_path / "team"
    end = (date.today() + timedelta(days=3)).isoformat()
    new = run(sitegen, "new", "task", "--title", "海报设计", "--owner", "zhang-san",
              "--end", end, cwd=repo)  # fmt: skip
    assert new.returncode == 0, new.stderr
    [task] = re.findall(r"content/\S+\.md", new.stdout)

    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    serving = subprocess.Popen(
        [str(sitegen), "serve", "--port", "0"], cwd=repo, stderr=subprocess.PIPE, text=True,
        env=environment,
    )  # fmt: skip
    try:
        url = ""
        deadline = time.monotonic() + 60
        while not url and time.monotonic() < deadline:
            line = serving.stderr.readline() if serving.stderr else ""
            found = re.search(r"http://[!-~]+", line)  # the URL ends where ASCII does
            url = found.group(0) if found else ""
        assert url, "serve did not say where it serves"
        task_id = Path(task).stem
        page = f"{url.rstrip('/')}/tasks/{task_id}.html"
        assert "海报设计" in get(page)
        path = repo / task
        path.write_text(path.read_text("utf-8").replace("海报设计", "海报定稿"), "utf-8")
        seen = False
        deadline = time.monotonic() + 30
        while not seen and time.monotonic() < deadline:
            time.sleep(0.3)
            seen = "海报定稿" in get(page)
        assert seen, "the edit did not reach the served page"
    finally:
        serving.terminate()
        serving.wait(timeout=10)

    checked = run(sitegen, "check", cwd=repo)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 个错误" in checked.stdout
    built = run(sitegen, "build", cwd=repo)
    assert built.returncode == 0, built.stderr
    assert "海报定稿" in (repo / "public" / "tasks" / f"{task_id}.html").read_text("utf-8")

    hook, received = webhook
    notified = run(sitegen, "notify", "--to", hook, "--kind", "slack", cwd=repo)
    assert notified.returncode == 0, notified.stderr
    [message] = received
    assert "每日简报" in message["text"] and message["blocks"][0]["type"] == "header"
