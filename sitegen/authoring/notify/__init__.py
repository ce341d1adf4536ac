"""`sitegen notify`: the day's digest, posted to the team's chat after the report deadline."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable

from sitegen.authoring.notify.digest import Digest, FindingKey, Item, finding_key, make_digest
from sitegen.authoring.notify.platforms import (
    KINDS,
    Message,
    Request,
    kind_of,
    reply_problem,
    request_for,
)
from sitegen.core.findings import Finding
from sitegen.core.i18n import Messages

TIMEOUT_SECONDS = 10


def compose(digest: Digest, msg: Messages) -> Message:
    """The digest as a title and Markdown lines in the site's language."""
    title = msg("notify.title", site=digest.site_title, date=digest.day.isoformat())
    lines: list[str] = []
    if digest.errors:
        lines.append(msg("notify.errors", count=digest.errors))
    sections = (
        ("notify.missing", digest.missing_reports),
        ("notify.escalations", digest.escalations),
        ("notify.high-risks", digest.high_risks),
        ("notify.new", digest.new_warnings),
    )
    for key, items in sections:
        if not items:
            continue
        if lines:
            lines.append("")
        lines.append(f"**{msg(key, count=len(items), deadline=digest.deadline)}**")
        if key == "notify.missing":
            lines.append(msg.join([_linked(item) for item in items]))
        else:
            lines.extend(f"- {_linked(item)}" for item in items)
    if digest.quiet:
        lines.append(msg("notify.quiet"))
    if digest.site_link:
        lines.extend(["", f"[{msg('notify.open-site')}]({digest.site_link})"])
    alarming = bool(digest.errors or digest.escalations or digest.high_risks)
    return Message(title, tuple(lines), alarming)


def _linked(item: Item) -> str:
    text = item.text.replace("[", "(").replace("]", ")")
    return f"[{text}]({item.link})" if item.link else text


def post(request: Request, kind: str, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Send ``request``; what went wrong, in a line, or None when the chat took it."""
    http_request = urllib.request.Request(
        request.url,
        data=request.data(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as reply:
            return reply_problem(kind, reply.status, reply.read())
    except urllib.error.HTTPError as error:
        return reply_problem(kind, error.code, error.read() or b"")
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"cannot reach the webhook: {reason}"


def findings_of_status(data: bytes) -> list[FindingKey] | None:
    """The finding keys in a published status.json, or None when it is not one."""
    try:
        status = json.loads(data)
        return [finding_key(f["code"], f["file"], int(f["line"])) for f in status["findings"]]
    except (ValueError, KeyError, TypeError):
        return None


def keys_of(findings: Iterable[Finding]) -> list[FindingKey]:
    return [finding_key(f.code, f.file, f.line) for f in findings]


__all__ = [
    "KINDS",
    "compose",
    "findings_of_status",
    "keys_of",
    "kind_of",
    "make_digest",
    "post",
    "request_for",
]
