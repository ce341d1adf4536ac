"""Stages 1–4 of a build: load → validate → compute → check, as one `Analysis`.

`sitegen.builder.pipeline` imports this only when a build has something to analyse: a
build that finds its inputs unchanged needs none of the model, the engine or the theme.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from sitegen.builder.collector import collector_paused
from sitegen.builder.resident import ResidentSite
from sitegen.content.history import HistoryChoice, history_key, opened
from sitegen.content.history.snapshot import Reading
from sitegen.content.inputs import Contents
from sitegen.content.load import load_site
from sitegen.content.parsecache import ParseCache
from sitegen.content.public import internal_files, public_findings, redact
from sitegen.content.validate import validate_site
from sitegen.core.days import today_in
from sitegen.core.findings import sort_findings
from sitegen.core.i18n import Messages
from sitegen.engine.checks import run_checks
from sitegen.engine.compute import compute
from sitegen.engine.health import project_health
from sitegen.engine.history import analysis as past
from sitegen.engine.history.facts import history_facts
from sitegen.site.analysis import Analysis
from sitegen.site.theme import Theme


def analyse(
    root: Path,
    as_of: date | None = None,
    public: bool = False,
    cache: bool = True,
    contents: Contents | None = None,
    jobs: int = 1,
    history: HistoryChoice = True,
    resident: ResidentSite | None = None,
) -> Analysis:
    """Everything about the site in ``root`` on one day. ``contents``: its files' digests
    when the caller took them (files whose cached parse has that digest are not read, and
    with ``jobs`` > 1 the others may be parsed in parallel). ``history``: whether to read
    the content's git history (SPEC §9), or the history the caller read. ``resident``:
    what the preview keeps between its builds (see `sitegen.builder.resident`)."""
    with collector_paused(), opened(root, history) as found:
        reading = past.reading_for(found, root, as_of)
        with past.content_folder(root, reading) as (folder, reading):
            known = contents.files if contents and folder == root else None
            kept = resident if known is not None and not public else None
            if resident is not None and kept is None:
                resident.forget()
            if not cache:
                parse_cache = None
            elif kept is not None:
                parse_cache = kept.parse_cache(folder, known)
            else:
                parse_cache = ParseCache.for_content(folder, known)
            if kept is None:
                return _analyse(root, as_of, public, parse_cache, jobs, reading, folder)
            earlier = _Resident(kept, dict(known), history_key(found))
            return _analyse(root, as_of, public, parse_cache, jobs, reading, folder, earlier)


class _Resident(NamedTuple):
    """The preview's kept site, with what this analysis reads besides the day."""

    site: ResidentSite
    files: dict[str, bytes]
    history: str


def _analyse(
    root: Path,
    as_of: date | None,
    public: bool,
    cache: ParseCache | None,
    jobs: int,
    reading: Reading,
    folder: Path,
    resident: _Resident | None = None,
) -> Analysis:
    if resident is None:
        loaded = load_site(folder, cache, jobs)
    else:
        loaded = resident.site.load(folder, resident.files, cache, jobs)
    site = loaded.site
    today = today_in(site.settings.timezone)
    day = as_of or today
    if resident is not None:
        key = (resident.history, day, today)
        earlier = resident.site.earlier_analysis(loaded, resident.files, *key)
        if earlier is not None:
            return earlier
    messages = Messages(site.settings.language)
    theme = Theme.for_content(root)
    findings = loaded.findings + theme.findings(root, messages) + validate_site(loaded, messages)
    if public:
        hidden = internal_files(site)
        findings = [f for f in findings if f.file not in hidden]
        site = redact(site)
    site = past.dated_on(site, reading, day, today)
    derived = resident.site.derived if resident is not None else None
    status = compute(site, day, derived)
    findings += run_checks(site, status, messages, derived)
    settings_file = "site.yaml" if (folder / "site.yaml").is_file() else "."
    findings += past.history_findings(
        reading, site, status, messages, today, settings_file, derived
    )
    facts, history_said = history_facts(reading, root, loaded.site, site, status, messages, derived)
    findings += history_said
    if public:
        findings = public_findings(findings, site.settings)
    health = project_health(site, status, findings, messages)
    # Every finding is made: no more line look-ups. The preview keeps the tables, to
    # tell whether a saved file's key lines moved (`sitegen.builder.resident`).
    for document in site.documents():
        if resident is None:
            document.source.forget_lines()
        else:
            document.source.release_lines()
    from_commit = folder != root
    findings = sort_findings(findings)
    analysis = Analysis(root, site, status, health, findings, theme, public, facts, from_commit)
    if resident is not None:
        resident.site.remember(loaded, analysis, resident.files, resident.history, day, today)
    return analysis


__all__ = ["analyse"]
