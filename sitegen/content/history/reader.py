"""Reading the content folder's git history with the `git` command, in batch.

Two walks of the log from HEAD, each one `git log` process:

- the *mainline* (first parents only, merges compared with their first parent): the
  sequence of states the content folder went through on the published branch, with
  what each commit changed in it;
- *arrivals*: for every file, the first commit on any branch that contained it
  (following renames), which is when a report was really handed in.

When no merge is reachable (a team that pushes to one branch), every commit is on the
mainline and the arrivals follow from it: one walk instead of two. Otherwise the two
walks run at once.

File contents are read on demand through one `git cat-file --batch` process.

Why the command rather than a library: it is on every machine that has the repository,
and at most two log walks plus one batch reader keep the number of processes constant however
long the history is (see README, "History", for the measurements).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen.content.history.model import Change, Commit, History, NoHistory, Revision

_RECORD = "\x1e"
_FIELD = "\x1f"
_HEADER = f"{_RECORD}%H{_FIELD}%P{_FIELD}%cI{_FIELD}%an"
# Modes of what can be content: regular files (a symbolic link or a submodule is not).
_FILE_MODES = frozenset({"100644", "100755"})
_NO_BLOB = "0" * 40


class GitError(Exception):
    pass


@dataclass(frozen=True)
class Repository:
    """Where the content folder sits in its git work tree."""

    root: Path  # the content folder
    top: Path  # the work tree's top folder
    prefix: str  # the content folder relative to the top, '' or ending in '/'
    head: str  # the commit HEAD names


def locate(root: Path) -> Repository | NoHistory:
    """The repository holding ``root``, or why there is no history to read."""
    if shutil.which("git") is None:
        return NoHistory("no-git")
    try:
        output = _git(
            root,
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--show-toplevel",
            "--show-prefix",
        )
    except GitError:
        return NoHistory("not-a-repository")
    inside, shallow, top, prefix = [*output.split("\n"), "", "", "", ""][:4]
    if inside != "true":
        return NoHistory("not-a-repository")
    if shallow == "true":
        return NoHistory("shallow")
    try:
        head = _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip()
    except GitError:
        return NoHistory("no-commits")
    return Repository(root, Path(top), prefix, head)


def read_log(
    repository: Repository, since: str | None = None, present: Iterable[str] = ()
) -> tuple[list[Revision], dict]:
    """The mainline revisions after commit ``since`` (all when None) that changed the
    content folder, oldest first, and the first commit of each path that arrived in
    that range ({path: Commit}, renames following their old path when it is known).
    ``present``: the files of the content folder at ``since``.

    Without merges every commit is on the mainline, and the arrivals follow from it:
    one walk of the log instead of two (each costs a diff of every commit)."""
    root = repository.root
    span = f"{since}..{repository.head}" if since else repository.head
    if not _has_merges(root, span):
        revisions = _mainline(root, span)
        return revisions, arrivals_along(revisions, set(present))
    with ThreadPoolExecutor(max_workers=2) as pool:  # two git processes at once
        mainline = pool.submit(_mainline, root, span)
        arrived = pool.submit(_arrivals_walk, root, span)
        return mainline.result(), arrived.result()


def _has_merges(root: Path, span: str) -> bool:
    return bool(_git(root, "rev-list", "--merges", "-n", "1", span).strip())


def _mainline(root: Path, span: str) -> list[Revision]:
    return [
        Revision(commit, commit.time, changes)
        for commit, _, changes in _log(root, "--first-parent", "-m", span)
        if changes
    ]


def _arrivals_walk(root: Path, span: str) -> dict:
    """Arrivals from every commit in ``span`` that added a file or renamed one."""
    arrivals: dict[str, Commit] = {}
    renamed_from: dict[str, str] = {}
    for commit, _, changes in _log(root, "--diff-filter=AR", span):
        for change in changes:
            if change.old_path is not None:
                renamed_from.setdefault(change.path, change.old_path)
            known = arrivals.get(change.path)
            if known is None or commit.time < known.time:
                arrivals[change.path] = commit
    return {"arrivals": arrivals, "renamed_from": renamed_from}


def arrivals_along(revisions: Iterable[Revision], present: set[str]) -> dict:
    """What `_arrivals_walk` finds, from the revisions of a history without merges:
    a file arrives with the change that adds it or renames another file to it.
    ``present``: the files before the first revision (updated)."""
    arrivals: dict[str, Commit] = {}
    renamed_from: dict[str, str] = {}
    for revision in revisions:
        commit = revision.commit
        for change in revision.changes:
            if change.blob is None:
                present.discard(change.path)
                continue
            if change.path in present:
                continue  # changed, not added
            present.add(change.path)
            if change.old_path is not None:
                renamed_from.setdefault(change.path, change.old_path)
            known = arrivals.get(change.path)
            if known is None or commit.time < known.time:
                arrivals[change.path] = commit
    return {"arrivals": arrivals, "renamed_from": renamed_from}


def first_parent_of_oldest(repository: Repository, since: str) -> bool:
    """Whether ``since`` lies on HEAD's first-parent line (so that the mainline after it
    is the mainline before it plus what `read_log(since)` returns)."""
    try:
        listed = _git(
            repository.root, "rev-list", "--first-parent", f"{since}..{repository.head}"
        ).split()
        if not listed:
            return since == repository.head
        parents = _git(repository.root, "rev-parse", f"{listed[-1]}^1").strip()
    except GitError:
        return False
    return parents == since


def _log(root: Path, *options: str) -> list[tuple[Commit, list[str], list[Change]]]:
    """`git log` from the content folder, with the changes inside it relative to it."""
    output = _git(
        root,
        "-c",
        "core.quotePath=false",
        "log",
        "--topo-order",
        "--reverse",
        "--raw",
        "-z",
        "-M",
        "--no-abbrev",
        "--relative",
        "--no-textconv",
        "--no-ext-diff",
        f"--format={_HEADER}",
        *options,
        "--",
        ".",
    )
    return [_parse_record(record) for record in output.split(_RECORD) if record]


def _parse_record(record: str) -> tuple[Commit, list[str], list[Change]]:
    header, _, raw = record.partition("\0")
    commit_id, parents, time, author = header.strip("\n").split(_FIELD)
    commit = Commit(commit_id, datetime.fromisoformat(time), author)
    return commit, parents.split(), list(_changes(raw.lstrip("\n").split("\0")))


def _changes(tokens: list[str]) -> Iterable[Change]:
    index = 0
    while index < len(tokens):
        meta = tokens[index].lstrip("\n")
        if not meta.startswith(":"):
            index += 1
            continue
        _, new_mode, _, new_blob, status = meta[1:].split(" ")
        kind = status[0]
        if kind in "RC":
            old_path, path = tokens[index + 1], tokens[index + 2]
            index += 3
        else:
            old_path, path = None, tokens[index + 1]
            index += 2
        is_file = new_mode in _FILE_MODES and new_blob != _NO_BLOB
        blob = new_blob if kind != "D" and is_file else None
        if kind == "R":
            yield Change(old_path, None)  # type: ignore[arg-type]
            yield Change(path, blob, old_path)
        elif kind == "C":
            yield Change(path, blob, old_path)
        else:
            yield Change(path, blob)


class BlobReader:
    """File contents by blob id, through one `git cat-file --batch` process."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, blob: str) -> bytes:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(blob.encode() + b"\n")
        process.stdin.flush()
        header = process.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitError(f"git has no file {blob}")
        data = process.stdout.read(int(header[2]))
        process.stdout.read(1)  # the newline after each object
        return data

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            self._process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self._root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_environment(),
            )
        return self._process

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait()
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None


