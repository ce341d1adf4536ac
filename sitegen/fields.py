"""Field types shared by the content model and the site settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema


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


Text = Annotated[str, BeforeValidator(_scalar_text)]
TextList = Annotated[list[Text], BeforeValidator(as_list)]
# Exact decimals; their schema says "number" in every pydantic version, as editors expect.
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
Percent = Annotated[
    Decimal, Field(ge=0, le=100), WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})
]


__all__ = ["Number", "Percent", "Text", "TextList", "as_list"]
