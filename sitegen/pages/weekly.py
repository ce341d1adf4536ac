"""The weekly review: what lagged, what was reported, risks and the week ahead."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sitegen.model import TaskStatus
from sitegen.pages.paths import week_key, week_monday
from sitegen.pages.view import Alert, SiteView

if TYPE_CHECKING:
    from sitegen.compute import EntryState, TaskState
    from sitegen.model import ReportDoc, RiskDoc

SPOT_CHECKS = 3
NO_PROBLEM = frozenset({"无", "無", "没有", "沒有", "none", "no", "n/a", "na", "-", "—", "–", "/"})


@dataclass(frozen=True)
class Week:
    key: str
    monday: date
    sunday: date
    lagging: tuple[dict[str, Any], ...]
    problems: tuple[EntryState, ...]
    new_risks: tuple[RiskDoc, ...]
    open_risks: tuple[RiskDoc, ...]
    resolved_risks: tuple[RiskDoc, ...]
    finished: tuple[TaskState, ...]
    starting_next: tuple[TaskState, ...]
    spot_checks: tuple[EntryState, ...]
    reports: tuple[ReportDoc, ...]
    alerts: tuple[Alert, ...]
    entries: int
    current: bool


def has_problem(entry: EntryState) -> bool:
    """A reported problem, not a placeholder such as 无 or none."""
    text = (entry.entry.problem or "").strip().strip("。.").lower()
    return bool(text) and text not in NO_PROBLEM


def spot_check_key(entry: EntryState) -> str:
    return hashlib.sha256(f"{entry.report.source.file}#{entry.index}".encode()).hexdigest()


def site_weeks(view: SiteView) -> list[Week]:
    """One review per week that a task spans or a report falls in, oldest first."""
    return [build_week(view, key) for key in _week_keys(view)]


def _week_keys(view: SiteView) -> list[str]:
    keys: set[str] = set()
    for state in view.tasks.values():
        day = week_monday(state.task.first_day)
        while day <= state.task.end:
            keys.add(week_key(day))
            day += timedelta(days=7)
    for report in view.site.reports:
        keys.add(week_key(report.date))
    return sorted(keys)


def build_week(view: SiteView, key: str) -> Week:
    year, number = int(key[:4]), int(key[6:])
    monday = date.fromisocalendar(year, number, 1)
    sunday = monday + timedelta(days=6)

    def inside(day: date | None) -> bool:
        return day is not None and monday <= day <= sunday

    entries = [e for e in view.status.entries if inside(e.day)]
    by_task: dict[str, list[EntryState]] = defaultdict(list)
    for entry in entries:
        by_task[entry.entry.task].append(entry)
    current = inside(view.as_of)
    risks = view.sorted_risks()
    next_monday = sunday + timedelta(days=1)

    def finished(state: TaskState) -> bool:
        return (state.status is TaskStatus.DONE and inside(state.task.end)) or any(
            e.entry.progress == 100 for e in by_task.get(state.task.id, [])
        )

    def starting_next(state: TaskState) -> bool:
        return (
            next_monday <= state.task.first_day <= next_monday + timedelta(days=6)
            and state.status is not TaskStatus.CANCELLED
        )

    return Week(
        key,
        monday,
        sunday,
        lagging=tuple(_lagging(view, by_task, current)),
        problems=tuple(e for e in entries if has_problem(e)),
        new_risks=tuple(r for r in risks if inside(r.raised)),
        open_risks=tuple(
            r for r in risks if r.is_open and (r.raised is None or r.raised <= sunday)
        ),
        resolved_risks=tuple(r for r in risks if inside(r.resolved_on)),
        finished=tuple(view.tasks_where(finished)),
        starting_next=tuple(view.tasks_where(starting_next)),
        spot_checks=tuple(sorted(entries, key=spot_check_key)[:SPOT_CHECKS]),
        reports=tuple(r for r in view.reports if inside(r.date)),
        alerts=tuple(
            a for a in view.alerts if a.finding.day and inside(date.fromisoformat(a.finding.day))
        ),
        entries=len(entries),
        current=current,
    )


def _lagging(
    view: SiteView, by_task: dict[str, list[EntryState]], current: bool
) -> list[dict[str, Any]]:
    """Tasks that fell behind this week, by their entries or (this week) their schedule."""
    lagging = []
    for task_id, state in view.tasks.items():
        behind = [e for e in by_task.get(task_id, []) if view.is_alert(e.deviation)]
        schedule = current and state.is_open and view.is_alert(state.schedule_deviation)
        if not behind and not schedule:
            continue
        worst = min((e.deviation for e in behind if e.deviation is not None), default=None)
        reasons = [e for e in by_task.get(task_id, []) if has_problem(e)]
        lagging.append(
            {
                "state": state,
                "entries": behind,
                "worst": worst,
                "schedule": state.schedule_deviation if schedule else None,
                "reasons": reasons,
            }
        )
    lagging.sort(
        key=lambda row: (row["worst"] if row["worst"] is not None else 0, row["state"].task.id)
    )
    return lagging
