"""Command-line parameter types shared by every command."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from sitegen.core.days import FIRST_YEAR, LAST_YEAR, plausible

CONTENT_DIR = click.Path(file_okay=False, dir_okay=True, exists=True, path_type=Path)


class DayType(click.DateTime):
    """A calendar day written YYYY-MM-DD, given to the command as a ``date``."""

    name = "date"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        day = super().convert(value, param, ctx).date()
        if not plausible(day):  # a typo; 9999 would mean millions of findings
            self.fail(f"{value}: the year is outside {FIRST_YEAR}–{LAST_YEAR}", param, ctx)
        return day


DAY = DayType()

as_of_option = click.option(
    "--as-of",
    type=DAY,
    help="Compute everything as of this date (YYYY-MM-DD) instead of today.",
)

no_history_option = click.option(
    "--no-history",
    is_flag=True,
    help="Do not read the content's git history (as-of views, submission times, edits).",
)
