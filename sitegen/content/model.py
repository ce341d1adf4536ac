"""The content model: one pydantic class per document kind (SPEC §2–4).

The same classes validate front matter, carry the typed data through the build
and produce the JSON Schema that `sitegen schema` prints for editors.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic.dataclasses import is_pydantic_dataclass
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema

from sitegen.content.choices import (
    ImpactValue,
    Priority,
    PriorityValue,
    RiskStatus,
    RiskStatusValue,
    TaskKind,
    TaskKindValue,
    TaskStatusValue,
)
from sitegen.content.fields import (
    Amount,
    Date,
    DateTime,
    Number,
    OneLine,
    Percent,
    Text,
    TextList,
    as_list,
)
from sitegen.content.settings import SiteSettings
from sitegen.content.source import Source

# Aliases for annotations in classes that have a field named `date`.
Day = Date
Timestamp = DateTime


def is_model(kind: object) -> bool:
    """Whether ``kind`` is a class the loader validates mappings as: a model, or a
    dataclass pydantic validates (`Entry`)."""
    return isinstance(kind, type) and (issubclass(kind, BaseModel) or is_pydantic_dataclass(kind))


def fields_of(kind: type) -> dict[str, FieldInfo]:
    """The declared fields of a model or pydantic dataclass, by name."""
    if issubclass(kind, BaseModel):
        return kind.model_fields
    return kind.__pydantic_fields__  # type: ignore[attr-defined,no-any-return]


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
        must drop that digest (see `sitegen.content.public`); it is then digested field by field.
        """
        if self.source.content_digest:
            return (self.source,)
        return tuple(vars(self).items())


# ---------------------------------------------------------------- team.yaml


