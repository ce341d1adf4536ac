"""The build, stage by stage: load → validate → compute → check → render → write.

Everything is loaded and computed before anything is written; a build with
errors writes nothing, so OUT keeps its previous contents. Only files whose inputs
changed since the previous build into the same OUT are rendered and written.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.builder.collector import collector_paused, collector_skipping_what_exists
from sitegen.builder.incremental import UNFINGERPRINTED, BuildRecord, OutputState
from sitegen.builder.outfiles import OutputError
from sitegen.builder.reporter import Reporter
from sitegen.content.history import History, NoHistory, history_key, opened
from sitegen.content.inputs import Contents, current_contents
from sitegen.core.days import today_in
from sitegen.core.digests import code_digest
from sitegen.core.findings import Finding, fails, has_errors
from sitegen.core.i18n import Messages

if TYPE_CHECKING:
    from sitegen.builder.workers import Workers
    from sitegen.core.fingerprint import PageReads
    from sitegen.site.analysis import Analysis
    from sitegen.site.render import SiteRenderer


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
    with opened(root, history) as found:
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
    history = history_key(found)
    if last is not None:
        day = as_of or today_in(last.timezone)
        if last.matches(contents.digest, code_digest(), day, public, history) and state.intact():
            # The same inputs, sitegen and options: OUT and the findings still hold.
            return _finish(reporter, list(last.findings), strict, out, 0, len(state.files))
    from sitegen.builder.analyse import analyse  # only now: see sitegen.builder.analyse
    from sitegen.builder.unseen import PagePlan

    plan = PagePlan.before_analysis(root, state, contents.files)
    jobs = jobs or os.cpu_count() or 1
    analysis = analyse(root, as_of, public, contents=contents, jobs=jobs, history=found)
    if fails(analysis.findings, strict):
        return _finish(reporter, analysis.findings, strict, out, 0, 0)
    settings = analysis.site.settings
    build = state.this_build = BuildRecord(
        contents.digest,
        code_digest(),
        analysis.status.as_of,
        public,
        settings.timezone,
        tuple(analysis.findings),
        history,
    )
    from sitegen.site.render import TemplateFailed  # templates: only when building

    unchanged, edited = plan.unchanged_and_edited(root, analysis, build, last)
    # An incremental build finds which files each page reaches, for the builds after it;
    # a cold one does not (see sitegen.builder.readindex).
    reads = plan.reads if state.files else None
    try:
        written, total = write_output(
            analysis, state, jobs, reads=reads, unchanged=unchanged, edited=edited
        )
    except OutputError as problem:
        reporter.findings(analysis.findings)
        reporter.output_failed(problem.message(Messages(settings.language)))
        return False
    except TemplateFailed as failed:  # the content's theme: a finding, not a traceback
        failure = failed.finding(root, Messages(settings.language))
        return _finish(reporter, [*analysis.findings, failure], strict, out, 0, 0)
    if reads is not None:
        plan.store(out, analysis, build, {*unchanged, *edited})
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
    edited: Collection[str] = (),
) -> tuple[int, int]:
    """Render and write the files of ``analysis`` that OUT (as ``state`` knows it) does
    not hold yet; returns (files written, files in the site). ``renderer``: the one the
    caller made for ``analysis`` (the preview renders the saved file's page first).

    ``reads``: filled with the content files each page fingerprinted reaches. After an
    edit the analysis does not see, the pages that reach none of the edited files are
    ``unchanged`` and keep the fingerprints OUT has; pages ``edited`` (that reach one)
    are made again without being fingerprinted (see `sitegen.builder.unseen`); so are
    the data files that show no document's text."""
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
        if state.files:
            kept = set(unchanged)
            if unchanged or edited:  # an edit the analysis does not see
                kept.update(name for name, made in data_sources.items() if not made.shows_text)
            fingerprints = _fingerprints(workers, names, state, kept, set(edited))
            stale = state.stale(fingerprints, set(edited))
        else:
            fingerprints, stale = {}, names
        with state.writer(names) as target:
            made = workers.make(stale, target.staging, fingerprint=not state.files)
            target.commit(made.digests)
    state.record(fingerprints or made.fingerprints, stale)
    return len(stale), len(names)


def _fingerprints(
    workers: Workers, names: list[str], state: OutputState, unchanged: set[str], edited: set[str]
) -> dict[str, bytes]:
    """Each file's fingerprint: those ``unchanged`` as OUT's record has it, those
    ``edited`` none (`UNFINGERPRINTED`)."""
    kept = {name: state.files[name].fingerprint for name in unchanged if name in state.files}
    kept |= dict.fromkeys(edited, UNFINGERPRINTED)
    made = workers.fingerprints([name for name in names if name not in kept])
    return {name: kept[name] if name in kept else made[name] for name in names}
