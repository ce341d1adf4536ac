"""The four team chats' incoming webhooks, each in its own documented message format.

- Feishu / Lark custom bot: an interactive card with a Markdown element; signed bots take
  `timestamp` (seconds) and `sign` = Base64(HMAC-SHA256(key="<timestamp>\\n<secret>",
  message="")) in the body. A 200 reply carries `code` (0 is success).
- DingTalk custom robot: `msgtype: markdown`; signed robots take `timestamp`
  (milliseconds) and `sign` = Base64(HMAC-SHA256(key=secret,
  message="<timestamp>\\n<secret>")) as URL parameters. The reply carries `errcode`.
- WeCom (企业微信) group robot: `msgtype: markdown`, content at most 4,096 bytes. The reply
  carries `errcode`.
- Slack incoming webhook: Block Kit `blocks` with `text` as the notification fallback;
  the reply is the plain text `ok`, errors come as 4xx with a short code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

KINDS = ("feishu", "dingtalk", "wecom", "slack")

_HOSTS = {
    "open.feishu.cn": "feishu",
    "open.larksuite.com": "feishu",
    "oapi.dingtalk.com": "dingtalk",
    "qyapi.weixin.qq.com": "wecom",
    "hooks.slack.com": "slack",
}
WECOM_LIMIT = 4096  # bytes of Markdown content
SLACK_SECTION_LIMIT = 3000  # characters of one section's text


def kind_of(url: str) -> str | None:
    """The chat a webhook URL belongs to, from its host; None when it cannot be told."""
    host = (urlsplit(url).hostname or "").lower()
    return _HOSTS.get(host)


@dataclass(frozen=True)
class Message:
    """What to post: a title and Markdown lines (the chats' common subset: bold, links,
    lists), plus the overall colour of the day."""

    title: str
    lines: tuple[str, ...]
    alarming: bool


@dataclass(frozen=True)
class Request:
    url: str
    body: dict[str, Any]

    def data(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def request_for(kind: str, url: str, message: Message, secret: str | None, now: float) -> Request:
    """The request that posts ``message`` to ``url``; ``now``: seconds since the epoch."""
    return _BUILDERS[kind](url, message, secret, now)


def _feishu(url: str, message: Message, secret: str | None, now: float) -> Request:
    body: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": message.title},
                "template": "red" if message.alarming else "green",
            },
            "elements": [{"tag": "markdown", "content": "\n".join(message.lines)}],
        },
    }
    if secret:
        timestamp = str(int(now))
        key = f"{timestamp}\n{secret}".encode()
        signature = hmac.new(key, b"", hashlib.sha256).digest()
        body = {"timestamp": timestamp, "sign": base64.b64encode(signature).decode(), **body}
    return Request(url, body)


def _dingtalk(url: str, message: Message, secret: str | None, now: float) -> Request:
    text = "\n".join([f"### {message.title}", "", *message.lines])
    body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
    if secret:
        timestamp = str(int(now * 1000))
        signed = f"{timestamp}\n{secret}".encode()
        signature = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
        url = _with_query(url, timestamp=timestamp, sign=base64.b64encode(signature).decode())
    return Request(url, body)


def _wecom(url: str, message: Message, secret: str | None, now: float) -> Request:
    content = "\n".join([f"**{message.title}**", *message.lines])
    encoded = content.encode("utf-8")
    if len(encoded) > WECOM_LIMIT:
        content = encoded[: WECOM_LIMIT - 3].decode("utf-8", "ignore") + "…"
    return Request(url, {"msgtype": "markdown", "markdown": {"content": content}})


def _slack(url: str, message: Message, secret: str | None, now: float) -> Request:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}
    ]
    for chunk in _chunks([_slack_markdown(line) for line in message.lines]):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return Request(url, {"text": message.title, "blocks": blocks[:50]})


def _slack_markdown(line: str) -> str:
    """Slack's mrkdwn: *bold* and <url|text> instead of **bold** and [text](url)."""
    line = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"<\2|\1>", line)
    return re.sub(r"\*\*(.+?)\*\*", r"*\1*", line)


def _chunks(lines: list[str]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[:SLACK_SECTION_LIMIT]
        if current and len(current) + 1 + len(line) > SLACK_SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _with_query(url: str, **values: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *values.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


_BUILDERS: dict[str, Callable[[str, Message, str | None, float], Request]] = {
    "feishu": _feishu,
    "dingtalk": _dingtalk,
    "wecom": _wecom,
    "slack": _slack,
}


def reply_problem(kind: str, status: int, body: bytes) -> str | None:
    """What went wrong according to the chat's reply; None when it took the message.
    Feishu, DingTalk and WeCom answer 200 with an error code in the body."""
    text = body.decode("utf-8", "replace").strip()
    if status >= 300:
        return f"HTTP {status}: {text[:200]}" if text else f"HTTP {status}"
    if kind == "slack":
        return None if text in ("", "ok") else text[:200]
    try:
        reply = json.loads(text) if text else {}
    except ValueError:
        return f"unexpected reply: {text[:200]}"
    if not isinstance(reply, dict):
        return f"unexpected reply: {text[:200]}"
    code = reply.get("code", reply.get("StatusCode")) if kind == "feishu" else reply.get("errcode")
    if code in (0, None):
        return None
    detail = reply.get("msg") or reply.get("StatusMessage") or reply.get("errmsg") or ""
    return f"{kind} error {code}: {detail}".rstrip(": ")


__all__ = ["KINDS", "Message", "Request", "kind_of", "reply_problem", "request_for"]
