""" "This week vs last" on the weekly review: overall progress, tasks finished, alerts
raised and alerts resolved, each beside the week before and the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sitegen.engine import metrics
from sitegen.engine.history.trend import TrendPoint
from sitegen.engine.progress import weighted_mean
from sitegen.site.pages.view import Alert

# The figures compared, and whether more is better (False: fewer is better).
MORE_IS_BETTER = {"progress": True, "finished": True, "new_alerts": False, "resolved": True}


@dataclass(frozen=True)
class WeekFigures:
    progress: Fraction | None  # overall actual progress at the week's end, percent
    finished: int
    new_alerts: int
    resolved: int

    def value(self, key: str) -> Fraction | int | None:
        return getattr(self, key)


@dataclass(frozen=True)
class Change:
    key: str
    this: Fraction | int | None
    last: Fraction | int | None

    @property
    def delta(self) -> Fraction | int | None:
        if self.this is None or self.last is None:
            return None
        return self.this - self.last

    @property
    def points(self) -> float | None:
        """The size of a change of progress in percentage points, one decimal."""
        delta = self.delta
        return None if delta is None else metrics.percent(Fraction(abs(delta)) / 100)

    @property
    def direction(self) -> str:
        """ "better", "worse" or "same" (also when a week has no figure)."""
        delta = self.delta
        if not delta:
            return "same"
        return "better" if (delta > 0) == MORE_IS_BETTER[self.key] else "worse"


def compare(this: WeekFigures, last: WeekFigures | None) -> tuple[Change, ...]:
    return tuple(
        Change(key, this.value(key), None if last is None else last.value(key))
        for key in MORE_IS_BETTER
    )


def overall_progress(
    trends: Mapping[str, Sequence[TrendPoint]], weights: Mapping[str, int], day: date
) -> Fraction | None:
    """Σ wₚ·aₚ / Σ wₚ over the projects with a trend point on or before ``day``: aₚ the
    actual progress of the latest such point (none yet counting as 0), wₚ the project's
    weight (the working days of its weighing tasks). None when no project had begun."""
    values = []
    for project, points in trends.items():
        shown = [p for p in points if p.day <= day]
        if shown and weights.get(project):
            values.append((weights[project], shown[-1].actual))
    return weighted_mean(values) if values else None


def resolved_alerts(
    alerts: Iterable[Alert],
    monday: date,
    finished: frozenset[str],
    resolved_risk_files: frozenset[str],
) -> int:
    """Alerts raised before ``monday`` (or undated) whose cause this week removed: their
    task was finished this week, or their risk was resolved this week."""
    count = 0
    for alert in alerts:
        finding = alert.finding
        if finding.task not in finished and finding.file not in resolved_risk_files:
            continue  # asked first: most alerts are not about what changed this week
        if finding.day is None or date.fromisoformat(finding.day) < monday:
            count += 1
    return count


__all__ = [
    "Change",
    "WeekFigures",
    "compare",
    "overall_progress",
    "resolved_alerts",
]
