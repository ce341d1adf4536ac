"""Stage 1: load a content directory into the typed model, collecting findings.

A file that cannot be read or validated becomes findings and is left out of the
model; the other files are still loaded, so one run reports every problem.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from sitegen.content.inputs import SKIPPED_PREFIXES
from sitegen.content.memo import KeptTeam, ValidatedDocuments
from sitegen.content.model import (
    Document,
    Person,
    ProjectDoc,
    ReportDoc,
    RetroDoc,
    RiskDoc,
    TaskDoc,
)
from sitegen.content.parsecache import ParseCache
from sitegen.content.problems import Collector
from sitegen.content.projects import Project, Site
from sitegen.content.settings import SiteSettings
from sitegen.content.source import Path_, ReadError, Source, read_yaml_mapping
from sitegen.core.findings import Finding
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


def _validate(
    collector: Collector, model: type[DocT], source: Source, data: dict[str, Any], body: str
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
    english = Collector(root, Messages("en"))
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
    collector = Collector(root, Messages(SiteSettings._language(language)))  # type: ignore[arg-type]
    collector.read_notes("site.yaml", notes)
    collector.unknown_keys(source, data, SiteSettings)
    try:
        return SiteSettings.model_validate(data), collector.findings, source
    except ValidationError as error:
        collector.validation_error(source, error)
        return SiteSettings(), collector.findings, source


def _load_team(
    collector: Collector, root: Path, broken_ids: set[str]
) -> tuple[list[Person], Source]:
    path = root / "team.yaml"
    if not path.exists():
        collector.add("field", "team.yaml", 1, collector.msg("team.missing"))
        return [], Source("team.yaml")
    if _leaves_root(collector, path, path.is_symlink()):
        return [], Source("team.yaml")
    documents, language = collector.documents, collector.msg.language
    digest = collector.cache.known.get("team.yaml")
    kept = documents.team(digest, language) if documents is not None else None
    if kept is None:
        before = len(collector.findings)
        team_broken: set[str] = set()
        people, source = _read_team(collector, path, team_broken)
        if documents is not None and digest is not None:
            found = tuple(collector.findings[before:])
            documents.keep_team(
                KeptTeam(digest, language, tuple(people), source, found, frozenset(team_broken))
            )
        broken_ids |= team_broken
        return people, source
    collector.findings.extend(kept.findings)
    broken_ids |= kept.broken_ids
    return list(kept.people), kept.source


def _read_team(
    collector: Collector, path: Path, broken_ids: set[str]
) -> tuple[list[Person], Source]:
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
    # Each person's lines, by key under the person: ("people", 3, "name") → ("name",).
    lines_of: dict[object, dict[Path_, int]] = defaultdict(dict)
    for key, line in lines.items():
        if len(key) >= 2 and key[0] == "people":
            lines_of[key[1]][key[2:]] = line
    people = []
    for index, raw in enumerate(raw_people):
        if not isinstance(raw, dict):
            collector.add(
                "field", "team.yaml", source.line("people", index), collector.msg("team.person")
            )
            continue
        item_source = Source(
            "team.yaml", lines_of.get(index, {}), first_line=source.line("people", index)
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
    collector: Collector, path: Path | str, model: type[DocT], broken_ids: set[str] | None = None
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


def _markdown_files(collector: Collector, folder: Path, seen: set[str] | None = None) -> list[str]:
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


def _leaves_root(collector: Collector, path: Path | str, is_link: bool) -> bool:
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


def _load_project(collector: Collector, folder: Path, broken_task_ids: set[str]) -> Project:
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
    if cache is not None and jobs > 1:
        cache.parse_ahead(root, [path for path in cache.known if is_document_path(path)], jobs)
    settings, findings, _ = _load_settings(root)
    collector = Collector(root, Messages(settings.language), cache, documents)
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


def changed_documents(
    before: Mapping[str, bytes], after: Mapping[str, bytes], site: Site
) -> dict[str, Document] | None:
    """The documents of ``site`` (loaded from the files with the digests ``before``)
    whose files have other digests in ``after``, by file; None when a file came or went
    or a changed file is not one of those documents."""
    if before.keys() != after.keys():
        return None
    changed = [name for name, digest in after.items() if before[name] != digest]
    documents = site.documents_in(changed)
    return documents if documents.keys() == set(changed) else None


def load_changed(
    root: Path,
    earlier: LoadResult,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    cache: ParseCache,
    documents: ValidatedDocuments,
) -> LoadResult | None:
    """What `load_site` would read from ``root`` now, made from ``earlier`` (its load of
    the files with the digests ``before``) by reading again only the documents whose
    digests in ``after`` differ: the preview's load after a save. None when that is not
    the same as a whole load (the caller loads the site whole): a file came or went, a
    file other than a valid document changed, a changed document is no longer valid,
    or the earlier load skipped a link (which a walk looks at again)."""
    if any(f.code == "skipped" for f in earlier.findings):
        return None
    old = changed_documents(before, after, earlier.site)
    if old is None:
        return None
    collector = Collector(root, Messages(earlier.site.settings.language), cache, documents)
    new: dict[str, Document] = {}
    for name in old:
        path = root / name
        if path.is_symlink():
            return None
        document = _load_document(collector, path, type(old[name]))
        if document is None:
            return None
        new[name] = document
    documents.finish_again()
    folders = {name.partition("/")[0] for name in new}
    projects = [
        _with_documents(p, new) if p.folder in folders else p for p in earlier.site.projects
    ]
    site = replace(earlier.site, projects=projects)
    kept = [f for f in earlier.findings if f.file not in new]
    return replace(earlier, site=site, findings=kept + collector.findings)


def _with_documents(project: Project, new: Mapping[str, Document]) -> Project:
    """``project`` with the documents ``new`` holds (by file) in place of its own."""

    def swapped(documents: list[DocT]) -> list[DocT]:
        return [new.get(d.source.file, d) for d in documents]  # type: ignore[misc]

    def one(document: DocT | None) -> DocT | None:
        return None if document is None else new.get(document.source.file, document)  # type: ignore[return-value]

    return replace(
        project,
        doc=one(project.doc),
        retro=one(project.retro),
        tasks=swapped(project.tasks),
        reports=swapped(project.reports),
        risks=swapped(project.risks),
    )
