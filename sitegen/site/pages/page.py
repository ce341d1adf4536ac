"""A page of the site: where it goes, which template shows it and with what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # relative to OUT, POSIX
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # the nav item this page belongs to
    description: str = ""  # meta description


@dataclass(frozen=True)
class PageMaker:
    """Makes the pages of one site, each with its description."""

    site_title: str

    def __call__(self, path: str, template: str, name: str, section: str, **context: Any) -> Page:
        return Page(
            path,
            template,
            name,
            context,
            section,
            f"{name} · {self.site_title}",
        )
