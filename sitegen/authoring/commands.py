"""Commands for the people who write the content: `init` and `serve` (SPEC §7); `new`
is in `sitegen.authoring.new`.

`init` never prompts: a value it cannot work out is a usage error (exit 2) that names
the option to pass.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from datetime import date
from pathlib import Path

import click

from sitegen.authoring.options import CONTENT_DIR, as_of_option, no_history_option
from sitegen.authoring.scaffold import (
    SPEC_EXAMPLE,
    WORKFLOW_PATH,
    InitOptions,
    ScaffoldError,
    installed_requirement,
    slug,
    write_init,
)
from sitegen.core.days import today_in
from sitegen.core.i18n import Messages


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="Site title.")
@click.option("--language", type=click.Choice(["en", "zh-CN"]), default="en", show_default=True)
@click.option("--timezone", help="IANA time zone (default: Asia/Shanghai for zh-CN, else UTC).")
@click.option("--base-url", help="Path prefix on the host (default: /FOLDER-NAME/).")
@click.option(
    "--sitegen-spec",
    help="What the CI workflow installs with pip, e.g. 'sitegen @ git+https://…@v0.1.0'"
    " (default: where this sitegen was installed from, when that is a URL).",
)
def init(
    folder: Path,
    title: str | None,
    language: str,
    timezone: str | None,
    base_url: str | None,
    sitegen_spec: str | None,
) -> None:
    """Start a new content repository in FOLDER (new or empty): settings, team, an
    example project and a GitHub Actions workflow that checks and publishes the site."""
    from pydantic import ValidationError

    from sitegen.content.settings import SiteSettings

    msg = Messages(language, kind="authoring")
    if folder.exists() and any(p.name != ".git" for p in folder.iterdir()):
        raise click.UsageError(msg("init.not-empty", folder=folder))
    timezone = timezone or ("Asia/Shanghai" if language == "zh-CN" else "UTC")
    name = slug(folder.resolve().name)
    base_url = base_url if base_url is not None else (f"/{name}/" if name else "/")
    try:
        settings = SiteSettings(
            title=title or msg("init.title"),
            language=language,
            timezone=timezone,
            base_url=base_url,
        )
    except ValidationError as error:  # the options' values, named as on the command line
        problems = [
            f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
            for e in error.errors()
        ]
        raise click.UsageError("; ".join(problems)) from None
    options = InitOptions(
        title=settings.title,
        language=language,
        timezone=settings.timezone,
        base_url=settings.base_url,
        today=today_in(settings.timezone),
        sitegen_spec=_sitegen_spec(sitegen_spec, msg),
    )
    try:
        written = write_init(folder, options)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(msg("init.created", folder=folder, count=len(written)))
    # Already there (`init .`): no "cd ." step.
    here = folder.resolve() == Path.cwd().resolve()
    cd = "" if here else f"  cd {shlex.quote(str(folder))}\n"
    click.echo(msg("init.next", cd=cd).rstrip())
    if not options.sitegen_spec:
        click.echo(msg("init.spec-missing", workflow=WORKFLOW_PATH, example=SPEC_EXAMPLE).rstrip())


@click.command()
@click.argument("content", type=CONTENT_DIR, default="content")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@as_of_option
@no_history_option
def serve(content: Path, port: int, host: str, as_of: date | None, no_history: bool) -> None:
    """Preview CONTENT at http://HOST:PORT; rebuilds on save and reloads the browser.

    The site is built into the user cache folder, never into CONTENT. A build with
    errors keeps the last good site served, with the errors listed on top of each page.
    """
    from sitegen.authoring.serve import PreviewServer

    def log(line: str) -> None:
        click.echo(line, err=True)

    server = PreviewServer(content, host, port, as_of, log=log, history=not no_history)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` cleans up like Ctrl-C
    try:
        try:
            port = server.start()
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from None
        msg = server.messages
        for line in server.errors:
            log(line)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}{server.base_url}"
        log(msg("serve.listening", folder=content, url=url))
        stopped = threading.Event()
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        log(msg("serve.stopped"))
    finally:
        server.stop()


def _sitegen_spec(given: str | None, msg: Messages) -> str:
    """What CI installs: as given, else where this sitegen came from, else (in a
    terminal) what the team says; "" leaves the workflow to be filled in."""
    if given is not None:
        return given
    found = installed_requirement()
    if found or sys.stdin is None or not sys.stdin.isatty():
        return found
    answer = click.prompt(msg("init.prompt.spec", example=SPEC_EXAMPLE), default="")
    return str(answer).strip()
