"""The content model: one pydantic class per document kind (SPEC §2–4).

The same classes validate front matter, carry the typed data through the build
and produce the JSON Schema that `sitegen schema` prints for editors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)
from pydantic.json_schema import SkipJsonSchema

from sitegen.fields import Amount, Date, DateTime, Number, Percent, Text, TextList, as_list
from sitegen.settings import SiteSettings
from sitegen.source import Source

# Aliases for annotations in classes that have a field named `date`.
Day = Date
Timestamp = DateTime

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


# Ids that would name a list page (people/index.html, risks/index.html).
RESERVED_IDS = frozenset({"index"})


def is_reserved_id(value: object) -> bool:
    return isinstance(value, str) and value.lower() in RESERVED_IDS


def is_safe_id(value: object) -> bool:
    """Usable as a page's file name, next to the list pages."""
    return (
        isinstance(value, str)
        and SAFE_ID.fullmatch(value) is not None
        and not is_reserved_id(value)
    )


def _enumeration(kind: type[StrEnum], aliases: dict[str, tuple[str, ...]]) -> Any:
    """An enumeration that also takes Chinese (Simplified and Traditional) names.

    Its JSON Schema lists every accepted spelling, so editors do not flag `高`.
    """
    table = {member.value.lower(): member.value for member in kind}
    for canonical, names in aliases.items():
        table.update({name.lower(): canonical for name in names})

    def normalise(value: object) -> object:
        if isinstance(value, str):
            return table.get(value.strip().lower().replace("-", "_").replace(" ", "_"), value)
        return value

    spellings = [m.value for m in kind] + [n for names in aliases.values() for n in names]
    return Annotated[
        kind,
        BeforeValidator(normalise),
        WithJsonSchema({"type": "string", "enum": list(dict.fromkeys(spellings))}),
    ]


