"""File templates for `sitegen new` and `sitegen init`, and the team's id conventions.

Ids follow the marketing team's guide: tasks ``MKT-YYYYMM-NNN-NN`` (month, project
number, sub-task number), risks ``R-NN``, reports ``<date>-<author>.md``. Every file
is written with python-frontmatter and never over an existing one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import frontmatter

from sitegen import __version__
from sitegen.content.ids import MAX_ID_LENGTH, is_safe_id
from sitegen.content.projects import Project, Site
from sitegen.content.settings import Thresholds
from sitegen.core.i18n import Messages

TASK_ID = re.compile(r"^MKT-(\d{6})-(\d{3})-(.+)$")
RISK_ID = re.compile(r"^R-(\d+)$")
WORKFLOW_PATH = ".github/workflows/sitegen.yml"
# In a repository made by `init`: where the content is (the default DIR of every command).
CONTENT_FOLDER = "content"
# Shown where the requirement to install sitegen with could not be worked out.
SPEC_EXAMPLE = f"sitegen @ git+https://github.com/OWNER/sitegen@v{__version__}"


class ScaffoldError(Exception):
    """A request `new` or `init` cannot carry out; the message says what to do."""


# ---------------------------------------------------------------- ids


def next_task_id(site: Site, root: Path, project: Project, today: date) -> str:
    """The project's most used ``MKT-YYYYMM-NNN`` prefix with the next free ``-NN``.

    A project without such ids gets a new prefix: the month of its start (else of
    ``today``) and the first project number ``NNN`` no other project uses that month.
    """
    taken = set(site.task_index) | {p.stem for p in root.glob("*/tasks/**/*.md")}
    prefixes = Counter(
        f"MKT-{m[1]}-{m[2]}" for task in project.tasks if (m := TASK_ID.match(task.id))
    )
    if prefixes:
        prefix = max(prefixes, key=lambda p: (prefixes[p], p))
    else:
        start = project.doc.start if project.doc and project.doc.start else None
        month = (start or today).strftime("%Y%m")
        used = {int(m[2]) for t in taken if (m := TASK_ID.match(t)) and m[1] == month}
        number = 1
        while number in used:
            number += 1
        prefix = f"MKT-{month}-{number:03d}"
    numbers = [
        int(m[3])
        for t in taken
        if (m := TASK_ID.match(t)) and f"MKT-{m[1]}-{m[2]}" == prefix and m[3].isdigit()
    ]
    number = max(numbers, default=0) + 1
    while f"{prefix}-{number:02d}" in taken:
        number += 1
    return f"{prefix}-{number:02d}"


def next_risk_id(site: Site, root: Path) -> str:
    """``R-NN`` after the highest numbered risk of the whole site (ids are site-wide)."""
    taken = {r.id for r in site.risks} | {p.stem for p in root.glob("*/risks/**/*.md")}
    numbers = [int(m[1]) for r in taken if (m := RISK_ID.match(r))]
    number = max(numbers, default=0) + 1
    while f"R-{number:02d}" in taken:
        number += 1
    return f"R-{number:02d}"


def slug(text: str) -> str:
    """A safe id from free text (ASCII letters and digits), or '' if nothing is left."""
    value = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:MAX_ID_LENGTH].rstrip("-")
    return value if is_safe_id(value) else ""


# ---------------------------------------------------------------- documents


def dumps(metadata: dict[str, Any], body: str, hint: str = "") -> str:
    """Front matter + body; ``hint`` becomes YAML comments before the closing ``---``."""
    text = frontmatter.dumps(frontmatter.Post(body, **metadata), sort_keys=False)
    if not text.endswith("\n"):
        text += "\n"  # an empty body: the closing line is the last
    if hint:
        comments = "\n".join(f"# {line}".rstrip() for line in hint.strip().splitlines())
        head, sep, tail = text[4:].partition("\n---\n")
        text = text[:4] + head + "\n" + comments + sep + tail
    return text.rstrip("\n") + "\n"


def write_new(path: Path, text: str) -> Path:
    """Create ``path`` (and its folder); refuse to replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists: choose another id or edit that file") from None
    return path


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [])}


@dataclass(frozen=True)
class Draft:
    """A new file: its front matter, its text and guidance kept as YAML comments (never
    placeholder text in the body, which a forgotten edit would publish)."""

    kind: str  # task, risk, report, project or retro: which template applies
    metadata: dict[str, Any]
    body: str = ""
    hint: str = ""

    def text(self) -> str:
        return dumps(self.metadata, self.body, self.hint)


def task_draft(msg: Messages, task_id: str, title: str, owner: str, start: date, end: date,
               values: dict[str, Any] | None = None) -> Draft:  # fmt: skip
    """``values``: the optional keys given (priority, parent, module, depends_on, ...)."""
    head = {"id": task_id, "title": title, "owner": owner}
    dates = {"start": start, "end": end, "status": "todo"}
    return Draft("task", _clean({**head, **(values or {}), **dates}), hint=msg("task.hint"))


