"""Digests of the data a page is rendered from, for incremental builds.

A page is re-rendered when the digest of everything it can read changes. That is only
safe if "everything it can read" is data the digest sees, so `Fingerprinter` accepts
plain data only (numbers, text, dates, enums, containers, dataclasses, pydantic models)
and refuses anything else — a function or a view object in a page's context is a
TypeError, not a page that silently goes stale.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sitegen.core.digests import DIGEST_SIZE, blake, bytes_digest


class Fingerprinter:
    """Digests values; objects (models, dataclasses) are digested once per instance.

    Lists, tuples and dicts are digested each time: most are made for one page, and
    remembering them cost more time and memory (40 MB at 15,000 pages) than it saved.
    A class whose ``fingerprint_memo`` is False is digested each time too: its objects are
    made for one page or reached through one owner, so they are met once (half of the
    objects, 8 MB at 15,000 pages).
    The memo keeps a reference to every object it has seen, so an id is never reused
    for a different object while the fingerprinter lives. Values must not change while
    it is in use (a build computes everything before it renders anything).
    """

    def __init__(self) -> None:
        self._memo: dict[int, bytes] = {}
        self._seen: list[object] = []
        self._remembered_kinds: dict[type, bool] = {}

    def digest(self, value: Any) -> bytes:
        return self._digest(value)

    def _digest(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str:  # by far the most common value: no look-up for it
            return _text(value)
        scalar = _SCALARS.get(kind)
        if scalar is not None:
            return scalar(value)
        if not value and kind in _EMPTY:
            return _EMPTY[kind]
        if kind is list or kind is dict or kind is tuple:
            return self._composite(value, kind)
        return self._object(value, kind)

    def _object(self, value: Any, kind: type) -> bytes:
        known = self._memo.get(id(value))
        if known is not None:
            return known
        digest = self._composite(value, kind)
        remembered = self._remembered_kinds.get(kind)
        if remembered is None:
            remembered = self._remembered_kinds[kind] = getattr(kind, "fingerprint_memo", True)
        if remembered:
            self._memo[id(value)] = digest
            self._seen.append(value)
        return digest

    def _composite(self, value: Any, kind: type) -> bytes:
        digest = self._digest
        if kind is list or kind is tuple:
            hasher = hashlib.blake2b(b"L", digest_size=DIGEST_SIZE)
            for item in value:
                hasher.update(digest(item))
            return hasher.digest()
        if kind is dict:
            hasher = hashlib.blake2b(b"D", digest_size=DIGEST_SIZE)
            for key, item in value.items():
                hasher.update(digest(key))
                hasher.update(digest(item))
            return hasher.digest()
        if isinstance(value, set | frozenset):
            return blake(b"S", *sorted(map(digest, value)))
        hasher = hashlib.blake2b(_qualified_name(kind), digest_size=DIGEST_SIZE)
        parts = getattr(value, "fingerprint_parts", None)
        if parts is not None:  # the object says which of its values stand for it
            for item in parts():
                hasher.update(digest(item))
            return hasher.digest()
        if isinstance(value, BaseModel):
            state = vars(value)
            for name, encoded in _model_fields(kind):
                hasher.update(encoded)
                hasher.update(digest(state.get(name)))
            return hasher.digest()
        names = _dataclass_fields(kind)
        if names:
            for name, encoded in names:
                hasher.update(encoded)
                hasher.update(digest(getattr(value, name)))
            return hasher.digest()
        if isinstance(value, list | tuple):  # named tuples
            for item in value:
                hasher.update(digest(item))
            return hasher.digest()
        # str/int/… subclasses (enums, Markup)
        for base, encode in _SCALARS.items():
            if isinstance(value, base):
                hasher.update(encode(value))
                return hasher.digest()
        raise TypeError(f"a page can only be rendered from data; got {kind.__qualname__}")


class FileTracingFingerprinter(Fingerprinter):
    """A Fingerprinter that also says which content files a digested value reaches: the
    files of the objects in it that name one (a `fingerprint_file` attribute, as a
    document's source has), along the same paths the digest follows. A value that reaches
    none of the files an edit changed has the same digest after it."""

    def __init__(self) -> None:
        super().__init__()
        self._files: dict[int, frozenset[str]] = {}
        self._reached: list[set[str]] = []  # one set per object being digested

    def digest_with_files(self, value: Any) -> tuple[bytes, frozenset[str]]:
        self._reached.append(set())
        digest = self._digest(value)
        return digest, frozenset(self._reached.pop())

    def _object(self, value: Any, kind: type) -> bytes:
        key = id(value)
        reached = self._reached
        known = self._memo.get(key)
        if known is not None:
            if reached:
                reached[-1].update(self._files[key])
            return known
        reached.append(set())
        digest = super()._object(value, kind)
        files = reached.pop()
        file = getattr(value, "fingerprint_file", None)
        if file:
            files.add(file)
        if key in self._memo:  # remembered with its digest (see `fingerprint_memo`)
            self._files[key] = frozenset(files) if files else _NO_FILES
        if reached:
            reached[-1].update(files)
        return digest

    def forget(self, files: frozenset[str]) -> None:
        """Forget the digests of the values that reach any of ``files`` (they changed);
        the others still hold."""
        stale = {key for key, reached in self._files.items() if reached & files}
        for key in stale:
            del self._memo[key], self._files[key]
        self._seen = [value for value in self._seen if id(value) not in stale]


class PageReads:
    """The content files each page's fingerprint reaches, with the digests made on the
    way; kept while the pages' values stay the same objects (the resident preview)."""

    def __init__(self) -> None:
        self.tracer = FileTracingFingerprinter()
        self.files: dict[str, frozenset[str]] = {}  # page → the files its fingerprint reaches

    def after_edit(self, changed: frozenset[str]) -> tuple[list[str], list[str]]:
        """Forget what ``changed`` files reach; the pages whose fingerprints reach none,
        and those that reach one."""
        self.tracer.forget(changed)
        unchanged, edited = [], []
        for page, files in self.files.items():
            (edited if files & changed else unchanged).append(page)
        return unchanged, edited


_NO_FILES: frozenset[str] = frozenset()
_EMPTY = {kind: blake(b"L") for kind in (list, tuple)} | {dict: blake(b"D")}


@cache
def _model_fields(kind: type[BaseModel]) -> tuple[tuple[str, bytes], ...]:
    # Declared fields only: a value cached on the instance later must not change its digest.
    return tuple((name, name.encode()) for name in kind.model_fields)


@cache
def _dataclass_fields(kind: type) -> tuple[tuple[str, bytes], ...]:
    if not dataclasses.is_dataclass(kind):
        return ()
    return tuple((field.name, field.name.encode()) for field in dataclasses.fields(kind))


def _type_name(value: Any) -> bytes:
    return _qualified_name(type(value))


@cache
def _qualified_name(kind: type) -> bytes:
    return f"{kind.__module__}.{kind.__qualname__}".encode()


def _text(value: str) -> bytes:
    data = value.encode("utf-8", "surrogatepass")
    return b"s%d:" % len(data) + data


_SCALARS: dict[type, Any] = {
    str: _text,
    bytes: lambda v: b"b" + bytes_digest(v),
    bool: lambda v: b"T" if v else b"F",
    int: lambda v: b"i" + str(v).encode() + b"\0",
    float: lambda v: b"f" + repr(v).encode() + b"\0",
    Decimal: lambda v: b"d" + str(v).encode() + b"\0",
    Fraction: lambda v: b"q" + f"{v.numerator}/{v.denominator}".encode() + b"\0",
    date: lambda v: b"a" + v.isoformat().encode(),
    datetime: lambda v: b"t" + v.isoformat().encode() + b"\0",
    time: lambda v: b"h" + v.isoformat().encode() + b"\0",
    type(None): lambda v: b"N",
    Enum: lambda v: b"e" + _type_name(v) + b"\0" + str(v.value).encode() + b"\0",
    Path: lambda v: b"p" + v.as_posix().encode() + b"\0",
}
# Enum members are instances of their own classes, never of Enum exactly: try them first
# in the isinstance fallback, before their mixed-in str/int base.
_SCALARS = {Enum: _SCALARS.pop(Enum), **_SCALARS}


__all__ = [
    "FileTracingFingerprinter",
    "Fingerprinter",
    "PageReads",
]
