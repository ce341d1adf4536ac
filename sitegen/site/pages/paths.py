"""The site-relative path of every page, built from ids (POSIX, relative to OUT)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.content.model import ReportDoc


def task_path(task_id: str) -> str:
    return f"tasks/{task_id}.html"


def person_path(person_id: str) -> str:
    return f"people/{person_id}.html"


def project_path(project_id: str) -> str:
    return f"projects/{project_id}.html"


def risk_path(risk_id: str) -> str:
    return f"risks/{risk_id}.html"


def retro_path(project_id: str) -> str:
    return f"retro/{project_id}.html"


def brief_path(project_id: str | None = None) -> str:
    """The one-page weekly brief: the portfolio's, or one project's."""
    return "brief.html" if project_id is None else f"briefs/{project_id}.html"


def report_path(report: ReportDoc) -> str:
    """``reports/<project>/<date>-<author>.html``: built from ids, whatever the file is called."""
    project = report.source.file.split("/")[0] if "/" in report.source.file else "_"
    return _report_page(project, report.id)


def _report_page(project: str, report_id: str) -> str:
    return f"reports/{project}/{report_id}.html"


def page_of_document(relative: str) -> str | None:
    """The page made from the content file ``relative`` (POSIX, from the content folder),
    by the layout of SPEC §1 and the rule that a file is named by its id; None for a
    file that makes no page of its own."""
    parts = relative.split("/")
    if len(parts) == 2 and parts[1] in ("project.md", "retro.md"):
        return (project_path if parts[1] == "project.md" else retro_path)(parts[0])
    if len(parts) < 3 or not parts[-1].endswith(".md"):
        return None
    stem = parts[-1].removesuffix(".md")
    if parts[1] == "tasks":
        return task_path(stem)
    if parts[1] == "risks":
        return risk_path(stem)
    if parts[1] == "reports":
        return _report_page(parts[0], stem)
    return None


@lru_cache(maxsize=4096)  # a site has few days; each is asked for by many pages
def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_path(key: str) -> str:
    return f"weekly/{key}.html"


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def alert_page_path(group: str, number: int) -> str:
    """Page ``number`` (from 2: page 1 is the group's part of alerts.html) of a group of alerts."""
    return f"alerts/{group}-{number}.html"
