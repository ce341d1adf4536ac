"""`sitegen notify` against a local webhook recorder: never a network call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from sitegen.authoring.notify import post
from sitegen.authoring.notify.platforms import Message, kind_of, request_for
from sitegen.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "content"


class Recorder:
    """A webhook that records each request and answers as told."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.status = 200
        self.reply = b'{"errcode":0,"errmsg":"ok"}'
        self.delay = 0.0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                recorder.requests.append((self.path, body))
                time.sleep(recorder.delay)
                self.send_response(recorder.status)
                self.end_headers()
                self.wfile.write(recorder.reply)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook?key=abc"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The sample, outside any git repository."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def run(content: Path, *arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(
        main, ["notify", str(content), "--as-of", "2023-07-12", *arguments], env=env
    )


def test_wecom_digest_lists_escalations_and_risks(content: Path, recorder: Recorder) -> None:
    result = run(content, "--to", recorder.url, "--kind", "wecom", "--site-url", "https://s.test/")
    assert result.exit_code == 0, result.output
    ((path, body),) = recorder.requests
    assert path == "/hook?key=abc"
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    text = body["markdown"]["content"]
    assert text.startswith("**市场部任务看板 · 每日简报 2023-07-12**")
    assert "进度落后、需上报（1）" in text and "偏差率 -20.0%" in text
    assert "未解决的高风险（1）" in text and "(https://s.test/people/sun-ba.html)" in text
    assert len(text.encode()) <= 4096


def test_missing_reports_of_today_name_the_people(content: Path, recorder: Recorder) -> None:
    task = content / "q3-launch" / "tasks" / "MKT-202307-001-02.md"
    task.write_text(task.read_text().replace("status: done", "status: doing"))
    result = run(content, "--to", recorder.url, "--kind", "dingtalk")
    assert result.exit_code == 0, result.output
    ((_, body),) = recorder.requests
    assert body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"title", "text"}
    assert "截至 17:00 未交今日日报（1 人）" in body["markdown"]["text"]
    assert "李四" in body["markdown"]["text"]


def test_only_findings_missing_from_the_last_status_are_new(
    content: Path, recorder: Recorder, tmp_path: Path
) -> None:
    task = content / "q3-launch" / "tasks" / "MKT-202307-001-02.md"
    text = task.read_text().replace("status: done", "status: doing")
    task.write_text(text.replace("confirmed: true", "confirmed: false"))
    status = tmp_path / "status.json"
    status.write_text(json.dumps({"findings": []}))
    recorder.reply = b"ok"
    result = run(content, "--to", recorder.url, "--kind", "slack", "--since", str(status))
    assert result.exit_code == 0, result.output
    ((_, body),) = recorder.requests
    assert body["text"].endswith("2023-07-12")
    assert body["blocks"][0]["type"] == "header"
    assert all(b["type"] == "section" and b["text"]["type"] == "mrkdwn" for b in body["blocks"][1:])
    text = "\n".join(b["text"]["text"] for b in body["blocks"][1:])
    assert "*上次简报以来的新预警（1）*" in text and "MKT-202307-001-02" in text

    line = next(n for n, s in enumerate(task.read_text().split("\n"), 1) if "confirmed" in s)
    known = {"code": "unconfirmed", "file": "q3-launch/tasks/MKT-202307-001-02.md", "line": line}
    status.write_text(json.dumps({"findings": [known]}))
    assert (
        run(content, "--to", recorder.url, "--kind", "slack", "--since", str(status)).exit_code == 0
    )
    _, body = recorder.requests[-1]
    assert "新预警" not in json.dumps(body, ensure_ascii=False)


def test_signed_feishu_and_dingtalk(content: Path, recorder: Recorder) -> None:
    env = {"SITEGEN_WEBHOOK_SECRET": "s3cret"}
    recorder.reply = b'{"code":0,"msg":"success"}'
    assert run(content, "--to", recorder.url, "--kind", "feishu", env=env).exit_code == 0
    _, body = recorder.requests[-1]
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"]["tag"] == "plain_text"
    assert body["card"]["elements"][0]["tag"] == "markdown"
    expected = hmac.new(f"{body['timestamp']}\ns3cret".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(expected).decode()
    assert abs(int(body["timestamp"]) - time.time()) < 60

    recorder.reply = b'{"errcode":0,"errmsg":"ok"}'
    assert run(content, "--to", recorder.url, "--kind", "dingtalk", env=env).exit_code == 0
    path, _ = recorder.requests[-1]
    query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
    assert query["key"] == "abc"
    signed = f"{query['timestamp']}\ns3cret".encode()
    expected = hmac.new(b"s3cret", signed, hashlib.sha256).digest()
    assert query["sign"] == base64.b64encode(expected).decode()


@pytest.mark.parametrize(
    ("kind", "status", "reply", "said"),
    [
        ("wecom", 200, b'{"errcode":93000,"errmsg":"invalid webhook url"}', "wecom error 93000"),
        ("feishu", 200, b'{"code":19021,"msg":"sign match fail"}', "feishu error 19021"),
        ("slack", 404, b"no_service", "HTTP 404: no_service"),
        ("dingtalk", 500, b"", "HTTP 500"),
    ],
)
def test_failures_are_reported_plainly(
    content: Path, recorder: Recorder, kind: str, status: int, reply: bytes, said: str
) -> None:
    recorder.status, recorder.reply = status, reply
    result = run(content, "--to", recorder.url, "--kind", kind)
    assert result.exit_code == 1
    assert said in result.output and "站点本身不受影响" in result.output
    assert "Traceback" not in result.output


def test_a_webhook_that_does_not_answer_times_out(recorder: Recorder) -> None:
    recorder.delay = 2
    request = request_for("slack", recorder.url, Message("t", ("x",), False), None, 0)
    started = time.monotonic()
    problem = post(request, "slack", timeout=0.3)
    assert problem is not None and "cannot reach the webhook" in problem
    assert time.monotonic() - started < 1.5


def test_the_kind_comes_from_the_host(content: Path) -> None:
    assert kind_of("https://open.feishu.cn/open-apis/bot/v2/hook/x") == "feishu"
    assert kind_of("https://oapi.dingtalk.com/robot/send?access_token=x") == "dingtalk"
    assert kind_of("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x") == "wecom"
    assert kind_of("https://hooks.slack.com/services/T/B/x") == "slack"
    result = run(content, "--to", "https://chat.example/hook")
    assert result.exit_code == 2 and "--kind" in result.output
