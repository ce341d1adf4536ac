"""A project's tasks as its page and its dashboard card break them down: the work
breakdown structure, the Gantt order and the focused Gantt of a card, the budget."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitegen.engine import metrics

if TYPE_CHECKING:
    from sitegen.content.model import ProjectDoc
    from sitegen.content.projects import Project
    from sitegen.engine.compute import KpiState, TaskState
    from sitegen.engine.health import ProjectHealth
    from sitegen.engine.progress import Progress
    from sitegen.site.pages.view import SiteView

GANTT_FOCUS = 30  # tasks a dashboard Gantt shows before it narrows to those needing attention


@dataclass(frozen=True)
class WbsRow:
    level: int  # 1 module, 2 task, 3+ subtask
    code: str  # WBS number, e.g. 2.1.1
    module: str | None
    state: TaskState | None


@dataclass(frozen=True)
class GanttFocus:
    """The tasks a summary Gantt shows, and how many it leaves to the full chart."""

    tasks: tuple[TaskState, ...]
    hidden: int


@dataclass(frozen=True)
class ProjectCard:
    """A project on the dashboard: its health, KPIs and (focused) Gantt chart."""

    project: Project
    health: ProjectHealth
    progress: Progress
    kpis: tuple[KpiState, ...]
    chart: GanttFocus


def wbs(view: SiteView, project_id: str) -> list[WbsRow]:
    """Project → module → task → subtask (via ``parent``), numbered 1, 1.1, 1.1.1."""
    states = view.project_tasks(project_id)
    ids = {s.task.id for s in states}
    children: dict[str, list[TaskState]] = defaultdict(list)
    roots: list[TaskState] = []
    for state in states:
        parent = state.task.parent
        if parent and parent in ids and parent != state.task.id:
            children[parent].append(state)
        else:
            roots.append(state)
    by_module: dict[str, list[TaskState]] = defaultdict(list)
    for state in roots:
        by_module[state.task.module or ""].append(state)
    order = sorted(by_module, key=lambda m: (m == "", m))
    # modules in the order their first task starts
    first_start = {m: min((s.task.first_day, s.task.id) for s in by_module[m]) for m in order}
    order.sort(key=lambda m: (m == "", first_start[m]))
    rows: list[WbsRow] = []
    seen: set[str] = set()

    def key(s: TaskState) -> tuple:
        return (s.task.first_day, s.task.end, s.task.id)

    def walk(state: TaskState, code: str, level: int) -> None:
        if state.task.id in seen:
            return
        seen.add(state.task.id)
        rows.append(WbsRow(level, code, state.task.module, state))
        for n, child in enumerate(sorted(children[state.task.id], key=key), 1):
            walk(child, f"{code}.{n}", level + 1)

    for m_index, module in enumerate(order, 1):
        rows.append(WbsRow(1, str(m_index), module or None, None))
        mine = sorted(by_module[module], key=key)
        for n, state in enumerate(mine, 1):
            walk(state, f"{m_index}.{n}", 2)
    return rows


def gantt_order(view: SiteView, project_id: str) -> list[TaskState]:
    """The project's tasks as the Gantt chart lists them: by module, then WBS order."""
    return [row.state for row in wbs(view, project_id) if row.state is not None]


def project_cards(view: SiteView) -> list[ProjectCard]:
    return [
        ProjectCard(
            project,
            view.analysis.health[project.id],
            view.status.progress[project.id],
            tuple(view.status.kpis.get(project.id, ())),
            gantt_focus(view, project.id),
        )
        for project in view.site.projects
    ]


def gantt_focus(view: SiteView, project_id: str, limit: int = GANTT_FOCUS) -> GanttFocus:
    """A project's Gantt for the dashboard: all of it when small, else what needs eyes.

    Beyond ``limit`` tasks the chart keeps open tasks that are late or behind, then
    those under way on the as-of day, then critical ones, in Gantt order.
    """
    ordered = gantt_order(view, project_id)
    if len(ordered) <= limit:
        return GanttFocus(tuple(ordered), 0)
    as_of, threshold = view.as_of, view.lookup.threshold

    def urgency(state: TaskState) -> int | None:
        if not state.is_open:
            return None
        if state.late_or_behind(as_of, threshold):
            return 0
        if state.task.first_day <= as_of <= state.task.end:
            return 1
        return 2 if state.critical else None

    ranked = [(rank, index) for index, s in enumerate(ordered) if (rank := urgency(s)) is not None]
    chosen = sorted(index for _rank, index in sorted(ranked)[:limit])
    return GanttFocus(tuple(ordered[i] for i in chosen), len(ordered) - len(chosen))


def budget(view: SiteView, project_id: str, doc: ProjectDoc | None) -> dict[str, Any] | None:
    """The tasks' budgets beside the project's: their sum, its share and what is left."""
    figures = [s.task.budget for s in view.project_tasks(project_id) if s.task.budget is not None]
    project_budget = doc.budget if doc else None
    if not figures and project_budget is None:
        return None
    total = sum(figures) if figures else None
    return {
        "tasks": total,
        "project": project_budget,
        "share": metrics.ratio(total, project_budget),
        "rest": (project_budget - total)
        if total is not None and project_budget is not None
        else None,
        "count": len(figures),
    }


__all__ = [
    "GANTT_FOCUS",
    "GanttFocus",
    "ProjectCard",
    "WbsRow",
    "budget",
    "gantt_focus",
    "gantt_order",
    "project_cards",
    "wbs",
]
