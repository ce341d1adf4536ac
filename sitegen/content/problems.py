"""Problems met while loading, as findings in the site's language: files that cannot
be read, fields that do not validate (each error with its line, in plain words), keys a
kind of file does not have.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sitegen.content.memo import ValidatedDocuments
from sitegen.content.model import fields_of, is_model
from sitegen.content.parsecache import ParseCache
from sitegen.content.source import Path_, ReadError, Source
from sitegen.content.textfile import ReadNote
from sitegen.core.findings import Finding, severity_of
from sitegen.core.i18n import Messages


class Collector:
    """Turns read and validation problems into findings in the site's language."""

    def __init__(
        self,
        root: Path,
        messages: Messages,
        cache: ParseCache | None = None,
        documents: ValidatedDocuments | None = None,
    ) -> None:
        self.root = root
        self.documents = documents
        self._root_prefix = os.path.join(os.fspath(root), "")
        self.msg = messages
        self.cache = cache or ParseCache(None)
        self.findings: list[Finding] = []
        self._field_sets: dict[frozenset[str], set[str]] = {}
        self._numbers: dict[str, Decimal] = {}  # one object per number as written

    def relative(self, path: Path | str) -> str:
        text = os.fspath(path)
        if text.startswith(self._root_prefix):
            return text[len(self._root_prefix) :].replace(os.sep, "/")
        return Path(os.path.relpath(text, self.root)).as_posix()

    def add(self, code: str, file: str, line: int, message: str, **links: Any) -> None:
        self.findings.append(Finding(code, severity_of(code), file, line, message, **links))

    def read_error(self, file: str, error: ReadError) -> None:
        self.add(error.code, file, error.line, self.msg(error.message_key, **error.values))

    def os_error(self, file: str, error: OSError) -> None:
        self.add("parse", file, 1, self.msg("parse.os", problem=error.strerror))

    def read_notes(self, file: str, notes: tuple[ReadNote, ...]) -> None:
        for note in notes:
            self.add(note.code, file, note.line, self.msg(f"read.{note.reason}"))

    def validation_error(self, source: Source, error: ValidationError) -> None:
        for problem in error.errors(include_url=False):
            # "[key]" marks an error in a mapping's key (a plan date), not a field of its own
            loc = tuple(p for p in problem["loc"] if isinstance(p, str | int) and p != "[key]")
            self.add("field", source.file, source.line(*loc), self._explain(loc, problem))

    def _explain(self, loc: Path_, problem: dict[str, Any]) -> str:
        name = _dotted(loc) or "?"
        kind = problem["type"]
        value = problem.get("input")
        shown = value if isinstance(value, str | int | float) else str(value)
        ctx = problem.get("ctx") or {}
        if kind == "missing":
            if len(loc) > 1:  # a key inside a list item or section: say where to add it
                within = _dotted(loc[:-1])
                return self.msg("field.missing.within", field=name, key=loc[-1], within=within)
            return self.msg("field.missing", field=name)
        if value is None:
            return self.msg("field.empty", field=name)
        if kind.startswith("calendar_range_") or kind in ("weekday_name", "time_zone"):
            return self.msg(f"field.{kind}", field=name, **ctx)
        if kind == "date_year":
            return self.msg("field.year", field=name, value=shown, **ctx)
        if kind.startswith("datetime"):
            return self.msg("field.timestamp", field=name, value=shown)
        if kind.startswith("date"):
            return self.msg("field.date", field=name, value=shown)
        if kind == "string_pattern_mismatch" and self.msg.has(f"field.form.{name}"):
            return self.msg(f"field.form.{name}", value=shown)
        if kind in ("decimal_parsing", "decimal_type", "int_parsing", "int_type", "float_parsing"):
            return self.msg("field.number", field=name, value=shown)
        if kind.startswith("bool"):
            return self.msg("field.bool", field=name, value=shown)
        if kind == "enum":  # pydantic lists them in English: "'a', 'b' or 'c'"
            expected = self.msg.join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
            return self.msg("field.enum", field=name, value=shown, expected=expected)
        if kind in _LIMITS:
            limit = ctx.get(_LIMITS[kind])
            return self.msg(f"field.range.{kind}", field=name, value=shown, limit=limit)
        if kind in _SHAPES:
            shape = "yes-no" if kind == "string_type" and isinstance(value, bool) else _SHAPES[kind]
            return self.msg(f"field.type.{shape}", field=name, value=shown)
        return self.msg(
            "field.other", field=name, detail=problem["msg"].removeprefix("Value error, ")
        )

    def share_field_sets(self, model: object) -> None:
        """Let ``model`` and the models inside it share one set of the names of their set
        fields with every model that set the same names, and each number with every
        field that holds the same one (55,000 copies of a few numbers otherwise).

        Pydantic gives each model its own set (728 bytes; 29 MB at 15,000 files), which
        only model_dump(exclude_unset=True) reads; sitegen never does, and model_copy
        copies the set before changing it.
        """
        has_field_set, numbers, nested = _sharing(type(model))
        if has_field_set:
            names = model.__pydantic_fields_set__  # type: ignore[attr-defined]
            shared = self._field_sets.setdefault(frozenset(names), names)
            object.__setattr__(model, "__pydantic_fields_set__", shared)
        for name in numbers:
            value = getattr(model, name)
            if value is not None:
                object.__setattr__(model, name, self._numbers.setdefault(str(value), value))
        for name in nested:
            value = getattr(model, name, None)
            for item in value if type(value) is list else (value,):
                if item is not None:
                    self.share_field_sets(item)

    def unknown_keys(
        self,
        source: Source,
        data: dict[str, Any],
        model: type,
        within: tuple[str | int, ...] = (),
    ) -> None:
        """A warning for each key that ``model`` does not have, at any depth: a typo in
        `entries` (`planed: 3`) would otherwise silently drop what it was meant to say."""
        known = _field_names(model)
        nested_models = _nested_models(model)
        if known.issuperset(data):  # as nearly always: only the nested mappings to look at
            for key in nested_models.keys() & data.keys():
                for path, item in _mappings(data[key], (*within, key)):
                    self.unknown_keys(source, item, nested_models[key], path)
            return
        for key, value in data.items():
            if key in nested_models:
                for path, item in _mappings(value, (*within, key)):
                    self.unknown_keys(source, item, nested_models[key], path)
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = (
                self.msg("unknown-key.hint", key=close[0])
                if close
                else self.msg("unknown-key.no-hint")
            )
            self.add(
                "unknown-key",
                source.file,
                source.line(*within, key),
                self.msg("unknown-key", key=_dotted((*within, key)), hint=hint),
            )


