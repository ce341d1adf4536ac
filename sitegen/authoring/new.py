"""`sitegen new`: start a valid task, risk, report, project or retro file (SPEC §7).

It never prompts unless stdin is a terminal: in scripts and CI a missing value is a
usage error (exit 2) that names the option to pass. A content folder may keep its own
starting points in `_templates/<kind>.md` (in the content folder, or in a project's
folder for that project), as Hugo's archetypes: their front matter gives defaults,
their text the body.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from sitegen.authoring.options import CONTENT_DIR, DAY
from sitegen.authoring.scaffold import (
    Draft,
    ScaffoldError,
    new_project_id,
    next_risk_id,
    next_task_id,
    open_tasks_of,
    project_draft,
    report_draft,
    retro_draft,
    risk_draft,
    task_draft,
    with_template,
    write_new,
)
from sitegen.content.choices import Priority
from sitegen.content.ids import MAX_ID_LENGTH, IdProblem, id_problem
from sitegen.content.projects import Project, Site
from sitegen.core.days import today_in
from sitegen.core.i18n import Messages

KINDS = ("task", "risk", "report", "project", "retro")


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


class _Request:
    """The loaded site and the checks every kind of `new` shares."""

    def __init__(self, content: Path) -> None:
        from sitegen.content.load import load_site

        if not (content / "site.yaml").is_file() and not (content / "team.yaml").is_file():
            english = Messages("en", kind="authoring")
            raise click.UsageError(english("new.not-content", folder=content))
        self.content = content
        self.site: Site = load_site(content).site
        self.msg = Messages(self.site.settings.language, kind="authoring")
        self.ask = _Asker(self.msg)
        self.today = today_in(self.site.settings.timezone)

    def person(self, person_id: str) -> str:
        if person_id not in self.site.person_index:
            known = ", ".join(sorted(self.site.person_index)) or "—"
            raise click.UsageError(self.msg("new.unknown-person", id=person_id, known=known))
        return person_id

    def task(self, task_id: str) -> str:
        if task_id not in self.site.task_index:
            known = ", ".join(sorted(self.site.task_index)) or "—"
            raise click.UsageError(self.msg("new.unknown-task", id=task_id, known=known))
        return task_id

    def project(self, project_id: str | None, hint: list[str]) -> Project:
        """The project named with --project, else the only (or only plausible) one."""
        projects = {p.id: p for p in self.site.projects}
        known = ", ".join(projects) or "—"
        if not projects:
            raise click.UsageError(self.msg("new.no-project"))
        if project_id is None:
            candidates = hint if len(hint) == 1 else list(projects)
            if len(candidates) == 1:
                return projects[candidates[0]]
            if not _interactive():
                raise click.UsageError(self.msg("new.which-project", known=known))
            choice = click.Choice(list(projects))
            project_id = self.ask(None, "--project", "new.prompt.project", choice)
        if project_id not in projects:
            raise click.UsageError(self.msg("new.unknown-project", id=project_id, known=known))
        return projects[project_id]

    def safe(self, value: str) -> str:
        problem = id_problem(value)
        if problem is not None:
            key = "new.bad-id" if problem is IdProblem.FORM else f"new.bad-id.{problem}"
            limit = MAX_ID_LENGTH
            raise click.UsageError(self.msg(key, id=value, length=len(value), limit=limit))
        return value

    def dates(self, first: date | None, last: date | None) -> None:
        if first and last and last < first:
            start, end = first.isoformat(), last.isoformat()
            raise click.UsageError(self.msg("new.dates", start=start, end=end))

    def write(self, path: Path, draft: Draft, edit: bool) -> None:
        in_kind_folder = path.parent.name in ("tasks", "reports", "risks")
        project_folder = path.parent.parent if in_kind_folder else path.parent
        draft = with_template(draft, self.content, project_folder)
        try:
            write_new(path, draft.text())
        except ScaffoldError as error:
            raise click.ClickException(str(error)) from None
        shown = path.relative_to(self.content) if path.is_relative_to(self.content) else path
        click.echo(self.msg("new.created", path=(self.content / shown).as_posix()))
        if edit:
            click.edit(filename=str(path))


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("content", type=CONTENT_DIR, default="content")
@click.option("--project", "project_id", help="Project (folder name) the file belongs to.")
@click.option("--title", help="Title of the task, risk or project.")
@click.option("--owner", help="Owner's team id.")
@click.option("--start", type=DAY, help="Start date (task: default today).")
@click.option("--end", type=DAY, help="End date (inclusive; a milestone: its day).")
@click.option("--author", help="Report author's team id.")
@click.option("--date", "day", type=DAY, help="Report or retro date (default today).")
@click.option("--id", "new_id", help="Use this id instead of the next free one.")
@click.option(
    "--impact",
    type=click.Choice(["high", "medium", "low"]),
    default="medium",
    show_default=True,
    help="Risk impact.",
)
@click.option("--priority", type=click.Choice([p.value for p in Priority]), help="Task priority.")
@click.option("--parent", help="The task this one is a part of (WBS level 3).")
@click.option("--module", help="Task module (WBS level 2).")
@click.option("--depends-on", multiple=True, help="Task id this task depends on (repeatable).")
@click.option("--deliverable", multiple=True, help="A deliverable of the task (repeatable).")
@click.option("--skill", multiple=True, help="A skill the task needs (repeatable).")
@click.option(
    "--collaborator",
    multiple=True,
    help="A collaborator's team id, optionally with a role: li-si or li-si:设计 (repeatable).",
)
@click.option("--milestone", is_flag=True, help="A milestone: one day, no work of its own.")
@click.option("--edit", is_flag=True, help="Open the new file in $EDITOR.")
def new(kind: str, content: Path, edit: bool, **options: Any) -> None:
    """Write a new valid KIND file (task, risk, report, project, retro) into CONTENT.

    Ids follow the team convention: tasks MKT-YYYYMM-NNN-NN, risks R-NN, reports
    <date>-<author>.md; a project without --id gets one from its title or the month.
    An existing file is never overwritten. CONTENT/_templates/KIND.md (or the
    project's own _templates/KIND.md) gives the new file's defaults and text.
    """
    request = _Request(content)
    path, draft = _MAKERS[kind](request, **options)
    request.write(path, draft, edit)


def _new_project(request: _Request, **options: Any) -> tuple[Path, Draft]:
    title = request.ask(options["title"], "--title", "new.prompt.title")
    given = [value for value in (options["new_id"], options["project_id"]) if value]
    if len(set(given)) > 1:
        raise click.UsageError(request.msg("new.two-ids", id=given[0], project=given[1]))
    taken = {p.id for p in request.site.projects} | {
        path.name for path in request.content.iterdir() if path.is_dir()
    }
    project_id = request.safe(given[0] if given else new_project_id(title, request.today, taken))
    if project_id in taken:
        raise click.ClickException(request.msg("new.project-exists", id=project_id))
    owner = request.person(options["owner"]) if options["owner"] else None
    first, last = options["start"], options["end"]
    request.dates(first, last)
    draft = project_draft(request.msg, title, owner, first, last)
    return request.content / project_id / "project.md", draft


def _new_report(request: _Request, **options: Any) -> tuple[Path, Draft]:
    site = request.site
    author = request.person(request.ask(options["author"], "--author", "new.prompt.author"))
    day = options["day"] or request.today
    theirs = [p.id for p in site.projects if open_tasks_of(site, p, author, day)]
    project = request.project(options["project_id"], theirs)
    tasks = open_tasks_of(site, project, author, day)
    path = request.content / project.folder / "reports" / f"{day.isoformat()}-{author}.md"
    return path, report_draft(request.msg, day, author, tasks)


def _new_retro(request: _Request, **options: Any) -> tuple[Path, Draft]:
    project = request.project(options["project_id"], [])
    path = request.content / project.folder / "retro.md"
    if path.exists():
        raise click.ClickException(request.msg("new.retro-exists", project=project.id))
    owner = request.person(options["owner"]) if options["owner"] else None
    return path, retro_draft(request.msg, project, options["day"] or request.today, owner)


def _new_risk(request: _Request, **options: Any) -> tuple[Path, Draft]:
    project = request.project(options["project_id"], [])
    title = request.ask(options["title"], "--title", "new.prompt.title")
    owner = request.person(request.ask(options["owner"], "--owner", "new.prompt.owner"))
    risk_id = request.safe(options["new_id"] or next_risk_id(request.site, request.content))
    raised = options["day"] or request.today
    draft = risk_draft(request.msg, risk_id, title, owner, options["impact"], raised)
    return request.content / project.folder / "risks" / f"{risk_id}.md", draft


def _new_task(request: _Request, **options: Any) -> tuple[Path, Draft]:
    site = request.site
    project = request.project(options["project_id"], [])
    title = request.ask(options["title"], "--title", "new.prompt.title")
    owner = request.person(request.ask(options["owner"], "--owner", "new.prompt.owner"))
    task_id = options["new_id"] or next_task_id(site, request.content, project, request.today)
    task_id = request.safe(task_id)
    first = options["start"] or request.today
    last = options["end"] or (first if options["milestone"] else None)
    last = request.ask(last, "--end", "new.prompt.end", DAY)
    request.dates(first, last)
    collaborators = [_collaborator(request, value) for value in options["collaborator"]]
    values = {
        "priority": options["priority"],
        "parent": request.task(options["parent"]) if options["parent"] else None,
        "module": options["module"],
        "depends_on": [request.task(t) for t in options["depends_on"]],
        "deliverables": list(options["deliverable"]),
        "skills": list(options["skill"]),
        "collaborators": collaborators,
        "kind": "milestone" if options["milestone"] else None,
    }
    draft = task_draft(request.msg, task_id, title, owner, first, last, values)
    return request.content / project.folder / "tasks" / f"{task_id}.md", draft


def _collaborator(request: _Request, value: str) -> str | dict[str, str]:
    person, _, role = value.partition(":")
    request.person(person.strip())
    return {"person": person.strip(), "role": role.strip()} if role.strip() else person.strip()


_MAKERS = {
    "project": _new_project,
    "report": _new_report,
    "retro": _new_retro,
    "risk": _new_risk,
    "task": _new_task,
}

__all__ = ["KINDS", "new"]
