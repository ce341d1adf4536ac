"""Stage 4: the guide's rules as warnings and notices (SPEC §6); health: engine/health.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from sitegen.content.choices import Impact, TaskKind, TaskStatus
from sitegen.content.model import Document, ReportDoc, person_name
from sitegen.content.projects import Site
from sitegen.content.source import Source
from sitegen.core.findings import Finding, Severity, severity_of
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.engine.compute import EntryState, Status, TaskState
from sitegen.engine.memo import DerivedMemo
from sitegen.engine.workdays import ONE_DAY
from sitegen.engine.workload import day_runs


@dataclass(frozen=True)
class Rules:
    site: Site
    status: Status
    msg: Messages

    @property
    def thresholds(self):
        return self.site.settings.thresholds

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.settings.timezone)

    @cached_property
    def report_deadline(self) -> time:
        hour, minute = (int(part) for part in self.thresholds.report_deadline.split(":"))
        return time(hour, minute)

    def pct(self, value) -> str:
        return metrics.percent_text(value)

    def pct_of_100(self, value) -> str:
        return metrics.percent_text(None if value is None else value / 100)

    def name(self, person_id: str) -> str:
        """How an alert names a person: by their name (李四), not their id (li-si)."""
        return person_name(self.site.person_index, person_id)

    @cached_property
    def names(self) -> dict[str, str]:
        """Every person's name as alerts show it, by id: what a kept finding that names
        someone depends on (see `sitegen.engine.memo`)."""
        return {person_id: self.name(person_id) for person_id in self.site.person_index}

    def finding(self, code: str, source: Source, path: tuple, **values) -> Finding:
        """A finding whose message is the catalog entry named like its code."""
        links = {k: values[k] for k in ("project", "task", "person", "day") if k in values}
        return Finding(
            code,
            severity_of(code),
            source.file,
            source.line(*path),
            self.msg(code, **values),
            **links,
        )


def _entry_deviation(rules: Rules, states: list[EntryState]) -> Iterator[Finding]:
    for state in states:
        if state.day > rules.status.as_of:
            continue  # not yet reported on the as-of day
        if metrics.is_alert(state.deviation, rules.thresholds.deviation):
            entry = state.entry
            yield rules.finding(
                "deviation",
                state.report.source,
                ("entries", state.index, "actual"),
                task=entry.task,
                person=state.report.author,
                project=_project_of(rules, entry.task, state.project),
                day=state.day.isoformat(),
                date=state.day.isoformat(),
                who=rules.name(state.report.author),
                actual=entry.actual,
                planned=entry.planned,
                value=rules.pct(state.deviation),
            )


def _project_of(rules: Rules, task_id: str, fallback: str) -> str:
    return rules.site.task_project.get(task_id, fallback)


def _task_rules(rules: Rules, state: TaskState) -> Iterator[Finding]:
    task, today, limits = state.task, rules.status.as_of, rules.thresholds
    links = {"project": state.project, "task": task.id, "person": task.owner}
    # A parent's deviation is its subtasks' rolled up: they raise their own warnings.
    if (
        state.is_leaf
        and state.is_open
        and metrics.is_alert(state.schedule_deviation, limits.deviation)
    ):
        yield rules.finding(
            "schedule-deviation",
            task.source,
            ("plan",) if task.plan else ("end",),
            **links,
            id=task.id,
            actual=rules.pct_of_100(state.actual),
            planned=rules.pct_of_100(state.planned),
            value=rules.pct(state.schedule_deviation),
            date=today.isoformat(),
        )
    if state.is_open and task.end < today:
        yield rules.finding("overdue", task.source, ("end",), **links, id=task.id, end=task.end)
    if state.is_leaf and state.status is TaskStatus.DOING:
        reported = [e.day for e in state.entries if e.day <= today]
        last = max(reported) if reported else None
        calendar = rules.status.calendar
        quiet = (
            calendar.between(last, today - ONE_DAY)
            if last
            else calendar.count(task.first_day, today - ONE_DAY)
        )
        if quiet >= limits.stale_days:
            yield rules.finding(
                "stale",
                task.source,
                ("status",) if task.status else ("id",),
                **links,
                id=task.id,
                days=quiet,
                last=last.isoformat() if last else "—",
            )
    for index, dependency_id in enumerate(task.depends_on):
        dependency = rules.site.task_index.get(dependency_id)
        if dependency is None or not state.is_open:
            continue
        too_early = (
            task.first_day < dependency.end
            if task.kind is TaskKind.MILESTONE
            else task.first_day <= dependency.end
        )
        if too_early:
            yield rules.finding(
                "dependency-order",
                task.source,
                ("depends_on", index),
                **links,
                id=task.id,
                start=task.first_day,
                dependency=dependency_id,
                end=dependency.end,
            )
    yield from _outside_parent(rules, state, links)
    if task.confirmed is False:
        yield rules.finding(
            "unconfirmed",
            task.source,
            ("confirmed",),
            **links,
            id=task.id,
            who=rules.name(task.owner),
        )
    owner = rules.site.person_index.get(task.owner)
    missing_skills = [s for s in task.skills if owner and s not in owner.skills]
    if missing_skills and state.is_open:
        yield rules.finding(
            "skill-mismatch",
            task.source,
            ("skills",),
            **links,
            id=task.id,
            who=rules.name(task.owner),
            skills=rules.msg.join(missing_skills),
        )
    if (
        task.kind is TaskKind.TASK
        and not task.deliverables
        and state.status is not TaskStatus.CANCELLED
    ):
        yield rules.finding("no-deliverable", task.source, ("id",), **links, id=task.id)
    if (
        state.is_leaf
        and task.kind is not TaskKind.MILESTONE
        and state.duration > limits.max_task_days
        and state.status is not TaskStatus.CANCELLED
    ):
        yield rules.finding(
            "too-coarse",
            task.source,
            ("end",),
            **links,
            id=task.id,
            days=state.duration,
            limit=limits.max_task_days,
        )


def _outside_parent(rules: Rules, state: TaskState, links: dict[str, str]) -> Iterator[Finding]:
    """A subtask that starts before or ends after its parent (WBS level 3 within level 2)."""
    task = state.task
    if not task.parent or task.parent == task.id or task.parent not in rules.status.tasks:
        return  # no parent, or one validation reports
    parent = rules.status.tasks[task.parent]
    if TaskStatus.CANCELLED in (state.status, parent.status):
        return
    starts_early = task.first_day < parent.task.first_day
    if starts_early or task.end > parent.task.end:
        yield rules.finding(
            "outside-parent",
            task.source,
            ("start",) if starts_early and task.start else ("end",),
            **links,
            id=task.id,
            start=task.first_day,
            end=task.end,
            parent=parent.task.id,
            parent_start=parent.task.first_day,
            parent_end=parent.task.end,
        )


def _overload(rules: Rules) -> Iterator[Finding]:
    for person_id, person in rules.status.people.items():
        days = person.load.overloaded_days
        if not days:
            continue
        runs = day_runs(days, rules.status.calendar)
        shown = [f"{a}" if a == b else f"{a}..{b}" for a, b in runs]
        tasks = sorted({t for day in days for t in person.load.by_day[day]})
        yield rules.finding(
            "overload",
            person.person.source,
            ("id",),
            person=person_id,
            who=rules.name(person_id),
            peak=person.load.peak,
            limit=person.load.limit,
            dates=rules.msg.join(shown),
            tasks=rules.msg.join(tasks),
        )


def _missing_reports(rules: Rules) -> Iterator[Finding]:
    today, calendar = rules.status.as_of, rules.status.calendar
    filed: dict[str, set] = defaultdict(set)
    for report in rules.site.reports:
        filed[report.author].add(report.date)
    for project in rules.site.projects:  # handed in, but with errors that say what to fix
        for stem in project.unreadable_reports:
            day, author = stem[:10], stem[11:]
            with suppress(ValueError):
                filed[author].add(date.fromisoformat(day))
    missing: dict[tuple[str, object], list[TaskState]] = defaultdict(list)
    for state in rules.status.tasks.values():
        if (
            state.status is not TaskStatus.DOING
            or not state.is_leaf  # a parent's owner reports on its subtasks
            or state.task.owner not in rules.site.person_index
        ):
            continue
        for day in calendar.days(state.task.first_day, today - ONE_DAY):
            if day not in filed[state.task.owner]:
                missing[(state.task.owner, day)].append(state)
    for (person_id, day), states in sorted(missing.items()):
        first = min(states, key=lambda s: s.task.id)
        yield rules.finding(
            "missing-report",
            first.task.source,
            ("owner",),
            project=first.project,
            task=first.task.id,
            person=person_id,
            day=day.isoformat(),
            who=rules.name(person_id),
            date=day,
            tasks=rules.msg.join(sorted(s.task.id for s in states)),
        )


def _days_off(rules: Rules) -> Iterator[Finding]:
    """A task that starts or ends, or a report dated, on a weekend or holiday: usually a
    slip of the keyboard, and working days decide every duration and deadline."""
    calendar = rules.status.calendar
    for state in rules.status.tasks.values():
        task = state.task
        if task.kind is TaskKind.MILESTONE or not state.is_open:
            continue
        for key, day in (("start", task.start), ("end", task.end)):
            if day is not None and not calendar.is_working(day):
                links = {"project": state.project, "task": task.id, "person": task.owner}
                yield rules.finding("non-working-day", task.source, (key,), **links,
                                    field=key, date=day, id=task.id)  # fmt: skip


def brief_over_limit(body: str, limit: int) -> int | None:
    """The length of the brief a report's ``body`` holds when it is over ``limit``
    characters, else None.

    This is all the analysis reads of any document's body (bodies are shown, not
    computed with): a resident preview re-renders, without analysing the site again, a
    page whose file changed only in a way this does not see (see
    `sitegen.builder.resident`; tests/test_resident.py checks the claim).
    """
    brief = body.strip()
    # A character is one code point or more, and NFC never turns one code point into two
    # characters, so a brief of at most ``limit`` code points is within the limit
    # (tests/test_calculations.py checks it on any text): most briefs are not counted.
    if len(brief) <= limit:
        return None
    length = metrics.characters(brief)
    return length if length > limit else None


def body_as_analysed(document: Document, limit: int) -> int | None:
    """What the analysis reads of ``document``'s body (``limit``: the brief's)."""
    return body_read_as(type(document), document.body, limit)


def body_read_as(kind: type[Document], body: str, limit: int) -> int | None:
    """What the analysis reads of ``body`` as the body of a document of ``kind``."""
    return brief_over_limit(body, limit) if issubclass(kind, ReportDoc) else None


def _report_rules(rules: Rules, report: ReportDoc, project: str) -> Iterator[Finding]:
    limits = rules.thresholds
    links = {"project": project, "person": report.author, "day": report.date.isoformat()}
    if report.submitted is not None and report.date <= rules.status.as_of:
        zone = rules.zone
        submitted = report.submitted
        if submitted.tzinfo is None:
            submitted = submitted.replace(tzinfo=zone)
        deadline = datetime.combine(report.date, rules.report_deadline, zone)
        if submitted > deadline:
            local = submitted.astimezone(zone)
            yield rules.finding(
                "late-report",
                report.source,
                ("submitted",),
                **links,
                who=rules.name(report.author),
                date=report.date,
                # 17:00:01 is late for a 17:00 deadline: show the seconds then
                at=local.strftime("%Y-%m-%d %H:%M" + (":%S" if local.second else "")),
                deadline=limits.report_deadline,
                zone=rules.site.settings.timezone,
            )
    length = brief_over_limit(report.body, limits.brief_max_chars)
    if length is not None:
        yield Finding(
            "brief-too-long",
            Severity.WARNING,
            report.source.file,
            report.source.body_line,
            rules.msg("brief-too-long", chars=length, limit=limits.brief_max_chars),
            **links,
        )
    for index, entry in enumerate(report.entries):
        if entry.progress is not None and not entry.evidence:
            yield rules.finding(
                "no-evidence",
                report.source,
                ("entries", index, "progress"),
                **links,
                task=entry.task,
            )
    if not rules.status.calendar.is_working(report.date) and report.date <= rules.status.as_of:
        links = {"project": project, "person": report.author}
        yield rules.finding("non-working-day", report.source, ("date",), **links,
                            field="date", date=report.date, id=report.id)  # fmt: skip


def _report_findings(rules: Rules, memo: DerivedMemo) -> Iterator[Finding]:
    """What the rules say about each report and its entries: a function of the report
    (and its entries' states, which are its own) and of `_report_context`."""
    table = memo.table("report-findings", _report_context(rules))
    by_report: dict[int, list[EntryState]] = defaultdict(list)
    for state in rules.status.entries:
        by_report[id(state.report)].append(state)
    for project in rules.site.projects:
        for report in project.reports:
            states = by_report.get(id(report), [])
            made = partial(_findings_of_report, rules, states, report, project.id)
            yield from table.get(report, project.id, made)


def _findings_of_report(
    rules: Rules, states: list[EntryState], report: ReportDoc, project: str
) -> list[Finding]:
    return [*_entry_deviation(rules, states), *_report_rules(rules, report, project)]


def _report_context(rules: Rules) -> tuple[object, ...]:
    """All a report's findings read besides the report: the day, the settings, the
    language, people's names and which project each task is in."""
    site = rules.site
    return (rules.status.as_of, site.settings, rules.msg.language, rules.names, site.task_project)


def _risk_rules(rules: Rules) -> Iterator[Finding]:
    for project in rules.site.projects:
        for risk in project.risks:
            if risk.impact is Impact.HIGH and risk.is_open:
                yield rules.finding(
                    "open-high-risk",
                    risk.source,
                    ("impact",),
                    project=project.id,
                    person=risk.owner,
                    id=risk.id,
                    title=risk.title,
                    who=rules.name(risk.owner),
                )


def run_checks(
    site: Site, status: Status, messages: Messages, memo: DerivedMemo | None = None
) -> list[Finding]:
    """``memo``: values a resident preview kept from its last analysis (see
    `sitegen.engine.memo`)."""
    rules = Rules(site, status, messages)
    findings = list(_report_findings(rules, memo or DerivedMemo()))
    for state in status.tasks.values():
        findings.extend(_task_rules(rules, state))
    for rule in (_overload, _missing_reports, _risk_rules, _days_off):
        findings.extend(rule(rules))
    return findings