class Impact(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RiskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class TaskStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class TaskKind(StrEnum):
    TASK = "task"
    MILESTONE = "milestone"
    HIDDEN = "hidden"


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


ImpactValue = _enumeration(Impact, {"high": ("高",), "medium": ("中",), "low": ("低",)})
RiskStatusValue = _enumeration(
    RiskStatus,
    {
        "open": ("待处理", "待處理"),
        "in_progress": ("处理中", "處理中"),
        "resolved": ("已解决", "已解決"),
    },
)
TaskStatusValue = _enumeration(
    TaskStatus,
    {
        "todo": ("待办", "待辦", "未开始", "未開始", "to_do"),
        "doing": ("进行中", "進行中", "in_progress", "处理中", "處理中"),
        "done": ("已完成", "完成"),
        "blocked": ("受阻", "阻塞"),
        "cancelled": ("已取消", "取消", "canceled"),
    },
)
TaskKindValue = _enumeration(
    TaskKind,
    {
        "task": ("任务", "任務"),
        "milestone": ("里程碑",),
        "hidden": ("隐性任务", "隱性任務", "隐性", "隱性"),
    },
)
PriorityValue = _enumeration(Priority, {f"P{n}": (f"p{n}",) for n in range(4)})


class Document(BaseModel):
    """Fields and bookkeeping shared by every document kind."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    internal: bool = Field(False, description="Left out of `sitegen build --public`.")
    body: SkipJsonSchema[str] = Field("", exclude=True)
    source: SkipJsonSchema[Source] = Field(default_factory=lambda: Source(""), exclude=True)

    def fingerprint_parts(self) -> tuple[object, ...]:
        """What incremental builds digest for this document.

        A document loaded from a file is a function of the file's bytes, so the source
        (which carries their digest) stands for every field. A copy with changed fields
        must drop that digest (see `sitegen.public`); it is then digested field by field.
        """
        if self.source.content_digest:
            return (self.source,)
        return tuple(vars(self).items())


# ---------------------------------------------------------------- team.yaml


class Person(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text
    name: Text | None = None
    role: Text | None = None
    skills: TextList = Field(default_factory=list)
    max_concurrent: int | None = Field(None, ge=1)
    internal: bool = False
    source: SkipJsonSchema[Source] = Field(
        default_factory=lambda: Source("team.yaml"), exclude=True
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id


def person_name(people: Mapping[str, Person], person_id: str) -> str:
    """How a person is shown: their name from team.yaml, or the id when not there."""
    person = people.get(person_id)
    return person.display_name if person else person_id


class Team(BaseModel):
    model_config = ConfigDict(extra="ignore")

    people: list[dict[str, Any]] = Field(default_factory=list)


# ---------------------------------------------------------------- documents


class Kpi(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text
    name: Text
    channel: Text | None = None
    target: Number
    unit: Text | None = None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


class ProjectDoc(Document):
    title: Text
    owner: Text | None = None
    acceptor: Text | None = None
    start: Date | None = None
    end: Date | None = None
    background: Text | None = None
    goal: Text | None = None
    deliverable_standard: Text | None = None
    budget: Number | None = None
    kpis: list[Kpi] = Field(default_factory=list)
    baseline: Date | None = Field(
        None,
        description="The day whose end fixes every task's baseline (start, end, plan), "
        "against which slip is measured. Tasks first committed later take their first "
        "version as baseline (scope added later). Default: each task as first committed.",
    )


class Collaborator(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    person: Text
    role: Text | None = None


def _collaborator(value: str | Collaborator) -> Collaborator:
    return Collaborator(person=value) if isinstance(value, str) else value


# A team id, or {person, role}; always a Collaborator once validated.
CollaboratorValue = Annotated[Text | Collaborator, AfterValidator(_collaborator)]


class TaskDoc(Document):
    id: Text
    title: Text
    owner: Text
    collaborators: Annotated[list[CollaboratorValue], BeforeValidator(as_list)] = Field(
        default_factory=list
    )
    priority: PriorityValue | None = None
    urgent: bool | None = None
    important: bool | None = None
    start: Date | None = None
    end: Date
    module: Text | None = None
    parent: Text | None = None
    depends_on: TextList = Field(default_factory=list)
    deliverables: TextList = Field(default_factory=list)
    resources: TextList = Field(default_factory=list)
    budget: Number | None = None
    skills: TextList = Field(default_factory=list)
    kind: TaskKindValue = TaskKind.TASK
    status: TaskStatusValue | None = None
    confirmed: bool | None = None
    plan: dict[Date, Percent] | None = None

    @property
    def effective_priority(self) -> Priority:
        """The set priority, else the guide's urgent/important matrix."""
        if self.priority is not None:
            return self.priority
        if self.urgent and self.important:
            return Priority.P0
        if self.important:
            return Priority.P1
        if self.urgent:
            return Priority.P2
        return Priority.P3

    @property
    def first_day(self) -> date:
        return self.start or self.end


class Entry(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    task: Text
    plan: Text | None = None
    done: Text | None = None
    planned: Amount | None = None
    actual: Amount | None = None
    progress: Percent | None = None
    problem: Text | None = None
    solution: Text | None = None
    evidence: TextList = Field(default_factory=list)


class ReportDoc(Document):
    date: Day
    author: Text
    submitted: Timestamp | None = None
    entries: list[Entry] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.date.isoformat()}-{self.author}"


class RiskDoc(Document):
    id: Text
    title: Text
    impact: ImpactValue
    owner: Text
    trigger: Text | None = None
    response: Text | None = None
    status: RiskStatusValue
    tasks: TextList = Field(default_factory=list)
    raised: Date | None = None
    due: Date | None = None
    resolved_on: Date | None = None

    @property
    def is_open(self) -> bool:
        return self.status is not RiskStatus.RESOLVED


class KpiActual(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text
    actual: Number


class Action(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    action: Text
    owner: Text | None = None
    due: Date | None = None


class RetroDoc(Document):
    date: Day | None = None
    owner: Text | None = None
    participants: TextList = Field(default_factory=list)
    kpis: list[KpiActual] = Field(default_factory=list)
    successes: TextList = Field(default_factory=list)
    improvements: TextList = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)


DOCUMENT_KINDS: dict[str, type[BaseModel]] = {
    "site": SiteSettings,
    "team": Team,
    "project": ProjectDoc,
    "task": TaskDoc,
    "report": ReportDoc,
    "risk": RiskDoc,
    "retro": RetroDoc,
}


# ---------------------------------------------------------------- the loaded site


@dataclass
class Project:
    id: str
    folder: str
    doc: ProjectDoc | None
    tasks: list[TaskDoc] = field(default_factory=list)
    reports: list[ReportDoc] = field(default_factory=list)
    risks: list[RiskDoc] = field(default_factory=list)
    retro: RetroDoc | None = None

    @property
    def title(self) -> str:
        return self.doc.title if self.doc else self.id


@dataclass
class Site:
    """Everything loaded from a content directory, in a stable (sorted) order."""

    settings: SiteSettings
    people: list[Person]
    projects: list[Project]
    team_source: Source = field(default_factory=lambda: Source("team.yaml"))
    person_index: dict[str, Person] = field(init=False)
    task_index: dict[str, TaskDoc] = field(init=False)
    task_project: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.person_index = {p.id: p for p in self.people}
        self.task_index = {}
        self.task_project = {}
        for project in self.projects:
            for task in project.tasks:
                self.task_index.setdefault(task.id, task)
                self.task_project.setdefault(task.id, project.id)

    @property
    def tasks(self) -> list[TaskDoc]:
        return [task for project in self.projects for task in project.tasks]

    def documents(self) -> Iterator[Document]:
        for project in self.projects:
            yield from (doc for doc in (project.doc, project.retro) if doc is not None)
            yield from project.tasks
            yield from project.reports
            yield from project.risks

    @property
    def reports(self) -> list[ReportDoc]:
        return [report for project in self.projects for report in project.reports]

    @property
    def risks(self) -> list[RiskDoc]:
        return [risk for project in self.projects for risk in project.risks]
