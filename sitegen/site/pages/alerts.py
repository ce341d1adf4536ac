"""alerts.html and the pages its long groups go on over.

alerts.html shows every group's newest ALERTS_PER_PAGE alerts (and notices); a longer
group goes on over pages of its own, alerts/<group>-2.html, -3 and so on. A year of a
big team's reports raised 8,800 of them: one page of all made 3.6 MB of HTML.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sitegen.core.i18n import Messages
from sitegen.site.pages.page import Page, PageMaker
from sitegen.site.pages.paths import alert_page_path
from sitegen.site.pages.view import Alert, AlertGroup

ALERTS_PER_PAGE = 100
NOTICES = "notices"  # the key of the notices, which follow the groups
SETTLED = "settled"  # the key of the alerts that no longer count, before the notices


def alert_pages(
    groups: list[AlertGroup],
    settled: list[Alert],
    notices: list[Alert],
    page: PageMaker,
    ui: Messages,
) -> Iterator[Page]:
    """The further pages of each group longer than ALERTS_PER_PAGE, then alerts.html."""
    per_page = ALERTS_PER_PAGE
    parts = [(g.key, ui(f"alerts.group.{g.key}"), f"#alerts-{g.key}", g.alerts) for g in groups]
    parts.append((SETTLED, ui("alerts.settled_name"), "#settled", tuple(settled)))
    parts.append((NOTICES, ui("alerts.notices_name"), "#notices", tuple(notices)))
    continued = {}
    for key, name, anchor, alerts in parts:
        pages = _split(alerts, per_page)
        if len(pages) < 2:
            continue
        continued[key] = alert_page_path(key, 2)

        def link(number: int, key: str = key, anchor: str = anchor) -> tuple[str, str]:
            path = "alerts.html" + anchor if number == 1 else alert_page_path(key, number)
            return ui("alerts.page", page=number), path

        for number, shown in enumerate(pages[1:], start=2):
            first = (number - 1) * per_page + 1
            last = first + len(shown) - 1
            yield page(
                alert_page_path(key, number),
                "alerts_page.html",
                ui("alerts.page_title", group=name, page=number, pages=len(pages)),
                "dashboard",
                alerts=shown,
                items=f"{first}–{last}" if last > first else str(first),
                count=len(alerts),
                before=link(number - 1),
                after=link(number + 1) if number < len(pages) else None,
            )
    yield page(
        "alerts.html",
        "alerts.html",
        ui("alerts.all_title"),
        "dashboard",
        groups=groups,
        settled=settled,
        notices=notices,
        limit=per_page,
        continued=continued,
    )


def _split(alerts: Sequence[Alert], size: int) -> list[Sequence[Alert]]:
    return [alerts[start : start + size] for start in range(0, len(alerts), size)]
