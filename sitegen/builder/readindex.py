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
from collections.abc import Iterable, KeysView, Mapping
from pathlib import Path
from typing import Any

import msgpack

from sitegen import __version__
from sitegen.builder.incremental import BuildRecord
from sitegen.core.cachefiles import cache_file, read_sealed, write_sealed

FORMAT = f"{__version__}/reads-3"


class ReadIndex:
    """The content files one build read, and which of them each page reached.

    Pages name files by number (a summary page reaches thousands), and the index keeps
    them so: the next build asks only which pages reach a few edited files, and then
    keeps most pages' entries as they were, so none is turned back into names."""

    def __init__(
        self,
        build: tuple[Any, ...],
        files: Mapping[str, bytes],
        names: list[str],
        pages: dict[str, list[int]],
        history: bytes = b"",
    ) -> None:
        self.build = build  # the build it belongs to (`BuildRecord.key`)
        self.files = files  # content file → digest of its bytes, as read
        self._names = names  # the content files pages reached, by number
        self._pages = pages  # page → the numbers of the files its fingerprint reached
        self.history = history  # a digest of what the git history showed (baselines, trends)

    @classmethod
    def of(
        cls,
        build: tuple[Any, ...],
        files: Mapping[str, bytes],
        pages: Mapping[str, frozenset[str]],
        history: bytes = b"",
        earlier: ReadIndex | None = None,
        kept: Iterable[str] = (),
    ) -> ReadIndex:
        """The index of a build that traced ``pages`` (page → the content files it
        reached) and, for the pages ``kept`` unfingerprinted, reached what they reached
        in the ``earlier`` index."""
        names: list[str] = []
        numbered: dict[str, list[int]] = {}
        if earlier is not None:
            names = list(earlier._names)
            numbered = {page: earlier._pages[page] for page in kept if page in earlier._pages}
        number = {name: index for index, name in enumerate(names)}
        for page, reached in pages.items():
            for name in reached.difference(number):
                number[name] = len(names)
                names.append(name)
            numbered[page] = sorted(number[name] for name in reached)
        return cls(build, files, names, numbered, history)

    @classmethod
    def load(cls, out: Path, build: BuildRecord) -> ReadIndex | None:
        """The index of ``build``, the last build into ``out``; None if none was kept."""
        payload = read_sealed(_index_file(out), FORMAT)
        try:
            stored = msgpack.unpackb(payload) if payload is not None else {}
            if tuple(stored.get("build", ())) != build.key():
                return None
            files, names, pages = stored["files"], stored["names"], stored["pages"]
            history = stored["history"]
            if not (isinstance(files, dict) and isinstance(names, list)):
                return None
            count = len(names)  # each page's numbers are sorted: the last is the largest
            if not isinstance(pages, dict) or any(
                type(reached) is not list or (reached and reached[-1] >= count)
                for reached in pages.values()
            ):
                return None
        except (ValueError, KeyError, TypeError, AttributeError):  # another shape
            return None
        return cls(build.key(), files, names, pages, history)

    def store(self, out: Path) -> None:
        """Keep this index for the next build into ``out`` (skipped if the cache is not
        writable)."""
        record = {
            "build": self.build,
            "files": dict(self.files),
            "names": self._names,
            "pages": self._pages,
            "history": self.history,
        }
        # Packed at once: the pieces `write_record` packs one by one took ten times longer.
        write_sealed(_index_file(out), FORMAT, msgpack.packb(record))

    def pages(self) -> KeysView[str]:
        """The pages the index knows what they reached of."""
        return self._pages.keys()

    def edits(self, files: Mapping[str, bytes]) -> dict[str, bytes] | None:
        """The files of ``files`` (content file → digest now) edited since: each with its
        digest then; None when a file came or went."""
        if files.keys() != self.files.keys():
            return None
        earlier = self.files
        return {name: earlier[name] for name, digest in files.items() if digest != earlier[name]}

    def pages_reaching(self, files: Iterable[str]) -> set[str]:
        """The pages whose fingerprints reached any of ``files``."""
        wanted = frozenset(files)
        numbers = {index for index, name in enumerate(self._names) if name in wanted}
        return {page for page, reached in self._pages.items() if not numbers.isdisjoint(reached)}


def _index_file(out: Path) -> Path:
    return cache_file("reads", Path(os.path.abspath(out)))


__all__ = ["ReadIndex"]
