"""Stage 1: load a content directory into the typed model, collecting findings.

A file that cannot be read or validated becomes findings and is left out of the
model; the other files are still loaded, so one run reports every problem.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sitegen.content.inputs import SKIPPED_PREFIXES
from sitegen.content.memo import ValidatedDocuments
from sitegen.content.model import (
    Document,
    Person,
    Project,
    ProjectDoc,
    ReportDoc,
    RetroDoc,
    RiskDoc,
    Site,
    TaskDoc,
    fields_of,
    is_model,
)
from sitegen.content.parsecache import ParseCache
from sitegen.content.settings import SiteSettings
from sitegen.content.source import Path_, ReadError, Source, read_yaml_mapping
from sitegen.content.textfile import ReadNote
from sitegen.core.findings import Finding, severity_of
from sitegen.core.i18n import Messages

DocT = TypeVar("DocT", bound=Document)

PROJECT_PARTS = ("project.md", "tasks", "reports", "risks", "retro.md")
UNREAD_CODES = frozenset({"parse", "too-large", "skipped"})  # a file's data did not load


@dataclass
class LoadResult:
    site: Site
    findings: list[Finding]
    # Ids of tasks and people that exist but failed validation: references to them are
    # not reported again as unknown.
    broken_task_ids: set[str] = field(default_factory=set)
    broken_person_ids: set[str] = field(default_factory=set)
    # False when team.yaml could not be read: person references are then not checked.
    team_ok: bool = True


class _Collector:
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
        if isinstance(model, BaseModel):
            names = model.__pydantic_fields_set__
            shared = self._field_sets.setdefault(frozenset(names), names)
            object.__setattr__(model, "__pydantic_fields_set__", shared)
        for name in _decimal_fields(type(model)):
            value = getattr(model, name)
            if value is not None:
                object.__setattr__(model, name, self._numbers.setdefault(str(value), value))
        for name in _nested_models(type(model)):
            value = getattr(model, name, None)
            for item in value if type(value) is list else (value,):
                if is_model(type(item)):
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


def _validate(
    collector: _Collector, model: type[DocT], source: Source, data: dict[str, Any], body: str
) -> DocT | None:
    collector.unknown_keys(source, data, model)
    try:
        doc = model.model_validate(data)
    except ValidationError as error:
        collector.validation_error(source, error)
        return None
    doc.source = source
    doc.body = body
    collector.share_field_sets(doc)
    return doc


def _load_settings(root: Path) -> tuple[SiteSettings, list[Finding], Source]:
    """site.yaml first: its language decides the language of every other message."""
    path = root / "site.yaml"
    source = Source("site.yaml")
    if not path.exists():
        return SiteSettings(), [], source
    english = _Collector(root, Messages("en"))
    if _leaves_root(english, path, path.is_symlink()):
        return SiteSettings(), english.findings, source
    try:
        data, lines, notes = read_yaml_mapping(path)
    except ReadError as error:
        english.read_error("site.yaml", error)
        return SiteSettings(), english.findings, source
    except OSError as error:
        english.os_error("site.yaml", error)
        return SiteSettings(), english.findings, source
    source = Source("site.yaml", lines)
    language = data.get("language") if isinstance(data.get("language"), str) else "en"
    collector = _Collector(root, Messages(SiteSettings._language(language)))  # type: ignore[arg-type]
    collector.read_notes("site.yaml", notes)
    collector.unknown_keys(source, data, SiteSettings)
    try:
        return SiteSettings.model_validate(data), collector.findings, source
    except ValidationError as error:
        collector.validation_error(source, error)
        return SiteSettings(), collector.findings, source


def _load_team(
    collector: _Collector, root: Path, broken_ids: set[str]
) -> tuple[list[Person], Source]:
    path = root / "team.yaml"
    if not path.exists():
        collector.add("field", "team.yaml", 1, collector.msg("team.missing"))
        return [], Source("team.yaml")
    if _leaves_root(collector, path, path.is_symlink()):
        return [], Source("team.yaml")
    try:
        data, lines, notes = read_yaml_mapping(path)
    except ReadError as error:
        collector.read_error("team.yaml", error)
        return [], Source("team.yaml")
    except OSError as error:
        collector.os_error("team.yaml", error)
        return [], Source("team.yaml")
    collector.read_notes("team.yaml", notes)
    source = Source("team.yaml", lines)
    raw_people = data.get("people")
    if not isinstance(raw_people, list):
        collector.add("field", "team.yaml", source.line("people"), collector.msg("team.people"))
        return [], source
    people = []
    for index, raw in enumerate(raw_people):
        if not isinstance(raw, dict):
            collector.add(
                "field", "team.yaml", source.line("people", index), collector.msg("team.person")
            )
            continue
        item_source = Source(
            "team.yaml",
            {key[2:]: line for key, line in lines.items() if key[:2] == ("people", index)},
            first_line=source.line("people", index),
        )
        collector.unknown_keys(item_source, raw, Person)
        try:
            person = Person.model_validate(raw)
            person.source = item_source
            people.append(person)
        except ValidationError as error:
            collector.validation_error(item_source, error)
            if raw.get("id") is not None:
                broken_ids.add(str(raw["id"]))
    return people, source


def _load_document(
    collector: _Collector, path: Path | str, model: type[DocT], broken_ids: set[str] | None = None
) -> DocT | None:
    """The document in ``path``, or None with findings; the id of one that fails goes into
    ``broken_ids`` when given."""
    file = collector.relative(path)
    known = collector.cache.known.get(file)
    language = collector.msg.language
    documents = collector.documents
    kept = documents.get(file, model, known, language) if documents is not None else None
    if kept is not None:
        collector.cache.keep(file)
        collector.findings.extend(kept[1])
        return kept[0]  # type: ignore[return-value]
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    before = len(collector.findings)
    try:
        digest, fm = collector.cache.front_matter(file, path)
    except ReadError as error:
        collector.read_error(file, error)
        if broken_ids is not None:
            broken_ids.add(stem)
        return None
    except OSError as error:
        collector.os_error(file, error)
        return None
    collector.read_notes(file, fm.notes)
    source = Source(file, fm.lines, body_line=fm.body_line, content_digest=digest)
    doc = _validate(collector, model, source, fm.data, fm.body)
    if doc is not None and documents is not None:
        documents.keep(file, model, digest, language, doc, collector.findings[before:])
    if doc is None and broken_ids is not None:
        raw_id = fm.data.get("id")
        broken_ids.add(str(raw_id) if raw_id is not None else stem)
    return doc


def _markdown_files(collector: _Collector, folder: Path, seen: set[str] | None = None) -> list[str]:
    """The Markdown files in ``folder`` and its sub-folders (reports by month, say), as
    paths (plain strings: thousands of them, and pathlib objects cost more than the
    parse cache lookup they feed). A folder linked to twice is read once. Whatever else
    is named *.md (a pipe, a device) is listed too: reading it says why it is not read."""
    if not folder.is_dir():
        return []
    if _leaves_root(collector, folder, folder.is_symlink()):
        return []
    seen = set() if seen is None else seen
    real = os.path.realpath(folder)
    if real in seen:
        return []
    seen.add(real)
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    files = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            files.extend(_markdown_files(collector, Path(entry.path), seen))
            continue
        if not entry.name.lower().endswith(".md"):
            continue
        if _leaves_root(collector, entry.path, entry.is_symlink()):
            continue
        if entry.is_file() or os.path.exists(entry.path):
            files.append(entry.path)
    return files


def _leaves_root(collector: _Collector, path: Path | str, is_link: bool) -> bool:
    """Whether ``path``, a link when ``is_link``, leads out of the content folder; if so,
    a finding says it is skipped: no file outside the content folder is read."""
    if is_link and not _inside(collector.root, Path(path)):
        collector.add("skipped", collector.relative(path), 1, collector.msg("symlink-outside"))
        return True
    return False


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _is_project_folder(path: Path) -> bool:
    return path.is_dir() and any((path / part).exists() for part in PROJECT_PARTS)


def _load_project(collector: _Collector, folder: Path, broken_task_ids: set[str]) -> Project:
    project_file = folder / "project.md"
    doc = None
    if not project_file.exists():
        collector.add(
            "field", collector.relative(project_file), 1, collector.msg("project.missing")
        )
    elif not _leaves_root(collector, project_file, project_file.is_symlink()):
        doc = _load_document(collector, project_file, ProjectDoc)

    def load_all(sub: str, model: type[DocT], broken_ids: set[str] | None = None) -> list[DocT]:
        docs = (
            _load_document(collector, path, model, broken_ids)
            for path in _markdown_files(collector, folder / sub)
        )
        return [doc for doc in docs if doc is not None]

    retro_file = folder / "retro.md"
    retro = None
    if retro_file.exists() and not _leaves_root(collector, retro_file, retro_file.is_symlink()):
        retro = _load_document(collector, retro_file, RetroDoc)
    unreadable_reports: set[str] = set()
    return Project(
        id=folder.name,
        folder=folder.name,
        doc=doc,
        tasks=load_all("tasks", TaskDoc, broken_task_ids),
        reports=load_all("reports", ReportDoc, unreadable_reports),
        risks=load_all("risks", RiskDoc),
        retro=retro,
        unreadable_reports=frozenset(unreadable_reports),
    )


def is_document_path(relative: str) -> bool:
    """Whether the file at ``relative`` (to the content folder) is one the loader
    reads as a document: a project's project.md or retro.md, or a task, report or risk
    (in its kind's folder or any folder below it)."""
    parts = relative.split("/")
    if parts[0].startswith(SKIPPED_PREFIXES) or not parts[-1].lower().endswith(".md"):
        return False
    if len(parts) == 2:
        return parts[1] in ("project.md", "retro.md")
    return len(parts) >= 3 and parts[1] in ("tasks", "reports", "risks")


def load_site(
    root: Path,
    cache: ParseCache | None = None,
    jobs: int = 1,
    documents: ValidatedDocuments | None = None,
) -> LoadResult:
    """Read every content file under ``root``; never raises for bad content.

    With ``jobs`` > 1, a cache's missing parses of many documents are made in parallel.
    ``documents``: those an earlier load of ``root`` validated, kept across loads.
    """
    if cache is not None:
        cache.parse_ahead(root, [path for path in cache.known if is_document_path(path)], jobs)
    settings, findings, _ = _load_settings(root)
    collector = _Collector(root, Messages(settings.language), cache, documents)
    collector.findings.extend(findings)
    errors_before = len(collector.findings)
    broken_person_ids: set[str] = set()
    people, team_source = _load_team(collector, root, broken_person_ids)
    team_ok = not any(f.code in UNREAD_CODES for f in collector.findings[errors_before:])
    broken_task_ids: set[str] = set()
    projects = []
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(SKIPPED_PREFIXES) or not _is_project_folder(folder):
            continue
        if _leaves_root(collector, folder, is_link=True):
            continue
        projects.append(_load_project(collector, folder, broken_task_ids))
    site = Site(settings=settings, people=people, projects=projects, team_source=team_source)
    collector.cache.save()
    if documents is not None:
        documents.finish()
    return LoadResult(site, collector.findings, broken_task_ids, broken_person_ids, team_ok)
