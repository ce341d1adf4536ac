"""Reading a content file: its bytes, whatever lies in the content folder, and its text.

A content folder may hold things that must not be read as files: a named pipe (opening
it waits for a writer forever), a link to a device (/dev/zero never ends), a file far
larger than anything typed by hand. They are left unread, with a finding. What is read
becomes text once, here: UTF-8 (with or without a byte order mark), or UTF-16 (what
Notepad calls "Unicode"), with a notice; characters that XML 1.0 forbids (control
characters pasted from Word) are replaced here, with a notice, so that no page, feed,
calendar or spreadsheet ever holds one.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ReadNote:
    """Something in a file that was read otherwise than written: a notice with this code,
    at this line, saying message ``read.REASON``."""

    code: str
    reason: str
    line: int = 1


# A file's text, and what was read otherwise than written.
Text = tuple[str, tuple[ReadNote, ...]]


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


# Characters that XML 1.0 does not allow (tab, line feed and carriage return it does).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_C0_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> Text:
    """A content file's text: UTF-8 (a BOM is allowed) or UTF-16, any line endings, with
    what XML forbids replaced by spaces; and notes on what was so. ReadError when it is
    not text. (Every file comes through here: the common case is kept cheap.)"""
    notes: tuple[ReadNote, ...] = ()
    if data.startswith(_UTF16_BOMS) or b"\x00" in data:
        text = _utf16(data)
        if text is None:
            raise ReadError("binary")
        notes = (ReadNote("encoding", "utf16"),)
        suspect = True
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ReadError("not-utf8", line) from None
        suspect = len(data.translate(None, _C0_BYTES)) != len(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suspect or "\ufffe" in text or "\uffff" in text:
        text, line = xml_safe(text)
        if line:
            notes = (*notes, ReadNote("control-char", "control-chars", line))
    return text, notes


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` with each character XML 1.0 forbids replaced by a space, and the line
    (counted from 1) of the first one; 0 when there was none."""
    found = _NOT_XML.search(text)
    if found is None:
        return text, 0
    return _NOT_XML.sub(" ", text), text.count("\n", 0, found.start()) + 1


def _utf16(data: bytes) -> str | None:
    """The text of UTF-16 ``data``: with a byte order mark, or without one when its zero
    bytes (the other half of ASCII characters) all fall on one side; None otherwise."""
    if data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        sample = data[:4096]
        zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
        if len(data) % 2:
            return None
        if zeros_odd > 8 * zeros_even:
            encoding = "utf-16-le"
        elif zeros_even > 8 * zeros_odd:
            encoding = "utf-16-be"
        else:
            return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


__all__ = [
    "MAX_FILE_BYTES",
    "NotRead",
    "ReadError",
    "ReadNote",
    "Text",
    "decode_text",
    "read_bytes",
    "unread_reason",
    "xml_safe",
]