def risk_draft(msg: Messages, risk_id: str, title: str, owner: str, impact: str,
               raised: date) -> Draft:  # fmt: skip
    metadata = {"id": risk_id, "title": title, "impact": impact, "owner": owner,
                "status": "open", "raised": raised}  # fmt: skip
    return Draft("risk", metadata, hint=msg("risk.hint"))


def report_draft(msg: Messages, day: date, author: str, tasks: list[str]) -> Draft:
    metadata = {"date": day, "author": author, "entries": [{"task": t} for t in tasks]}
    return Draft("report", metadata, hint=msg("report.hint"))


def project_draft(msg: Messages, title: str, owner: str | None, start: date | None,
                  end: date | None) -> Draft:  # fmt: skip
    metadata = _clean({"title": title, "owner": owner, "start": start, "end": end})
    return Draft("project", metadata, hint=msg("project.hint"))


def retro_draft(msg: Messages, project: Project, day: date, owner: str | None) -> Draft:
    """The project's retrospective, with its people as participants and its KPIs to fill in."""
    people = {task.owner for task in project.tasks}
    for task in project.tasks:
        people.update(c.person for c in task.collaborators)
    owner = owner or (project.doc.owner if project.doc else None)
    metadata = _clean({"date": day, "owner": owner, "participants": sorted(people)})
    kpis = [kpi.id for kpi in project.doc.kpis] if project.doc else []
    hint = msg("retro.hint", kpis=", ".join(kpis) or "—")
    return Draft("retro", metadata, hint=hint)


def new_project_id(title: str, today: date, taken: set[str]) -> str:
    """A folder name for a new project: from its title when that has Latin letters or
    digits, else from the month (``project-202612``), numbered past any taken."""
    base = slug(title) or f"project-{today:%Y%m}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def with_template(draft: Draft, content: Path, project_folder: Path | None) -> Draft:
    """``draft`` with the defaults and text of the content's template for its kind: the
    project's ``_templates/<kind>.md`` first, then the content folder's. What the
    command was given wins over the template."""
    folders = [project_folder, content] if project_folder is not None else [content]
    for folder in folders:
        template = folder / "_templates" / f"{draft.kind}.md"
        if template.is_file():
            try:
                post = frontmatter.loads(template.read_text(encoding="utf-8"))
            except Exception as error:  # any YAML problem: say which file
                raise ScaffoldError(f"{template}: cannot be read as a template ({error})") from None
            defaults = {k: v for k, v in post.metadata.items() if k not in draft.metadata}
            metadata = {**draft.metadata, **defaults}
            body = post.content.strip("\n") + "\n" if post.content.strip() else draft.body
            return Draft(draft.kind, metadata, body, draft.hint)
    return draft


def open_tasks_of(site: Site, project: Project, author: str, day: date) -> list[str]:
    """Tasks a report by ``author`` on ``day`` is likely about: theirs, open, under way."""
    closed = {"done", "cancelled"}
    return sorted(
        t.id
        for t in project.tasks
        if t.owner == author
        and (t.status is None or t.status.value not in closed)
        and t.first_day <= day <= t.end
    )


# ---------------------------------------------------------------- init


def installed_requirement() -> str:
    """How CI can install the sitegen that is running, as pip takes it, or "" when that
    cannot be known: installed from a local folder, or from a package index (where the
    name "sitegen" belongs to an unrelated project)."""
    try:
        text = metadata.distribution("sitegen").read_text("direct_url.json")
        origin = json.loads(text) if text else {}
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    if not url.startswith(("https://", "ssh://")):
        return ""
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"sitegen @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    return f"sitegen @ {url}" if "archive_info" in origin else ""


