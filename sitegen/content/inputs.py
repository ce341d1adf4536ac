"""A digest of everything a build reads from the content folder.

If it equals the digest taken before the last successful build into the same OUT (with
the same sitegen, options and day), that build's output and findings still hold and
the build can stop early. It covers the name of every file and folder the loader may
look at and the bytes of every file it may read.

What the loader does not read (a pipe, a device, a file over the size limit: see
`sitegen.content.textfile`) is not read here either: its digest says what it is instead.

Reading every file costs a third of a second at 15,000 files, so a file's digest is
reused when its status is what it was when the digest was taken: the same device,
inode, size, modification and change time (the change time moves on every write and
cannot be set back by hand, unlike the modification time). Like git, it does not trust
a status taken within two seconds of the change: time stamps are coarser than writes.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.content.textfile import MAX_FILE_BYTES, NotRead, read_bytes, unread_reason
from sitegen.core.cachefiles import cache_file, read_record, write_record
from sitegen.core.digests import DIGEST_SIZE, bytes_digest

READ_SUFFIXES = (".md", ".yaml", ".yml")
# Inside a content folder: templates/ and static/ that win over the theme's; read whole.
THEME_FOLDER = "_theme"
SKIPPED_PREFIXES = (".", "_")  # top-level folders that are not projects (.git, _theme)


FORMAT = "inputs/2"
# A status younger than this may hide a later write of the same size: time stamps are
# coarser than writes (a few milliseconds on Linux file systems, 2 s on FAT).
UNTRUSTED_FOR_NS = 2_000_000_000

StatusKey = tuple[int, int, int, int, int]  # device, inode, size, mtime, ctime (ns)


@dataclass(frozen=True)
class Contents:
    digest: bytes  # of everything below
    files: dict[str, bytes]  # relative path → content digest, of every file it read
    # relative path → (status, digest) of the files whose status can be trusted next time
    statuses: dict[str, tuple[StatusKey, bytes]] = field(default_factory=dict)
    walk: Walk | None = None  # what the walk saw, when asked for (see `Walk`)


@dataclass(frozen=True)
class Walk:
    """The folders and names a digest was taken over, kept so that the digest can be
    taken again after edits of files it read, without walking every folder again
    (`digest_after_edits`): the text hashed, in order, with the name of each file read
    where its digest goes, and how much of each file is read."""

    parts: list[bytes | str]  # bytes: hashed as they are; str: the digest of that file
    limits: dict[str, int | None]  # each file read → the most bytes read of it


def content_digest(
    root: Path,
    known: Mapping[str, tuple[StatusKey, bytes]] | None = None,
    now_ns: int | None = None,
    keep_walk: bool = False,
) -> Contents:
    """The digest of what a build of ``root`` reads. ``known``: statuses and digests
    from an earlier call; a file whose status is unchanged is not read again.
    ``keep_walk``: keep what was walked, for `digest_after_edits`."""
    known = known or {}
    trusted_before = (now_ns or time.time_ns()) - UNTRUSTED_FOR_NS
    parts: list[bytes | str] = []
    limits: dict[str, int | None] = {}
    files: dict[str, bytes] = {}
    statuses: dict[str, tuple[StatusKey, bytes]] = {}
    top = os.path.realpath(root)
    text: list[str] = []  # what is hashed before the next file's digest
    for folder, subfolders, entries in _walk(root):
        text.append(f"D{folder}\0{len(entries)}\0")
        in_theme = folder == THEME_FOLDER or folder.startswith(THEME_FOLDER + "/")
        for name, entry in entries:
            text.append(f"{name}\0")
            if not (in_theme or name.lower().endswith(READ_SUFFIXES)):
                continue
            if entry is None or not _readable(entry, top):
                text.append("\0unread\0")  # nor does a build read it
                continue
            relative = f"{folder}/{name}" if folder else name
            status = _status(entry)
            earlier = known.get(relative)
            limit = None if in_theme else MAX_FILE_BYTES  # theme files are not content
            if status is not None and earlier is not None and earlier[0] == status:
                files[relative] = earlier[1]
            else:
                files[relative] = _file_digest(os.path.join(root, relative), limit)
            if status is not None and _trusted(status, trusted_before):
                statuses[relative] = (status, files[relative])
            parts += ["".join(text).encode(), relative]
            limits[relative] = limit
            text = []
        text.append(f"S{chr(0).join(subfolders)}\0")
    parts.append("".join(text).encode())
    walk = Walk(parts, limits) if keep_walk else None
    return Contents(_hashed(parts, files), files, statuses, walk)


def digest_after_edits(
    root: Path,
    earlier: Contents,
    edited: list[str],
    now_ns: int | None = None,
) -> Contents | None:
    """The digest of ``root`` (as `content_digest` takes it) after the files ``edited``
    (relative paths) changed, from the ``earlier`` digest whose walk was kept, without
    walking the folders again: only those files, and those whose status could not be
    trusted last time, are looked at. None when an edit may have changed more than the
    bytes of files read before (a file came, went or is no longer an ordinary file):
    then only a walk can tell."""
    walk = earlier.walk
    if walk is None:
        return None
    trusted_before = (now_ns or time.time_ns()) - UNTRUSTED_FOR_NS
    files = dict(earlier.files)
    statuses = dict(earlier.statuses)
    untrusted = [name for name in walk.limits if name not in statuses]
    for relative in {*edited, *untrusted}:
        if relative not in walk.limits:
            return None
        path = os.path.join(root, relative)
        try:
            found = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None  # a link, a pipe or a folder now: as a walk would see it
        status = _status_key(found)
        known = statuses.pop(relative, None)
        digest = known[1] if known is not None and known[0] == status else None
        files[relative] = digest or _file_digest(path, walk.limits[relative])
        if _trusted(status, trusted_before):
            statuses[relative] = (status, files[relative])
    return Contents(_hashed(walk.parts, files), files, statuses, walk)


def _hashed(parts: list[bytes | str], files: Mapping[str, bytes]) -> bytes:
    hasher = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        hasher.update(files[part] if isinstance(part, str) else part)
    return hasher.digest()


def current_contents(root: Path) -> Contents:
    """The digest of ``root`` now, reusing the file statuses the last call kept on disk
    (and keeping them there for the next)."""
    known = read_statuses(root)
    contents = content_digest(root, known)
    save_statuses(root, contents, known)
    # A build needs only the digests; 15,000 statuses would stay in memory to its end.
    return replace(contents, statuses={})


def read_statuses(root: Path) -> dict[str, tuple[StatusKey, bytes]]:
    """What `save_statuses` kept for the content folder ``root`` (empty if nothing).
    Records load with tuples for lists, so each status compares with a fresh one as is."""
    stored = read_record(_statuses_file(root), FORMAT)
    statuses = stored.get("statuses") if stored else None
    return statuses if isinstance(statuses, dict) else {}


def save_statuses(root: Path, contents: Contents, before: Mapping[str, object]) -> None:
    if contents.statuses != before:
        write_record(_statuses_file(root), FORMAT, {"statuses": contents.statuses})


def _statuses_file(root: Path) -> Path:
    return cache_file("inputs", root.resolve())


def _status(entry: os.DirEntry[str] | None) -> StatusKey | None:
    """The status of a regular file to trust next time, if it is one."""
    if entry is None:
        return None
    try:
        status = entry.stat()
    except OSError:
        return None
    if unread_reason(status, None) is not None:  # a pipe: its status says nothing
        return None
    return _status_key(status)


def _status_key(status: os.stat_result) -> StatusKey:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _trusted(status: StatusKey, trusted_before: int) -> bool:
    """Whether ``status`` is old enough that a later write would change it (see
    UNTRUSTED_FOR_NS): its modification and change times are before ``trusted_before``."""
    return max(status[3], status[4]) < trusted_before


Entries = list[tuple[str, "os.DirEntry[str] | None"]]


def _walk(root: Path) -> Iterator[tuple[str, list[str], Entries]]:
    """(folder as reached from root, its sub-folders, its files), sorted. Symbolic links
    to folders inside root are followed once each, as the loader follows them; those
    leading outside are not, as the loader skips them. Like the loader, it skips the
    top-level folders whose name starts with '.' or '_', except the theme overrides.
    One folder at a time: the entries of all 15,000 files at once took 18 MB."""
    top = os.path.realpath(root)
    seen: set[str] = set()
    pending = [""]
    while pending:
        relative = pending.pop()
        real = os.path.realpath(os.path.join(root, relative))
        outside = os.path.commonpath([top, real]) != top  # the loader skips such links
        if real in seen or outside:
            yield relative, [], [("->" + real, None)]  # a loop, a second way in, or out
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(real), key=lambda entry: entry.name)
        except OSError as error:
            yield relative, [], [(f"!{error.errno}", None)]
            continue
        subfolders = [e.name for e in entries if e.is_dir()]
        files: Entries = [(e.name, e) for e in entries if not e.is_dir()]
        if not relative:
            subfolders = [d for d in subfolders if _loaded_top_level(d)]
        pending.extend(f"{relative}/{d}" if relative else d for d in reversed(subfolders))
        yield relative, subfolders, files


def _loaded_top_level(name: str) -> bool:
    return not name.startswith(SKIPPED_PREFIXES) or name == THEME_FOLDER


def _readable(entry: os.DirEntry[str], top: str) -> bool:
    """An ordinary file inside the content folder ``top``: never a pipe or a device
    (opening one could wait forever) nor a link leading out (the loader and the theme
    skip those)."""
    try:
        if not entry.is_file():
            return False
    except OSError:
        return False
    return not entry.is_symlink() or os.path.commonpath([top, os.path.realpath(entry.path)]) == top


def _file_digest(path: str, limit: int | None) -> bytes:
    try:
        return bytes_digest(read_bytes(path, limit))
    except NotRead as unread:
        return f"!{unread.reason}{unread.values}".encode()  # the size, when too large
    except OSError as error:
        return f"!{error.errno}".encode()


__all__ = [
    "Contents",
    "Walk",
    "content_digest",
    "current_contents",
    "digest_after_edits",
    "read_statuses",
    "save_statuses",
]
