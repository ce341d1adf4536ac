"""Machine-readable exports: status.json (SPEC §8)."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from sitegen.content.projects import Site
from sitegen.core.findings import Finding
from sitegen.engine import metrics
from sitegen.engine.compute import Status
from sitegen.engine.health import ProjectHealth
from sitegen.engine.history.facts import HistoryFacts
from sitegen.engine.history.trend import trend_rows


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    exact = metrics.exact(value)
    return int(exact) if exact.denominator == 1 else float(value)


def status_data(
    site: Site,
    status: Status,
    health: dict[str, ProjectHealth],
    findings: list[Finding],
    history: HistoryFacts | None = None,
) -> dict[str, Any]:
    history = history or HistoryFacts()
    pct = metrics.percent

    def percent_of_100(value: Fraction | None) -> float | None:
        return pct(None if value is None else value / 100)

    return {
        "as_of": status.as_of.isoformat(),
        "projects": [
            {
                "id": project.id,
                "title": project.title,
                "health": health[project.id].health.value,
                "progress": {
                    "planned": percent_of_100(status.progress[project.id].planned),
                    "actual": percent_of_100(status.progress[project.id].actual),
                },
                "kpis": [
                    {
                        "id": k.kpi.id,
                        "target": _number(k.kpi.target),
                        "actual": _number(k.actual),
                        "achievement": pct(k.achievement),
                    }
                    for k in status.kpis.get(project.id, ())
                ],
                "trend": trend_rows(history.trends.get(project.id, ())),
            }
            for project in site.projects
        ],
        "tasks": [
            {
                "id": t.task.id,
                "project": t.project,
                "title": t.task.title,
                "owner": t.task.owner,
                "priority": t.priority.value,
                "start": t.task.start.isoformat() if t.task.start else None,  # null: not given
                "end": t.task.end.isoformat(),
                "status": t.status.value,
                "planned_progress": percent_of_100(t.planned),
                "actual_progress": percent_of_100(t.actual),
                "schedule_deviation": pct(t.schedule_deviation),
                "critical": t.critical,
                **history.baseline_row(t.task.id),
            }
            for t in status.tasks.values()
        ],
        "people": [
            {"id": p.person.id, "peak_concurrent": p.load.peak, "overloaded": p.load.overloaded}
            for p in status.people.values()
        ],
        "risks": [
            {"id": r.id, "impact": r.impact.value, "status": r.status.value} for r in site.risks
        ],
        "findings": [f.export() for f in findings],
    }


def to_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
