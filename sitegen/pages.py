"""Which pages the site has, and what each one shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.build import Analysis


@dataclass(frozen=True)
class Page:
    path: str  # relative to OUT, POSIX
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def site_pages(analysis: Analysis) -> Iterator[Page]:
    site = analysis.site
    yield Page("index.html", "dashboard.html", site.settings.title)
    for project in site.projects:
        yield Page(
            f"projects/{project.id}.html",
            "project.html",
            project.title,
            {"project": project, "health": analysis.health[project.id]},
        )
    for state in analysis.status.tasks.values():
        yield Page(f"tasks/{state.task.id}.html", "task.html", state.task.title, {"state": state})
