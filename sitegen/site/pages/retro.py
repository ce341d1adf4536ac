"""The measured process figures of a project's retrospective page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.engine import metrics
from sitegen.engine.compute import TaskState
from sitegen.site.pages.view import Alert, SiteView


@dataclass(frozen=True)
class Measure:
    """A measured process figure on the retro page: the value and what it is."""

    key: str
    value: str
    detail: dict[str, Any]


def retro_measures(view: SiteView, project_id: str) -> list[Measure]:
    states = [s for s in view.project_tasks(project_id) if s.status is not TaskStatus.CANCELLED]
    done = [s for s in states if s.status is TaskStatus.DONE]
    on_time = 0
    for state in done:
        if any(e.entry.progress == 100 and e.day <= state.task.end for e in state.entries) or (
            state.task.kind is TaskKind.MILESTONE
        ):
            on_time += 1
    with_reports = [s for s in done if any(e.entry.progress is not None for e in s.entries)]
    alerts = view.project_alerts(project_id)
    deviations = [e.deviation for e in view.project_entries(project_id) if e.deviation is not None]
    average = sum(deviations, Fraction(0)) / len(deviations) if deviations else None
    entries_alerting = sum(1 for d in deviations if view.is_alert(d))
    return [
        Measure("done", f"{len(done)} / {len(states)}", {"done": len(done), "total": len(states)}),
        Measure(
            "reported-done",
            f"{on_time} / {len(done)}",
            {"share": metrics.ratio(on_time, len(done)), "reported": len(with_reports)},
        ),
        Measure("alerts", str(len(alerts)), {"codes": _count_codes(alerts)}),
        Measure(
            "average-deviation",
            "",
            {"value": average, "entries": len(deviations), "alerting": entries_alerting},
        ),
    ]


def retro_team_and_outputs(view: SiteView, project_id: str) -> dict[str, list[TaskState]]:
    """The guide's other two retro dimensions, in start order: team collaboration (the
    tasks with collaborators) and outputs (the deliverables of the finished tasks)."""
    states = view.sorted_tasks(view.project_tasks(project_id))
    return {
        "collaboration": [s for s in states if s.task.collaborators],
        "outputs": [s for s in states if s.status is TaskStatus.DONE and s.task.deliverables],
    }


def _count_codes(alerts: list[Alert]) -> list[tuple[str, int]]:
    return sorted(Counter(alert.finding.code for alert in alerts).items())
