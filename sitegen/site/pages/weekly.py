"""The weekly review: what lagged, what was reported, risks and the week ahead."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sitegen.content.choices import TaskStatus
from sitegen.content.window import clip
from sitegen.site.pages.paths import week_key, week_monday
from sitegen.site.pages.view import SPOT_FIRST, Alert, SiteView

if TYPE_CHECKING:
    from sitegen.content.model import ReportDoc, RiskDoc
    from sitegen.engine.compute import EntryState, TaskState

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
    flagged: tuple[Alert, ...]  # reports edited after their deadline or backdated: first
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


@dataclass
class WeekIndex:
    """What the reviews need, grouped by ISO week key in one pass over the site.

    Each group keeps the order of the list it comes from, so a week built from its groups
    lists things exactly as filtering the whole list would.
    """

    entries: dict[str, list[EntryState]] = field(default_factory=lambda: defaultdict(list))
    reports: dict[str, list[ReportDoc]] = field(default_factory=lambda: defaultdict(list))
    alerts: dict[str, list[Alert]] = field(default_factory=lambda: defaultdict(list))
    raised: dict[str, list[RiskDoc]] = field(default_factory=lambda: defaultdict(list))
    resolved: dict[str, list[RiskDoc]] = field(default_factory=lambda: defaultdict(list))
    open_risks: list[RiskDoc] = field(default_factory=list)
    done: dict[str, list[TaskState]] = field(default_factory=lambda: defaultdict(list))
    starting: dict[str, list[TaskState]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, view: SiteView) -> WeekIndex:
        index = cls()
        # Reports dated after the as-of day were not filed yet on that day.
        for entry in view.status.entries:
            if entry.day <= view.as_of:
                index.entries[week_key(entry.day)].append(entry)
        for report in view.reports:
            if report.date <= view.as_of:
                index.reports[week_key(report.date)].append(report)
        for alert in view.alerts:
            if alert.finding.day:
                index.alerts[week_key(date.fromisoformat(alert.finding.day))].append(alert)
        for risk in view.sorted_risks():
            if risk.raised is not None:
                index.raised[week_key(risk.raised)].append(risk)
            if risk.resolved_on is not None:
                index.resolved[week_key(risk.resolved_on)].append(risk)
            if risk.is_open:
                index.open_risks.append(risk)
        for state in view.tasks.values():
            if state.status is TaskStatus.DONE:
                index.done[week_key(state.task.end)].append(state)
            if state.status is not TaskStatus.CANCELLED:
                index.starting[week_key(state.task.first_day)].append(state)
        return index


def site_weeks(view: SiteView) -> list[Week]:
    """One review per week that a task spans (within the view's window) or a report falls
    in, oldest first."""
    index = WeekIndex.of(view)
    return [build_week(view, key, index) for key in _week_keys(view)]


def _week_keys(view: SiteView) -> list[str]:
    keys: set[str] = set()
    for state in view.tasks.values():
        shown = clip(state.task.first_day, state.task.end, view.window)
        if shown is None:
            continue
        day = week_monday(shown[0])
        while day <= shown[1]:
            keys.add(week_key(day))
            day += timedelta(days=7)
    for report in view.site.reports:
        if report.date <= view.as_of:
            keys.add(week_key(report.date))
    return sorted(keys)


def build_week(view: SiteView, key: str, index: WeekIndex | None = None) -> Week:
    """The review of week ``key``; ``index`` is :meth:`WeekIndex.of` the view, if built."""
    if index is None:
        index = WeekIndex.of(view)
    year, number = int(key[:4]), int(key[6:])
    monday = date.fromisocalendar(year, number, 1)
    sunday = monday + timedelta(days=6)
    entries = index.entries.get(key, [])
    by_task: dict[str, list[EntryState]] = defaultdict(list)
    for entry in entries:
        by_task[entry.entry.task].append(entry)
    current = monday <= view.as_of <= sunday
    finished = {s.task.id: s for s in index.done.get(key, [])}
    for task_id, task_entries in by_task.items():
        if task_id in view.tasks and any(e.entry.progress == 100 for e in task_entries):
            finished[task_id] = view.tasks[task_id]

    return Week(
        key,
        monday,
        sunday,
        lagging=tuple(_lagging(view, by_task, current)),
        problems=tuple(e for e in entries if has_problem(e)),
        new_risks=tuple(index.raised.get(key, [])),
        # Still open from earlier weeks: one raised this week is listed once, as new.
        open_risks=tuple(r for r in index.open_risks if r.raised is None or r.raised < monday),
        resolved_risks=tuple(index.resolved.get(key, [])),
        finished=tuple(view.sorted_tasks(finished.values())),
        starting_next=tuple(
            view.sorted_tasks(index.starting.get(week_key(sunday + timedelta(days=1)), []))
        ),
        spot_checks=tuple(sorted(entries, key=spot_check_key)[:SPOT_CHECKS]),
        flagged=tuple(a for a in index.alerts.get(key, []) if a.finding.code in SPOT_FIRST),
        reports=tuple(index.reports.get(key, [])),
        alerts=tuple(index.alerts.get(key, [])),
        entries=len(entries),
        current=current,
    )


def _lagging(
    view: SiteView, by_task: dict[str, list[EntryState]], current: bool
) -> list[dict[str, Any]]:
    """Tasks that fell behind this week, by their entries or (this week) their schedule.

    Only the current week looks at every task; another week only at those with entries.
    """
    lagging = []
    candidates = view.tasks if current else by_task
    for task_id in candidates:
        state = view.tasks.get(task_id)
        if state is None:
            continue
        behind = [e for e in by_task.get(task_id, []) if view.is_alert(e.deviation)]
        schedule = current and state.is_open and view.is_alert(state.schedule_deviation)
        overdue = current and state.is_open and state.task.end < view.as_of
        if not behind and not schedule and not overdue:
            continue
        worst = min((e.deviation for e in behind if e.deviation is not None), default=None)
        reasons = [e for e in by_task.get(task_id, []) if has_problem(e)]
        lagging.append(
            {
                "state": state,
                "entries": behind,
                "worst": worst,
                "schedule": state.schedule_deviation if schedule else None,
                "overdue": overdue,
                "reasons": reasons,
            }
        )
    lagging.sort(
        key=lambda row: (row["worst"] if row["worst"] is not None else 0, row["state"].task.id)
    )
    return lagging
