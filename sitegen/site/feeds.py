"""Subscribable exports: an Atom feed, an iCalendar file and a spreadsheet of the tasks.

- ``feed.xml`` — Atom (RFC 4287) of the daily reports filed up to the as-of day and of
  the current alerts. Written with :mod:`xml.etree.ElementTree` rather than ``feedgen``:
  the feed is small, ElementTree escapes text and attributes correctly, it adds no
  dependency (feedgen pulls in lxml) and we control every byte, so output is deterministic.
- ``calendar.ics`` — iCalendar (RFC 5545) written with ``icalendar``: one all-day VEVENT per
  task (milestones included), ``UID`` ``<task-id>@<project>``, DTEND exclusive.
- ``tasks.csv`` — UTF-8 with a BOM so Excel shows Chinese text; the task fields of
  ``status.json`` with the same rounding.

Nothing here reads the clock: every timestamp comes from the content or the as-of day.
Links are absolute paths under ``base_url`` because feed readers and calendars do not
know which page they were linked from.
"""

from __future__ import annotations

import contextlib
import csv
import heapq
import io
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from functools import partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.content.model import ReportDoc, person_name
from sitegen.content.projects import Project
from sitegen.content.settings import SiteSettings
from sitegen.core.findings import Finding
from sitegen.core.i18n import Messages
from sitegen.site.analysis import Analysis
from sitegen.site.export import status_data
from sitegen.site.pages import project_path, report_path, task_path

ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 100  # newest entries kept in feed.xml
ALERT_CODES = frozenset(
    {"deviation", "schedule-deviation", "overload", "overdue", "open-high-risk"}
)
CSV_COLUMNS = (
    "id",
    "project",
    "title",
    "owner",
    "priority",
    "start",
    "end",
    "status",
    "planned_progress",
    "actual_progress",
    "schedule_deviation",
    "critical",
)


class FeedEntry(NamedTuple):
    """What an Atom entry says; plain data, so that the feed's fingerprint is cheap."""

    id: str
    title: str
    updated: str
    author: str | None  # a report's author; alerts have none
    link: str
    category: str
    category_label: str | None
    summary: str


class Feed(NamedTuple):
    language: str
    id: str
    title: str
    subtitle: str
    updated: str
    link: str
    self_link: str
    entries: tuple[FeedEntry, ...]


# A feed entry before it is made: when it was updated, a tie-breaking key, and its maker.
Candidate = tuple[datetime, str, Callable[[], FeedEntry]]


def feed_files(analysis: Analysis, data: dict[str, Any] | None = None) -> dict[str, bytes]:
    """``feed.xml``, ``calendar.ics`` and ``tasks.csv`` for the built site.

    ``data`` is the site's :func:`~sitegen.site.export.status_data` when the caller has already
    built it (only its tasks are used); without it, it is computed here.
    """
    if data is None:
        data = status_data(analysis.site, analysis.status, analysis.health, [])
    return {
        "feed.xml": atom_feed(analysis),
        "calendar.ics": task_calendar(
            analysis.site.settings, analysis.status.as_of, calendar_rows(analysis)
        ),
        "tasks.csv": task_table(data),
    }


def site_url(analysis: Analysis, path: str = "") -> str:
    """An absolute path on the host: ``base_url`` + ``path`` (``/status/tasks/X.html``)."""
    return analysis.site.settings.base_url + path


def _stable_id(analysis: Analysis, *parts: str) -> str:
    key = "\x1f".join((analysis.site.settings.base_url, analysis.site.settings.title, *parts))
    return uuid.uuid5(uuid.NAMESPACE_URL, key).urn


# ---------------------------------------------------------------- Atom


def _local(analysis: Analysis, day: date) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(analysis.site.settings.timezone))


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# Characters XML 1.0 cannot hold (ElementTree writes them, and the feed is then unreadable);
# a brief may carry one, say a control character pasted from another program.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    safe = {name: _xml_text(value) for name, value in attrs.items()}
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", safe)
    if text is not None:
        element.text = _xml_text(text)
    return element


def _person_name(analysis: Analysis, person_id: str) -> str:
    return person_name(analysis.site.person_index, person_id)


def _report_candidates(analysis: Analysis, msg: Messages) -> list[Candidate]:
    as_of = analysis.status.as_of
    zone = ZoneInfo(analysis.site.settings.timezone)
    result: list[Candidate] = []
    for project in analysis.site.projects:
        for report in project.reports:
            if report.date > as_of:
                continue  # not filed yet on the as-of day
            updated = report.submitted or datetime.combine(report.date, time(), zone)
            if updated.tzinfo is None:
                updated = updated.replace(tzinfo=zone)
            build = partial(_report_entry, analysis, msg, project, report, updated)
            result.append((updated, f"report:{project.id}:{report.id}", build))
    return result


