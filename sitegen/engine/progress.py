"""Progress of a whole: a project, or a parent task over its subtasks (SPEC §5).

Both are the same weighted mean of their leaf tasks' progress, so one function serves
the project's figure, each summary task of the WBS and every day of a project's trend.
It reads only the tasks' own dates and plan points and asks the caller for actual
progress, so that a caller computing many days can pass whatever look-up it has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.content.model import TaskDoc
from sitegen.engine import metrics
from sitegen.engine.workdays import WorkCalendar


@dataclass(frozen=True, slots=True)
class Progress:
    """Planned and actual progress in percent (0–100), exact; None when nothing weighs."""

    planned: Fraction | None
    actual: Fraction | None

    @property
    def deviation(self) -> Fraction | None:
        return metrics.deviation(self.actual, self.planned)


def weighing_leaves(tasks: Iterable[TaskDoc]) -> list[TaskDoc]:
    """The tasks whose progress counts: leaves (named as no other task's ``parent``) that
    are neither milestones nor cancelled."""
    chosen = list(tasks)
    parents = {t.parent for t in chosen if t.parent and t.parent != t.id}
    return [
        t
        for t in chosen
        if t.id not in parents
        and t.kind is not TaskKind.MILESTONE
        and t.status is not TaskStatus.CANCELLED
    ]


def project_progress(
    tasks: Iterable[TaskDoc],
    day: date,
    calendar: WorkCalendar,
    actual_of: Callable[[str], Fraction | None],
    planned_of: Callable[[str], Fraction | None] | None = None,
) -> Progress:
    """Planned and actual progress of ``tasks`` on ``day``: Σ wᵢ·pᵢ / Σ wᵢ over their
    weighing leaves, wᵢ the task's duration in working days, a missing value counting as 0.

    ``actual_of(task_id)`` gives a leaf's actual progress on ``day`` (None: none yet);
    ``planned_of``, when given, its planned progress on ``day`` (a caller that has it
    already saves computing it again). Pass a project's tasks for the project's
    progress, or the leaves under a parent task for the parent's. Both values are None
    when no leaf has a working day. Exact: round only to show the result.
    """
    weighted = [(calendar.count(t.first_day, t.end), t) for t in weighing_leaves(tasks)]

    def planned(task: TaskDoc) -> Fraction | None:
        if planned_of is not None:
            return planned_of(task.id)
        return metrics.planned_progress(task.first_day, task.end, day, calendar, task.plan)

    return Progress(
        weighted_mean((weight, planned(task)) for weight, task in weighted),
        weighted_mean((weight, actual_of(task.id)) for weight, task in weighted),
    )


def weighted_mean(values: Iterable[tuple[int, Fraction | int | None]]) -> Fraction | None:
    """Σ wᵢ·pᵢ / Σ wᵢ, exactly, a missing pᵢ counting as 0; None when Σ wᵢ is 0."""
    weight_sum = 0
    numerators: dict[int, int] = defaultdict(int)  # by denominator: integer sums are cheap
    for weight, value in values:
        weight_sum += weight
        if value:
            exact = value if isinstance(value, Fraction) else Fraction(value)
            numerators[exact.denominator] += weight * exact.numerator
    if not weight_sum:
        return None
    total = sum((Fraction(n, d) for d, n in numerators.items()), Fraction(0))
    return total / weight_sum


def leaves_under(children: Mapping[str, Sequence[str]], task_id: str) -> list[str]:
    """The leaf tasks under ``task_id`` through ``children`` (parent id → child ids), in
    depth-first order; a loop of parents (an error validation reports) ends in no leaf."""
    found: list[str] = []
    seen: set[str] = set()

    def walk(current: str, path: frozenset[str]) -> None:
        kids = children.get(current, ())
        if not kids:
            if current not in seen:
                seen.add(current)
                found.append(current)
            return
        for child in kids:
            if child not in path:
                walk(child, path | {child})

    for child in children.get(task_id, ()):
        if child != task_id:
            walk(child, frozenset({task_id, child}))
    return found