def _mappings(
    value: object, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The key-value mappings that ``value`` is or lists, with where each is."""
    if isinstance(value, dict):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield (*path, index), item


@cache
def _nested_models(model: type) -> dict[str, type]:
    """Field name → the model its mappings are validated as, for fields that hold models."""
    return {
        name: nested
        for name, info in fields_of(model).items()
        if (nested := _model_in(info.annotation)) is not None
    }


@cache
def _sharing(kind: type) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """What `Collector.share_field_sets` shares in a ``kind``: whether it has a set of
    its set fields (a model; `Entry` is a dataclass), its number fields and the fields
    that hold models. Nothing for a class that is not validated as a mapping."""
    if not is_model(kind):
        return False, (), ()
    return issubclass(kind, BaseModel), _decimal_fields(kind), tuple(_nested_models(kind))


@cache
def _decimal_fields(model: type) -> tuple[str, ...]:
    """The fields of ``model`` that hold one number (a Decimal, which is immutable)."""
    return tuple(
        name
        for name, info in fields_of(model).items()
        if _plain_types(info.annotation) <= {Decimal, type(None)}
    )


def _plain_types(annotation: Any) -> set[Any]:
    """The types a value of ``annotation`` may have: of each alternative of a union,
    without the validators of ``Annotated``."""
    if get_origin(annotation) is Annotated:
        return _plain_types(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return {kind for argument in get_args(annotation) for kind in _plain_types(argument)}
    return {annotation}


def _model_in(annotation: Any) -> type | None:
    if is_model(annotation):
        return annotation  # type: ignore[no-any-return]
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


# Pydantic's errors for a value of the wrong shape → the shape the field needs. Their own
# messages name the model's classes ("instance of Collaborator").
_SHAPES = {
    "string_type": "text",
    "list_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "dataclass_type": "mapping",  # an entry of a report (`Entry`)
    "model_attributes_type": "mapping",
}

# Pydantic's range errors → the key of the limit in their context.
_LIMITS = {
    "greater_than_equal": "ge",
    "less_than_equal": "le",
    "greater_than": "gt",
    "less_than": "lt",
}


@cache
def _field_names(model: type) -> frozenset[str]:
    """The keys a file of this kind may have (looking them up on the class is slow)."""
    return frozenset(name for name in fields_of(model) if name not in ("body", "source"))


def _dotted(loc: Path_) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
