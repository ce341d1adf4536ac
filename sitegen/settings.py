"""site.yaml: the site's title, language, time zone, thresholds and work calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from sitegen.fields import FIRST_YEAR, LAST_YEAR, OneLine, TextList, plausible

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
    ] = Field(Decimal("0.20"), gt=0, le=1)
    max_concurrent: int = Field(5, ge=1)
    report_deadline: str = Field("17:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    brief_max_chars: int = Field(200, ge=1)
    stale_days: int = Field(2, ge=1)
    max_task_days: int = Field(5, ge=1)


class CalendarSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    weekend: list[str] = Field(default_factory=lambda: ["sat", "sun"])
    holidays: TextList = Field(default_factory=list)
    workdays: TextList = Field(default_factory=list)

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

    title: OneLine = "Status"
    language: str = Field("en", pattern=r"^(en|zh-CN)$")
    timezone: str = "UTC"
    base_url: str = "/"
    thresholds: Thresholds = Field(default_factory=Thresholds)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    public: PublicSettings = Field(default_factory=PublicSettings)

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
