"""The build, stage by stage: load → validate → compute → check → render → write.

Everything is loaded and computed before anything is written; a build with
errors writes nothing, so OUT keeps its previous contents. Only files whose inputs
changed since the previous build into the same OUT are rendered and written.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from sitegen.builder.incremental import BuildRecord, OutputState
from sitegen.builder.outfiles import OutputError
from sitegen.builder.reporter import Reporter
from sitegen.builder.resident import ResidentSite
from sitegen.content.history import History, NoHistory
from sitegen.content.history.snapshot import Reading
from sitegen.content.inputs import Contents, current_contents
from sitegen.content.load import load_site
from sitegen.content.parsecache import ParseCache
from sitegen.content.public import internal_files, public_findings, redact
from sitegen.content.validate import validate_site
from sitegen.core.findings import Finding, fails, has_errors, sort_findings
from sitegen.core.fingerprint import code_digest
from sitegen.core.i18n import Messages
from sitegen.engine.checks import run_checks
from sitegen.engine.compute import compute
from sitegen.engine.health import project_health
from sitegen.engine.history import analysis as past
from sitegen.engine.history.analysis import HistoryChoice
from sitegen.engine.history.facts import history_facts
from sitegen.site.analysis import Analysis
from sitegen.site.theme import Theme

if TYPE_CHECKING:
    from sitegen.builder.workers import Workers
    from sitegen.core.fingerprint import PageReads
    from sitegen.site.render import SiteRenderer


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector.

    Loading and analysing a site allocates about a million long-lived objects and frees
    almost none; the collector would scan them again and again (40% of the time of a
    large build). Memory is still freed by reference counting meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_skipping_what_exists() -> Iterator[None]:
    """Let the collector run, but only over objects made from now on."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


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
    with collector_paused(), past.opened(root, history) as found:
        reading = past.reading_for(found, root, as_of)
        with past.content_folder(root, reading) as (folder, reading):
            known = contents.files if contents and folder == root else None
            kept = resident if known is not None and not public else None
            if not cache:
                parse_cache = None
            elif kept is not None:
                parse_cache = kept.parse_cache(folder, known)
            else:
                parse_cache = ParseCache.for_content(folder, known)
            if kept is None:
                return _analyse(root, as_of, public, parse_cache, jobs, reading, folder)
            earlier = _Resident(kept, dict(known), past.history_key(found))
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
    loaded = load_site(folder, cache, jobs, resident.site.documents if resident else None)
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
    status = compute(site, day)
    findings += run_checks(site, status, messages)
    settings_file = "site.yaml" if (folder / "site.yaml").is_file() else "."
    findings += past.history_findings(reading, site, status, messages, today, settings_file)
    facts, history_said = history_facts(reading, root, loaded.site, site, status, messages)
    findings += history_said
    if public:
        findings = public_findings(findings, site.settings)
    health = project_health(site, status, findings, messages)
    for document in site.documents():  # every finding is made: no more line look-ups
        document.source.release_lines()
    analysis = Analysis(root, site, status, health, sort_findings(findings), theme, public, facts)
    if resident is not None:
        resident.site.remember(loaded, analysis, resident.files, resident.history, day, today)
    return analysis


def build(
    root: Path,
    out: Path,
    reporter: Reporter,
    as_of: date | None = None,
    strict: bool = False,
    public: bool = False,
    jobs: int | None = None,
    full: bool = False,
    history: bool = True,
) -> bool:
    """Build the site into ``out``; returns False (and writes nothing) on failure: errors
    in the site, or OUT cannot be written (`OutputError`, reported as such).

    ``full`` renders every file again instead of only those whose inputs changed;
    ``history`` False leaves the content's git history unread (``--no-history``).
    """
    contents = current_contents(root)  # before anything is read: see sitegen.content.inputs
    with past.opened(root, history) as found:
        return _build(root, out, reporter, as_of, strict, public, jobs, full, contents, found)


