"""Commands for the people who write the content: `new`, `init` and `serve` (SPEC §7).

`new` and `init` never prompt unless stdin is a terminal: in scripts and CI a missing
value is a usage error (exit 2) that names the option to pass.
"""

from __future__ import annotations

import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import click

from sitegen.build import today_in
from sitegen.i18n import Messages
from sitegen.model import Project, Site, is_safe_id
from sitegen.options import CONTENT_DIR, DAY, as_of_option, no_history_option
from sitegen.scaffold import (
    SPEC_EXAMPLE,
    WORKFLOW_PATH,
    InitOptions,
    ScaffoldError,
    installed_requirement,
    next_risk_id,
    next_task_id,
    open_tasks_of,
    project_text,
    report_text,
    risk_text,
    slug,
    task_text,
    write_init,
    write_new,
)

KINDS = ("task", "risk", "report", "project")


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


class _Asker:
    """Fills in missing values: a prompt in a terminal, a usage error anywhere else."""

    def __init__(self, msg: Messages) -> None:
        self.msg = msg

    def __call__(self, value: Any, option: str, prompt: str, kind: Any = str) -> Any:
        if value not in (None, ""):
            return value
        if not _interactive():
            raise click.UsageError(self.msg("new.missing", option=option))
        return click.prompt(self.msg(prompt), type=kind)


def _load(content: Path) -> tuple[Site, Messages]:
    from sitegen.load import load_site

    if not (content / "site.yaml").is_file() and not (content / "team.yaml").is_file():
        raise click.UsageError(Messages("en", kind="authoring")("new.not-content", folder=content))
    site = load_site(content).site
    return site, Messages(site.settings.language, kind="authoring")


def _person(site: Site, msg: Messages, person_id: str) -> str:
    if person_id not in site.person_index:
        known = ", ".join(sorted(site.person_index)) or "—"
        raise click.UsageError(msg("new.unknown-person", id=person_id, known=known))
    return person_id


def _project(
    site: Site, msg: Messages, ask: _Asker, project_id: str | None, hint: list[str]
) -> Project:
    """The project named with --project, else the only (or only plausible) one."""
    projects = {p.id: p for p in site.projects}
    known = ", ".join(projects) or "—"
    if not projects:
        raise click.UsageError(msg("new.no-project"))
    if project_id is None:
        candidates = hint if len(hint) == 1 else list(projects)
        if len(candidates) == 1:
            return projects[candidates[0]]
        if not _interactive():
            raise click.UsageError(msg("new.which-project", known=known))
        project_id = ask(None, "--project", "new.prompt.project", click.Choice(list(projects)))
    if project_id not in projects:
        raise click.UsageError(msg("new.unknown-project", id=project_id, known=known))
    return projects[project_id]


def _safe(msg: Messages, value: str) -> str:
    if not is_safe_id(value):
        raise click.UsageError(msg("new.bad-id", id=value))
    return value


def _write(content: Path, path: Path, text: str, msg: Messages) -> None:
    try:
        write_new(path, text)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    shown = path.relative_to(content) if path.is_relative_to(content) else path
    click.echo(msg("new.created", path=(content / shown).as_posix()))


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("content", type=CONTENT_DIR, default="content")
@click.option("--project", "project_id", help="Project (folder name) the file belongs to.")
@click.option("--title", help="Title of the task, risk or project.")
@click.option("--owner", help="Owner's team id.")
@click.option("--start", type=DAY, help="Start date (task: default today).")
@click.option("--end", type=DAY, help="End date (inclusive).")
@click.option("--author", help="Report author's team id.")
@click.option("--date", "day", type=DAY, help="Report date (default today).")
@click.option("--id", "new_id", help="Use this id instead of the next free one.")
@click.option(
    "--impact",
    type=click.Choice(["high", "medium", "low"]),
    default="medium",
    show_default=True,
    help="Risk impact.",
)
@click.option("--module", help="Task module (WBS level 2).")
@click.option("--depends-on", multiple=True, help="Task id this task depends on (repeatable).")
def new(
    kind: str,
    content: Path,
    project_id: str | None,
    title: str | None,
    owner: str | None,
    start: date | None,
    end: date | None,
    author: str | None,
    day: date | None,
    new_id: str | None,
    impact: str,
    module: str | None,
    depends_on: tuple[str, ...],
) -> None:
    """Write a new valid KIND file (task, risk, report, project) into CONTENT.

    Ids follow the team convention: tasks MKT-YYYYMM-NNN-NN, risks R-NN, reports
    <date>-<author>.md. An existing file is never overwritten.
    """
    site, msg = _load(content)
    ask = _Asker(msg)
    today = today_in(site.settings.timezone)
    first, last = start, end

    if kind == "project":
        title = ask(title, "--title", "new.prompt.title")
        project_id = _safe(msg, ask(new_id or slug(title or ""), "--id", "new.prompt.id"))
        folder = content / project_id
        if folder.exists() or project_id in {p.id for p in site.projects}:
            raise click.ClickException(msg("new.project-exists", id=project_id))
        if owner:
            _person(site, msg, owner)
        _check_dates(msg, first, last)
        _write(content, folder / "project.md", project_text(msg, title, owner, first, last), msg)
        return

    if kind == "report":
        author = _person(site, msg, ask(author, "--author", "new.prompt.author"))
        report_day = day or today
        theirs = [p.id for p in site.projects if open_tasks_of(site, p, author, report_day)]
        project = _project(site, msg, ask, project_id, theirs)
        tasks = open_tasks_of(site, project, author, report_day)
        text = report_text(msg, report_day, author, tasks)
        path = content / project.folder / "reports" / f"{report_day.isoformat()}-{author}.md"
        _write(content, path, text, msg)
        return

    project = _project(site, msg, ask, project_id, [])
    title = ask(title, "--title", "new.prompt.title")
    owner = _person(site, msg, ask(owner, "--owner", "new.prompt.owner"))
    if kind == "task":
        task_id = _safe(msg, new_id or next_task_id(site, content, project, today))
        first = first or today
        last = ask(last, "--end", "new.prompt.end", DAY)
        _check_dates(msg, first, last)
        for dependency in depends_on:
            if dependency not in site.task_index:
                known = ", ".join(sorted(site.task_index)) or "—"
                raise click.UsageError(msg("new.unknown-task", id=dependency, known=known))
        text = task_text(msg, task_id, title, owner, first, last, module, list(depends_on))
        _write(content, content / project.folder / "tasks" / f"{task_id}.md", text, msg)
    else:
        risk_id = _safe(msg, new_id or next_risk_id(site, content))
        text = risk_text(msg, risk_id, title, owner, impact, day or today)
        _write(content, content / project.folder / "risks" / f"{risk_id}.md", text, msg)


def _check_dates(msg: Messages, first: date | None, last: date | None) -> None:
    if first and last and last < first:
        raise click.UsageError(msg("new.dates", start=first.isoformat(), end=last.isoformat()))


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

    from sitegen.settings import SiteSettings

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
        sitegen_spec=installed_requirement() if sitegen_spec is None else sitegen_spec,
    )
    try:
        written = write_init(folder, options)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(msg("init.created", folder=folder, count=len(written)))
    click.echo(msg("init.next", folder=folder).rstrip())
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
    from sitegen.serve import PreviewServer

    msg = Messages("en", kind="authoring")
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise click.ClickException(msg("serve.missing-watchfiles")) from None

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
