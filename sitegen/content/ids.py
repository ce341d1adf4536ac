"""What an id may be: it names a page's file, next to the list pages, on any disk."""

from __future__ import annotations

import re
from enum import StrEnum

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# A file name holds 255 bytes; an id also names a report (<date>-<person>.html), and the
# page's file name adds ".html". 64 leaves room for all of that and is easy to say.
MAX_ID_LENGTH = 64


# Ids that would name a list page (people/index.html, risks/index.html).
RESERVED_IDS = frozenset({"index"})
# Names Windows keeps for devices, with any extension (con.html is the console there).
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))}
)


class IdProblem(StrEnum):
    """Why an id cannot name a file; the values end the keys of the messages saying so."""

    FORM = "form"  # characters other than letters, digits, '.', '_' and '-'
    LONG = "long"  # more than MAX_ID_LENGTH characters
    RESERVED = "reserved"  # the name of a list page
    DEVICE = "device"  # a Windows device name


def is_reserved_id(value: object) -> bool:
    return isinstance(value, str) and value.lower() in RESERVED_IDS


def id_problem(value: object) -> IdProblem | None:
    """Why ``value`` cannot be a page's file name (next to the list pages, on any disk)."""
    if not isinstance(value, str) or SAFE_ID.fullmatch(value) is None:
        return IdProblem.FORM
    if len(value) > MAX_ID_LENGTH:
        return IdProblem.LONG
    if is_reserved_id(value):
        return IdProblem.RESERVED
    if value.split(".", 1)[0].lower() in WINDOWS_DEVICE_NAMES:
        return IdProblem.DEVICE
    return None


def is_safe_id(value: object) -> bool:
    """Usable as a page's file name, next to the list pages."""
    return id_problem(value) is None
