"""Values derived from one document, kept between the analyses of a resident preview.

The preview (`sitegen serve`) analyses the whole site again after a save the analysis
sees. Its load keeps every unchanged document as the same object
(`sitegen.content.memo.ValidatedDocuments`), so a value made from one document alone
(a report's entry states, the findings about a report) is still right while the
document is the same object and what else the value reads (its *context*: the day,
the settings, …) is equal. Such values are taken from here instead of being made
again; a cold build starts with an empty memo and makes them all, as it always did.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class DerivedTable:
    """One kind of value: (document, key) → the value made from them, in one context."""

    def __init__(self, context: object) -> None:
        self.context = context
        self._kept: dict[tuple[int, Hashable], tuple[object, Any]] = {}
        self._used: dict[tuple[int, Hashable], tuple[object, Any]] = {}

    def get(self, document: object, key: Hashable, make: Callable[[], T]) -> T:
        """The value of ``document`` and ``key``, made by ``make`` unless this analysis
        made it already or the last one kept it.

        Entries hold their document, so an id is never that of a document made after
        the one it was kept for."""
        slot = (id(document), key)
        held = self._used.get(slot) or self._kept.get(slot)
        value = held[1] if held is not None and held[0] is document else make()
        self._used[slot] = (document, value)
        return value

    @property
    def inherited(self) -> bool:
        """Whether an earlier analysis in this context left values here."""
        return bool(self._kept)

    def _finish(self) -> None:
        self._kept, self._used = self._used, {}


class DerivedMemo:
    """The tables of one resident preview, by kind of value (see the module's doc)."""

    def __init__(self) -> None:
        self._tables: dict[str, DerivedTable] = {}
        self._slots: dict[str, tuple[object, Any]] = {}

    def table(self, kind: str, context: object = None) -> DerivedTable:
        """The table of ``kind`` for an analysis in ``context``: empty when the context
        is not equal to the last analysis's (every value of the kind may differ)."""
        table = self._tables.get(kind)
        if table is None or table.context != context:
            table = self._tables[kind] = DerivedTable(context)
        return table

    def kept(self, kind: str, context: object) -> Any | None:
        """The one value of ``kind`` kept in an equal ``context`` (see `keep`), or None."""
        slot = self._slots.get(kind)
        return slot[1] if slot is not None and slot[0] == context else None

    def keep(self, kind: str, context: object, value: object) -> None:
        """Keep ``value``, a function of ``context`` alone, as the one value of ``kind``."""
        self._slots[kind] = (context, value)

    def held(self, kind: str) -> Any | None:
        """The one value of ``kind``, whatever its context (see `keep`), or None."""
        slot = self._slots.get(kind)
        return slot[1] if slot is not None else None

    def finish(self) -> None:
        """End an analysis: forget the values it did not use (their documents changed
        or went)."""
        for table in self._tables.values():
            table._finish()


__all__ = ["DerivedMemo", "DerivedTable"]