def _report_entry(
    analysis: Analysis, msg: Messages, project: Project, report: ReportDoc, updated: datetime
) -> FeedEntry:
    author = _person_name(analysis, report.author)
    return FeedEntry(
        id=_stable_id(analysis, "report", project.id, report.id),
        title=msg(
            "feed.report.title", date=report.date.isoformat(), name=author, project=project.title
        ),
        updated=_stamp(updated),
        author=author,
        link=site_url(analysis, report_path(report)),
        category=project.id,
        category_label=project.title,
        summary=_report_summary(analysis, report, msg),
    )


def _report_summary(analysis: Analysis, report: ReportDoc, msg: Messages) -> str:
    lines = [report.body.strip()] if report.body.strip() else []
    for item in report.entries:
        task = analysis.site.task_index.get(item.task)
        parts = [f"{item.task} {task.title}" if task else item.task]
        if item.done:
            parts.append(item.done)
        if item.progress is not None:
            parts.append(msg("feed.report.progress", value=f"{item.progress:.0f}"))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


def _visible(analysis: Analysis, projects: set[str], finding: Finding) -> bool:
    """In a public build, drop alerts about anything the redaction removed.

    ``projects`` holds the ids of the site's projects.
    """
    if not analysis.public:
        return True
    if finding.task and finding.task not in analysis.status.tasks:
        return False
    if finding.project and finding.project not in projects:
        return False
    return not (finding.person and finding.person not in analysis.site.person_index)


def _alert_link(analysis: Analysis, finding: Finding) -> str:
    if finding.task and finding.task in analysis.status.tasks:
        return site_url(analysis, task_path(finding.task))
    if finding.project and any(p.id == finding.project for p in analysis.site.projects):
        return site_url(analysis, project_path(finding.project))
    return site_url(analysis)


def _alert_candidates(analysis: Analysis, msg: Messages) -> list[Candidate]:
    projects = {p.id for p in analysis.site.projects}
    as_of = analysis.status.as_of
    midnight: dict[date, datetime] = {}  # the alerts share a few days
    result: list[Candidate] = []
    for finding in analysis.findings:
        if finding.code not in ALERT_CODES or not _visible(analysis, projects, finding):
            continue
        day = as_of
        if finding.day:
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(finding.day)
        if day > as_of:
            continue  # about a report filed after the as-of day
        updated = midnight.get(day)
        if updated is None:
            updated = midnight[day] = _local(analysis, day)
        key = ":".join(
            str(part)
            for part in (finding.code, finding.file, finding.line, finding.task, finding.day)
        )
        build = partial(_alert_entry, analysis, msg, finding, key, updated)
        result.append((updated, f"alert:{key}", build))
    return result


def _ui(msg: Messages) -> Messages:
    """The pages' words (status, kind and alert names) in the language of ``msg``."""
    return Messages(msg.language, kind="ui")


def _alert_entry(
    analysis: Analysis, msg: Messages, finding: Finding, key: str, updated: datetime
) -> FeedEntry:
    name = _ui(msg)(f"code.{finding.code}")
    return FeedEntry(
        id=_stable_id(analysis, "alert", key),
        title=msg("feed.alert.title", code=name, message=finding.message),
        updated=_stamp(updated),
        author=None,
        link=_alert_link(analysis, finding),
        category=finding.code,
        category_label=name,
        summary=f"{finding.file}:{finding.line}: {finding.message}",
    )


def _newest_first(candidate: Candidate) -> tuple[float, str]:
    """Newest first; ties by a stable key (comparing instants, whatever their offsets)."""
    return (-candidate[0].timestamp(), candidate[1])


def feed_data(analysis: Analysis) -> Feed:
    """The newest reports filed up to the as-of day and alerts, newest first."""
    settings = analysis.site.settings
    msg = Messages(settings.language, kind="authoring")
    candidates = _report_candidates(analysis, msg) + _alert_candidates(analysis, msg)
    # Choose the newest FEED_LIMIT first (same order as a full sort), then make only those.
    newest = heapq.nsmallest(FEED_LIMIT, candidates, key=_newest_first)
    updated = max([_local(analysis, analysis.status.as_of)] + [c[0] for c in newest])
    return Feed(
        language=settings.language,
        id=_stable_id(analysis, "feed"),
        title=settings.title,
        subtitle=msg("feed.subtitle", date=analysis.status.as_of.isoformat()),
        updated=_stamp(updated),
        link=site_url(analysis),
        self_link=site_url(analysis, "feed.xml"),
        entries=tuple(make() for _updated, _key, make in newest),
    )


