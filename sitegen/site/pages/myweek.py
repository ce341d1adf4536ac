"""A person's week and load status: what is due, overdue, unconfirmed or owed, and a
load status that weighs late and lagging work, not only how many tasks run at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum
from fractions import Fraction

from sitegen.content.choices import Priority
from sitegen.engine import metrics
from sitegen.engine.compute import TaskState
from sitegen.engine.workload import Load


class LoadLevel(IntEnum):
    """A person's load status, worst last (the value orders them)."""

    OK = 0
    WATCH = 1  # some open work is overdue or behind
    OVERLOADED = 2  # more tasks at once than the limit on some working day
    AT_RISK = 3  # a P0 task is overdue or behind

    @property
    def key(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class LoadReason:
    code: str  # "p0-late", "overload", "late": the ui key person.reason.<code>
    task: str | None = None
    overdue_days: int | None = None  # calendar days past the end
    deviation: Fraction | None = None  # schedule deviation when it is an alert
    peak: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class LoadState:
    level: LoadLevel
    reasons: tuple[LoadReason, ...]

    @property
    def key(self) -> str:
        return self.level.key


def load_state(
    load: Load, tasks: Iterable[TaskState], as_of: date, threshold: Decimal | Fraction
) -> LoadState:
    """The rule: *at risk* when an open P0 task of theirs is overdue (its end before the
    as-of day) or behind (schedule deviation ≤ −threshold); else *overloaded* when on
    some working day more tasks run at once than the limit; else *watch* when any other
    open task is overdue or behind; else *ok*. Every reason found is listed, worst
    first; parents (summaries of their subtasks) do not count."""
    late: list[LoadReason] = []
    p0: list[LoadReason] = []
    for state in tasks:
        if not state.is_leaf or not state.late_or_behind(as_of, threshold):
            continue
        overdue = (as_of - state.task.end).days if state.task.end < as_of else None
        behind = metrics.is_alert(state.schedule_deviation, threshold)
        deviation = state.schedule_deviation if behind else None
        is_p0 = state.priority is Priority.P0
        reason = LoadReason("p0-late" if is_p0 else "late", state.task.id, overdue, deviation)
        (p0 if is_p0 else late).append(reason)
    reasons = list(p0)
    if load.overloaded:
        reasons.append(LoadReason("overload", peak=load.peak, limit=load.limit))
    reasons.extend(late)
    if p0:
        level = LoadLevel.AT_RISK
    elif load.overloaded:
        level = LoadLevel.OVERLOADED
    elif late:
        level = LoadLevel.WATCH
    else:
        level = LoadLevel.OK
    return LoadState(level, tuple(reasons))


@dataclass(frozen=True)
class MyWeek:
    monday: date
    sunday: date
    due: tuple[TaskState, ...]  # open, ending from the as-of day to Sunday
    overdue: tuple[TaskState, ...]  # open, ended before the as-of day
    unconfirmed: tuple[TaskState, ...]  # open, `confirmed: false`

    @property
    def empty(self) -> bool:
        return not (self.due or self.overdue or self.unconfirmed)


def my_week(tasks: Sequence[TaskState], as_of: date) -> MyWeek:
    """A person's open tasks that need them this week (Monday to Sunday of ``as_of``),
    in the order given."""
    monday = as_of - timedelta(days=as_of.weekday())
    sunday = monday + timedelta(days=6)
    open_tasks = [s for s in tasks if s.is_open]
    return MyWeek(
        monday,
        sunday,
        due=tuple(s for s in open_tasks if as_of <= s.task.end <= sunday),
        overdue=tuple(s for s in open_tasks if s.task.end < as_of),
        unconfirmed=tuple(s for s in open_tasks if s.task.confirmed is False),
    )


__all__ = ["LoadLevel", "LoadReason", "LoadState", "MyWeek", "load_state", "my_week"]
