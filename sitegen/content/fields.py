"""Field types shared by the content model and the site settings."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from sitegen.core.days import FIRST_YEAR, LAST_YEAR, plausible


# Dates outside these years are typos (0023 for 2023); they would also overflow the
# calendar arithmetic near year 1 and year 9999.
def _scalar_text(value: object) -> object:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return value


def as_list(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
        return [value]
    return value


def _plausible_year(value: date) -> date:
    if not plausible(value):
        raise PydanticCustomError(
            "date_year",
            "the year {year} is outside {first}-{last}",
            {"year": value.year, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


# Line breaks (any of them) and the other control characters, with the spaces around them.
_BREAKS = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*")


def _one_line(value: str) -> str:
    """A title or name on one line: the breaks of a YAML block (``title: |``) become
    spaces, as a page shows them. A calendar's name or a spreadsheet cell cannot hold a
    line break, and an XML feed no control character."""
    return _BREAKS.sub(" ", value).strip()


Text = Annotated[str, BeforeValidator(_scalar_text)]
OneLine = Annotated[str, BeforeValidator(_scalar_text), AfterValidator(_one_line)]
TextList = Annotated[list[Text], BeforeValidator(as_list)]


def _plain_decimal(value: object) -> object:
    """1e3 as 1000: Decimal keeps an exponent it was written with and shows "1E+3" on
    pages. Written out in full instead (``format(…, "f")`` is exact at any size)."""
    if isinstance(value, str) and "e" in value.lower():
        try:
            value = Decimal(value.strip().replace("_", ""))
        except ArithmeticError:
            return value  # not a number: validation says so
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # a letter for NaN and infinity
        if isinstance(exponent, int) and exponent > 0:
            return Decimal(format(value, "f"))
    return value


# Exact decimals; their schema says "number" in every pydantic version, as editors expect.
Number = Annotated[Decimal, BeforeValidator(_plain_decimal), WithJsonSchema({"type": "number"})]
Amount = Annotated[  # a quantity that cannot be negative (planned, actual)
    Decimal,
    Field(ge=0),
    BeforeValidator(_plain_decimal),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
Percent = Annotated[
    Decimal,
    Field(ge=0, le=100),
    BeforeValidator(_plain_decimal),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]

Date = Annotated[date, AfterValidator(_plausible_year)]
DateTime = Annotated[datetime, AfterValidator(_plausible_year)]


__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "Amount",
    "Date",
    "DateTime",
    "Number",
    "OneLine",
    "Percent",
    "Text",
    "TextList",
    "as_list",
    "plausible",
]
