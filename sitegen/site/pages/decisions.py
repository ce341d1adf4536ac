""" "Needs your decision": what the rules ask someone to decide, each with an option
taken from the data, and the report hygiene folded into one line per person.

- Deviation at or past the threshold (the guide's 风险预警): the guide's escalation,
  "触发风险升级流程，由负责人协调解决", with the weekly meeting agreeing the adjustment.
  One decision per project: the project owner coordinates, the tasks' owners named.
- Overload: hand one of the person's tasks on the overloaded days (the least urgent)
  to team members who have the skills it needs and spare load on those days.
- An open high-impact risk about open work: its response plan and its owner.

Pure functions of the computed state; texts come from the ui catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sitegen.content.choices import Impact, Priority
from sitegen.content.model import person_name
from sitegen.core.findings import Finding
from sitegen.core.i18n import Messages
from sitegen.engine.health import REPORT_CODES, OpenMatters
from sitegen.site.pages.lookups import Link
from sitegen.site.pages.paths import person_path, project_path, risk_path
from sitegen.site.pages.summary import is_behind

if TYPE_CHECKING:
    from sitegen.content.model import Person
    from sitegen.content.projects import Project
    from sitegen.engine.compute import PersonState, TaskState

NAMED = 3  # tasks or people a decision names before "…"
RESPONSE_CHARS = 80  # of a risk's response plan, on the first screen
PRIORITY_RANK = {Priority.P0: 0, Priority.P1: 1, Priority.P2: 2, Priority.P3: 3}


@dataclass(frozen=True)
class Decision:
    kind: str  # deviation | overload | risk
    subject: Link  # the page to open to decide
    issue: str  # what the rules found
    proposal: str  # the option the data suggests
    projects: tuple[str, ...] = ()  # the projects it concerns (a project's brief shows it)


@dataclass(frozen=True)
class ReportHygiene:
    person: Link | None
    name: str
    missing: int
    late: int  # late, backdated, edited or too long: handed in, but not as agreed


def _names(items: Sequence[str], ui: Messages) -> str:
    shown = ui.join(list(items[:NAMED]))
    return shown + ("…" if len(items) > NAMED else "")


def deviation_decisions(
    projects: Sequence[Project],
    tasks_of: Mapping[str, Sequence[TaskState]],
    people: Mapping[str, Person],
    as_of: date,
    threshold: Decimal,
    ui: Messages,
) -> list[Decision]:
    decisions = []
    for project in projects:
        behind = sorted(
            (s for s in tasks_of.get(project.id, ()) if is_behind(s, as_of, threshold)),
            key=lambda s: (s.schedule_deviation or 0, s.task.end, s.task.id),
        )
        if not behind:
            continue
        lead = project.doc.owner if project.doc else None
        owners = list(
            dict.fromkeys(person_name(people, s.task.owner) for s in behind if s.task.owner != lead)
        )
        issue = ui(
            "decision.deviation",
            count=len(behind),
            project=project.title,
            tasks=_names([s.task.title for s in behind], ui),
        )
        if lead and not owners:
            proposal = ui("decision.deviation.lead_only", lead=person_name(people, lead))
        elif lead:
            proposal = ui(
                "decision.deviation.escalate",
                lead=person_name(people, lead),
                owners=_names(owners, ui),
            )
        else:
            proposal = ui("decision.deviation.no_lead", owners=_names(owners, ui))
        decisions.append(
            Decision(
                "deviation",
                Link(project_path(project.id), project.title),
                issue,
                proposal,
                (project.id,),
            )
        )
    return decisions


def overload_decisions(
    people: Mapping[str, PersonState],
    tasks: Mapping[str, TaskState],
    as_of: date,
    ui: Messages,
) -> list[Decision]:
    decisions = []
    for person_id, state in sorted(people.items()):
        days = [day for day in state.load.overloaded_days if day >= as_of]
        if not days:
            continue
        on_days = {tid for day in days for tid in state.load.by_day[day]}
        own = [tasks[t] for t in sorted(on_days) if t in tasks and tasks[t].task.owner == person_id]
        name = state.person.display_name
        issue = ui(
            "decision.overload",
            person=name,
            peak=max(len(state.load.by_day[day]) for day in days),
            limit=state.load.limit,
            days=_names([d.isoformat()[5:] for d in days], ui),
        )
        proposal = ui("decision.overload.reschedule")
        if own:
            handed = max(
                own,
                key=lambda s: (PRIORITY_RANK[s.priority], s.task.first_day, s.task.id),
            )
            task_days = [d for d in days if handed.task.id in state.load.by_day[d]]
            needed = list(handed.task.skills) or list(state.person.skills)
            free = spare_people(people, person_id, needed, bool(handed.task.skills), task_days)
            skills = ui.join(needed) if needed else "—"
            if free:
                proposal = ui(
                    "decision.overload.hand_over",
                    task=handed.task.title,
                    people=_names([people[p].person.display_name for p in free], ui),
                    skills=skills,
                )
            else:
                proposal = ui("decision.overload.nobody", task=handed.task.title, skills=skills)
        concerned = tuple(sorted({tasks[t].project for t in on_days if t in tasks}))
        link = Link(person_path(person_id), name)
        decisions.append(Decision("overload", link, issue, proposal, concerned))
    return decisions


def spare_people(
    people: Mapping[str, PersonState],
    busy: str,
    skills: Sequence[str],
    all_skills: bool,
    days: Iterable[date],
) -> list[str]:
    """Team members other than ``busy`` who have ``skills`` (all of them, or with
    ``all_skills`` false any one) and room for one more task on each of ``days``;
    the least loaded first."""
    chosen = list(days)
    found = []
    for person_id, state in people.items():
        if person_id == busy or not skills:
            continue
        have = set(state.person.skills)
        if not (set(skills) <= have if all_skills else have & set(skills)):
            continue
        loads = [len(state.load.by_day.get(day, ())) for day in chosen]
        if all(load + 1 <= state.load.limit for load in loads):
            found.append((max(loads, default=0), state.person.display_name, person_id))
    return [person_id for *_, person_id in sorted(found)]


def risk_decisions(
    matters: OpenMatters,
    people: Mapping[str, Person],
    projects: Sequence[Project],
    ui: Messages,
) -> list[Decision]:
    project_of = {id(risk): project.id for project in projects for risk in project.risks}
    decisions = []
    risks = sorted(
        (r for r in matters.live_risks.values() if r.impact is Impact.HIGH), key=lambda r: r.id
    )
    for risk in risks:
        owner = person_name(people, risk.owner)
        issue = ui("decision.risk", title=risk.title)
        response = " ".join((risk.response or "").split())
        if len(response) > RESPONSE_CHARS:
            response = response[: RESPONSE_CHARS - 1] + "…"
        if response:
            proposal = ui("decision.risk.response", response=response, owner=owner)
        else:
            proposal = ui("decision.risk.no_response", owner=owner)
        if risk.due is not None:
            proposal += ui("decision.risk.due", day=risk.due.isoformat())
        concerned = (project_of[id(risk)],) if id(risk) in project_of else ()
        link = Link(risk_path(risk.id), risk.id)
        decisions.append(Decision("risk", link, issue, proposal, concerned))
    return decisions


def report_hygiene(
    findings: Iterable[Finding], matters: OpenMatters, people: Mapping[str, Person]
) -> list[ReportHygiene]:
    """The daily-report findings that still count, one line per person: how many
    reports are missing, how many came in late (or edited, backdated, too long)."""
    missing: dict[str, set[str]] = defaultdict(set)
    late: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if finding.code not in REPORT_CODES or not matters.counts(finding):
            continue
        person = finding.person or "?"
        target = missing if finding.code == "missing-report" else late
        target[person].add(finding.day or finding.file)
    lines = []
    for person in sorted(set(missing) | set(late), key=lambda p: person_name(people, p)):
        link = Link(person_path(person), person_name(people, person)) if person in people else None
        lines.append(
            ReportHygiene(
                link, person_name(people, person), len(missing[person]), len(late[person])
            )
        )
    return lines
