"""The loaded site: its documents grouped by project, with the indexes every stage uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sitegen.content.model import (
    Document,
    Person,
    ProjectDoc,
    ReportDoc,
    RetroDoc,
    RiskDoc,
    TaskDoc,
)
from sitegen.content.settings import SiteSettings
from sitegen.content.source import Source

# ---------------------------------------------------------------- the loaded site


@dataclass
class Project:
    id: str
    folder: str
    doc: ProjectDoc | None
    tasks: list[TaskDoc] = field(default_factory=list)
    reports: list[ReportDoc] = field(default_factory=list)
    risks: list[RiskDoc] = field(default_factory=list)
    retro: RetroDoc | None = None
    # File names (without .md) of reports that could not be read: they were still
    # handed in, so their day is not a missing report (their errors say what to fix).
    unreadable_reports: frozenset[str] = frozenset()

    @property
    def title(self) -> str:
        return self.doc.title if self.doc else self.id

    def documents(self) -> Iterator[Document]:
        yield from (doc for doc in (self.doc, self.retro) if doc is not None)
        yield from self.tasks
        yield from self.reports
        yield from self.risks

    def fingerprint_parts(self) -> tuple[object, ...]:
        """What pages read of a project through it: its id, files and retro. Its tasks,
        reports and risks reach pages through what is computed from them, so a report's
        brief does not re-render every page that shows the project (tests/test_graph_reads.py
        checks that templates read nothing else of it)."""
        return (self.id, self.folder, self.doc, self.retro, self.unreadable_reports)


@dataclass
class Site:
    """Everything loaded from a content directory, in a stable (sorted) order."""

    settings: SiteSettings
    people: list[Person]
    projects: list[Project]
    team_source: Source = field(default_factory=lambda: Source("team.yaml"))
    person_index: dict[str, Person] = field(init=False)
    task_index: dict[str, TaskDoc] = field(init=False)
    task_project: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.person_index = {p.id: p for p in self.people}
        self.task_index = {}
        self.task_project = {}
        for project in self.projects:
            for task in project.tasks:
                self.task_index.setdefault(task.id, task)
                self.task_project.setdefault(task.id, project.id)

    @property
    def tasks(self) -> list[TaskDoc]:
        return [task for project in self.projects for task in project.tasks]

    def documents(self) -> Iterator[Document]:
        for project in self.projects:
            yield from project.documents()

    def documents_in(self, files: Iterable[str]) -> dict[str, Document]:
        """The documents read from ``files`` (relative to the content folder), by file;
        only the projects whose folders hold those files are looked through."""
        wanted = set(files)
        folders = {file.partition("/")[0] for file in wanted}
        return {
            document.source.file: document
            for project in self.projects
            if project.folder in folders
            for document in project.documents()
            if document.source.file in wanted
        }

    @property
    def reports(self) -> list[ReportDoc]:
        return [report for project in self.projects for report in project.reports]

    @property
    def risks(self) -> list[RiskDoc]:
        return [risk for project in self.projects for risk in project.risks]