def _environment() -> dict[str, str]:
    """git as a program talking to a program: no pager, no prompts, no local language."""
    environment = dict(os.environ)
    environment.update(
        {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    )
    return environment


def _git(root: Path, *arguments: str) -> str:
    try:
        completed = subprocess.run(
            ["git", *arguments],
            cwd=root,
            capture_output=True,
            env=_environment(),
            check=False,
        )
    except OSError as error:
        raise GitError(str(error)) from error
    if completed.returncode != 0:
        raise GitError(completed.stderr.decode("utf-8", "replace").strip())
    return completed.stdout.decode("utf-8", "surrogateescape")


def unchanged_files(root: Path) -> dict[str, str]:
    """path (relative to the content folder ``root``) → blob id of every file whose
    working-tree bytes are the ones git has staged: parsing that blob gives what the
    build loaded from the file, so its document can stand for it. Empty when git cannot
    tell."""
    try:
        staged = _git(root, "-c", "core.quotePath=false", "ls-files", "-s", "-z", "--", ".")
        modified = _git(root, "-c", "core.quotePath=false", "ls-files", "-m", "-z", "--", ".")
    except GitError:
        return {}
    changed = set(modified.split("\0"))
    found: dict[str, str] = {}
    for record in staged.split("\0"):
        meta, _, path = record.partition("\t")
        parts = meta.split(" ")
        if len(parts) == 3 and parts[0] in _FILE_MODES and parts[2] == "0" and path not in changed:
            found[path] = parts[1]
    return found


def read_history(root: Path, earlier: History | None = None) -> History | NoHistory:
    """The history of the content folder ``root``. ``earlier``: what a previous call
    returned (from the cache); only the commits after its head are read then."""
    found = locate(root)
    if isinstance(found, NoHistory):
        return found
    if earlier is not None and earlier.head == found.head:
        return earlier.reopened(BlobReader(root))
    try:
        if earlier is not None and first_parent_of_oldest(found, earlier.head):
            present = earlier.files_at(earlier.revisions[-1].effective) if earlier.revisions else {}
            revisions, arrived = read_log(found, earlier.head, present or {})
            return earlier.extended(found.head, revisions, arrived, BlobReader(root))
        revisions, arrived = read_log(found)
    except GitError:
        return NoHistory("unreadable")
    return History.made(found.head, revisions, arrived, BlobReader(root))


__all__ = ["BlobReader", "GitError", "Repository", "locate", "read_history", "unchanged_files"]
