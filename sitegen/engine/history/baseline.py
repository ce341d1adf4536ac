"""Baselines of tasks, how far they slipped, and who replanned them (SPEC §9).

A task's *baseline* is its `start`, `end` and `plan` as first committed, or, when its
project.md sets `baseline: DATE`, as they stood at the end of that day (a task first
committed later has its first version as baseline and was *added after the baseline*).
*Slip* is the signed number of working days from the baseline end to the current end.

The timeline of a task file follows renames, skips versions that do not parse or
validate (findings are about the files as they are now), and ends at the as-of moment:
a build of a past day does not know what was replanned after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from sitegen.content.history.documents import VersionReader
from sitegen.content.history.model import Commit, History, Version
from sitegen.content.history.snapshot import end_of_day
from sitegen.content.model import TaskDoc
from sitegen.content.projects import Site
from sitegen.core.findings import Finding, Severity
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.engine.compute import Status
from sitegen.engine.memo import DerivedMemo
from sitegen.engine.workdays import WorkCalendar

SCHEDULE_KEYS = ("start", "end", "plan")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A task's dates as one version of its file states them."""

    start: date | None
    end: date
    plan: tuple[tuple[date, Decimal], ...] = ()

    @classmethod
    def of(cls, task: TaskDoc) -> Schedule:
        return cls(task.start, task.end, tuple(sorted((task.plan or {}).items())))

    @property
    def first_day(self) -> date:
        return self.start or self.end

    def value(self, key: str) -> object:
        return getattr(self, key)


# One state of a task file: when it took effect, who made it, and the schedule it stated
# (None: the file was removed then).
Step = tuple[datetime, Commit, Schedule | None]


@dataclass(frozen=True, slots=True)
class Replan:
    """A commit that changed a task's schedule: each changed key with (old, new)."""

    commit: Commit
    changes: tuple[tuple[str, object, object], ...]


@dataclass(frozen=True, slots=True)
class TaskBaseline:
    task: str
    file: str
    baseline: Schedule
    added_after_baseline: bool
    slip_days: int
    duration: int  # working days of the baseline, first day to end inclusive
    replans: tuple[Replan, ...]


# ---------------------------------------------------------------- pure rules


def choose_baseline(steps: Sequence[Step], cutoff: datetime | None) -> tuple[Schedule, bool] | None:
    """The baseline schedule and whether the task was added after the baseline, from a
    task file's steps (oldest first). ``cutoff``: the end of the project's baseline day,
    or None for "as first committed"."""
    if cutoff is None:
        first = next((schedule for _, _, schedule in steps if schedule is not None), None)
        return None if first is None else (first, False)
    standing: Schedule | None = None
    for moment, _, schedule in steps:
        if moment > cutoff:
            break
        standing = schedule
    if standing is not None:
        return standing, False
    later = next((s for moment, _, s in steps if moment > cutoff and s is not None), None)
    return None if later is None else (later, True)


def replans(steps: Iterable[Step]) -> list[Replan]:
    """One `Replan` per step whose schedule differs from the previous stated one (a
    removal in between is not a schedule: the file's return is compared with what it
    said before)."""
    found: list[Replan] = []
    previous: Schedule | None = None
    for _, commit, schedule in steps:
        if schedule is None:
            continue
        if previous is not None and schedule != previous:
            changes = tuple(
                (key, previous.value(key), schedule.value(key))
                for key in SCHEDULE_KEYS
                if previous.value(key) != schedule.value(key)
            )
            found.append(Replan(commit, changes))
        previous = schedule
    return found


def slip_days(baseline_end: date, end: date, calendar: WorkCalendar) -> int:
    """Working days from ``baseline_end`` to ``end``, counted in (a, b]: positive when
    the end moved later, negative when earlier."""
    if end >= baseline_end:
        return calendar.between(baseline_end, end)
    return -calendar.between(end, baseline_end)


def has_slipped(slip: int, baseline_duration: int, threshold: Decimal | Fraction) -> bool:
    """slip ≥ threshold × baseline duration, compared exactly; never without a slip."""
    return slip > 0 and slip >= metrics.exact(threshold) * baseline_duration


# ---------------------------------------------------------------- reading the history


class TaskTimelines:
    """The steps of task files in a history, up to a moment, following renames."""

    def __init__(
        self,
        history: History,
        reader: VersionReader,
        until: datetime | None,
        known: dict[str, list[Step]] | None = None,
    ) -> None:
        """``known``: the steps of files worked out before in the same history up to the
        same moment (a resident preview keeps them); new ones are added to it."""
        self.history = history
        self.reader = reader
        self.until = until
        self.known = {} if known is None else known
        self._order = {revision.commit.id: n for n, revision in enumerate(history.revisions)}

    def versions(self, path: str) -> list[tuple[str, Version]]:
        """(the path it had then, version) of the file now at ``path``, oldest first."""
        order = self._order
        versions = [(path, v) for v in self.history.versions(path)]
        seen = {path}
        previous = self.history.renamed_from.get(path)
        while previous is not None and previous not in seen:
            seen.add(previous)
            before = order[versions[0][1].revision.commit.id] if versions else len(order)
            older = [
                (previous, v)
                for v in self.history.versions(previous)
                if order[v.revision.commit.id] < before
            ]
            versions = older + versions
            previous = self.history.renamed_from.get(previous)
        if self.until is not None:
            versions = [(p, v) for p, v in versions if v.revision.effective <= self.until]
        return versions

    def steps(self, path: str) -> list[Step]:
        known = self.known.get(path)
        if known is None:
            known = self.known[path] = self._steps(path)
        return known

    def _steps(self, path: str) -> list[Step]:
        steps: list[Step] = []
        for version_path, version in self.versions(path):
            revision = version.revision
            if version.blob is None:
                steps.append((revision.effective, revision.commit, None))
                continue
            task = self.reader.document(version.blob, version_path, TaskDoc)
            if task is not None:  # a version that does not validate says nothing
                steps.append((revision.effective, revision.commit, Schedule.of(task)))
        return steps