def _build(
    root: Path,
    out: Path,
    reporter: Reporter,
    as_of: date | None,
    strict: bool,
    public: bool,
    jobs: int | None,
    full: bool,
    contents: Contents,
    found: History | NoHistory,
) -> bool:
    try:
        state = OutputState.load(out, keep=not full)  # finishes an interrupted build first
    except OutputError as problem:
        reporter.output_failed(problem.message(Messages(_site_language(root))))
        return False
    last = state.last_build
    # A new commit can change what a build reads and reports with the files unchanged.
    history = past.history_key(found)
    if last is not None:
        day = as_of or today_in(last.timezone)
        if last.matches(contents.digest, code_digest(), day, public, history) and state.intact():
            # The same inputs, sitegen and options: OUT and the findings still hold.
            return _finish(reporter, list(last.findings), strict, out, 0, len(state.files))
    jobs = jobs or os.cpu_count() or 1
    analysis = analyse(root, as_of, public, contents=contents, jobs=jobs, history=found)
    if fails(analysis.findings, strict):
        return _finish(reporter, analysis.findings, strict, out, 0, 0)
    settings = analysis.site.settings
    state.this_build = BuildRecord(
        contents.digest,
        code_digest(),
        analysis.status.as_of,
        public,
        settings.timezone,
        tuple(analysis.findings),
        history,
    )
    from sitegen.site.render import TemplateFailed  # templates: only when building

    try:
        written, total = write_output(analysis, state, jobs)
    except OutputError as problem:
        reporter.findings(analysis.findings)
        reporter.output_failed(problem.message(Messages(settings.language)))
        return False
    except TemplateFailed as failed:  # the content's theme: a finding, not a traceback
        failure = failed.finding(root, Messages(settings.language))
        return _finish(reporter, [*analysis.findings, failure], strict, out, 0, 0)
    return _finish(reporter, analysis.findings, strict, out, written, total)


def _site_language(root: Path) -> str:
    """The language of the site's messages, for a problem met before the site is loaded."""
    from sitegen.content.load import _load_settings

    return _load_settings(root)[0].language


def _finish(
    reporter: Reporter, findings: list[Finding], strict: bool, out: Path, written: int, total: int
) -> bool:
    reporter.findings(findings)
    if fails(findings, strict):
        reporter.failed(warnings_only=not has_errors(findings))
        return False
    reporter.built(out, written, total - written)
    return True


def write_output(
    analysis: Analysis,
    state: OutputState,
    jobs: int | None = None,
    renderer: SiteRenderer | None = None,
    reads: PageReads | None = None,
    unchanged: Collection[str] = (),
) -> tuple[int, int]:
    """Render and write the files of ``analysis`` that OUT (as ``state`` knows it) does
    not hold yet; returns (files written, files in the site). ``renderer``: the one the
    caller made for ``analysis`` (the preview renders the saved file's page first).

    The preview keeps which content files each page reads (``reads``, filled for the
    pages fingerprinted): after an edit the analysis does not see, the pages that read
    none of the edited files are ``unchanged`` and keep the fingerprints OUT has."""
    from sitegen.builder.workers import Workers
    from sitegen.site.render import SiteRenderer  # templates are only needed when building

    with collector_paused():
        renderer = renderer or SiteRenderer(analysis)
        data_sources = renderer.data_sources()
        names = renderer.names(data_sources)
    # Rendering makes short-lived reference cycles (Jinja's contexts), so the collector
    # runs again; what exists now lives to the end and is frozen out of its scans (and
    # forked workers then do not copy it just to update their GC bookkeeping).
    with (
        collector_skipping_what_exists(),
        Workers(renderer, data_sources, jobs, reads) as workers,
    ):
        # Which files changed can only be known from their fingerprints; when all is
        # written anyway, the files are fingerprinted as they are made.
        fingerprints = _fingerprints(workers, names, state, set(unchanged)) if state.files else {}
        stale = state.stale(fingerprints) if state.files else names
        with state.writer(names) as target:
            made = workers.make(stale, target.staging, fingerprint=not state.files)
            target.commit(made.digests)
    state.record(fingerprints or made.fingerprints, stale)
    return len(stale), len(names)


def _fingerprints(
    workers: Workers, names: list[str], state: OutputState, unchanged: set[str]
) -> dict[str, bytes]:
    """Each file's fingerprint: those ``unchanged`` as OUT's record has it."""
    kept = {name: state.files[name].fingerprint for name in unchanged if name in state.files}
    made = workers.fingerprints([name for name in names if name not in kept])
    return {name: kept[name] if name in kept else made[name] for name in names}
