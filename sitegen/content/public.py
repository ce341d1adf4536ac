"""`build --public`: drop everything marked internal and every budget figure.

An internal person vanishes like an internal task: their reports go, and wherever they
own, help with or take part in something that stays, a placeholder ("another team
member") stands for them, in every page and export alike. Report-discipline findings
name people, so a public site shows them only when site.yaml opts in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from sitegen.content.model import Document, RetroDoc
from sitegen.content.projects import Site
from sitegen.content.settings import SiteSettings
from sitegen.core.findings import REPORT_DISCIPLINE_CODES, Finding
from sitegen.core.i18n import Messages

DocT = TypeVar("DocT", bound=Document)


def _changed(doc: DocT, **update: Any) -> DocT:
    """A copy of ``doc`` with ``update``; no longer what its file says, so its source
    loses the content digest that fingerprints would otherwise trust."""
    source = replace(doc.source, content_digest=b"")
    return doc.model_copy(update={**update, "source": source})


def redact(site: Site) -> Site:
    """A copy of the site fit for outside readers; references to dropped items go too."""
    hidden_tasks = {t.id for t in site.tasks if t.internal}
    hidden_people = {p.id for p in site.people if p.internal}
    shown = _person_shown(hidden_people, site.settings.language)
    projects = []
    for project in site.projects:
        if project.doc is not None and project.doc.internal:
            hidden_tasks.update(t.id for t in project.tasks)
            continue
        projects.append(project)
    kept_projects = []
    for project in projects:
        doc = project.doc
        if doc is not None:
            doc = _changed(doc, budget=None, owner=shown(doc.owner), acceptor=shown(doc.acceptor))
        tasks = [
            _changed(
                t,
                budget=None,
                depends_on=[d for d in t.depends_on if d not in hidden_tasks],
                parent=None if t.parent in hidden_tasks else t.parent,
                owner=shown(t.owner),
                collaborators=[
                    c.model_copy(update={"person": shown(c.person)}) for c in t.collaborators
                ],
            )
            for t in project.tasks
            if t.id not in hidden_tasks
        ]
        reports = []
        for report in project.reports:
            if report.internal or report.author in hidden_people:
                continue
            entries = [e for e in report.entries if e.task not in hidden_tasks]
            reports.append(_changed(report, entries=entries))
        risks = [
            _changed(r, tasks=[t for t in r.tasks if t not in hidden_tasks], owner=shown(r.owner))
            for r in project.risks
            if not r.internal
        ]
        retro = project.retro
        retro = _public_retro(retro, shown) if retro and not retro.internal else None
        kept_projects.append(
            replace(project, doc=doc, tasks=tasks, reports=reports, risks=risks, retro=retro)
        )
    people = [p for p in site.people if p.id not in hidden_people]
    return Site(site.settings, people, kept_projects, site.team_source)


def _person_shown(hidden: set[str], language: str) -> Callable[[Any], Any]:
    """How a public site shows a person field's value: an internal person's id becomes the
    placeholder (which no id can equal: it has spaces or is Chinese); anything else stays."""
    placeholder = Messages(language, kind="ui")("person.other")
    return lambda value: placeholder if value in hidden else value


def _public_retro(retro: RetroDoc, shown: Callable[[Any], Any]) -> RetroDoc:
    return _changed(
        retro,
        owner=shown(retro.owner),
        participants=list(dict.fromkeys(shown(p) for p in retro.participants)),
        actions=[a.model_copy(update={"owner": shown(a.owner)}) for a in retro.actions],
    )


def public_findings(findings: list[Finding], settings: SiteSettings) -> list[Finding]:
    """The findings a public site shows: report-discipline ones (late, missing, too long,
    edited, backdated) say who filed what when, so only with `public.report_alerts`; a
    replan names who committed it, so never."""
    # `replanned` names the commit's author, who may be anyone with access to the repo.
    hidden = {"replanned"} | (set() if settings.public.report_alerts else REPORT_DISCIPLINE_CODES)
    return [f for f in findings if f.code not in hidden]


def internal_files(site: Site) -> set[str]:
    """Files whose findings must not appear in a public build."""
    files = set()
    for project in site.projects:
        whole = project.doc is not None and project.doc.internal
        docs = [project.doc, *project.tasks, *project.reports, *project.risks, project.retro]
        files.update(d.source.file for d in docs if d is not None and (whole or d.internal))
    return files