def task_baselines(
    site: Site,
    history: History,
    reader: VersionReader,
    calendar: WorkCalendar,
    until: datetime | None = None,
    memo: DerivedMemo | None = None,
) -> dict[str, TaskBaseline]:
    """The baseline of every task of ``site`` that history knows, by task id.
    ``memo``: what a resident preview kept from its last analysis."""
    zone = ZoneInfo(site.settings.timezone)
    memo = memo or DerivedMemo()
    history_read = (history.head, until)
    # All a baseline reads besides the history: a save that changed no task (a report,
    # say) finds the same task documents, compared by identity first, and the same days.
    read_from = (history_read, calendar, zone, _planned_tasks(site))
    kept = memo.kept("task-baselines", read_from)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    known = memo.kept("task-steps", history_read)
    if known is None:
        known = {}
        memo.keep("task-steps", history_read, known)
    timelines = TaskTimelines(history, reader, until, known)
    found: dict[str, TaskBaseline] = {}
    for project in site.projects:
        day = project.doc.baseline if project.doc is not None else None
        cutoff = end_of_day(day, zone) if day is not None else None
        for task in project.tasks:
            if task.id in found:
                continue  # a duplicate id; reported by validation
            steps = timelines.steps(task.source.file)
            chosen = choose_baseline(steps, cutoff)
            if chosen is None:
                continue  # never committed (yet): history knows nothing of it
            baseline, added_after = chosen
            found[task.id] = TaskBaseline(
                task=task.id,
                file=task.source.file,
                baseline=baseline,
                added_after_baseline=added_after,
                slip_days=slip_days(baseline.end, task.end, calendar),
                duration=calendar.count(baseline.first_day, baseline.end),
                replans=tuple(replans(steps)),
            )
    memo.keep("task-baselines", read_from, found)
    return found


def _planned_tasks(site: Site) -> tuple[tuple[object, ...], ...]:
    """Each project's baseline day and tasks, in order: what baselines read of the site."""
    return tuple(
        (project.id, project.doc.baseline if project.doc else None, tuple(project.tasks))
        for project in site.projects
    )


# ---------------------------------------------------------------- findings


def baseline_findings(
    site: Site, status: Status, baselines: Mapping[str, TaskBaseline], messages: Messages
) -> list[Finding]:
    """`replanned` for every commit that changed a task's schedule; `slipped` for every
    open task whose slip reached the deviation threshold of its baseline duration."""
    zone = ZoneInfo(site.settings.timezone)
    threshold = site.settings.thresholds.deviation
    findings: list[Finding] = []
    for task_id, baseline in baselines.items():
        state = status.tasks.get(task_id)
        if state is None:
            continue
        task = state.task
        links = {"project": state.project, "task": task_id}
        for replan in baseline.replans:
            local = replan.commit.time.astimezone(zone)
            changes = [
                messages(
                    "replanned.change",
                    key=key,
                    old=_shown(old, messages),
                    new=_shown(new, messages),
                )
                for key, old, new in replan.changes
            ]
            findings.append(
                Finding(
                    "replanned",
                    Severity.NOTICE,
                    task.source.file,
                    task.source.line(replan.changes[0][0]),
                    messages(
                        "replanned",
                        id=task_id,
                        changes=messages("replanned.separator").join(changes),
                        commit=replan.commit.short,
                        author=replan.commit.author,
                        at=local.strftime("%Y-%m-%d %H:%M"),
                        zone=site.settings.timezone,
                    ),
                    day=local.date().isoformat(),
                    **links,
                )
            )
        if state.is_open and has_slipped(baseline.slip_days, baseline.duration, threshold):
            findings.append(
                Finding(
                    "slipped",
                    Severity.WARNING,
                    task.source.file,
                    task.source.line("end"),
                    messages(
                        "slipped",
                        id=task_id,
                        days=baseline.slip_days,
                        baseline=baseline.baseline.end.isoformat(),
                        end=task.end.isoformat(),
                        duration=baseline.duration,
                        share=metrics.percent_text(
                            Fraction(baseline.slip_days, baseline.duration)
                            if baseline.duration
                            else None
                        ),
                        threshold=metrics.percent_text(metrics.exact(threshold)),
                    ),
                    person=task.owner,
                    **links,
                )
            )
    return findings


def _shown(value: object, messages: Messages) -> str:
    """A schedule value as the finding shows it: a date, plan points, or '—'."""
    if value is None or value == ():
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return messages.join(
            [
                f"{day.isoformat()}: {metrics.percent_text(metrics.exact(pct) / 100)}"
                for day, pct in value
            ]
        )
    return str(value)


__all__ = [
    "Replan",
    "Schedule",
    "TaskBaseline",
    "TaskTimelines",
    "baseline_findings",
    "choose_baseline",
    "has_slipped",
    "replans",
    "slip_days",
    "task_baselines",
]
