"""A page of the site: where it goes, which template shows it and with what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # relative to OUT, POSIX
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""  # the nav item this page belongs to
    site_title: str | None = None  # that of the site the page is part of, for its description

    @property
    def description(self) -> str:
        """The meta description; made when asked (15,000 of them took 2 MB)."""
        return "" if self.site_title is None else f"{self.title} · {self.site_title}"


class PlannedPage(NamedTuple):
    """A page of the site before its data is made: ``maker(subject)`` makes it. (One
    maker serves all pages of a kind: a function bound for each of 15,000 pages took
    2 MB, carried into every render worker.)"""

    path: str
    template: str
    maker: Callable[[Any], Page]
    subject: Any = None

    def make(self) -> Page:
        return self.maker(self.subject)


@dataclass(frozen=True)
class PageMaker:
    """Makes the pages of one site, each with its description."""

    site_title: str

    def __call__(self, path: str, template: str, name: str, section: str, **context: Any) -> Page:
        return Page(path, template, name, context, section, self.site_title)
