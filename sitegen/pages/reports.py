"""The report stream: one page per report and the index, split by month when long."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from sitegen.i18n import Messages
from sitegen.pages.page import Page, PageMaker
from sitegen.pages.paths import report_path
from sitegen.pages.view import SiteView

if TYPE_CHECKING:
    from sitegen.model import ReportDoc

REPORTS_PER_PAGE = 60  # the report stream is split by month beyond this many reports


def report_pages(view: SiteView, page: PageMaker, ui: Messages) -> Iterator[Page]:
    reports = view.reports

    def report_page(report: ReportDoc) -> Page:
        return page(
            report_path(report),
            "report.html",
            view.report_label(report),
            "reports",
            report=report,
            project=view.project_ref(view.report_project.get(report.source.file)),
            entries=view.report_entries(report),
            findings=view.findings_for(file=report.source.file),
        )

    months: dict[str, list[ReportDoc]] = defaultdict(list)
    for report in reports:
        months[report.date.strftime("%Y-%m")].append(report)
    split = len(reports) > REPORTS_PER_PAGE
    month_links = [
        (month, f"reports/{month}.html" if split else f"reports/index.html#m{month}", len(items))
        for month, items in months.items()
    ]

    def stream_page(
        path: str, name: str, shown: dict[str, list[ReportDoc]], current: str | None
    ) -> Page:
        return page(
            path,
            "reports.html",
            name,
            "reports",
            months=[(month, _by_day(items)) for month, items in shown.items()],
            month_links=month_links,
            current=current,
        )

    # A month's stream right after its reports: whoever renders them converts each brief
    # once (render_markdown remembers it) and shows it twice.
    for month, items in months.items():
        yield from map(report_page, items)
        if split:
            yield stream_page(
                f"reports/{month}.html", ui("reports.month", month=month), {month: items}, month
            )
    yield stream_page("reports/index.html", ui("nav.reports"), {} if split else months, None)


def _by_day(reports: list[ReportDoc]) -> list[tuple[date, list[ReportDoc]]]:
    days: dict[date, list[ReportDoc]] = defaultdict(list)
    for report in reports:
        days[report.date].append(report)
    return sorted(days.items(), reverse=True)
