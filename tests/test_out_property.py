"""A property of OUT under anything: random edits of a small site, builds killed at random
steps (SIGKILL, by the kill hook, in a child process) and damaged cache files between
builds. After every step the files in OUT that are not sitegen's are untouched, and OUT is
a complete site: the one before the step or the one a cold build of the new content makes.
A build that is not killed (after some steps, and at the end) makes exactly what a cold
build into an empty folder makes."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.builder.incremental import OutputState
from sitegen.builder.outfiles import KILL_AT_VARIABLE
from sitegen.builder.pipeline import build
from sitegen.builder.reporter import BufferedReporter

SITE = Path(__file__).resolve().parent / "sites" / "multi"
AS_OF = date(2023, 10, 9)
FOREIGN = {
    ".git/HEAD": b"ref: refs/heads/gh-pages\n",
    ".git/refs/heads/gh-pages": b"0123456789abcdef\n",
    "CNAME": b"status.example.com\n",
    ".nojekyll": b"",
    "tasks/notes.txt": b"a file of someone else's in a folder of sitegen's\n",
}
DOCUMENTS = ["ops/tasks/O-1.md", "ops/tasks/O-2.md", "ops/tasks/O-3.md", "ops/retro.md"]

edits = st.one_of(
    st.tuples(st.just("append"), st.sampled_from(DOCUMENTS)),
    st.tuples(st.just("retitle"), st.sampled_from(DOCUMENTS[:3])),
    st.tuples(st.just("delete"), st.sampled_from(DOCUMENTS)),
    st.tuples(st.just("add task"), st.integers(90, 99).map(str)),
    st.tuples(st.just("nothing"), st.just("")),
)
damages = st.lists(
    st.tuples(st.integers(0, 50), st.sampled_from(["truncate", "garbage"]), st.integers(0, 400)),
    max_size=2,
)
kills = st.one_of(st.none(), st.integers(1, 45))  # at the N-th step of the build
steps = st.lists(st.tuples(edits, damages, kills, st.booleans()), min_size=1, max_size=4)


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def edit(content: Path, kind: str, target: str) -> None:
    if kind == "add task":
        text = (SITE / "ops/tasks/O-2.md").read_text("utf-8")  # O-2 may be deleted
        (content / f"ops/tasks/O-{target}.md").write_text(
            text.replace("O-2", f"O-{target}"), "utf-8"
        )
        return
    path = content / target
    if not path.exists() or kind == "nothing":
        return
    if kind == "delete":
        path.unlink()
    elif kind == "append":
        path.write_text(path.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    else:
        path.write_text(path.read_text("utf-8").replace("title: ", "title: New ", 1), "utf-8")


def damage(cache: Path, index: int, how: str, size: int) -> None:
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    if not files:
        return
    path = files[index % len(files)]
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: size % (len(data) + 1)])
    else:
        path.write_bytes(hashlib.sha256(str(size).encode()).digest() * (1 + size % 7))


def run_build(content: Path, out: Path, cache: Path, kill_at: int | None = None) -> bool | None:
    """A build in a child process: True if it worked, False if it failed, None if killed."""
    child = os.fork()
    if child == 0:  # pragma: no cover - in the child
        code = 3
        try:
            os.environ["XDG_CACHE_HOME"] = str(cache)
            if kill_at is not None:
                os.environ[KILL_AT_VARIABLE] = str(kill_at)
            code = 0 if build(content, out, BufferedReporter(), as_of=AS_OF, jobs=1) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return None
    assert os.WEXITSTATUS(status) in (0, 1), "the build crashed"
    return os.WEXITSTATUS(status) == 0


def recover(out: Path, cache: Path) -> None:
    """What every build does first: finish or undo one that was killed."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        OutputState.load(out)
    finally:
        if saved is not None:
            os.environ["XDG_CACHE_HOME"] = saved


class Cold:
    """Builds into an empty folder with an empty cache, by the content's digest."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, dict[str, bytes] | None] = {}

    def __call__(self, content: Path) -> dict[str, bytes] | None:
        digest = hashlib.sha256(repr(sorted(tree(content).items())).encode()).hexdigest()
        if digest not in self.known:
            target = self.folder / digest[:12]
            ok = run_build(content, target / "out", target / "cache")
            self.known[digest] = tree(target / "out") if ok else None
        return self.known[digest]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_out_stays_whole_and_keeps_foreign_files_whatever_happens(steps, tmp_path_factory):
    work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    content, out, cache = work / "content", work / "public", work / "cache"
    shutil.copytree(SITE, content, ignore=shutil.ignore_patterns("launch", "brand"))
    cold = Cold(work / "cold")
    assert run_build(content, out, cache)
    for name, data in FOREIGN.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    for (kind, target), damaged, kill_at, rebuild in steps:
        before = tree(out)
        edit(content, kind, target)
        for index, how, size in damaged:
            damage(cache, index, how, size)
        run_build(content, out, cache, kill_at)
        recover(out, cache)
        found = tree(out)
        assert {name: found.get(name) for name in FOREIGN} == FOREIGN
        new = cold(content)
        assert found == before or (new is not None and found == {**new, **FOREIGN})
        if rebuild:
            rebuilt(content, out, cache, cold)
    rebuilt(content, out, cache, cold)
    shutil.rmtree(work)


def rebuilt(content: Path, out: Path, cache: Path, cold: Cold) -> None:
    """A build that is not killed makes what a cold build makes, beside the foreign files."""
    new = cold(content)
    assert run_build(content, out, cache) is (new is not None)
    if new is not None:
        assert tree(out) == {**new, **FOREIGN}
