"""The `sitegen notify` command."""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import click

from sitegen.authoring.options import CONTENT_DIR, as_of_option
from sitegen.core.i18n import Messages

SECRET_VARIABLE = "SITEGEN_WEBHOOK_SECRET"


@click.command()
@click.argument("content", type=CONTENT_DIR, default="content")
@click.option("--to", "url", required=True, help="The chat's incoming webhook URL.")
@click.option(
    "--kind",
    type=click.Choice(["feishu", "dingtalk", "wecom", "slack"]),
    default=None,
    help="The chat (default: told from the URL's host).",
)
@as_of_option
@click.option(
    "--since",
    default=None,
    help="status.json of the last published site (a path or URL): only findings not in it"
    " are new. Default: the findings of the previous working day.",
)
@click.option("--site-url", default=None, help="Where the site is published, for links.")
@click.option("--dry-run", is_flag=True, help="Print the request instead of sending it.")
def notify(
    content: Path,
    url: str,
    kind: str | None,
    as_of: date | None,
    since: str | None,
    site_url: str | None,
    dry_run: bool,
) -> None:
    """Post the day's digest of CONTENT to a team chat: who has not filed today's report,
    deviations to escalate, open high risks and new warnings.

    Signed webhooks (Feishu, DingTalk) take their secret from $SITEGEN_WEBHOOK_SECRET.
    """
    from sitegen.authoring.notify import (
        compose,
        findings_of_status,
        keys_of,
        kind_of,
        make_digest,
        post,
        request_for,
    )
    from sitegen.builder.analyse import analyse

    kind = kind or kind_of(url)
    if kind is None:
        raise click.BadParameter(
            "cannot tell the chat from this URL's host; add --kind feishu, dingtalk, wecom"
            " or slack",
            param_hint="--to",
        )
    analysis = analyse(content, as_of)
    msg = Messages(analysis.site.settings.language, kind="authoring")
    if since is not None:
        earlier = findings_of_status(_read(since))
        if earlier is None:
            click.echo(msg("notify.since-unreadable", source=since), err=True)
    else:
        day = analysis.status.calendar.previous(analysis.status.as_of)
        earlier = keys_of(analyse(content, day).findings)
    digest = make_digest(analysis, earlier, site_url)
    message = compose(digest, Messages(analysis.site.settings.language, kind="authoring"))
    request = request_for(kind, url, message, os.environ.get(SECRET_VARIABLE), time.time())
    if dry_run:
        click.echo(request.data().decode("utf-8"))
        return
    problem = post(request, kind)
    if problem:
        click.echo(msg("notify.failed", kind=kind, problem=problem), err=True)
        sys.exit(1)
    click.echo(msg("notify.sent", kind=kind, date=digest.day.isoformat()), err=True)


def _read(source: str) -> bytes:
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=10) as reply:
                return reply.read()
        return Path(source).read_bytes()
    except (OSError, ValueError):
        return b""
