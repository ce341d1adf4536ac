"""What the site is made from: a loaded site with everything computed about it on one
day, and the theme that presents it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content.projects import Site
from sitegen.core.findings import Finding, fails, has_errors
from sitegen.engine.compute import Status
from sitegen.engine.health import ProjectHealth
from sitegen.engine.history.facts import HistoryFacts
from sitegen.site.theme import Theme


@dataclass(frozen=True)
class Analysis:
    """A loaded site with everything computed about it on one day."""

    root: Path
    site: Site
    status: Status
    health: dict[str, ProjectHealth]
    findings: list[Finding]
    theme: Theme
    public: bool = False
    history: HistoryFacts = field(default_factory=HistoryFacts)  # baselines, trends
    from_commit: bool = False  # the files read were a commit's (an earlier day's), not the tree's

    @property
    def failed(self) -> bool:
        return has_errors(self.findings)

    def failed_strict(self, strict: bool) -> bool:
        return fails(self.findings, strict)


__all__ = ["Analysis"]