def daily_run(timezone: str, deadline: str, year: int) -> tuple[str, str]:
    """The workflow's daily schedule: half an hour after the report deadline in
    ``timezone``, Monday to Friday there, as a cron line in UTC (GitHub's clock), and a
    comment that says so. Under daylight saving time the zone has two offsets; the run
    is set by the smaller, so that it comes after the deadline all year (an hour later
    than needed in the other half)."""
    hour, minute = (int(part) for part in deadline.split(":"))
    zone = ZoneInfo(timezone)
    offsets = sorted(
        {datetime(year, month, 15, 12, tzinfo=zone).utcoffset() or timedelta() for month in (1, 7)}
    )
    run = timedelta(hours=hour, minutes=minute + 30)
    utc = run - offsets[0]
    days = utc // timedelta(days=1)  # -1, 0 or 1: the UTC day before, the same or after
    weekdays = {-1: "0-4", 0: "1-5", 1: "2-6"}[days]
    at = utc - days * timedelta(days=1)
    hours, minutes = divmod(int(at.total_seconds()) // 60, 60)
    local = [_clock(run + offset - offsets[0]) for offset in offsets]
    note = f"{hours:02d}:{minutes:02d} UTC = {' or '.join(local)} in {timezone}"
    return f"{minutes} {hours} * * {weekdays}", f"{note}, after the {deadline} deadline"


def _clock(time_of_day: timedelta) -> str:
    hours, minutes = divmod(int(time_of_day.total_seconds()) // 60 % (24 * 60), 60)
    return f"{hours:02d}:{minutes:02d}"


def workflow_text(sitegen_spec: str, schedule: tuple[str, str]) -> str:
    template = (
        resources.files("sitegen").joinpath("authoring/scaffolds/sitegen.yml").read_text("utf-8")
    )
    replacements = {
        "@SITEGEN_SPEC@": sitegen_spec,
        "@SPEC_EXAMPLE@": SPEC_EXAMPLE,
        "@CRON@": schedule[0],
        "@CRON_NOTE@": schedule[1],
    }
    for placeholder, value in replacements.items():
        template = template.replace(placeholder, value)
    # The install step's error names the line to edit when SITEGEN is left empty.
    line = next(n for n, text in enumerate(template.splitlines(), 1) if "  SITEGEN: " in text)
    return template.replace("@SITEGEN_LINE@", str(line))


@dataclass(frozen=True)
class InitOptions:
    title: str
    language: str
    timezone: str
    base_url: str
    today: date
    sitegen_spec: str = ""  # pip's requirement for CI; "" leaves it for the team to fill in


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init_files(options: InitOptions) -> dict[str, str]:
    """Every file of a new content repository, by relative path: the content in
    `content/`, where every command looks by default, and beside it the README, the
    workflow and a .gitignore for the output folder `public/`."""
    msg = Messages(options.language, kind="authoring")
    # The example is under way today (or on the last working day before a weekend), so a
    # fresh repository checks without warnings.
    today = options.today
    anchor = today - timedelta(days=max(today.weekday() - 4, 0))
    project, lead, writer = "example", msg("init.lead"), msg("init.writer")
    first, second = f"MKT-{anchor:%Y%m}-001-01", f"MKT-{anchor:%Y%m}-001-02"
    content = {
        "site.yaml": msg(
            "init.site",
            title=_yaml_text(options.title),
            language=options.language,
            timezone=options.timezone,
            base_url=options.base_url,
        ),
        "team.yaml": msg("init.team"),
        f"{project}/project.md": dumps(
            {
                "title": msg("init.project.title"),
                "owner": lead,
                "acceptor": msg("init.project.acceptor"),
                "start": anchor,
                "end": anchor + timedelta(days=27),
                "goal": msg("init.project.goal"),
                "kpis": [
                    {
                        "id": "signups",
                        "name": msg("init.kpi.name"),
                        "target": 2000,
                        "unit": msg("init.kpi.unit"),
                    }
                ],
            },
            msg("init.project.body"),
            msg("project.hint"),
        ),
        f"{project}/tasks/{first}.md": dumps(
            {
                "id": first,
                "title": msg("init.task1.title"),
                "owner": lead,
                "priority": "P0",
                "start": anchor,
                "end": anchor + timedelta(days=4),
                "module": msg("init.module"),
                "deliverables": [msg("init.task1.deliverable")],
                "skills": [msg("init.skill.plan")],
                "status": "doing",
                "confirmed": True,
            },
            msg("init.task1.body"),
        ),
        f"{project}/tasks/{second}.md": dumps(
            {
                "id": second,
                "title": msg("init.task2.title"),
                "owner": writer,
                "priority": "P1",
                "start": anchor + timedelta(days=5),
                "end": anchor + timedelta(days=9),
                "module": msg("init.module"),
                "depends_on": [first],
                "deliverables": [msg("init.task2.deliverable")],
                "skills": [msg("init.skill.write")],
                "confirmed": True,
            },
            msg("init.task2.body"),
        ),
        f"{project}/reports/{anchor.isoformat()}-{lead}.md": dumps(
            {
                "date": anchor,
                "author": lead,
                "entries": [
                    {
                        "task": first,
                        "plan": msg("init.report.plan"),
                        "done": msg("init.report.done"),
                        "planned": 2,
                        "actual": 2,
                        "progress": 40,
                        "evidence": ["https://example.com/brief-draft"],
                    }
                ],
            },
            msg("init.report.body"),
        ),
        f"{project}/risks/R-01.md": dumps(
            {
                "id": "R-01",
                "title": msg("init.risk.title"),
                "impact": "medium",
                "owner": lead,
                "trigger": msg("init.risk.trigger"),
                "response": msg("init.risk.response"),
                "status": "open",
                "tasks": [second],
                "raised": anchor,
            },
            msg("init.risk.body"),
        ),
    }
    deadline = Thresholds().report_deadline  # init's site.yaml keeps the default
    readme = msg(
        "init.readme",
        spec=options.sitegen_spec or SPEC_EXAMPLE,
        owner=writer,
        end=(today + timedelta(days=2)).isoformat(),  # short: no too-coarse notice
    )
    return {
        "README.md": readme,
        ".gitignore": "public/\n",
        WORKFLOW_PATH: workflow_text(
            options.sitegen_spec, daily_run(options.timezone, deadline, options.today.year)
        ),
        **{f"{CONTENT_FOLDER}/{name}": text for name, text in content.items()},
    }


def write_init(folder: Path, options: InitOptions) -> list[Path]:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} is not empty: choose a new or empty folder")
    written = []
    for name, text in sorted(init_files(options).items()):
        written.append(write_new(folder / name, text))
    return written
