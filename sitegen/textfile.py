"""Reading a content file's bytes, whatever lies in the content folder.

A content folder may hold things that must not be read as files: a named pipe (opening
it waits for a writer forever), a link to a device (/dev/zero never ends), a file far
larger than anything typed by hand. They are left unread, with a finding.
"""

from __future__ import annotations

import os
import stat

# No document typed by hand comes near this; a larger file is a stray export or video.
MAX_FILE_BYTES = 5_000_000

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a pipe put there after the check still cannot block
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class ReadError(Exception):
    """A file that cannot be read as content: the line, and which message says why
    (``parse.REASON`` in the message catalogs, filled in with ``values``)."""

    code = "parse"  # of the finding
    catalog_section = "parse"

    def __init__(self, reason: str, line: int = 1, /, **values: object) -> None:
        super().__init__(reason, values)
        self.reason = reason
        self.line = line
        self.values = values

    @property
    def message_key(self) -> str:
        return f"{self.catalog_section}.{self.reason}"


class NotRead(ReadError):
    """A file left unread on purpose (message ``read.REASON``): too large (a notice), or
    not a regular file (skipped, as links out of the content folder are)."""

    catalog_section = "read"

    def __init__(self, code: str, reason: str, /, **values: object) -> None:
        super().__init__(reason, 1, **values)
        self.code = code


def read_bytes(path: str | os.PathLike[str], limit: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (links are followed), at most ``limit``
    of them; NotRead when it is something else or larger. Never waits: what ``path`` is
    is checked before it is opened (opening a device may do something), and again on
    what was opened (something else may have been put there in between)."""
    _check(os.stat(path), limit)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        _check(status, limit)
        chunks: list[bytes] = []
        total = 0
        ask = status.st_size + 1  # one more than its size: the end shows, or that it grew
        while chunk := os.read(descriptor, ask):
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise _too_large(total)
            ask = 1 << 16
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def unread_reason(status: os.stat_result, limit: int | None = MAX_FILE_BYTES) -> NotRead | None:
    """Why a file with this status is not read (see `read_bytes`), or None if it is."""
    if not stat.S_ISREG(status.st_mode):
        return NotRead("skipped", "not-a-file")
    if limit is not None and status.st_size > limit:
        return _too_large(status.st_size)
    return None


def _check(status: os.stat_result, limit: int | None) -> None:
    reason = unread_reason(status, limit)
    if reason is not None:
        raise reason


def _too_large(size: int) -> NotRead:
    megabytes = f"{size / 1e6:.1f}"
    return NotRead("too-large", "too-large", size=megabytes, limit=MAX_FILE_BYTES // 10**6)


__all__ = ["MAX_FILE_BYTES", "NotRead", "ReadError", "read_bytes", "unread_reason"]
