"""History in the analysis of a site: read it once, pick the files a build as of a day
reads, and add what history says (SPEC §9).

`sitegen.builder.analyse` calls these in order, on the history that
`sitegen.content.history.opened` gives: `reading_for` (which files: a commit's or the
working tree) → `content_folder` (where to load them from) → `dated_on` (a past day read
from today's files) → `history_findings` (the one `no-history` notice, submission times,
edited reports).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.content.history import History, NoHistory
from sitegen.content.history.asof import as_dated_on
from sitegen.content.history.reader import GitError
from sitegen.content.history.snapshot import (
    Reading,
    day_of,
    plan_reading,
    site_timezone,
    snapshot_of,
)
from sitegen.content.projects import Site
from sitegen.core.findings import Finding, severity_of
from sitegen.core.i18n import Messages
from sitegen.engine.checks import Rules
from sitegen.engine.compute import Status
from sitegen.engine.history.reports import report_findings
from sitegen.engine.memo import DerivedMemo

# What reading a file of the history can raise.
UNREADABLE = (GitError, OSError, LookupError)


def reading_for(found: History | NoHistory, root: Path, as_of: date | None) -> Reading:
    # The time zone decides which commit ends the day: the working tree's site.yaml says.
    zone = site_timezone(root) if as_of is not None else ZoneInfo("UTC")
    return plan_reading(found, as_of, zone)


@contextmanager
def content_folder(root: Path, reading: Reading) -> Iterator[tuple[Path, Reading]]:
    """Where to load the content from (``root``, or a folder holding the snapshot), with
    the reading it gives: git failing to give the files is as if there were no history."""
    if reading.history is None or reading.snapshot is None:
        yield root, reading
        return
    with ExitStack() as stack:
        try:  # only making the snapshot: what the caller does with it is not caught here
            folder = stack.enter_context(snapshot_of(reading.history, root, reading))
        except UNREADABLE:
            folder, reading = root, Reading(None, NoHistory("unreadable"), reading.day)
        yield folder, reading


def dated_on(site: Site, reading: Reading, day: date, today: date) -> Site:
    """The site as a build as of ``day`` shows it: the working tree read for an earlier
    day leaves out what is dated after it."""
    if reading.snapshot is None and day < today:
        return as_dated_on(site, day)
    return site


def history_findings(
    reading: Reading,
    site: Site,
    status: Status,
    messages: Messages,
    today: date,
    file: str,
    memo: DerivedMemo | None = None,
) -> list[Finding]:
    """What history says of the site; without history for the day, the one notice
    that says why (on ``file``: site.yaml, or '.' without one). ``memo``: what a
    resident preview kept from its last analysis."""
    if not reading.covers:
        return [no_history_notice(reading, site, messages, status.as_of, today, file)]
    assert reading.history is not None and reading.latest is not None
    try:
        rules = Rules(site, status, messages)
        return report_findings(reading.history, reading.latest, rules, memo)
    except UNREADABLE:  # a blob git cannot give (a partial clone offline, a damaged store)
        unreadable = Reading(None, NoHistory("unreadable"), reading.day)
        return [no_history_notice(unreadable, site, messages, status.as_of, today, file)]


def no_history_notice(
    reading: Reading, site: Site, messages: Messages, day: date, today: date, file: str
) -> Finding:
    """The one notice that says why history is not read, and what to do."""
    if reading.why is not None:
        why = messages(f"no-history.{reading.why.reason}")
    else:
        first = reading.first_day
        assert first is not None
        start = day_of(first, ZoneInfo(site.settings.timezone))
        why = messages("no-history.before-history", date=day.isoformat(), first=start.isoformat())
    if day < today:
        why += messages("no-history.as-of", date=day.isoformat())
    return Finding("no-history", severity_of("no-history"), file, 1, why)


__all__ = [
    "content_folder",
    "dated_on",
    "history_findings",
    "reading_for",
]
