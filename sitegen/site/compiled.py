"""Plain Python renderers for the content block of the two bulk page kinds: report pages
(12,500 of the large benchmark's 15,000 pages) and task pages (2,000; `compiled_task.py`).

Each writes exactly what the package's template (and the `macros.html` pieces it calls)
writes, several times faster than Jinja. They are used only while the theme uses the
package's own templates for them (`FOLLOWS`: a theme that overrides one of those gets
Jinja), and each build checks its first page of each kind against Jinja before using
them (see `SiteRenderer`). `tests/test_compiled.py` compares them with Jinja on every
report and task page of the sample content and on odd input: a change to those
templates that is not made here too fails there.

The fixed texts are the messages the templates write out, looked up once per build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from sitegen.core.i18n import Messages
from sitegen.site.pages.lookups import Lookups

if TYPE_CHECKING:
    from sitegen.content.model import ReportDoc
    from sitegen.engine.compute import EntryState
    from sitegen.site.pages.view import Alert, ProjectRef

# The templates a compiled renderer follows, by the page template it stands for.
FOLLOWS = {
    "report.html": ("report.html", "macros.html"),
    "task.html": ("task.html", "macros.html"),
}

Url = Callable[[str], str]
Filter = Callable[..., str]
# (text, source file, url(), keep line breaks) → HTML
MarkdownHtml = Callable[[str, "str | None", Url, bool], str]


def _escape_text(text: str) -> str:
    return str(escape(text))


# markupsafe's own escaping of a str, without making a Markup of it (5x faster); the
# function above where markupsafe has no C speedups or renamed it.
with contextlib.suppress(ImportError):
    from markupsafe._speedups import _escape_inner as _escape_text  # type: ignore[no-redef]


def _e(value: object) -> str:
    """``{{ value }}`` with autoescape on, as a plain string (Markup is kept as it is)."""
    if type(value) is str:
        return _escape_text(value)
    return str(escape(value))


class Macros:
    """The `macros.html` macros the compiled pages call, as methods returning HTML."""

    def __init__(self, ui: Messages, lookup: Lookups, filters: dict[str, Filter]) -> None:
        self.ui = ui
        self.lookup = lookup
        self.pct = filters["pct"]
        self.num = filters["num"]
        self.signed = filters["signed"]
        self.none = _e(ui("none"))
        alert = _e(ui("dev.alert"))
        self.alert_open = f'<span class="dev alert" title="{alert}">▼ '
        self.alert_close = f'<span class="vh"> ({alert})</span></span>'
        self.see = _e(ui("alerts.see"))
        self.findings_title = _e(ui("findings.title"))
        self.findings_none = _e(ui("findings.none"))
        self.sep = _e(ui("list.sep"))
        self._messages: dict[str, str] = {}

    def person(self, url: Url, person_id: str | None) -> str:
        lookup = self.lookup
        if person_id and person_id in lookup.people:
            href = _e(url(f"people/{person_id}.html"))
            return f'<a href="{href}">{_e(lookup.person_name(person_id))}</a>'
        return _e(person_id) if person_id else "—"

    def task(self, url: Url, task_id: str, full: bool = True) -> str:
        titles = self.lookup.task_titles
        if task_id not in titles:
            return _e(task_id)
        link = f'<a href="{_e(url(f"tasks/{task_id}.html"))}">{_e(task_id)}</a>'
        return f"{link} {_e(titles[task_id])}" if full else link

    def deviation(self, value: Any) -> str:
        if value is None:
            return '<span class="muted">—</span>'
        shown = _e(self.signed(value))
        if self.lookup.is_alert(value):
            return f"{self.alert_open}{shown}{self.alert_close}"
        kind = "behind" if value < 0 else "ahead"
        return f'<span class="dev {kind}">{shown}</span>'

    def entry_cells(self, state: EntryState) -> str:
        entry = state.entry
        plan = _e(entry.plan or "—")
        if entry.planned is not None:
            plan += f' <span class="muted">({_e(self.num(entry.planned))})</span>'
        done = _e(entry.done or "—")
        if entry.actual is not None:
            done += f' <span class="muted">({_e(self.num(entry.actual))})</span>'
        return (
            f"<td>{plan}</td>\n<td>{done}</td>\n"
            f'<td class="num">{_e(self.pct(state.completion))}</td>\n'
            f'<td class="num">{self.deviation(state.deviation)}</td>\n'
            f'<td class="num">{_e(self.pct(entry.progress, 100))}</td>\n'
            f"<td>{_e(entry.problem or '—')}</td>\n<td>{_e(entry.solution or '—')}</td>"
        )

    def evidence(self, items: Sequence[str]) -> str:
        if not items:
            return f'<span class="muted">{self.none}</span>'
        shown = []
        for item in items:
            if self.lookup.is_web(item):
                name = item.rstrip("/").split("/")[-1] or item
                shown.append(
                    f'<li><a href="{_e(item)}" rel="noopener noreferrer nofollow">'
                    f"{_e(name)}</a></li>"
                )
            else:
                shown.append(f"<li>{_e(item)}</li>")
        return f'<ul class="plain">{"".join(shown)}</ul>'

    def alert_item(self, url: Url, alert: Alert) -> str:
        finding = alert.finding
        code = self.message(f"code.{finding.code}")
        parts = [
            f'<li class="alert-item sev-{_e(finding.severity.value)}">\n',
            f'<span class="code">{code}</span>\n',
        ]
        if alert.target:
            parts.append(f'<a href="{_e(url(alert.target.path))}">{_e(alert.target.text)}</a>')
        parts.append(f'<span class="msg">{_e(finding.message)}</span>\n')
        if alert.related:
            links = ", ".join(
                f'<a href="{_e(url(link.path))}">{_e(link.text)}</a>' for link in alert.related
            )
            parts.append(f'<span class="related">{self.see} {links}</span>')
        parts.append("</li>")
        return "".join(parts)

    def collaborators(self, url: Url, collaborators: Sequence[Any]) -> str:
        shown = [
            self.person(url, c.person) + (f" ({_e(c.role)})" if c.role else "")
            for c in collaborators
        ]
        return self.sep.join(shown) if shown else "—"

    def tag(self, kind: str, catalog: str, value: str) -> str:
        """task_status, impact, risk_status: a tag named by the catalog."""
        return f'<span class="tag {kind}-{_e(value)}">{self.message(f"{catalog}.{value}")}</span>'

    def priority(self, value: str) -> str:
        return f'<span class="tag pr-{_e(value)}">{_e(value)}</span>'

    def kind(self, value: str) -> str:
        return "" if value == "task" else self.tag("kind", "kind", value)

    def risk(self, url: Url, risk: Any) -> str:
        return f'<a href="{_e(url(f"risks/{risk.id}.html"))}">{_e(risk.id)}</a> {_e(risk.title)}'

    def message(self, key: str) -> str:
        """``{{ t(key) }}`` for a key worked out on the page, remembered."""
        text = self._messages.get(key)
        if text is None:
            text = self._messages[key] = _e(self.ui(key))
        return text

    def findings_section(self, url: Url, alerts: Sequence[Alert], level: int = 2) -> str:
        head = (
            f'<section aria-labelledby="findings-h">\n<h{level} id="findings-h">'
            f'{self.findings_title} <span class="count">{len(alerts)}</span></h{level}>\n'
        )
        if alerts:
            items = "".join(f"{self.alert_item(url, alert)}\n" for alert in alerts)
            body = f'<ul class="alerts">\n{items}</ul>\n'
        else:
            body = f'<p class="muted">{self.findings_none}</p>\n'
        return f"{head}{body}</section>"


class ReportContent:
    """The content block of `report.html`."""

    def __init__(self, macros: Macros, filters: dict[str, Filter], markdown: MarkdownHtml) -> None:
        ui = macros.ui
        self.m = macros
        self.ui = ui
        self.day = filters["day"]
        self.weekday = filters["weekday"]
        self.markdown = markdown
        fixed = {key: _e(ui(key)) for key in _REPORT_KEYS}
        self.reports = fixed["nav.reports"]
        self.facts_author = f'<dl class="facts">\n<div><dt>{fixed["report.author"]}</dt><dd>'
        self.facts_date = f"</dd></div>\n<div><dt>{fixed['report.date']}</dt><dd>"
        self.facts_submitted = f"</dd></div>\n<div><dt>{fixed['report.submitted']}</dt><dd>"
        self.brief_open = (
            '</dd></div>\n</dl>\n<section aria-labelledby="brief-h">\n'
            f'<h2 id="brief-h">{fixed["report.brief"]}</h2>\n<div class="md brief">'
        )
        self.entries_open = (
            '</div>\n</section>\n<section aria-labelledby="entries-h">\n'
            f'<h2 id="entries-h">{fixed["report.entries"]}</h2>\n'
        )
        heads = [
            "".join(f'<th scope="col">{fixed[f"entry.{key}"]}</th>' for key in keys)
            for keys in (("task", "plan", "done"), ("problem", "solution", "evidence"))
        ]
        figures = "".join(
            f'<th scope="col" class="num">{fixed[f"entry.{key}"]}</th>'
            for key in ("completion", "deviation", "progress")
        )
        self.table_open = (
            f'<div class="scroll">\n<table class="history">\n<caption class="vh">'
            f"{fixed['report.entries']}</caption>\n<thead><tr>\n"
            f"{heads[0]}\n{figures}\n{heads[1]}\n</tr></thead>\n<tbody>\n"
        )
        self.table_close = "</tbody>\n</table>\n</div>\n"
        self.no_entries = f'<p class="muted">{fixed["none"]}</p>'
        self.none = fixed["none"]
        self.not_recorded = fixed["report.not_recorded"]

    def __call__(
        self,
        url: Url,
        report: ReportDoc,
        project: ProjectRef | None,
        entries: Sequence[EntryState],
        findings: Sequence[Alert],
        **_: Any,
    ) -> str:
        m, day = self.m, self.day
        parts = [f'<p class="crumbs"><a href="{_e(url("reports/index.html"))}">{self.reports}</a>']
        if project:
            href = _e(url(f"projects/{project.id}.html"))
            parts.append(f' › <a href="{href}">{_e(project.title)}</a>')
        title = self.ui(
            "report.title", date=day(report.date), name=m.lookup.person_name(report.author)
        )
        submitted = (
            report.submitted.strftime("%Y-%m-%d %H:%M %z")
            if report.submitted
            else self.not_recorded
        )
        parts += [
            f"</p>\n<h1>{_e(title)}</h1>\n",
            self.facts_author,
            m.person(url, report.author),
            self.facts_date,
            f"{_e(day(report.date))} {_e(self.weekday(report.date))}",
            self.facts_submitted,
            _e(submitted),
            self.brief_open,
            self.markdown(report.body, report.source.file, url, True) if report.body else self.none,
            self.entries_open,
        ]
        if entries:
            parts.append(self.table_open)
            for state in entries:
                parts += [
                    f'<tr>\n<th scope="row">{m.task(url, state.entry.task)}</th>\n',
                    m.entry_cells(state),
                    f"\n<td>{m.evidence(state.entry.evidence)}</td>\n</tr>\n",
                ]
            parts.append(self.table_close)
        else:
            parts.append(self.no_entries)
        parts += ["</section>\n", m.findings_section(url, findings), "\n"]
        return "".join(parts)


_REPORT_KEYS = (
    "nav.reports",
    "report.author",
    "report.date",
    "report.submitted",
    "report.not_recorded",
    "report.brief",
    "report.entries",
    "none",
    *(
        f"entry.{key}"
        for key in (
            "task",
            "plan",
            "done",
            "completion",
            "deviation",
            "progress",
            "problem",
            "solution",
            "evidence",
        )
    ),
)


__all__ = ["FOLLOWS", "Filter", "Macros", "MarkdownHtml", "ReportContent", "Url"]
