"""A digest of everything a build reads from the content folder.

If it equals the digest taken before the last successful build into the same OUT (with
the same sitegen, options and day), that build's output and findings still hold and
the build can stop early. It is exact, not a guess from modification times: it covers
the name of every file and folder the loader may look at and the bytes of every file it
may read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.fingerprint import DIGEST_SIZE, bytes_digest
from sitegen.load import SKIPPED_PREFIXES

READ_SUFFIXES = (".md", ".yaml", ".yml")
# Inside a content folder: templates/ and static/ that win over the theme's; read whole.
THEME_FOLDER = "_theme"


@dataclass(frozen=True)
class Contents:
    digest: bytes  # of everything below
    files: dict[str, bytes]  # relative path → content digest, of every file it read


def content_digest(root: Path) -> Contents:
    hasher = hashlib.blake2b(digest_size=DIGEST_SIZE)
    files = {}
    for folder, subfolders, names in _walk(root):
        hasher.update(f"D{folder}\0{len(names)}\0".encode())
        in_theme = folder == THEME_FOLDER or folder.startswith(THEME_FOLDER + "/")
        for name in names:
            hasher.update(f"{name}\0".encode())
            if in_theme or name.lower().endswith(READ_SUFFIXES):
                relative = f"{folder}/{name}" if folder else name
                files[relative] = _file_digest(os.path.join(root, relative))
                hasher.update(files[relative])
        hasher.update(f"S{chr(0).join(subfolders)}\0".encode())
    return Contents(hasher.digest(), files)


def _walk(root: Path) -> list[tuple[str, list[str], list[str]]]:
    """(folder as reached from root, its sub-folders, its files), sorted. Symbolic links
    to folders inside root are followed once each, as the loader follows them; those
    leading outside are not, as the loader skips them. Like the loader, it skips the
    top-level folders whose name starts with '.' or '_', except the theme overrides."""
    found: list[tuple[str, list[str], list[str]]] = []
    top = os.path.realpath(root)
    seen: set[str] = set()
    pending = [""]
    while pending:
        relative = pending.pop()
        real = os.path.realpath(os.path.join(root, relative))
        outside = os.path.commonpath([top, real]) != top  # the loader skips such links
        if real in seen or outside:
            found.append((relative, [], ["->" + real]))  # a loop, a second way in, or out
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(real), key=lambda entry: entry.name)
        except OSError as error:
            found.append((relative, [], [f"!{error.errno}"]))
            continue
        subfolders = [e.name for e in entries if e.is_dir()]
        names = [e.name for e in entries if not e.is_dir()]
        if not relative:
            subfolders = [d for d in subfolders if _loaded_top_level(d)]
        found.append((relative, subfolders, names))
        pending.extend(f"{relative}/{d}" if relative else d for d in reversed(subfolders))
    return found


def _loaded_top_level(name: str) -> bool:
    return not name.startswith(SKIPPED_PREFIXES) or name == THEME_FOLDER


def _file_digest(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return bytes_digest(stream.read())
    except OSError as error:
        return f"!{error.errno}".encode()


__all__ = ["Contents", "content_digest"]
