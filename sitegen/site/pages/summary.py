"""One row per project on the dashboard's first screen: what a director reads in seconds.

Pure functions of the computed state: the one-sentence summary, the KPI status and the
next milestone. Sentences name tasks by their title, never by their id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sitegen.content.choices import TaskKind
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.site.pages.lookups import Link
from sitegen.site.pages.paths import project_path, task_path

if TYPE_CHECKING:
    from sitegen.content.projects import Project
    from sitegen.engine.compute import KpiState, TaskState
    from sitegen.engine.health import ProjectHealth
    from sitegen.engine.progress import Progress
    from sitegen.engine.workdays import WorkCalendar

NAMED_TASKS = 2  # tasks a summary names before it says how many more


@dataclass(frozen=True)
class KpiStatus:
    total: int
    recorded: int  # KPIs with an actual value
    on_target: int  # of those, achievement ≥ 100%

    @property
    def below(self) -> int:
        return self.recorded - self.on_target


@dataclass(frozen=True)
class Milestone:
    link: Link  # its page, its title
    day: date
    late: bool  # open and past its date
    project_end: bool  # no milestone: the project's last day stands in


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    link: Link
    health: ProjectHealth
    progress: Progress
    summary: str
    kpis: KpiStatus
    milestone: Milestone | None


def kpi_status(kpis: Iterable[KpiState]) -> KpiStatus:
    chosen = list(kpis)
    recorded = [k for k in chosen if k.achievement is not None]
    on_target = sum(1 for k in recorded if k.achievement is not None and k.achievement >= 1)
    return KpiStatus(len(chosen), len(recorded), on_target)


def is_behind(state: TaskState, as_of: date, threshold: Decimal) -> bool:
    """An open task of work (not a milestone, not a parent) past its end or whose
    deviation reached the alert threshold."""
    if not state.is_leaf or state.task.kind is TaskKind.MILESTONE:
        return False
    return state.late_or_behind(as_of, threshold)


def next_milestone(
    tasks: Sequence[TaskState], as_of: date, project_end: date | None, project_id: str
) -> Milestone | None:
    """The first open milestone (an overdue one first), else the project's end."""
    open_milestones = sorted(
        (s for s in tasks if s.task.kind is TaskKind.MILESTONE and s.is_open),
        key=lambda s: (s.task.end, s.task.id),
    )
    if open_milestones:
        first = open_milestones[0]
        link = Link(task_path(first.task.id), first.task.title)
        return Milestone(link, first.task.end, first.task.end < as_of, False)
    if project_end is not None and project_end >= as_of:
        return Milestone(Link(project_path(project_id), ""), project_end, False, True)
    return None


def project_summary(
    tasks: Sequence[TaskState],
    as_of: date,
    calendar: WorkCalendar,
    threshold: Decimal,
    ui: Messages,
    milestone: Milestone | None = None,
) -> str:
    """One sentence: how many tasks are behind, whether the critical path is, and what
    that puts at risk; or that the project is on track or done."""
    work = [s for s in tasks if s.is_leaf and s.task.kind is not TaskKind.MILESTONE]
    if not work:
        return ui("summary.no_tasks")
    finished = sum(1 for s in work if not s.is_open)
    if finished == len(work):
        return ui("summary.all_done", count=len(work))
    behind = sorted(
        (s for s in work if is_behind(s, as_of, threshold)),
        key=lambda s: (not s.critical, s.schedule_deviation or 0, s.task.end, s.task.id),
    )
    if not behind:
        return ui("summary.on_track", done=finished, count=len(work))
    parts = [ui("summary.behind", count=len(behind))]
    worst = behind[0]
    detail = _how_late(worst, as_of, calendar, ui)
    if worst.critical:
        parts.append(ui("summary.critical", task=worst.task.title, detail=detail))
        if milestone is not None and not milestone.project_end:
            parts.append(
                ui("summary.milestone_at_risk", milestone=milestone.link.text, day=_md(milestone))
            )
        elif milestone is not None:
            parts.append(ui("summary.end_at_risk", day=_md(milestone)))
    else:
        parts.append(ui("summary.worst", task=worst.task.title, detail=detail))
    return ui("summary.join").join(parts) + ui("summary.stop")


def _md(milestone: Milestone) -> str:
    return milestone.day.isoformat()[5:]


def _how_late(state: TaskState, as_of: date, calendar: WorkCalendar, ui: Messages) -> str:
    if state.task.end < as_of:
        return ui("summary.overdue", days=calendar.between(state.task.end, as_of))
    return ui("summary.deviation", value=metrics.percent_label(state.schedule_deviation, True))


def project_rows(
    projects: Sequence[Project],
    tasks_of: dict[str, list[TaskState]],
    health: dict[str, ProjectHealth],
    progress: dict[str, Progress],
    kpis: dict[str, tuple[KpiState, ...]],
    as_of: date,
    calendar: WorkCalendar,
    threshold: Decimal,
    ui: Messages,
) -> list[ProjectRow]:
    rows = []
    for project in projects:
        tasks = tasks_of.get(project.id, [])
        end = project.doc.end if project.doc else None
        milestone = next_milestone(tasks, as_of, end, project.id)
        rows.append(
            ProjectRow(
                project=project,
                link=Link(project_path(project.id), project.title),
                health=health[project.id],
                progress=progress[project.id],
                summary=project_summary(tasks, as_of, calendar, threshold, ui, milestone),
                kpis=kpi_status(kpis.get(project.id, ())),
                milestone=milestone,
            )
        )
    return rows
