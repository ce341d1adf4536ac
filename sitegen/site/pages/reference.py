"""The reference pages: the priority matrix and the measures guide's worked examples."""

from __future__ import annotations

from typing import Any

from sitegen.content.choices import Priority
from sitegen.engine import metrics
from sitegen.engine.progress import weighted_mean
from sitegen.site.pages.view import SiteView

#: (priority, urgent, important): the quadrants of the matrix, in reading order.
QUADRANTS = (
    (Priority.P0, True, True),
    (Priority.P1, False, True),
    (Priority.P2, True, False),
    (Priority.P3, False, False),
)


def priority_matrix(view: SiteView) -> list[dict[str, Any]]:
    quadrants = []
    for priority, urgent, important in QUADRANTS:
        states = [s for s in view.tasks.values() if s.priority is priority]
        quadrants.append(
            {
                "priority": priority.value,
                "urgent": urgent,
                "important": important,
                "open": view.sorted_tasks([s for s in states if s.is_open]),
                "closed": view.sorted_tasks([s for s in states if not s.is_open]),
            }
        )
    return quadrants


def worked_examples(threshold: Any) -> dict[str, Any]:
    """The guide's worked examples, computed with the same functions as the site."""
    return {
        "entries": [
            {
                "planned": planned,
                "actual": actual,
                "completion": metrics.ratio(actual, planned),
                "deviation": metrics.deviation(actual, planned),
            }
            # the guide's table 3: two scripts, three drafts, three final cuts
            for planned, actual in ((2, 1), (3, 3), (3, 2))
        ],
        "kpi": {
            "target": 5_000_000,
            "actual": 5_200_000,
            "achievement": metrics.ratio(5_200_000, 5_000_000),
        },
        "planned": {
            "duration": 5,
            "elapsed": 2,
            "value": metrics.ratio(2 * 100, 5),
        },
        "schedule": {
            "planned": 80,
            "actual": 60,
            "deviation": metrics.deviation(60, 80),
        },
        # a 5-day task done and a 7-day task 40% done weigh in by their durations
        "progress": weighted_mean([(5, 100), (7, 40)]),
        "boundary": {
            "deviation": metrics.deviation(4, 5),
        },
        "severe": 2 * metrics.exact(threshold),
    }
