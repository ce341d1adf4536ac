"""Stage 2: checks across documents — ids, references, dates and dependency cycles."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from sitegen.content.ids import MAX_ID_LENGTH, IdProblem, id_problem, is_safe_id
from sitegen.content.load import LoadResult
from sitegen.content.model import Document, Person, TaskDoc
from sitegen.content.projects import Site
from sitegen.content.source import Source
from sitegen.content.window import MAX_SHOWN_DAYS
from sitegen.core.findings import Finding, severity_of
from sitegen.core.i18n import Messages

SHOWN_ID_LENGTH = 24  # characters quoted of an id too long to quote in full
MAX_TASK_DAYS = 366  # calendar days: a task longer than a year is a typo in a date


@dataclass
class _Checker:
    site: Site
    msg: Messages
    known_tasks: set[str]
    known_people: set[str]
    team_ok: bool

    def finding(self, code: str, source: Source, path: tuple, message: str, **links) -> Finding:
        return Finding(code, severity_of(code), source.file, source.line(*path), message, **links)

    def ref(
        self,
        source: Source,
        path: tuple,
        value: str | None,
        known: Collection[str],
        what: str,
        **links,
    ) -> Iterator[Finding]:
        if value is None or value in known:
            return
        known = sorted(known)
        close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
        if close:
            hint = self.msg("hint.closest", id=close[0])
        elif known:
            shown = known[:12] + (["…"] if len(known) > 12 else [])
            hint = self.msg("hint.known", ids=", ".join(shown))
        else:
            hint = self.msg(f"hint.none.{what}")
        yield self.finding(
            "unknown-ref",
            source,
            path,
            self.msg(f"unknown-ref.{what}", id=value, hint=hint),
            **links,
        )

    def person(self, doc: Document, path: tuple, value: str | None, **links) -> Iterator[Finding]:
        if not self.team_ok:
            return
        yield from self.ref(doc.source, path, value, self.known_people, "person", **links)

    def task(self, doc: Document, path: tuple, value: str | None, **links) -> Iterator[Finding]:
        yield from self.ref(doc.source, path, value, self.known_tasks, "task", **links)


def _unsafe_ids(check: _Checker) -> Iterator[Finding]:
    for project in check.site.projects:
        if not is_safe_id(project.folder):
            yield Finding(
                "unsafe-id",
                severity_of("unsafe-id"),
                f"{project.folder}/project.md",
                1,
                _unsafe_id_message(check, project.folder, "unsafe-id.project"),
                project=project.id,
            )
        for doc in [*project.tasks, *project.risks]:
            if not is_safe_id(doc.id):
                yield check.finding(
                    "unsafe-id", doc.source, ("id",), _unsafe_id_message(check, doc.id)
                )
        for doc in [*project.tasks, *project.risks]:  # tasks/<ID>.md, risks/<ID>.md
            stem = doc.source.file.rsplit("/", 1)[-1].removesuffix(".md")
            if is_safe_id(doc.id) and doc.id != stem:
                yield check.finding(
                    "field", doc.source, ("id",), check.msg("id.stem", id=doc.id, stem=stem)
                )
    for person in check.site.people:
        if not is_safe_id(person.id):
            yield check.finding(
                "unsafe-id", person.source, ("id",), _unsafe_id_message(check, person.id)
            )


def _unsafe_id_message(check: _Checker, value: str, key: str = "unsafe-id") -> str:
    """Why ``value`` cannot name a file, by the catalog's ``key`` or ``key.<problem>``."""
    problem = id_problem(value)
    if problem is not IdProblem.FORM:
        key = f"{key}.{problem}"
    shown = value if len(value) <= MAX_ID_LENGTH else value[:SHOWN_ID_LENGTH] + "…"
    return check.msg(key, id=shown, length=len(value), limit=MAX_ID_LENGTH)


