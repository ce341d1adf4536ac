"""A page's fingerprint must cover what its template reads.

A report entry's state (`EntryState`) stands in a page's fingerprint for what templates
read of the report through it: its file, day and author (which name and link the
report), not its brief or other entries, so that editing a brief re-renders the pages
that show the brief and not every page that shows the task. This holds only while no
template reads more of the report through an entry: this test renders every page of the
example site and records what they read. If it fails, add what the template reads to
`EntryState.fingerprint_parts` (or read it from a context value that carries it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sitegen.build import analyse
from sitegen.render import SiteRenderer

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
    renderer = SiteRenderer(analysis)  # prepares every page's context
    status = analysis.status
    states = {id(e): e for t in status.tasks.values() for e in t.entries}
    states.update((id(e), e) for e in status.entries)
    assert states, "the example site has report entries"
    seen: set[str] = set()
    for state in states.values():
        object.__setattr__(state, "report", RecordingReport(state.report, seen))
    for page in renderer.pages.values():
        renderer.page(page)
    assert seen, "no page showed a report entry"
    assert seen <= DIGESTED, f"templates read {sorted(seen - DIGESTED)} through an entry"
