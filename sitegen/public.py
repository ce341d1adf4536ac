"""`build --public`: drop everything marked internal and every budget figure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from sitegen.model import Document, Project, Site

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
    projects = []
    for project in site.projects:
        if project.doc is not None and project.doc.internal:
            hidden_tasks.update(t.id for t in project.tasks)
            continue
        projects.append(project)
    kept_projects = []
    for project in projects:
        doc = _changed(project.doc, budget=None) if project.doc else None
        tasks = [
            _changed(
                t,
                budget=None,
                depends_on=[d for d in t.depends_on if d not in hidden_tasks],
                parent=None if t.parent in hidden_tasks else t.parent,
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
            _changed(r, tasks=[t for t in r.tasks if t not in hidden_tasks])
            for r in project.risks
            if not r.internal
        ]
        retro = project.retro if project.retro and not project.retro.internal else None
        kept_projects.append(Project(project.id, project.folder, doc, tasks, reports, risks, retro))
    people = [p for p in site.people if p.id not in hidden_people]
    return Site(site.settings, people, kept_projects, site.team_source)


def internal_files(site: Site) -> set[str]:
    """Files whose findings must not appear in a public build."""
    files = set()
    for project in site.projects:
        whole = project.doc is not None and project.doc.internal
        docs = [project.doc, *project.tasks, *project.reports, *project.risks, project.retro]
        files.update(d.source.file for d in docs if d is not None and (whole or d.internal))
    return files
