"""The pages of a site by path, each made when it is asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from sitegen.site.pages.page import Page, PlannedPage


class SitePages(Mapping[str, Page]):
    """Every page of the site by its path in OUT.

    A page of the kinds a site has thousands of (tasks, reports, risks) is made each
    time it is asked for, so that the preview shows the saved file's page without making
    every other page's data, and a full build makes it in the worker that renders it
    and does not keep it. The summary pages (dashboard, weeks, people …) share most of
    what they show: they are all made the first time one of them is asked for.
    """

    def __init__(
        self,
        plan: Callable[[], list[PlannedPage]],
        summaries: Callable[[], Iterator[Page]],
        find: Callable[[str], PlannedPage | None] = lambda path: None,
    ):
        self._plan = plan
        self._made_plan: dict[str, PlannedPage] | None = None
        self._find = find  # a planned page by its path, before all are planned
        self._make_summaries = summaries
        self._summaries: dict[str, Page] | None = None

    @property
    def _planned(self) -> dict[str, PlannedPage]:
        if self._made_plan is None:
            self._made_plan = {page.path: page for page in self._plan()}
        return self._made_plan

    def _summary(self) -> dict[str, Page]:
        if self._summaries is None:
            made = {page.path: page for page in self._make_summaries()}
            planned = self._planned
            self._summaries = {path: page for path, page in made.items() if path not in planned}
        return self._summaries

    def _planned_page(self, path: str) -> PlannedPage | None:
        found = self._find(path) if self._made_plan is None else None
        return found if found is not None else self._planned.get(path)

    def __getitem__(self, path: str) -> Page:
        planned = self._planned_page(path)
        return planned.make() if planned is not None else self._summary()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._planned or path in self._summary()

    def __iter__(self) -> Iterator[str]:
        yield from self._summary()
        yield from self._planned

    def __len__(self) -> int:
        return len(self._summary()) + len(self._planned)

    def template(self, path: str) -> str:
        """The template of the page at ``path``, without making its data."""
        planned = self._planned_page(path)
        return planned.template if planned is not None else self._summary()[path].template


__all__ = ["SitePages"]
