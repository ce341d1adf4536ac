"""What the history says about daily reports (SPEC §9): when each was handed in, and
whether it was typed as earlier than it was or rewritten after its deadline.

- A report's *submission time* is its `submitted` time when given, else the time of the
  first commit that contained the file (on any branch, following renames). A report
  dated before the day of the content folder's first commit has no commit-based time:
  history knows nothing of that day (content imported into git later would otherwise
  be all late).
- `late-report` from that commit time (the rule itself is in `sitegen.engine.checks` for the
  `submitted` times); `backdated-report`: `submitted` more than an hour before the first
  commit, which came after the deadline.
- `report-edited`: a commit after the deadline changed an entry's planned, actual,
  progress or done, or removed an entry. Versions are compared along the mainline (a
  change merged from a branch counts at its merge); entries are matched by task id.

Only commits that had taken effect by the end of the as-of day count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sitegen.content.history.documents import VersionReader
from sitegen.content.history.model import Commit, History, Revision
from sitegen.content.model import Entry, ReportDoc
from sitegen.content.settings import SiteSettings
from sitegen.core.findings import Finding, severity_of
from sitegen.engine.checks import Rules
from sitegen.engine.memo import DerivedMemo

BACKDATED_AFTER = timedelta(minutes=60)
WATCHED_FIELDS = ("planned", "actual", "progress", "done")


@dataclass(frozen=True)
class EntryChange:
    task: str
    field: str | None  # None: the entry was removed
    old: object = None
    new: object = None


def deadline_of(report: ReportDoc, settings: SiteSettings) -> datetime:
    hour, minute = (int(part) for part in settings.thresholds.report_deadline.split(":"))
    return datetime.combine(report.date, time(hour, minute), ZoneInfo(settings.timezone))


def entry_changes(old: ReportDoc, new: ReportDoc) -> list[EntryChange]:
    """What ``new`` changed of the watched values of ``old``'s entries, by task id (the
    first entry of a task when a report lists one twice)."""
    after: dict[str, Entry] = {}
    for entry in new.entries:
        after.setdefault(entry.task, entry)
    changes: list[EntryChange] = []
    seen: set[str] = set()
    for entry in old.entries:
        if entry.task in seen:
            continue
        seen.add(entry.task)
        now = after.get(entry.task)
        if now is None:
            changes.append(EntryChange(entry.task, None))
            continue
        for name in WATCHED_FIELDS:
            before, later = getattr(entry, name), getattr(now, name)
            if before != later:
                changes.append(EntryChange(entry.task, name, before, later))
    return changes


def report_versions(history: History, path: str, latest: datetime) -> list[tuple[Revision, str]]:
    """The mainline versions of the report at ``path`` up to ``latest``, oldest first,
    with those of the files it was renamed from (removals left out)."""
    lineage = [path]
    previous = history.renamed_from.get(path)
    while previous is not None and previous not in lineage:
        lineage.append(previous)
        previous = history.renamed_from.get(previous)
    found = [
        (version.revision, version.blob)
        for name in reversed(lineage)
        for version in history.versions(name)
        if version.blob is not None and version.revision.effective <= latest
    ]
    found.sort(key=lambda pair: pair[0].effective)  # stable: an older name first
    return found  # type: ignore[return-value]


def report_edits(
    history: History,
    versions: VersionReader,
    report: ReportDoc,
    deadline: datetime,
    latest: datetime,
) -> Iterator[tuple[Commit, list[EntryChange]]]:
    """Each commit after ``deadline`` that changed watched values of ``report``."""
    path = report.source.file
    chain = report_versions(history, path, latest)
    if not any(revision.commit.time > deadline for revision, _ in chain[1:]):
        return
    earlier: ReportDoc | None = None
    for revision, blob in chain:
        parsed = versions.document(blob, path, ReportDoc)
        if parsed is None:
            continue  # a version that did not parse says nothing
        if earlier is not None and revision.commit.time > deadline:
            changes = entry_changes(earlier, parsed)
            if changes:
                yield revision.commit, changes
        earlier = parsed


class ReportHistory:
    """The history findings about the reports of one site."""

    def __init__(self, history: History, latest: datetime, rules: Rules) -> None:
        self.history = history
        self.latest = latest
        self.site = rules.site
        self.msg = rules.msg
        self._name = rules.name
        self._names = rules.names
        self.settings = rules.site.settings
        self.zone = ZoneInfo(self.settings.timezone)
        self.first_day = history.revisions[0].effective.astimezone(self.zone).date()
        self.versions = VersionReader(history)

    def findings(self, memo: DerivedMemo) -> Iterator[Finding]:
        """What the history says of each report: a function of the report, its project
        and what `_context` holds."""
        table = memo.table("report-history", self._context())
        for project in self.site.projects:
            for report in project.reports:
                made = partial(_listed, self._report, project.id, report)
                yield from table.get(report, project.id, made)

    def _context(self) -> tuple[object, ...]:
        return (self.history.head, self.latest, self.settings, self.msg.language, self._names)

    def submission(self, report: ReportDoc) -> Commit | None:
        """The first commit that contained ``report``, when history knows its day."""
        if report.date < self.first_day:
            return None
        arrival = self.history.arrival(report.source.file)
        if arrival is None or arrival.time > self.latest:
            return None
        return arrival

    def _report(self, project: str, report: ReportDoc) -> Iterator[Finding]:
        deadline = deadline_of(report, self.settings)
        common = {
            "who": self._name(report.author),
            "date": report.date.isoformat(),
            "deadline": self.settings.thresholds.report_deadline,
            "zone": self.settings.timezone,
        }
        links = {"project": project, "person": report.author, "day": report.date.isoformat()}
        arrival = self.submission(report)
        if arrival is not None and arrival.time > deadline:
            values = {**common, **self._commit_values(arrival)}
            if report.submitted is None:
                message = self.msg("late-report.commit", **values)
                yield self._finding("late-report", report, ("date",), message, links)
            elif _aware(report.submitted, self.zone) < arrival.time - BACKDATED_AFTER:
                submitted = self._local(_aware(report.submitted, self.zone))
                message = self.msg("backdated-report", submitted=submitted, **values)
                yield self._finding("backdated-report", report, ("submitted",), message, links)
        for commit, changes in report_edits(
            self.history, self.versions, report, deadline, self.latest
        ):
            shown = self._changes_text(changes)
            message = self.msg(
                "report-edited", changes=shown, **common, **self._commit_values(commit)
            )
            yield self._finding(
                "report-edited", report, self._line_of(report, changes[0]), message, links
            )

    def _finding(
        self, code: str, report: ReportDoc, path: tuple, message: str, links: dict[str, str]
    ) -> Finding:
        source = report.source
        return Finding(code, severity_of(code), source.file, source.line(*path), message, **links)

    def _commit_values(self, commit: Commit) -> dict[str, str]:
        return {"commit": commit.short, "author": commit.author, "at": self._local(commit.time)}

    def _local(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return local.strftime("%Y-%m-%d %H:%M" + (":%S" if local.second else ""))

    def _changes_text(self, changes: list[EntryChange]) -> str:
        """Each changed entry with its values as old → new, in the order of the report."""
        by_task: dict[str, list[str]] = {}
        for change in changes:
            values = by_task.setdefault(change.task, [])
            if change.field is None:
                values.append(self.msg("report-edited.removed"))
            else:
                old, new = self._value(change.old), self._value(change.new)
                values.append(self.msg("report-edited.value", field=change.field, old=old, new=new))
        return self.msg("report-edited.between").join(
            self.msg("report-edited.entry", task=task, values=self.msg.join(values))
            for task, values in by_task.items()
        )

    def _value(self, value: object) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            return self.msg("report-edited.text", text=value)
        return str(value)

    @staticmethod
    def _line_of(report: ReportDoc, change: EntryChange) -> tuple:
        """The changed value's line in the report as it is now (its entries, if removed)."""
        for index, entry in enumerate(report.entries):
            if entry.task == change.task:
                return ("entries", index, change.field) if change.field else ("entries", index)
        return ("entries",)


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _listed(make: Callable[[str, ReportDoc], Iterator[Finding]], *arguments) -> list[Finding]:
    return list(make(*arguments))


def report_findings(
    history: History, latest: datetime, rules: Rules, memo: DerivedMemo | None = None
) -> list[Finding]:
    """Submission times, backdated and edited reports of ``rules.site`` from ``history``,
    counting the commits that took effect up to ``latest``. ``memo``: what a resident
    preview kept from its last analysis."""
    if not history.revisions:
        return []
    return list(ReportHistory(history, latest, rules).findings(memo or DerivedMemo()))


__all__ = ["EntryChange", "ReportHistory", "deadline_of", "entry_changes", "report_findings"]
