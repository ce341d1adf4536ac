"""The theme's files: the content folder's `_theme` over the theme in the package.

Only ordinary files inside a layer's own boundary are used: for the content's layer the
content folder, for the package's the theme folder. A link leading out of it (to the
system's password file, the build's environment, the checkout's `.git/config`) is
skipped, and so are pipes, devices and broken links, which could hang a build or are no
file to copy. Each skipped file becomes a finding, in `check` as in `build`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from sitegen.content.inputs import THEME_FOLDER
from sitegen.core.findings import Finding, severity_of
from sitegen.core.i18n import Messages

PARTS = ("templates", "static")


def default_theme() -> Path:
    return Path(str(resources.files("sitegen").joinpath("site/themes/default")))


@dataclass(frozen=True)
class Skipped:
    """A theme file left out, and why (the key of the message that says so)."""

    path: Path
    reason: str  # "symlink-outside" or "not-a-file"


@dataclass(frozen=True)
class Theme:
    """Template and static file names (relative to their part's folder) → the file
    used, the content's layer winning over the package's."""

    templates: dict[str, Path]
    static: dict[str, Path]
    skipped: tuple[Skipped, ...] = ()

    @classmethod
    def for_content(cls, root: Path) -> Theme:
        package = default_theme()
        found: dict[str, dict[str, Path]] = {part: {} for part in PARTS}
        skipped: list[Skipped] = []
        for layer, boundary in ((package, package), (root / THEME_FOLDER, root)):
            for part in PARTS:
                files, left_out = usable_files(layer / part, boundary)
                found[part].update(files)
                skipped.extend(left_out)
        return cls(
            dict(sorted(found["templates"].items())),
            dict(sorted(found["static"].items())),
            tuple(skipped),
        )

    def overrides(self) -> dict[str, Path]:
        """The templates the content's own theme gives, by name (not the package's)."""
        package = default_theme() / "templates"
        return {name: path for name, path in self.templates.items() if path != package / name}

    def findings(self, root: Path, msg: Messages) -> list[Finding]:
        """A `skipped` warning for each file left out, naming it (relative to ``root``),
        and a `parse` error for each of the theme's own templates Jinja cannot read."""
        found = [
            Finding("skipped", severity_of("skipped"), _shown(item.path, root), 1, msg(item.reason))
            for item in self.skipped
        ]
        for name, path in self.overrides().items():
            try:
                jinja2.Environment().parse(path.read_text("utf-8"), name, str(path))
            except jinja2.TemplateSyntaxError as error:
                problem = msg(
                    "template.syntax", name=name, problem=(error.message or "").rstrip(".")
                )
                found.append(
                    Finding(
                        "parse", severity_of("parse"), _shown(path, root), error.lineno, problem
                    )
                )
            except (OSError, UnicodeDecodeError) as error:
                problem = msg("template.unreadable", name=name, problem=str(error))
                found.append(Finding("parse", severity_of("parse"), _shown(path, root), 1, problem))
        return found

    def template_source(self, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """What a Jinja `FunctionLoader` wants for the template ``name``."""
        path = self.templates.get(name)
        if path is None:
            return None
        return path.read_text("utf-8"), str(path), lambda: True


def usable_files(folder: Path, boundary: Path) -> tuple[dict[str, Path], list[Skipped]]:
    """The ordinary files under ``folder`` (by their path below it) that lie inside
    ``boundary`` once links are followed, and those left out. A linked folder inside
    the boundary is read once, however many ways lead to it."""
    files: dict[str, Path] = {}
    skipped: list[Skipped] = []
    if not os.path.lexists(folder):
        return files, skipped
    top = os.path.realpath(boundary)
    seen: set[str] = set()
    pending = [(folder, "")]
    while pending:
        here, prefix = pending.pop()
        real = os.path.realpath(here)
        if not _within(real, top):
            skipped.append(Skipped(here, "symlink-outside"))
            continue
        if real in seen or not os.path.isdir(real):
            continue
            continue
        seen.add(real)
        for entry in _entries(real):
            path, name = here / entry.name, prefix + entry.name
            if entry.is_dir():
                pending.append((path, name + "/"))
            elif not _within(os.path.realpath(entry.path), top):
                skipped.append(Skipped(path, "symlink-outside"))
            elif entry.is_file():
                files[name] = path
            else:
                skipped.append(Skipped(path, "not-a-file"))
    return files, skipped


def _entries(folder: str) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            yield from sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return


def _within(real: str, top: str) -> bool:
    return real == top or real.startswith(os.path.join(top, ""))


def _shown(path: Path, root: Path) -> str:
    """``path`` as findings name files: relative to the content folder when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


__all__ = ["Skipped", "Theme", "default_theme", "usable_files"]
