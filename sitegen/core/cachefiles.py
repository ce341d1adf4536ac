"""The files sitegen keeps in the user cache folder: plain data, verified, never code.

Every cache file (parses, file statuses, records of builds, compiled templates) is

    MAGIC | tag | format "\\n" | payload

where the tag is an HMAC-SHA256, under a secret key kept beside the caches, of the
file's folder and name, the format and the payload. A file is used only when its tag
verifies and its format is the one asked for. Anything else (truncated, damaged, from
another version of sitegen, written by anyone without the key) reads as missing, and
what it held is made again: losing or damaging the cache only ever costs time.

Records are MessagePack, which loads plain values only (text, bytes, numbers, lists,
maps): reading a cache file never runs code, whoever wrote it.

The key (32 random bytes, mode 0600) lives in the cache folder (mode 0700). It is used
only if it is a regular file of this user that nobody else may read or write; when the
folder belongs to someone else, nothing is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import msgpack

MAGIC = b"sitegen-cache 1\n"
KEY_NAME = "key"
KEY_SIZE = 32
TAG_SIZE = 32  # HMAC-SHA256
# Files are read in pieces this size: below the size at which the C library maps a block
# of its own, so the piece is reused rather than mapped and unmapped each time.
CHUNK = 64 * 1024
# Lists longer than this are packed an item at a time (the findings of a build record).
PIECE_ITEMS = 64
# Where permissions mean something: a file or folder others may use is not trusted.
_POSIX = hasattr(os, "geteuid")


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitegen"


def cache_file(kind: str, folder: Path) -> Path:
    """The cache file of ``kind`` kept for ``folder`` (named by a digest of its path)."""
    key = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return cache_home() / f"{kind}-{key}.cache"


def read_record(file: Path, format: str) -> dict[str, Any] | None:
    """What `write_record` stored in ``format``; None when missing or not verified.
    Lists come back as tuples."""
    with _verified(file, format) as stream:
        if stream is None:
            return None
        try:
            record = msgpack.Unpacker(stream, use_list=False, read_size=CHUNK).unpack()
        except Exception:  # verified but unreadable: only a bug of ours could write it
            return None
    return record if isinstance(record, dict) else None


def write_record(file: Path, format: str, record: dict[str, Any]) -> None:
    """Store ``record`` (plain data: text, bytes, numbers, booleans, None, lists, tuples
    and maps with text keys) whole or not at all.

    It is packed and written in pieces: packed whole, the parse cache of 15,000 files
    (13 MB) was in memory twice more at once, the highest point of a build's memory."""
    _write_pieces(file, format, _in_chunks(_packed_pieces(msgpack.Packer(), record)))


def _packed_pieces(packer: msgpack.Packer, value: object) -> Iterator[bytes]:
    """The MessagePack of ``value`` (as `msgpack.packb` makes it), a piece per item of
    its maps."""
    if type(value) is dict:
        yield packer.pack_map_header(len(value))
        for key, item in value.items():
            yield packer.pack(key)
            yield from _packed_pieces(packer, item)
    elif type(value) in (list, tuple) and len(value) > PIECE_ITEMS:
        # Its short rows (a commit and its changes) are packed whole: a piece per value
        # in them made writing the history 7 times slower than packing it whole.
        yield packer.pack_array_header(len(value))
        for item in value:
            if type(item) in (list, tuple) and len(item) <= PIECE_ITEMS:
                yield packer.pack(item)
            else:
                yield from _packed_pieces(packer, item)
    elif type(value) in (list, tuple) and _nests(value):
        yield packer.pack_array_header(len(value))
        for item in value:
            yield from _packed_pieces(packer, item)
    else:
        yield packer.pack(value)


def _nests(items: list[Any] | tuple[Any, ...]) -> bool:
    return any(type(item) in (list, tuple, dict) for item in items)