def atom_feed_xml(data: Feed) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", data.language)
    _sub(feed, "id", data.id)
    _sub(feed, "title", data.title)
    _sub(feed, "subtitle", data.subtitle)
    _sub(feed, "updated", data.updated)
    _sub(feed, "link", rel="alternate", type="text/html", href=data.link)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=data.self_link)
    author = _sub(feed, "author")
    _sub(author, "name", data.title)
    _sub(feed, "generator", "sitegen")
    for entry in data.entries:
        feed.append(_entry_element(entry))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry_element(data: FeedEntry) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    _sub(entry, "id", data.id)
    _sub(entry, "title", data.title)
    _sub(entry, "updated", data.updated)
    if data.author is not None:
        author = _sub(entry, "author")
        _sub(author, "name", data.author)
    _sub(entry, "link", rel="alternate", type="text/html", href=data.link)
    if data.category_label is None:
        _sub(entry, "category", term=data.category)
    else:
        _sub(entry, "category", term=data.category, label=data.category_label)
    _sub(entry, "summary", data.summary, type="text")
    return entry


def atom_feed(analysis: Analysis) -> bytes:
    return atom_feed_xml(feed_data(analysis))


# ---------------------------------------------------------------- iCalendar


def _shared_values() -> Callable[[str, Hashable], object]:
    """``encoded(name, value)``: the property icalendar would add, encoded once per value.

    Many events share a value (the stamp, a day, a status); encoding it once and adding the
    encoded property (which ``Component.add`` keeps as is) skips icalendar's type inference.
    """
    from icalendar import Event

    cache: dict[tuple[str, Hashable], object] = {}

    def encoded(name: str, value: Hashable) -> object:
        key = (name, value)
        if key not in cache:
            holder = Event()
            holder.add(name, value)
            cache[key] = holder[name]
        return cache[key]

    return encoded


class CalendarRow(NamedTuple):
    """What the calendar shows of one task."""

    task: str
    project: str
    project_title: str
    title: str
    kind: TaskKind
    module: str | None
    first: date
    last: date
    owner: str  # display name
    status: TaskStatus
    priority: str
    actual: Fraction | None
    link: str


def calendar_rows(analysis: Analysis) -> list[CalendarRow]:
    titles = {p.id: p.title for p in analysis.site.projects}
    states = sorted(analysis.status.tasks.values(), key=lambda s: (s.project, s.task.id))
    rows = []
    for state in states:
        task = state.task
        first = task.end if task.kind is TaskKind.MILESTONE else task.first_day
        rows.append(
            CalendarRow(
                task.id,
                state.project,
                titles.get(state.project, state.project),
                task.title,
                task.kind,
                task.module,
                first,
                max(task.end, first),
                _person_name(analysis, task.owner),
                state.status,
                state.priority.value,
                state.actual,
                site_url(analysis, task_path(task.id)),
            )
        )
    return rows


def task_calendar(settings: SiteSettings, as_of: date, rows: list[CalendarRow]) -> bytes:
    """``calendar.ics``: one all-day event per task (see `calendar_rows`)."""
    from icalendar import Calendar, Event, vText

    msg = Messages(settings.language, kind="authoring")
    labels = _ui(msg)
    encoded = _shared_values()
    stamp = encoded("dtstamp", datetime.combine(as_of, time(), UTC))
    transparent = encoded("transp", "TRANSPARENT")
    calendar = Calendar()
    calendar.add("prodid", "-//sitegen//status site//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar writes an X- property as given: as TEXT it escapes breaks, commas and ';'
    calendar.add("x-wr-calname", vText(settings.title))
    for row in rows:
        event = Event()
        event.add("uid", f"{row.task}@{row.project}")
        event.add("dtstamp", stamp)
        event.add("dtstart", encoded("dtstart", row.first))
        # all-day events end exclusive
        event.add("dtend", encoded("dtend", row.last + timedelta(days=1)))
        event.add("summary", f"{row.task} {row.title}")
        lines = [
            msg("calendar.owner", name=row.owner),
            msg(
                "calendar.status",
                status=labels(f"status.{row.status.value}"),
                priority=row.priority,
            ),
        ]
        if row.actual is not None:
            lines.append(msg("calendar.progress", value=f"{float(row.actual):.1f}"))
        lines.append(row.link)
        event.add("description", "\n".join(lines))
        categories = [row.project_title]
        if row.module:
            categories.append(row.module)
        if row.kind is not TaskKind.TASK:
            categories.append(labels(f"kind.{row.kind.value}"))
        event.add("categories", categories)
        event.add("transp", transparent)
        cancelled = row.status is TaskStatus.CANCELLED
        event.add("status", encoded("status", "CANCELLED" if cancelled else "CONFIRMED"))
        calendar.add_component(event)
    return calendar.to_ical()


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A title such as "=HYPERLINK(...)" must not run as a spreadsheet formula.
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def task_table(data: dict[str, Any]) -> bytes:
    """``tasks.csv`` from the tasks of the site's status data."""
    rows = sorted(data["tasks"], key=lambda t: (t["project"], t["id"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
