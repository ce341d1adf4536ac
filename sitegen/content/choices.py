"""The fixed choices a field takes (impact, statuses, kinds, priority), each also
written the Chinese way (Simplified and Traditional)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema


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
