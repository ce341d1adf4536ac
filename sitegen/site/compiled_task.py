"""The content block of `task.html` in plain Python (see `sitegen.site.compiled`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sitegen.site.compiled import Filter, Macros, MarkdownHtml, Url, _e

if TYPE_CHECKING:
    from sitegen.engine.compute import EntryState, TaskState
    from sitegen.site.pages.view import Alert, ProjectRef

_ROWS = ("id", "module", "owner", "collaborators", "priority", "dates", "deliverables")
_KEYS = (
    *(f"task.{key}" for key in _ROWS),
    *(
        f"task.{key}"
        for key in (
            "critical",
            "unconfirmed",
            "added_after_baseline",
            "planned",
            "actual",
            "schedule_deviation",
            "duration",
            "slip",
            "progress_note",
            "assignment",
            "baseline",
            "baseline_note",
            "resources",
            "budget",
            "skills",
            "depends_on",
            "dependents",
            "parent",
            "children",
            "plan",
            "confirmed",
            "history",
            "no_history",
            "description",
        )
    ),
    *(
        f"entry.{key}"
        for key in (
            "date",
            "plan",
            "done",
            "completion",
            "deviation",
            "progress",
            "problem",
            "solution",
            "author",
            "evidence",
            "after_as_of",
        )
    ),
    "nav.dashboard",
    "nav.measures",
    "nav.risks",
    "yes",
    "no",
)


class TaskContent:
    """The content block of `task.html`."""

    def __init__(
        self, macros: Macros, filters: dict[str, Filter], markdown: MarkdownHtml, as_of: date
    ) -> None:
        self.m = macros
        self.ui = macros.ui
        self.day = filters["day"]
        self.shortday = filters["shortday"]
        self.pct = filters["pct"]
        self.num = filters["num"]
        self.markdown = markdown
        self.as_of = as_of
        self.t = t = {key: _e(self.ui(key)) for key in _KEYS}
        self.progress_title = _e(self.ui("task.progress_title", date=self.day(as_of)))
        cols = [
            "".join(f'<th scope="col"{extra}>{t[f"entry.{key}"]}</th>' for key in keys)
            for keys, extra in (
                (("date", "plan", "done"), ""),
                (("completion", "deviation", "progress"), ' class="num"'),
                (("problem", "solution", "author", "evidence"), ""),
            )
        ]
        self.history_open = (
            f'<div class="scroll">\n<table class="history">\n<caption class="vh">'
            f"{t['task.history']}</caption>\n<thead><tr>\n"
            f"{cols[0]}\n{cols[1]}\n{cols[2]}\n</tr></thead>\n<tbody>\n"
        )

    def _row(self, key: str, cell: str) -> str:
        return f'<tr><th scope="row">{self.t[f"task.{key}"]}</th><td>{cell}</td></tr>'

    def __call__(
        self,
        url: Url,
        state: TaskState,
        project: ProjectRef,
        findings: Sequence[Alert],
        risks: Sequence[Any],
        baseline: Any,
        **_: Any,
    ) -> str:
        m, t, task = self.m, self.t, state.task
        slipped = bool(baseline and baseline.slip_days > 0)
        parts = [
            f'<p class="crumbs"><a href="{_e(url("index.html"))}">{t["nav.dashboard"]}</a> › '
            f'<a href="{_e(url(f"projects/{project.id}.html"))}">{_e(project.title)}</a>'
        ]
        if task.parent and task.parent in m.lookup.task_titles:
            parts.append(f" › {m.task(url, task.parent)}")
        parts.append(
            f'</p>\n<h1><span class="id">{_e(task.id)}</span> {_e(task.title)}</h1>\n'
            f'<p class="tags">{m.tag("st", "status", state.status.value)} '
            f"{m.priority(state.priority.value)} {m.kind(task.kind.value)}"
        )
        if state.critical:
            parts.append(f' <span class="tag crit">{t["task.critical"]}</span>')
        if task.confirmed is False:
            parts.append(f' <span class="tag warn">{t["task.unconfirmed"]}</span>')
        if baseline and baseline.added_after_baseline:
            parts.append(f' <span class="tag">{t["task.added_after_baseline"]}</span>')
        duration = _e(self.ui("task.days", count=state.duration))
        parts.append(
            '</p>\n\n<section aria-labelledby="progress-h">\n'
            f'<h2 id="progress-h">{self.progress_title}</h2>\n<dl class="facts big">\n'
            f"<div><dt>{t['task.planned']}</dt><dd>{_e(self.pct(state.planned, 100))}</dd></div>\n"
            f"<div><dt>{t['task.actual']}</dt><dd>{_e(self.pct(state.actual, 100))}</dd></div>\n"
            f"<div><dt>{t['task.schedule_deviation']}</dt>"
            f"<dd>{m.deviation(state.schedule_deviation)}</dd></div>\n"
            f"<div><dt>{t['task.duration']}</dt><dd>{duration}</dd></div>\n"
        )
        if slipped:
            slip = _e(self.ui("task.slip_days", count=baseline.slip_days))
            parts.append(f"<div><dt>{t['task.slip']}</dt><dd>{slip}</dd></div>")
        parts.append(
            f'</dl>\n<p class="note">{t["task.progress_note"]} '
            f'<a href="{_e(url("measures.html"))}">{t["nav.measures"]}</a></p>\n</section>\n\n'
            '<section aria-labelledby="assign-h">\n'
            f'<h2 id="assign-h">{t["task.assignment"]}</h2>\n<div class="scroll">\n'
            f'<table class="fields">\n<caption class="vh">{t["task.assignment"]}</caption>\n'
            "<tbody>\n"
        )
        parts += self._fields(url, state, baseline if slipped else None)
        parts.append(
            "</tbody>\n</table>\n</div>\n</section>\n\n"
            f'<section aria-labelledby="history-h">\n<h2 id="history-h">{t["task.history"]}</h2>\n'
        )
        if state.entries:
            parts.append(self.history_open)
            parts += [self._entry(url, entry) for entry in state.entries]
            parts.append("</tbody>\n</table>\n</div>\n")
        else:
            parts.append(f'<p class="muted">{t["task.no_history"]}</p>\n')
        parts.append("</section>\n\n")
        if risks:
            items = "".join(
                f"<li>{m.tag('im', 'impact', r.impact.value)} "
                f"{m.tag('rs', 'risk_status', r.status.value)} {m.risk(url, r)}</li>\n"
                for r in risks
            )
            parts.append(
                f'<section aria-labelledby="trisks-h">\n<h2 id="trisks-h">{t["nav.risks"]}</h2>\n'
                f'<ul class="list">\n{items}</ul>\n</section>\n'
            )
        parts += ["\n", m.findings_section(url, findings), "\n\n"]
        if task.body:
            body = self.markdown(task.body, task.source.file, url, False)
            parts.append(
                f'<section aria-labelledby="desc-h">\n<h2 id="desc-h">{t["task.description"]}'
                f'</h2>\n<div class="md">{body}</div>\n</section>\n'
            )
        return "".join(parts)

    def _fields(self, url: Url, state: TaskState, slipped: Any) -> list[str]:
        m, t, day, task, row = self.m, self.t, self.day, state.task, self._row
        priority = state.priority.value
        rows = [
            row("id", _e(task.id)) + "\n",
            row("module", _e(task.module or "—")) + "\n",
            row("owner", m.person(url, task.owner)) + "\n",
            row("collaborators", m.collaborators(url, task.collaborators)) + "\n",
            row("priority", f"{m.priority(priority)} {m.message(f'priority.{priority}')}") + "\n",
            row("dates", f"{_e(day(task.first_day))} – {_e(day(task.end))}") + "\n",
        ]
        if slipped:
            planned = slipped.baseline
            note = f'<span class="muted">({t["task.baseline_note"]})</span>'
            rows.append(
                row("baseline", f"{_e(day(planned.first_day))} – {_e(day(planned.end))} {note}")
            )
        for key in ("deliverables", "resources"):
            rows.append(row(key, _listed(getattr(task, key))) + "\n")
        if task.budget is not None:
            rows.append(row("budget", _e(self.num(task.budget))))
        if task.skills:
            rows.append(row("skills", _e(self.ui("list.sep").join(map(str, task.skills)))))
        for key, ids in (("depends_on", task.depends_on), ("dependents", state.dependents)):
            rows.append(row(key, "<br>".join(m.task(url, i) for i in ids) or "—") + "\n")
        if task.parent:
            rows.append(row("parent", m.task(url, task.parent)))
        if state.children:
            rows.append(row("children", "<br>".join(m.task(url, c) for c in state.children)))
        if task.plan:
            points = m.sep.join(
                f"{_e(self.shortday(day))}: {_e(self.pct(value, 100))}"
                for day, value in sorted(task.plan.items())
            )
            rows.append(row("plan", points))
        confirmed = "—" if task.confirmed is None else t["yes"] if task.confirmed else t["no"]
        rows.append(row("confirmed", confirmed) + "\n")
        return rows

    def _entry(self, url: Url, state: EntryState) -> str:
        m = self.m
        future = state.day > self.as_of
        href = _e(url(m.lookup.report_of(state).path))
        after = f' <span class="tag">{self.t["entry.after_as_of"]}</span>' if future else ""
        return (
            f"<tr{_FUTURE if future else ''}>\n"
            f'<th scope="row" class="nowrap"><a href="{href}">{_e(self.shortday(state.day))}</a>'
            f"{after}</th>\n{m.entry_cells(state)}\n"
            f"<td>{m.person(url, state.report.author)}</td>\n"
            f"<td>{m.evidence(state.entry.evidence)}</td>\n</tr>\n"
        )


_FUTURE = ' class="future"'


def _listed(items: Sequence[str]) -> str:
    if not items:
        return "—"
    return '<ul class="plain">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


__all__ = ["TaskContent"]
