"""What the Gantt chart is given besides the tasks: their baselines, as it draws them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sitegen.content.model import TaskDoc
from sitegen.engine.history.baseline import TaskBaseline
from sitegen.site.gantt.bars import Baseline


def gantt_baselines(
    baselines: Mapping[str, TaskBaseline], tasks: Iterable[TaskDoc]
) -> dict[str, Baseline]:
    """The baselines of ``tasks`` (none without history: then no ghost is drawn)."""
    found = {}
    for task in tasks:
        known = baselines.get(task.id)
        if known is not None:
            schedule = known.baseline
            found[task.id] = Baseline(schedule.first_day, schedule.end, known.slip_days)
    return found
