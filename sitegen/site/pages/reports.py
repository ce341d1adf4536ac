"""The report stream: one page per report and the index, split by month when long and by
ISO week when a month alone is too long to read (a big team files 1,000 a month)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from sitegen.core.i18n import Messages
from sitegen.site.pages.page import Page, PageMaker, PlannedPage
from sitegen.site.pages.paths import report_path, week_key
from sitegen.site.pages.view import SiteView

if TYPE_CHECKING:
    from sitegen.content.model import ReportDoc

REPORTS_PER_PAGE = 60  # the report stream is split by month beyond this many reports
MONTH_LIMIT = 200  # and by week when a month holds more than this many


def report_page(view: SiteView, page: PageMaker, report: ReportDoc) -> Page:
    link = view.report_link(report)
    return page(
        link.path,
        "report.html",
        link.text,
        "reports",
        report=report,
        project=view.project_ref(view.report_project.get(report.source.file)),
        entries=view.report_entries(report),
        findings=view.findings_for(file=report.source.file),
    )


def planned_report(one_report: Callable[[ReportDoc], Page], report: ReportDoc) -> PlannedPage:
    """``report``'s page, planned: ``one_report`` makes it (`report_page`, bound)."""
    return PlannedPage(report_path(report), "report.html", one_report, report)


def report_section(view: SiteView, page: PageMaker, ui: Messages) -> list[PlannedPage]:
    """The pages of the report stream, each made when asked for: every report's page,
    each period's page right after its reports (whoever renders them converts each
    brief once, render_markdown remembers it, and shows it twice), then the index."""
    reports = view.reports
    unit, periods = stream_periods(reports)
    split = len(reports) > REPORTS_PER_PAGE
    period_links = [
        (key, f"reports/{key}.html" if split else f"reports/index.html#m{key}", len(items))
        for key, items in periods.items()
    ]

    def title(key: str) -> str:
        return ui(f"reports.{unit}", **{unit: key})

    position = {key: index for index, (key, _, _) in enumerate(period_links)}

    def stream_page(
        path: str, name: str, shown: dict[str, list[ReportDoc]], current: str | None
    ) -> Page:
        # period_links runs newest first; a period page links its neighbours
        here = position.get(current, -1) if current else -1
        newer = period_links[here - 1][:2] if here > 0 else None
        older = period_links[here + 1][:2] if 0 <= here < len(period_links) - 1 else None
        return page(
            path,
            "reports.html",
            name,
            "reports",
            periods=[(key, title(key), _by_day(items)) for key, items in shown.items()],
            period_links=period_links,
            period_nav=ui(f"reports.{unit}s"),
            pager_label=ui(f"reports.pager.{unit}"),
            current=current,
            newer=newer,
            older=older,
        )

    planned = []
    one_report = partial(report_page, view, page)
    for key, items in periods.items():
        planned += [planned_report(one_report, report) for report in items]
        if split:
            path = f"reports/{key}.html"
            make = partial(stream_page, path, title(key), {key: items})
            planned.append(PlannedPage(path, "reports.html", make, key))
    index = partial(stream_page, "reports/index.html", ui("nav.reports"), {} if split else periods)
    planned.append(PlannedPage("reports/index.html", "reports.html", index, None))
    return planned


def stream_periods(reports: list[ReportDoc]) -> tuple[str, dict[str, list[ReportDoc]]]:
    """The stream's pages, in the order of ``reports``: ("month", {"2023-09": [...]}), or
    ("week", {"2023-W37": [...]}) when some month holds more than MONTH_LIMIT reports."""
    months = _grouped(reports, lambda day: day.strftime("%Y-%m"))
    if all(len(items) <= MONTH_LIMIT for items in months.values()):
        return "month", months
    return "week", _grouped(reports, week_key)


def _grouped(reports: list[ReportDoc], key: Callable[[date], str]) -> dict[str, list[ReportDoc]]:
    """``reports`` by the period ``key`` gives their day (worked out once per day)."""
    periods: dict[str, list[ReportDoc]] = defaultdict(list)
    period_of: dict[date, str] = {}
    for report in reports:
        day = report.date
        period = period_of.get(day)
        if period is None:
            period = period_of[day] = key(day)
        periods[period].append(report)
    return dict(periods)


def _by_day(reports: list[ReportDoc]) -> list[tuple[date, list[ReportDoc]]]:
    days: dict[date, list[ReportDoc]] = defaultdict(list)
    for report in reports:
        days[report.date].append(report)
    return sorted(days.items(), reverse=True)