def _duplicates(check: _Checker) -> Iterator[Finding]:
    seen: dict[str, Document] = {}
    docs: list[Document] = [
        doc for project in check.site.projects for doc in [*project.tasks, *project.risks]
    ]
    for doc in sorted(docs, key=lambda d: d.source.file):
        key = doc.id.casefold()  # type: ignore[attr-defined]
        first = seen.setdefault(key, doc)
        if first is doc:
            continue
        same = first.id == doc.id  # type: ignore[attr-defined]
        yield check.finding(
            "duplicate-id",
            doc.source,
            ("id",),
            check.msg(
                "duplicate-id" if same else "duplicate-id.case",
                id=doc.id,
                other=first.id,
                file=first.source.file,  # type: ignore[attr-defined]
            ),
        )
    for project in check.site.projects:
        reports: dict[str, Document] = {}
        for report in project.reports:
            first_report = reports.setdefault(report.id, report)
            if first_report is not report:
                yield check.finding(
                    "duplicate-id",
                    report.source,
                    ("date",),
                    check.msg("duplicate-id.report", id=report.id, file=first_report.source.file),
                )
    people: dict[str, Person] = {}
    for person in check.site.people:
        first_person = people.setdefault(person.id.casefold(), person)
        if first_person is not person:
            yield check.finding(
                "duplicate-id",
                person.source,
                ("id",),
                check.msg("duplicate-id.person", id=person.id, other=first_person.id),
            )
    folders: dict[str, str] = {}
    for project in check.site.projects:
        first_folder = folders.setdefault(project.folder.casefold(), project.folder)
        if first_folder != project.folder:
            yield Finding(
                "duplicate-id",
                severity_of("duplicate-id"),
                f"{project.folder}/project.md",
                1,
                check.msg(
                    "duplicate-id.case", id=project.folder, other=first_folder, file=first_folder
                ),
            )


def _duplicate_kpis(check: _Checker) -> Iterator[Finding]:
    """A kpi listed twice in project.md, or given two actuals in retro.md: the retro's
    actual could then belong to either, or the second would silently win."""
    for project in check.site.projects:
        for doc, key in ((project.doc, "duplicate-id.kpi"), (project.retro, "duplicate-id.actual")):
            if doc is None:
                continue
            first_index: dict[str, int] = {}
            for index, kpi in enumerate(doc.kpis):
                first = first_index.setdefault(kpi.id, index)
                if first != index:
                    yield check.finding(
                        "duplicate-id",
                        doc.source,
                        ("kpis", index, "id"),
                        check.msg(key, id=kpi.id, line=doc.source.line("kpis", first, "id")),
                        project=project.id,
                    )


def _references(check: _Checker) -> Iterator[Finding]:
    for project in check.site.projects:
        kpi_ids = [kpi.id for kpi in project.doc.kpis] if project.doc else []
        if project.doc:
            yield from check.person(project.doc, ("owner",), project.doc.owner)
        for task in project.tasks:
            links = {"project": project.id, "task": task.id}
            yield from check.person(task, ("owner",), task.owner, **links)
            for index, collaborator in enumerate(task.collaborators):
                yield from check.person(
                    task, ("collaborators", index), collaborator.person, **links
                )
            yield from check.task(task, ("parent",), task.parent, **links)
            for index, dependency in enumerate(task.depends_on):
                yield from check.task(task, ("depends_on", index), dependency, **links)
        for report in project.reports:  # thousands: the known ones are passed over here
            if report.author not in check.known_people:
                yield from check.person(report, ("author",), report.author, project=project.id)
            for index, entry in enumerate(report.entries):
                if entry.task not in check.known_tasks:
                    yield from check.task(
                        report, ("entries", index, "task"), entry.task, project=project.id
                    )
        for risk in project.risks:
            yield from check.person(risk, ("owner",), risk.owner, project=project.id)
            for index, task_id in enumerate(risk.tasks):
                yield from check.task(risk, ("tasks", index), task_id, project=project.id)
        if project.retro:
            retro = project.retro
            yield from check.person(retro, ("owner",), retro.owner)
            for index, person_id in enumerate(retro.participants):
                yield from check.person(retro, ("participants", index), person_id)
            for index, action in enumerate(retro.actions):
                yield from check.person(retro, ("actions", index, "owner"), action.owner)
            for index, kpi in enumerate(retro.kpis):
                yield from check.ref(retro.source, ("kpis", index, "id"), kpi.id, kpi_ids, "kpi")


