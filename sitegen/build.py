"""The build, stage by stage: load → validate → compute → check → render → write.

Everything is loaded and computed before anything is written; a build with
errors writes nothing, so OUT keeps its previous contents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.cache import ParseCache
from sitegen.checks import ProjectHealth, project_health, run_checks
from sitegen.compute import Status, compute
from sitegen.findings import Finding, Severity, has_errors, sort_findings
from sitegen.i18n import Messages
from sitegen.load import load_site
from sitegen.model import Site
from sitegen.output import Staging
from sitegen.public import internal_files, redact
from sitegen.reporter import Reporter
from sitegen.validate import validate_site


@dataclass(frozen=True)
class Analysis:
    """A loaded site with everything computed about it on one day."""

    root: Path
    site: Site
    status: Status
    health: dict[str, ProjectHealth]
    findings: list[Finding]
    public: bool = False

    @property
    def failed(self) -> bool:
        return has_errors(self.findings)

    def failed_strict(self, strict: bool) -> bool:
        if strict:
            return any(f.severity in (Severity.ERROR, Severity.WARNING) for f in self.findings)
        return self.failed


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def analyse(
    root: Path, as_of: date | None = None, public: bool = False, cache: bool = True
) -> Analysis:
    loaded = load_site(root, ParseCache.for_content(root) if cache else None)
    site = loaded.site
    messages = Messages(site.settings.language)
    findings = loaded.findings + validate_site(site, loaded.broken_ids, messages, loaded.team_ok)
    if public:
        hidden = internal_files(site)
        findings = [f for f in findings if f.file not in hidden]
        site = redact(site)
    day = as_of or today_in(site.settings.timezone)
    status = compute(site, day)
    findings += run_checks(site, status, messages)
    health = project_health(site, status, findings, messages)
    return Analysis(root, site, status, health, sort_findings(findings), public)


def build(
    root: Path,
    out: Path,
    reporter: Reporter,
    as_of: date | None = None,
    strict: bool = False,
    public: bool = False,
    jobs: int | None = None,
) -> bool:
    """Build the site into ``out``; returns False (and writes nothing) on failure."""
    from sitegen.render import write_site  # templates are only needed when building

    analysis = analyse(root, as_of, public)
    reporter.findings(analysis.findings)
    if analysis.failed_strict(strict):
        reporter.failed()
        return False
    with Staging(out) as staging:
        written = write_site(analysis, staging, jobs)
    reporter.built(out, written)
    return True
