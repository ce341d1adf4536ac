"""A page's fingerprint must cover what its template reads.

Two values stand in fingerprints for less than they hold, so that editing a brief
re-renders the pages that show the brief and not every page that shows its task or
project. A project stands for its id, files and retro, not its tasks, reports and risks
(which reach pages through what is computed from them). A report entry's state
(`EntryState`) stands for the entry and what templates read of the report through it:
its file, day and author (which name and link the report), not its brief.

This holds only while templates read nothing else of them: these tests render every
page of the example site and record what they read. If one fails, add what the template
reads to `EntryState.fingerprint_parts` or `Project.fingerprint_parts` (or read it from
a context value that carries it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sitegen.builder.analyse import analyse
from sitegen.content.projects import Project
from sitegen.site.render import SiteRenderer

SITE = Path(__file__).resolve().parent / "sites" / "multi"
# What EntryState.fingerprint_parts digests of its report (`id` is made of date and author).
DIGESTED = {"source", "date", "author", "id"}


class RecordingReport:
    """A report that notes the name of every attribute read of it."""

    def __init__(self, report: Any, seen: set[str]) -> None:
        self._report = report
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        self._seen.add(name)
        return getattr(self._report, name)


def test_templates_read_of_a_report_through_an_entry_only_what_the_entry_digests():
    analysis = analyse(SITE, as_of=date(2023, 10, 9), cache=False, history=False)
    renderer = SiteRenderer(analysis)
    pages = list(renderer.pages.values())  # every page's context, made before recording
    status = analysis.status
    states = {id(e): e for t in status.tasks.values() for e in t.entries}
    states.update((id(e), e) for e in status.entries)
    assert states, "the example site has report entries"
    seen: set[str] = set()
    for state in states.values():
        object.__setattr__(state, "report", RecordingReport(state.report, seen))
    for page in pages:
        renderer.page(page)
    assert seen, "no page showed a report entry"
    assert seen <= DIGESTED, f"templates read {sorted(seen - DIGESTED)} through an entry"


# What Project.fingerprint_parts digests (`title` is its project file's, or its id).
PROJECT_DIGESTED = {"id", "folder", "doc", "retro", "unreadable_reports", "title"}


def test_templates_read_of_a_project_only_what_the_project_digests(monkeypatch):
    analysis = analyse(SITE, as_of=date(2023, 10, 9), cache=False, history=False)
    renderer = SiteRenderer(analysis)
    pages = list(renderer.pages.values())  # every page's context, made before recording
    seen: set[str] = set()
    read = Project.__getattribute__

    def recording(project: Project, name: str) -> Any:
        if not name.startswith("__"):
            seen.add(name)
        return read(project, name)

    with monkeypatch.context() as patch:
        patch.setattr(Project, "__getattribute__", recording)
        for page in pages:
            renderer.page(page)
    assert seen, "no page showed a project"
    assert seen <= PROJECT_DIGESTED, f"templates read {sorted(seen - PROJECT_DIGESTED)}"
