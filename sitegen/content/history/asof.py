"""A past day read from the files as they are now (no history for that day).

Without history, a build as of an earlier day D still reads today's files. What they
date after D had not happened on D, so it is left out: reports and retros dated after
D, risks raised after D; a risk resolved after D was still open on D. What the files
cannot tell (a task's status on D) stays as it is today, and a notice says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sitegen.content.choices import RiskStatus
from sitegen.content.model import RiskDoc
from sitegen.content.projects import Site
from sitegen.content.public import _changed as changed_copy


def as_dated_on(site: Site, day: date) -> Site:
    """``site`` without what its files date after ``day``."""
    projects = []
    for project in site.projects:
        retro = project.retro
        if retro is not None and retro.date is not None and retro.date > day:
            retro = None
        projects.append(
            replace(
                project,
                reports=[report for report in project.reports if report.date <= day],
                risks=[_risk_on(risk, day) for risk in project.risks if _raised_by(risk, day)],
                retro=retro,
            )
        )
    return Site(site.settings, site.people, projects, site.team_source)


def _raised_by(risk: RiskDoc, day: date) -> bool:
    return risk.raised is None or risk.raised <= day


def _risk_on(risk: RiskDoc, day: date) -> RiskDoc:
    if risk.resolved_on is not None and risk.resolved_on > day:
        status = RiskStatus.OPEN if risk.status is RiskStatus.RESOLVED else risk.status
        return changed_copy(risk, status=status, resolved_on=None)
    return risk


__all__ = ["as_dated_on"]