def _dates(check: _Checker) -> Iterator[Finding]:
    """A later date before an earlier one: end/start, a risk's due or resolved_on/raised."""
    for project in check.site.projects:
        spans: list[tuple[Document, str, str, date | None, date | None]] = [
            (t, "start", "end", t.start, t.end) for t in project.tasks
        ]
        if project.doc:
            spans.append((project.doc, "start", "end", project.doc.start, project.doc.end))
        for risk in project.risks:
            spans.append((risk, "raised", "due", risk.raised, risk.due))
            spans.append((risk, "raised", "resolved_on", risk.raised, risk.resolved_on))
        for doc, first, then, start, end in spans:
            if start is not None and end is not None and end < start:
                yield check.finding(
                    "dates",
                    doc.source,
                    (then,),
                    check.msg("dates", first=first, then=then, start=start, end=end),
                    project=project.id,
                )


def _long_spans(check: _Checker) -> Iterator[Finding]:
    """A task or project whose dates lie further apart than any plan could: most likely a
    typo in a year (1900 for 2024). A warning: the pages show only part of it."""
    for project in check.site.projects:
        for task in project.tasks:
            yield from _long_span(
                check, task, task.start, task.end, MAX_TASK_DAYS, project=project.id, task=task.id
            )
        if project.doc is not None:
            doc = project.doc
            yield from _long_span(
                check, doc, doc.start, doc.end, MAX_SHOWN_DAYS, project=project.id
            )


def _long_span(
    check: _Checker, doc: Document, start: date | None, end: date | None, limit: int, **links
) -> Iterator[Finding]:
    if start is None or end is None or (end - start).days + 1 <= limit:
        return
    days = (end - start).days + 1
    key = "long-span" if "task" in links else "long-span.project"
    message = check.msg(key, id=links.get("task"), start=start, end=end, days=days, limit=limit)
    yield check.finding("long-span", doc.source, ("end",), message, **links)


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each dependency loop once, starting at its smallest id (iterative DFS)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    loops: set[tuple[str, ...]] = set()
    for root in sorted(graph):
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph.get(root, []))))]
        state[root] = 1
        path.append(root)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if child not in graph:
                continue
            if state.get(child) == 1:
                loop = path[path.index(child) :]
                start = loop.index(min(loop))
                loops.add(tuple(loop[start:] + loop[:start]))
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph.get(child, [])))))
    return [list(loop) for loop in sorted(loops)]


def _cycles(check: _Checker) -> Iterator[Finding]:
    tasks: dict[str, TaskDoc] = check.site.task_index
    for field_name in ("depends_on", "parent"):
        graph = {
            task_id: (
                list(task.depends_on)
                if field_name == "depends_on"
                else [task.parent]
                if task.parent
                else []
            )
            for task_id, task in tasks.items()
        }
        for loop in find_cycles(graph):
            first = tasks[loop[0]]
            yield check.finding(
                "cycle",
                first.source,
                (field_name,),
                check.msg(f"cycle.{field_name}", loop=" → ".join([*loop, loop[0]])),
                task=first.id,
                project=check.site.task_project.get(first.id),
            )


def validate_site(loaded: LoadResult, messages: Messages) -> list[Finding]:
    """Every cross-document error, all in one pass."""
    site = loaded.site
    check = _Checker(
        site,
        messages,
        set(site.task_index) | loaded.broken_task_ids,
        set(site.person_index) | loaded.broken_person_ids,
        loaded.team_ok,
    )
    findings: list[Finding] = []
    rules = (_unsafe_ids, _duplicates, _duplicate_kpis, _references, _dates, _long_spans, _cycles)
    for rule in rules:
        findings.extend(rule(check))
    return findings
