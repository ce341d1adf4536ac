"""Digests of bytes, files and sitegen's own code: what the parse cache, the content
digest and the build record compare. Light on purpose: a build that finds nothing
changed imports this, not the page fingerprints (`sitegen.core.fingerprint`)."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

DIGEST_SIZE = 16


def bytes_digest(data: bytes) -> bytes:
    """The digest of a file's bytes, as the parse cache and `sitegen.content.inputs` keep it."""
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def blake(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        hasher.update(part)
    return hasher.digest()


def files_digest(folders: list[Path] | tuple[Path, ...], pattern: str = "*") -> bytes:
    """The names and bytes of every file under ``folders``, in a stable order."""
    return named_files_digest(
        (f"{index}:{path.relative_to(folder).as_posix()}", path)
        for index, folder in enumerate(folders)
        if folder.is_dir()
        for path in sorted(folder.rglob(pattern))
        if path.is_file() and "__pycache__" not in path.parts
    )


def named_files_digest(files: Iterable[tuple[str, Path]]) -> bytes:
    """The names and bytes of ``files`` (name, file), in the order given."""
    hasher = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for name, path in files:
        hasher.update(f"{name}\0".encode())
        hasher.update(bytes_digest(path.read_bytes()))
    return hasher.digest()


# Libraries whose version can change what a page looks like.
OUTPUT_LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown",
    "nh3",
    "icalendar",
    "pydantic",
    "pydantic-core",
    "pyyaml",
)


@cache
def code_digest() -> bytes:
    """sitegen's own files and the libraries that shape its output: a changed formula,
    template or Markdown dialect must re-render every page."""
    versions = [sys.version]
    for name in OUTPUT_LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return blake(files_digest([Path(__file__).resolve().parents[1]]), "\n".join(versions).encode())


__all__ = [
    "DIGEST_SIZE",
    "OUTPUT_LIBRARIES",
    "blake",
    "bytes_digest",
    "code_digest",
    "files_digest",
    "named_files_digest",
]
