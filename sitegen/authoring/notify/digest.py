"""The day's digest for team chat: what the guide's daily rhythm asks a lead to act on.

Built from two analyses of the same content (today, and the previous digest's day, or
the findings of the previously published status.json), so it says what is new rather
than repeating every standing warning each day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sitegen.content.choices import TaskStatus
from sitegen.content.projects import Site
from sitegen.core.findings import Finding, Severity
from sitegen.site.pages.paths import person_path, project_path, task_path

if TYPE_CHECKING:
    from sitegen.engine.compute import Status
    from sitegen.site.analysis import Analysis

Linker = Callable[[str], "str | None"]

# What the guide escalates: a task behind plan by the threshold or more, or moved late,
# while it is open; and a report entry short of its plan, on the day it is reported.
STANDING_ESCALATIONS = frozenset({"schedule-deviation", "slipped"})
# Report discipline has its own line (who has not filed today); the rest are "new".
REPORT_CODES = frozenset({"late-report", "missing-report", "brief-too-long"})

FindingKey = tuple[str, str, int]


@dataclass(frozen=True)
class Item:
    text: str
    link: str | None = None


@dataclass(frozen=True)
class Digest:
    site_title: str
    day: date
    deadline: str
    site_link: str | None
    errors: int
    missing_reports: tuple[Item, ...]
    new_warnings: tuple[Item, ...]
    escalations: tuple[Item, ...]
    high_risks: tuple[Item, ...]

    @property
    def quiet(self) -> bool:
        return not (
            self.errors
            or self.missing_reports
            or self.new_warnings
            or self.escalations
            or self.high_risks
        )


def finding_key(code: str, file: str, line: int) -> FindingKey:
    """What makes a finding the same one on two days (its message may say "3 days late"
    today and "2 days late" yesterday)."""
    return (code, file, line)


def make_digest(
    analysis: Analysis,
    earlier: Iterable[FindingKey] | None,
    site_url: str | None,
) -> Digest:
    """The digest of ``analysis`` (a `sitegen.site.analysis.Analysis`); ``earlier``: the keys
    of the findings the previous digest saw (None: nothing to compare with, all are new)."""
    site, status, findings = analysis.site, analysis.status, analysis.findings
    link = _linker(site_url)
    seen = set(earlier) if earlier is not None else set()
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    open_tasks = {task_id for task_id, state in status.tasks.items() if state.is_open}
    today = status.as_of.isoformat()
    escalations = [
        f
        for f in warnings
        if (f.code in STANDING_ESCALATIONS and (f.task is None or f.task in open_tasks))
        or (f.code == "deviation" and f.day == today)
    ]
    high_risks = [f for f in warnings if f.code == "open-high-risk"]
    standing = {id(f) for f in (*escalations, *high_risks)}
    new = [
        f
        for f in warnings
        if id(f) not in standing
        and f.code not in REPORT_CODES
        and f.code != "deviation"  # yesterday's shortfalls were escalated yesterday
        and finding_key(f.code, f.file, f.line) not in seen
    ]
    return Digest(
        site_title=site.settings.title,
        day=status.as_of,
        deadline=site.settings.thresholds.report_deadline,
        site_link=link(""),
        errors=sum(f.severity is Severity.ERROR for f in findings),
        missing_reports=tuple(_missing_today(site, status, link)),
        new_warnings=tuple(_item(f, link) for f in new),
        escalations=tuple(_item(f, link) for f in escalations),
        high_risks=tuple(_item(f, link) for f in high_risks),
    )


def _missing_today(site: Site, status: Status, link: Linker) -> list[Item]:
    """Owners of tasks in progress who have no report dated today (a working day)."""
    today = status.as_of
    if not status.calendar.is_working(today):
        return []
    filed = {report.author for report in site.reports if report.date == today}
    owing = sorted(
        {
            state.task.owner
            for state in status.tasks.values()
            if state.status is TaskStatus.DOING
            and state.task.first_day <= today
            and state.task.owner in site.person_index
            and state.task.owner not in filed
        }
    )
    people = site.person_index
    return [Item(people[p].display_name, link(person_path(p))) for p in owing]


def _item(finding: Finding, link: Linker) -> Item:
    if finding.task:
        page = task_path(finding.task)
    elif finding.person:
        page = person_path(finding.person)
    elif finding.project:
        page = project_path(finding.project)
    else:
        page = ""
    return Item(finding.message, link(page))


def _linker(site_url: str | None) -> Linker:
    def link(page: str) -> str | None:
        if not site_url:
            return None
        return site_url.rstrip("/") + "/" + page

    return link


__all__ = ["Digest", "FindingKey", "Item", "finding_key", "make_digest"]
