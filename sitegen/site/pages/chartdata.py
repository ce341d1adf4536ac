"""What the charts of the pages are drawn from, gathered from the analysis: the
S-curve of a project (with its baseline), the team's load heatmap, a person's load
status and week, and each weekly review's comparison with the week before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from sitegen.content.model import TaskDoc
from sitegen.engine.history.baseline import TaskBaseline
from sitegen.engine.history.progress_inputs import Counted, Ordinals, PlannedCurve
from sitegen.engine.history.trend import TrendPoint
from sitegen.engine.progress import weighing_leaves
from sitegen.engine.workdays import ONE_DAY, WorkCalendar
from sitegen.site.pages.charts import Heatmap, SCurve, heat_days, load_heatmap, s_curve, sparkline
from sitegen.site.pages.myweek import LoadState, MyWeek, load_state, my_week
from sitegen.site.pages.weekcompare import (
    Change,
    WeekFigures,
    compare,
    overall_progress,
    resolved_alerts,
)

if TYPE_CHECKING:
    from sitegen.site.analysis import Analysis
    from sitegen.site.pages.view import SiteView
    from sitegen.site.pages.weekly import Week


def planned_curve(
    schedules: Sequence[tuple[date, date, tuple[tuple[date, Decimal], ...]]],
    days: Sequence[date],
    calendar: WorkCalendar,
) -> list[Fraction | None]:
    """Planned progress (percent) on each of ``days`` of tasks given as (first day, end,
    plan points), each weighed by its working days: Σ wᵢ·pᵢ(d) / Σ wᵢ (SPEC §5).
    Empty when no task has a working day."""
    counted = []
    for first, end, plan in schedules:
        weight = calendar.count(first, end)
        if weight:
            counted.append(Counted("", weight, first, end, plan))
    if not counted or not days:
        return []
    total = sum(task.weight for task in counted)
    curve = PlannedCurve(counted, Ordinals(calendar, days[0]))
    return [curve.total(day) / total for day in days]


def baseline_curve(
    tasks: Sequence[TaskDoc],
    baselines: Mapping[str, TaskBaseline],
    days: Sequence[date],
    calendar: WorkCalendar,
) -> list[Fraction | None]:
    """The project's planned progress on each of ``days`` by its baseline plan: its
    weighing tasks that were in the baseline, with their baseline dates and plan.
    Empty when no task has a baseline (no history)."""
    schedules = []
    for task in weighing_leaves(tasks):
        baseline = baselines.get(task.id)
        if baseline is not None and not baseline.added_after_baseline:
            schedule = baseline.baseline
            schedules.append((schedule.first_day, schedule.end, schedule.plan))
    return planned_curve(schedules, days, calendar)


def days_ahead(
    tasks: Sequence[TaskDoc], after: date, calendar: WorkCalendar
) -> list[tuple[date, Fraction | None]]:
    """The project's planned progress on each working day after ``after`` to its last
    task's end, by the current plan."""
    leaves = weighing_leaves(tasks)
    if not leaves:
        return []
    end = max(task.end for task in leaves)
    days = list(calendar.days(after + ONE_DAY, end))
    schedules = [(t.first_day, t.end, tuple(sorted((t.plan or {}).items()))) for t in leaves]
    return list(zip(days, planned_curve(schedules, days, calendar), strict=False))


@dataclass(frozen=True)
class ProjectCurves:
    curve: SCurve | None
    spark: SCurve | None


def project_curves(analysis: Analysis) -> dict[str, ProjectCurves]:
    """Each project's S-curve and sparkline (None without a trend)."""
    calendar = analysis.status.calendar
    curves = {}
    for project in analysis.site.projects:
        points = analysis.history.trends.get(project.id, ())
        ahead = days_ahead(project.tasks, points[-1].day, calendar) if points else []
        days = [p.day for p in points] + [day for day, _ in ahead]
        baseline = baseline_curve(project.tasks, analysis.history.baselines, days, calendar)
        curves[project.id] = ProjectCurves(
            s_curve(points, baseline=baseline, ahead=ahead), sparkline(points, ahead)
        )
    return curves


def team_heatmap(view: SiteView, person_ids: Sequence[str]) -> Heatmap | None:
    status, calendar = view.status, view.status.calendar
    rows = [
        (pid, view.lookup.person_name(pid), status.people[pid].load)
        for pid in person_ids
        if pid in status.people
    ]
    last_busy = max((max(load.by_day, default=view.as_of) for _, _, load in rows), default=None)
    first, last = view.window
    days = heat_days(list(calendar.days(first, last)), view.as_of, last_busy)
    return load_heatmap(rows, days, calendar.workdays, view.as_of)


@dataclass(frozen=True)
class PersonSummary:
    state: LoadState
    week: MyWeek


def person_summary(view: SiteView, person_id: str) -> PersonSummary:
    owned = [view.tasks[t] for t in view.status.people[person_id].tasks]
    threshold = view.site.settings.thresholds.deviation
    load = view.status.people[person_id].load
    return PersonSummary(
        load_state(load, owned, view.as_of, threshold),
        my_week(view.sorted_tasks(owned), view.as_of),
    )


def project_weights(analysis: Analysis) -> dict[str, int]:
    """Each project's weight in the overall progress: its weighing tasks' working days."""
    calendar = analysis.status.calendar
    return {
        project.id: sum(calendar.count(t.first_day, t.end) for t in weighing_leaves(project.tasks))
        for project in analysis.site.projects
    }


def week_changes(view: SiteView, weeks: Sequence[Week]) -> dict[str, tuple[Change, ...]]:
    """For each week (by key) its figures beside those of the week before it (when that
    week has a review too); none for a week still to come."""
    trends: Mapping[str, Sequence[TrendPoint]] = view.analysis.history.trends
    weights = project_weights(view.analysis)
    changes: dict[str, tuple[Change, ...]] = {}
    previous: WeekFigures | None = None
    previous_monday: date | None = None
    for week in weeks:
        if week.monday > view.as_of:
            changes[week.key] = ()  # a week still to come has no figures yet
            continue
        if previous_monday is None or (week.monday - previous_monday).days != 7:
            previous = None  # the week before had no review: nothing to compare with
        finished = frozenset(s.task.id for s in week.finished)
        risk_files = frozenset(r.source.file for r in week.resolved_risks)
        figures = WeekFigures(
            overall_progress(trends, weights, min(week.sunday, view.as_of)),
            len(finished),
            len(week.alerts),
            resolved_alerts(view.alerts, week.monday, finished, risk_files),
        )
        changes[week.key] = compare(figures, previous)
        previous, previous_monday = figures, week.monday
    return changes


__all__ = [
    "PersonSummary",
    "ProjectCurves",
    "baseline_curve",
    "days_ahead",
    "person_summary",
    "planned_curve",
    "project_curves",
    "project_weights",
    "team_heatmap",
    "week_changes",
]