def _in_chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` joined into chunks of about CHUNK bytes."""
    chunk: list[bytes] = []
    size = 0
    for piece in pieces:
        chunk.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield b"".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield b"".join(chunk)


def read_sealed(file: Path, format: str) -> bytes | None:
    """The payload `write_sealed` stored in ``file`` for ``format``, if it verifies."""
    with _verified(file, format) as stream:
        return None if stream is None else stream.read()


@contextmanager
def _verified(file: Path, format: str) -> Iterator[BinaryIO | None]:
    """``file`` open at its payload when it verifies, else None.

    It is read twice, in chunks (checked, then used), rather than whole: one block of
    the parse cache's size, once freed, stayed in the process's heap for the rest of
    the build (11 MiB more peak memory at 15,000 files). A file changed in place
    between the two reads could only be changed by someone who can read the key too.
    """
    key = _read_key(cache_home() / KEY_NAME)
    try:
        stream = file.open("rb")
    except OSError:
        yield None
        return
    with stream:
        yield stream if key is not None and _verifies(stream, file, format, key) else None


def _verifies(stream: BinaryIO, file: Path, format: str, key: bytes) -> bool:
    head = _head(format)
    try:
        size = len(MAGIC) + TAG_SIZE + len(head)
        start = stream.read(size)
        if len(start) != size or not start.startswith(MAGIC) or not start.endswith(head):
            return False
        mac = _mac(key, file)
        mac.update(head)
        chunk = bytearray(CHUNK)
        view = memoryview(chunk)
        while read := stream.readinto(chunk):
            mac.update(view[:read])
        stream.seek(size)
    except OSError:
        return False
    return hmac.compare_digest(start[len(MAGIC) : len(MAGIC) + TAG_SIZE], mac.digest())


def write_sealed(file: Path, format: str, payload: bytes) -> None:
    """Store ``payload`` whole or not at all; a cache that cannot be written only costs time."""
    _write_pieces(file, format, [payload])


def _write_pieces(file: Path, format: str, payload: Iterable[bytes]) -> None:
    """`write_sealed` of the payload made of the pieces ``payload``; the tag, which
    covers all of them, is written last, into the place kept for it."""
    key = _key_to_write(cache_home())
    if key is None:
        return
    head = _head(format)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            mac = _mac(key, file)
            mac.update(head)
            stream.write(MAGIC + bytes(TAG_SIZE) + head)
            for piece in payload:
                mac.update(piece)
                stream.write(piece)
            stream.seek(len(MAGIC))
            stream.write(mac.digest())
        os.replace(temporary, file)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
    except BaseException:  # a value the format cannot hold, met while writing
        Path(temporary).unlink(missing_ok=True)
        raise


def _head(format: str) -> bytes:
    return format.encode() + b"\n"


def _mac(key: bytes, file: Path) -> hmac.HMAC:
    """The tag binds the payload to the file's place too: a record of one content folder
    or OUT, moved to the name of another, does not verify."""
    return hmac.new(key, f"{file.parent.name}/{file.name}\0".encode(), "sha256")


def _read_key(file: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(file, flags)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode) or _shared(status):
            return None
        key = stream.read(KEY_SIZE + 1)
    return key if len(key) == KEY_SIZE else None


def _key_to_write(home: Path) -> bytes | None:
    """The key, made when missing or untrusted; None when ``home`` is not this user's."""
    file = home / KEY_NAME
    key = _read_key(file)
    if key is not None:
        return key
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = home.stat()
        if _POSIX and status.st_uid != os.geteuid():
            return None
        if _shared(status):
            os.chmod(home, 0o700)
        return _make_key(file)
    except OSError:
        return None


def _make_key(file: Path) -> bytes | None:
    key = secrets.token_bytes(KEY_SIZE)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(key)
        try:
            os.link(temporary, file)  # of two builds making a key at once, one wins
        except FileExistsError:
            existing = _read_key(file)
            if existing is not None:
                return existing
            os.replace(temporary, file)  # an untrusted key goes: what it sealed is ignored
        except OSError:  # no hard links on this file system
            os.replace(temporary, file)
        return key
    finally:
        Path(temporary).unlink(missing_ok=True)


def _shared(status: os.stat_result) -> bool:
    """Whether someone other than this user may own, read or write the file or folder."""
    return _POSIX and (status.st_uid != os.geteuid() or bool(status.st_mode & 0o077))


__all__ = [
    "cache_file",
    "cache_home",
    "read_record",
    "read_sealed",
    "write_record",
    "write_sealed",
]
