"""What every template may look up besides its own page's context.

Kept to small, slowly changing data (the team, task titles, the alert threshold) because
it is part of every page's fingerprint: a change here re-renders the whole site, while a
page's own context only re-renders that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from sitegen.content.model import person_name
from sitegen.engine import metrics
from sitegen.site.pages.paths import report_path

if TYPE_CHECKING:
    from sitegen.content.model import Person, ReportDoc
    from sitegen.content.projects import Site
    from sitegen.engine.compute import EntryState, Status


@dataclass(frozen=True, slots=True)
class Link:
    """A link to another page: ``path`` is relative to OUT; templates pass it to url()."""

    fingerprint_memo = False  # made for each page that shows it (see Fingerprinter)

    path: str
    text: str


@dataclass(frozen=True)
class Lookups:
    people: dict[str, Person]
    task_titles: dict[str, str]
    threshold: Decimal

    @classmethod
    def for_site(cls, site: Site, status: Status) -> Lookups:
        titles = {task_id: state.task.title for task_id, state in status.tasks.items()}
        return cls(site.person_index, titles, site.settings.thresholds.deviation)

    def person_name(self, person_id: str | None) -> str:
        return person_name(self.people, person_id) if person_id else "—"

    def report_label(self, report: ReportDoc) -> str:
        return f"{report.date.isoformat()} {self.person_name(report.author)}"

    def report_link(self, report: ReportDoc) -> Link:
        return Link(report_path(report), self.report_label(report))

    def report_of(self, entry: EntryState) -> Link:
        return self.report_link(entry.report)

    def is_alert(self, value: Fraction | None) -> bool:
        return metrics.is_alert(value, self.threshold)

    @staticmethod
    def is_web(url: str) -> bool:
        return url.startswith(("https://", "http://"))