class Person(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text = Field(
        description="The person's id: short, stable, used in every other file (owner, author).",
        examples=["zhao-liu"],
    )
    name: OneLine | None = Field(
        None, description="The name pages show; the id when absent.", examples=["赵六"]
    )
    role: OneLine | None = Field(None, description="Their role in the team.", examples=["数据分析"])
    skills: TextList = Field(
        default_factory=list,
        description="What they can do; a task's `skills` are checked against it.",
        examples=[["数据分析", "文案"]],
    )
    max_concurrent: int | None = Field(
        None,
        ge=1,
        description="Most active tasks at once for this person; overrides "
        "`thresholds.max_concurrent` of site.yaml.",
        examples=[3],
    )
    internal: bool = Field(False, description="Left out of `sitegen build --public`.")
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

    # Each person is checked one by one when the site loads (a bad one is a finding, not a
    # lost team), so the field takes any mapping; editors see the full Person schema.
    people: Annotated[
        list[dict[str, Any]],
        BeforeValidator(lambda value: value, json_schema_input_type=list[Person]),
    ] = Field(
        default_factory=list,
        description="Everyone who owns, works on or reports on tasks, one `- id: …` item each.",
    )


# ---------------------------------------------------------------- documents


class Kpi(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text = Field(
        description="The KPI's id; retro.md names it to give the actual.", examples=["K1"]
    )
    name: OneLine = Field(description="What is measured.", examples=["曝光量"])
    channel: OneLine | None = Field(None, description="Where it is measured.", examples=["抖音"])
    target: Number = Field(description="The target value, a number.", examples=[5000000])
    unit: OneLine | None = Field(
        None, description="The unit; `%` makes the KPI a rate.", examples=["次"]
    )

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


class ProjectDoc(Document):
    title: OneLine = Field(description="The project's name.", examples=["Q3新品上市推广"])
    owner: Text | None = Field(
        None, description="The project owner's team id.", examples=["zhang-san"]
    )
    acceptor: OneLine | None = Field(
        None,
        description="Who accepts the result: a person or a role (free text).",
        examples=["市场部经理"],
    )
    start: Date | None = Field(None, description="First day (YYYY-MM-DD).", examples=["2023-07-01"])
    end: Date | None = Field(
        None, description="Last day, inclusive (YYYY-MM-DD).", examples=["2023-07-31"]
    )
    background: Text | None = Field(
        None, description="Why the project exists.", examples=["新品8月上市，需要预热"]
    )
    goal: Text | None = Field(
        None,
        description="The goal, written SMART: specific, measurable, achievable, relevant, dated.",
        examples=["7月31日前全渠道曝光500万次"],
    )
    deliverable_standard: Text | None = Field(
        None, description="What counts as done.", examples=["视频3支、图文10篇按期上线"]
    )
    budget: Number | None = Field(
        None, description="Budget, a number (left out with --public).", examples=[50000]
    )
    kpis: list[Kpi] = Field(
        default_factory=list, description="The measurable targets, one item per KPI."
    )
    baseline: Date | None = Field(
        None,
        description="The day whose end fixes every task's baseline (start, end, plan), "
        "against which slip is measured. Tasks first committed later take their first "
        "version as baseline (scope added later). Default: each task as first committed.",
        examples=["2023-07-03"],
    )


class Collaborator(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    person: Text = Field(description="The collaborator's team id.", examples=["qian-shi"])
    role: OneLine | None = Field(
        None, description="What they do on the task.", examples=["设计支持"]
    )


def _collaborator(value: object) -> object:
    """A bare team id stands for ``{person: id}``."""
    return value if value is None or isinstance(value, dict | list) else {"person": value}


# A team id, or {person, role}; always a Collaborator once validated. Not a union of the
# two: an error in one would be reported under pydantic's name for each alternative
# ('collaborators[0].Collaborator.person'), which means nothing to the person writing it.
CollaboratorValue = Annotated[
    Collaborator, BeforeValidator(_collaborator, json_schema_input_type=Text | Collaborator)
]


class TaskDoc(Document):
    id: Text = Field(
        description="The task's id; the file is named after it (<id>.md).",
        examples=["MKT-202307-001-02"],
    )
    title: OneLine = Field(description="What the task is, in a few words.", examples=["素材制作"])
    owner: Text = Field(
        description="The team id of the one person directly responsible.", examples=["li-si"]
    )
    collaborators: Annotated[list[CollaboratorValue], BeforeValidator(as_list)] = Field(
        default_factory=list,
        description="Who helps: team ids, or `{person, role}` items.",
        examples=[[{"person": "qian-shi", "role": "设计支持"}]],
    )
    priority: PriorityValue | None = Field(
        None,
        description="P0 (highest) to P3. When absent it comes from `urgent` and `important`.",
        examples=["P0"],
    )
    urgent: bool | None = Field(
        None, description="Urgent? Used for the priority when `priority` is absent."
    )
    important: bool | None = Field(
        None, description="Important? Used for the priority when `priority` is absent."
    )
    start: Date | None = Field(None, description="First day (YYYY-MM-DD).", examples=["2023-07-08"])
    end: Date = Field(
        description="Last day, inclusive (YYYY-MM-DD); a milestone's day.",
        examples=["2023-07-18"],
    )
    module: OneLine | None = Field(
        None, description="The work package it belongs to (WBS level 2).", examples=["内容制作"]
    )
    parent: Text | None = Field(
        None,
        description="The id of the task this one is a part of (WBS level 3 under it).",
        examples=["MKT-202307-001"],
    )
    depends_on: TextList = Field(
        default_factory=list,
        description="Ids of tasks that must finish before this one starts.",
        examples=[["MKT-202307-001-01"]],
    )
    deliverables: TextList = Field(
        default_factory=list,
        description="What the task hands over.",
        examples=[["3支短视频", "10张封面图"]],
    )
    resources: TextList = Field(
        default_factory=list, description="What the task needs.", examples=[["摄影棚"]]
    )
    budget: Number | None = Field(
        None, description="Budget, a number (left out with --public).", examples=[8000]
    )
    skills: TextList = Field(
        default_factory=list,
        description="Skills the work needs; the owner should list them in team.yaml.",
        examples=[["视频剪辑"]],
    )
    kind: TaskKindValue = Field(
        TaskKind.TASK,
        description="`task`; `milestone` (a checkpoint, no work of its own); `hidden` "
        "(coordination work that is easy to overlook).",
    )
    status: TaskStatusValue | None = Field(
        None,
        description="todo, doing, done, blocked or cancelled. When absent: todo, or doing "
        "once a daily report names the task.",
        examples=["doing"],
    )
    confirmed: bool | None = Field(
        None, description="Has the owner accepted the assignment? `false` raises a warning."
    )
    plan: dict[Date, Percent] | None = Field(
        None,
        description="Planned cumulative % complete by date; without it the plan is even "
        "over the working days.",
        examples=[{"2023-07-10": 40, "2023-07-15": 80, "2023-07-18": 100}],
    )

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


# A slotted dataclass, not a model: a site has one per line of every report (20,000 at
# 12,500 reports), and a model's attribute dict took three times the memory.
@pydantic_dataclass(config=ConfigDict(extra="ignore", str_strip_whitespace=True), slots=True)
class Entry:
    task: Text = Field(description="The id of the task worked on.", examples=["MKT-202307-001-02"])
    plan: Text | None = Field(
        None, description="What was planned by today.", examples=["完成短视频脚本初稿2支"]
    )
    done: Text | None = Field(
        None, description="What was actually done.", examples=["完成脚本初稿1支"]
    )
    planned: Amount | None = Field(
        None, description="Quantity planned by today, any unit.", examples=[2]
    )
    actual: Amount | None = Field(
        None, description="Quantity actually done, in the unit of `planned`.", examples=[1]
    )
    progress: Percent | None = Field(
        None, description="The task's cumulative % complete after today (0–100).", examples=[40]
    )
    problem: Text | None = Field(
        None, description="What got in the way.", examples=["文案临时负责紧急会议，时间冲突"]
    )
    solution: Text | None = Field(
        None, description="What is done about it.", examples=["协调赵六协助完成第2支脚本"]
    )
    evidence: TextList = Field(
        default_factory=list,
        description="Links to screenshots or files that show the work.",
        examples=[["https://drive.example/shot.png"]],
    )


class ReportDoc(Document):
    date: Day = Field(description="The day reported on (YYYY-MM-DD).", examples=["2023-07-10"])
    author: Text = Field(description="The reporter's team id.", examples=["li-si"])
    submitted: Timestamp | None = Field(
        None,
        description="When the report was handed in, with the zone; when absent, the time "
        "of the first git commit that holds the file.",
        examples=["2023-07-10T16:45+08:00"],
    )
    entries: list[Entry] = Field(
        default_factory=list, description="One item per task worked on that day."
    )

    @property
    def id(self) -> str:
        return f"{self.date.isoformat()}-{self.author}"


class RiskDoc(Document):
    id: Text = Field(description="The risk's id; the file is named after it.", examples=["R-01"])
    title: OneLine = Field(description="The risk in a few words.", examples=["KOL档期冲突"])
    impact: ImpactValue = Field(description="high, medium or low (高/中/低).", examples=["high"])
    owner: Text = Field(description="The team id of who handles it.", examples=["zhou-qi"])
    trigger: Text | None = Field(
        None, description="What shows the risk is happening.", examples=["KOL未在7月20日前确认"]
    )
    response: Text | None = Field(
        None, description="What is done when it happens.", examples=["启用备选KOL名单"]
    )
    status: RiskStatusValue = Field(
        description="open, in_progress or resolved (待处理/处理中/已解决).", examples=["open"]
    )
    tasks: TextList = Field(
        default_factory=list,
        description="Ids of the tasks it affects.",
        examples=[["MKT-202307-001-03"]],
    )
    raised: Date | None = Field(None, description="When it was raised.", examples=["2023-07-12"])
    due: Date | None = Field(
        None, description="When it must be dealt with by.", examples=["2023-07-20"]
    )
    resolved_on: Date | None = Field(
        None, description="When it was resolved.", examples=["2023-07-19"]
    )

    @property
    def is_open(self) -> bool:
        return self.status is not RiskStatus.RESOLVED


class KpiActual(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: Text = Field(description="The id of a KPI in project.md.", examples=["K1"])
    actual: Number = Field(description="The value reached, in the KPI's unit.", examples=[5200000])


class Action(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    action: Text = Field(description="What will be done.", examples=["素材提前一周定稿"])
    owner: Text | None = Field(None, description="Who does it (team id).", examples=["li-si"])
    due: Date | None = Field(None, description="By when.", examples=["2023-08-15"])


class RetroDoc(Document):
    date: Day | None = Field(
        None, description="The day of the retrospective.", examples=["2023-08-05"]
    )
    owner: Text | None = Field(None, description="Who leads it (team id).", examples=["zhang-san"])
    participants: TextList = Field(
        default_factory=list, description="Who took part.", examples=[["li-si", "zhao-liu"]]
    )
    kpis: list[KpiActual] = Field(
        default_factory=list, description="The actual value of each KPI of project.md."
    )
    successes: TextList = Field(
        default_factory=list, description="What worked.", examples=[["短视频完播率高"]]
    )
    improvements: TextList = Field(
        default_factory=list, description="What to do better.", examples=[["KOL提前锁档"]]
    )
    actions: list[Action] = Field(
        default_factory=list, description="Follow-up actions, each with an owner and a date."
    )


DOCUMENT_KINDS: dict[str, type[BaseModel]] = {
    "site": SiteSettings,
    "team": Team,
    "project": ProjectDoc,
    "task": TaskDoc,
    "report": ReportDoc,
    "risk": RiskDoc,
    "retro": RetroDoc,
}
