"""site.yaml: the site's title, language, time zone, thresholds and work calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from sitegen.content.fields import FIRST_YEAR, LAST_YEAR, OneLine, TextList, plausible

WEEKDAYS = {
    "mon": 0, "monday": 0, "周一": 0, "星期一": 0, "週一": 0,
    "tue": 1, "tuesday": 1, "周二": 1, "星期二": 1, "週二": 1,
    "wed": 2, "wednesday": 2, "周三": 2, "星期三": 2, "週三": 2,
    "thu": 3, "thursday": 3, "周四": 3, "星期四": 3, "週四": 3,
    "fri": 4, "friday": 4, "周五": 4, "星期五": 4, "週五": 4,
    "sat": 5, "saturday": 5, "周六": 5, "星期六": 5, "週六": 5,
    "sun": 6, "sunday": 6, "周日": 6, "星期日": 6, "週日": 6, "星期天": 6,
}  # fmt: skip


def _parse_day(text: str) -> date:
    return date.fromisoformat(text.strip())


def date_range(entry: str) -> tuple[date, date]:
    """The first and last day of `2023-10-02` or of the inclusive range
    `2023-10-01..2023-10-07`. Anything else is an error whose type names the finding's
    message (``field.calendar_range_*``)."""
    first, _, last = entry.partition("..")
    try:
        start = _parse_day(first)
        end = _parse_day(last) if last else start
    except ValueError:
        raise _calendar_error("calendar_range_form", entry) from None
    if end < start:
        raise _calendar_error("calendar_range_order", entry)
    for day in (start, end):
        if not plausible(day):
            raise _calendar_error(
                "calendar_range_year", entry, year=day.year, first=FIRST_YEAR, last=LAST_YEAR
            )
    return start, end


def _calendar_error(kind: str, entry: str, **more: object) -> PydanticCustomError:
    return PydanticCustomError(
        kind, "{entry} is not a usable date or range", {"entry": entry, **more}
    )


def expand_dates(entries: list[str]) -> frozenset[date]:
    """Every day that the entries (see `date_range`) name."""
    days: set[date] = set()
    for entry in entries:
        start, end = date_range(entry)
        while start <= end:
            days.add(start)
            start += timedelta(days=1)
    return frozenset(days)


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="ignore")

    deviation: Annotated[
        Decimal, WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 1})
    ] = Field(
        Decimal("0.20"),
        gt=0,
        le=1,
        description="How far behind plan raises an alert, as a fraction: 0.20 = 20% behind.",
        # A number in the schema, as written in site.yaml: pydantic shows the exact Decimal
        # default as the string "0.20".
        json_schema_extra={"default": 0.2},
        examples=[0.2],
    )
    max_concurrent: int = Field(
        5,
        ge=1,
        description="Active tasks a person may have at once before overload "
        "(team.yaml can set it per person).",
        examples=[5],
    )
    report_deadline: str = Field(
        "17:00",
        pattern=r"^([01]?\d|2[0-3]):[0-5]\d$",
        description="Time of day (HH:MM, local) by which the daily report is due.",
        examples=["17:00"],
    )
    brief_max_chars: int = Field(
        200,
        ge=1,
        description="Most characters (not bytes) in a daily report's brief.",
        examples=[200],
    )
    stale_days: int = Field(
        2,
        ge=1,
        description="Working days without a report before a task in progress is stale.",
        examples=[2],
    )
    max_task_days: int = Field(
        5,
        ge=1,
        description="Working days beyond which a task without subtasks is too coarse.",
        examples=[5],
    )


class CalendarSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    weekend: list[str] = Field(
        default_factory=lambda: ["sat", "sun"],
        description="Weekdays nobody works: mon, tue, wed, thu, fri, sat, sun (or 周六, 周日).",
        examples=[["sat", "sun"]],
    )
    holidays: TextList = Field(
        default_factory=list,
        description="Extra days off: dates (2023-10-02) or ranges (2023-10-01..2023-10-07).",
        examples=[["2023-10-01..2023-10-07"]],
    )
    workdays: TextList = Field(
        default_factory=list,
        description="Weekend dates that are working days (make-up days, 调休).",
        examples=[["2023-10-07", "2023-10-08"]],
    )

    @field_validator("weekend")
    @classmethod
    def _known_days(cls, value: list[str]) -> list[str]:
        for day in value:
            if str(day).strip().lower() not in WEEKDAYS:
                raise PydanticCustomError("weekday_name", "{day} is not a weekday", {"day": day})
        return value

    @field_validator("holidays", "workdays")
    @classmethod
    def _real_dates(cls, value: list[str]) -> list[str]:
        for entry in value:
            date_range(entry)
        return value

    @property
    def weekend_days(self) -> frozenset[int]:
        return frozenset(WEEKDAYS[day.strip().lower()] for day in self.weekend)


class PublicSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    report_alerts: bool = Field(
        False,
        description="Show report-discipline alerts (late, missing, too long, edited or "
        "backdated daily reports), which name people, in `sitegen build --public` too.",
    )


class SiteSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: OneLine = Field(
        "Status", description="The site's title, on every page.", examples=["市场部项目看板"]
    )
    language: str = Field(
        "en",
        pattern=r"^(en|zh-CN)$",
        description="The language of the pages and messages: en or zh-CN.",
        examples=["zh-CN"],
    )
    timezone: str = Field(
        "UTC",
        description="Time zone (IANA name) for today and for report deadlines.",
        examples=["Asia/Shanghai"],
    )
    base_url: str = Field(
        "/",
        description="Path the site is served under, when not the host's root "
        "(GitHub Pages: /REPOSITORY/).",
        examples=["/team-status/"],
    )
    thresholds: Thresholds = Field(
        default_factory=Thresholds, description="The limits the warnings use."
    )
    calendar: CalendarSettings = Field(
        default_factory=CalendarSettings,
        description="The working days: weekend, holidays and make-up workdays.",
    )
    public: PublicSettings = Field(
        default_factory=PublicSettings, description="What `sitegen build --public` shows."
    )

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        aliases = {"zh": "zh-CN", "zh-cn": "zh-CN", "zh_cn": "zh-CN", "en-us": "en", "en-gb": "en"}
        return aliases.get(str(value).lower(), value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        # OSError: a folder of the zone database (America) or a file it cannot read
        except (ZoneInfoNotFoundError, ValueError, OSError):
            zone = {"zone": value}
            raise PydanticCustomError("time_zone", "{zone} is not a time zone", zone) from None
        return value

    @field_validator("base_url")
    @classmethod
    def _slashes(cls, value: str) -> str:
        return "/" + value.strip("/") + "/" if value.strip("/") else "/"


__all__ = [
    "WEEKDAYS",
    "CalendarSettings",
    "PublicSettings",
    "SiteSettings",
    "Thresholds",
    "expand_dates",
]
