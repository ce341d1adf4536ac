"""What the last build into an OUT read, kept for the next build in a fresh process.

The preview keeps its analysed site between saves (`sitegen.builder.resident`); a
`sitegen build` starts from nothing but what the builds before it recorded. Beside the
record of each output file (`sitegen.builder.incremental`), an incremental build keeps
this index: the digest of every content file it read, and the content files each
page's fingerprint reached (`sitegen.core.fingerprint.PageReads`). The next build
learns from it which files were edited since, and, when the analysis reads those
edits the same (`sitegen.builder.unseen`), which pages can have changed: only those
reaching an edited file.

A cold build (empty OUT) makes every fingerprint while it renders, on the workers, and
keeps no index: tracing the files costs each worker time and memory that a cold build
cannot spare. The first incremental build makes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from sitegen import __version__
from sitegen.builder.incremental import BuildRecord
from sitegen.core.cachefiles import cache_file, read_sealed, write_sealed

FORMAT = f"{__version__}/reads-2"


@dataclass(frozen=True)
class ReadIndex:
    """The content files one build read, and which of them each page reached."""

    build: tuple[Any, ...]  # the build it belongs to (`BuildRecord.key`)
    files: Mapping[str, bytes]  # content file → digest of its bytes, as read
    pages: Mapping[str, frozenset[str]]  # page → the content files its fingerprint reached
    history: bytes = b""  # a digest of what the git history showed (baselines, trends)

    @classmethod
    def load(cls, out: Path, build: BuildRecord) -> ReadIndex | None:
        """The index of ``build``, the last build into ``out``; None if none was kept."""
        payload = read_sealed(_index_file(out), FORMAT)
        try:
            stored = msgpack.unpackb(payload) if payload is not None else {}
            if tuple(stored.get("build", ())) != build.key():
                return None
            files, names, history = stored["files"], stored["names"], stored["history"]
            pages = {
                page: frozenset(names[number] for number in reached)
                for page, reached in stored["pages"].items()
            }
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):  # another shape
            return None
        return cls(build.key(), files, pages, history)

    def store(self, out: Path) -> None:
        """Keep this index for the next build into ``out`` (skipped if the cache is not
        writable). Pages name files by number: a summary page reaches thousands."""
        names = sorted(set().union(*self.pages.values())) if self.pages else []
        number = {name: index for index, name in enumerate(names)}
        pages = {page: sorted(number[name] for name in files) for page, files in self.pages.items()}
        record = {
            "build": self.build,
            "files": dict(self.files),
            "names": names,
            "pages": pages,
            "history": self.history,
        }
        # Packed at once: the pieces `write_record` packs one by one took ten times longer.
        write_sealed(_index_file(out), FORMAT, msgpack.packb(record))

    def edits(self, files: Mapping[str, bytes]) -> dict[str, bytes] | None:
        """The files of ``files`` (content file → digest now) edited since: each with its
        digest then; None when a file came or went."""
        if files.keys() != self.files.keys():
            return None
        earlier = self.files
        return {name: earlier[name] for name, digest in files.items() if digest != earlier[name]}

    def pages_reaching(self, files: Iterable[str]) -> set[str]:
        """The pages whose fingerprints reached any of ``files``."""
        edited = frozenset(files)
        return {page for page, reached in self.pages.items() if reached & edited}


def _index_file(out: Path) -> Path:
    return cache_file("reads", Path(os.path.abspath(out)))


__all__ = ["ReadIndex"]
