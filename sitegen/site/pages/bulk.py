"""The pages a site has thousands of: one per task, risk and report, each planned
without its data. The preview also finds the saved file's page by its path alone, so
that it is shown before the other 15,000 are planned (about 50 ms on a large site)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from sitegen.core.i18n import Messages
from sitegen.site.pages.page import Page, PageMaker, PlannedPage
from sitegen.site.pages.paths import report_path, risk_path, task_path
from sitegen.site.pages.reports import planned_report, report_page, report_section
from sitegen.site.pages.view import SiteView

if TYPE_CHECKING:
    from sitegen.engine.compute import TaskState


@dataclass(frozen=True)
class BulkPages:
    """The task, risk and report pages of the site ``view`` shows."""

    view: SiteView
    page: PageMaker
    ui: Messages

    def plan(self) -> list[PlannedPage]:
        """Every page of these kinds, in the order they are made."""
        view = self.view
        tasks = [self._task(state) for state in view.sorted_tasks()]
        risks = [self._risk(risk_id) for risk_id in view.risks]
        return [*tasks, *risks, *report_section(view, self.page, self.ui)]

    def find(self, path: str) -> PlannedPage | None:
        """The page `plan` has at ``path``, when it is a task's, a risk's or one report's;
        None for any other path (and for a report path two reports share: which one
        the plan keeps is the plan's to say)."""
        folder, _, name = path.rpartition("/")
        if not name.endswith(".html"):
            return None
        stem = name.removesuffix(".html")
        view = self.view
        if folder == "tasks":
            state = view.tasks.get(stem)
            return self._task(state) if state is not None else None
        if folder == "risks":
            return self._risk(stem) if stem in view.risks else None
        project = folder.removeprefix("reports/")
        if project == folder or "/" in project:
            return None
        found = [
            report
            for folder_project in view.site.projects
            if folder_project.folder == project
            for report in folder_project.reports
            if report_path(report) == path
        ]
        return planned_report(self._one_report, found[0]) if len(found) == 1 else None

    def _task(self, state: TaskState) -> PlannedPage:
        return PlannedPage(task_path(state.task.id), "task.html", self._task_page, state)

    def _risk(self, risk_id: str) -> PlannedPage:
        return PlannedPage(risk_path(risk_id), "risk.html", self._risk_page, risk_id)

    # One maker per kind, shared by all its pages (see PlannedPage).
    @cached_property
    def _task_page(self) -> partial[Page]:
        return partial(task_page, self.view, self.page)

    @cached_property
    def _risk_page(self) -> partial[Page]:
        return partial(risk_page, self.view, self.page)

    @cached_property
    def _one_report(self) -> partial[Page]:
        return partial(report_page, self.view, self.page)


def task_page(view: SiteView, page: PageMaker, state: TaskState) -> Page:
    return page(
        task_path(state.task.id),
        "task.html",
        f"{state.task.id} {state.task.title}",
        "dashboard",
        state=state,
        project=view.project_ref(state.project),
        findings=view.findings_for(task=state.task.id),
        risks=view.sorted_risks(view.risks_by_task.get(state.task.id, [])),
        baseline=view.analysis.history.baselines.get(state.task.id),
    )


def risk_page(view: SiteView, page: PageMaker, risk_id: str) -> Page:
    risk = view.risks[risk_id]
    return page(
        risk_path(risk_id),
        "risk.html",
        f"{risk_id} {risk.title}",
        "risks",
        risk=risk,
        project=view.project_ref(view.risk_project[risk_id]),
        findings=view.findings_for(file=risk.source.file),
    )
