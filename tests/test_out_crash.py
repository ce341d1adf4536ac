"""kill -9 at any moment of a build leaves OUT recoverable: once the next build has started
(it finishes or undoes the interrupted one first), OUT is the complete previous site or the
complete new one, byte for byte, and files that are not sitegen's are untouched.

A forked child writes the site and is killed just before its N-th change to the file system
(every rename, replace, unlink and rmdir under the test's folder), for every N until a child
gets through; the kills come from outside sitegen, so they reach every step.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sitegen.builder.analyse import analyse
from sitegen.builder.incremental import OutputState
from sitegen.builder.outfiles import KILL_AT_VARIABLE
from sitegen.builder.pipeline import write_output

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "sites" / "multi"
AS_OF = date(2023, 10, 9)
FOREIGN = {
    ".git/HEAD": b"ref: refs/heads/gh-pages\n",
    ".git/objects/ab/cdef": b"\x78\x01",
    "CNAME": b"status.example.com\n",
    ".nojekyll": b"",
    "notes/README.txt": b"written by hand\n",
}
# Not mkdir: a kill before one leaves what a kill after the change before it leaves.
CHANGES = ("rename", "replace", "unlink", "remove", "rmdir")


def small_site(folder: Path) -> Path:
    """The multi-project test site with one project (its retro included): few pages."""
    shutil.copytree(SITE, folder, ignore=shutil.ignore_patterns("launch", "brand"))
    return folder


def copy(source: Path, target: Path) -> None:
    """A copy made of hard links: quick, and it keeps modification times (the record of the
    last build needs them); sitegen never writes into an existing file."""
    shutil.copytree(source, target, symlinks=True, copy_function=os.link)


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def add(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def killed(work: Callable[[], None], inside: Path, at: int) -> bool:
    """Run ``work`` in a forked child killed (SIGKILL) just before its ``at``-th change under
    ``inside``; whether it was killed (False: it finished)."""
    child = os.fork()
    if child == 0:  # pragma: no cover - in the child
        try:
            _kill_before_change(inside, at)
            work()
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(3)
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the child build failed"
    return False


def _kill_before_change(inside: Path, at: int) -> None:
    count = 0
    prefix = str(inside)

    def counting(original: Callable[..., object]) -> Callable[..., object]:
        def change(*args: object, **options: object) -> object:
            nonlocal count
            paths = [os.fspath(a) for a in args if isinstance(a, (str, os.PathLike))]
            if "dir_fd" in options or any(p.startswith(prefix) for p in paths):
                count += 1
                if count == at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **options)

        return change

    for name in CHANGES:
        setattr(os, name, counting(getattr(os, name)))


class Scenario:
    """OUT and the user cache as a first build left them, and the site to build next."""

    def __init__(
        self,
        tmp_path: Path,
        monkeypatch,
        edit: Callable[[Path], None],
        full: bool,
        first: bool = False,  # OUT holds only the files of others (no build yet)
    ):
        self.root = tmp_path / "work"
        self.out = self.root / "public"
        self.cache = tmp_path / "cache"
        monkeypatch.setenv("XDG_CACHE_HOME", str(self.cache))
        self.content = content = small_site(tmp_path / "content")
        self.full = full
        if first:  # the caches are warm all the same (compiled templates)
            write_output(analyse(content, AS_OF), OutputState.load(tmp_path / "elsewhere"), 1)
        else:
            self.write(analyse(content, AS_OF))
        add(self.out, FOREIGN)
        self.cache.mkdir(exist_ok=True)
        self.saved = tmp_path / "saved"
        copy(self.root, self.saved / "work")
        copy(self.cache, self.saved / "cache")
        self.old = tree(self.out)
        edit(content)
        self.analysis = analyse(content, AS_OF)
        assert not self.analysis.failed
        self.write()
        self.new = tree(self.out)
        assert self.new != self.old
        assert all(self.new[name] == data for name, data in FOREIGN.items())

    def write(self, analysis=None) -> None:
        state = OutputState.load(self.out, keep=not self.full)
        write_output(analysis or self.analysis, state, jobs=1)

    def restore(self) -> None:
        """Back to the first build (copies keep modification times, as the record needs)."""
        for name in ("work", "cache"):
            shutil.rmtree(self.root if name == "work" else self.cache)
            shutil.copytree(
                self.saved / name, self.root if name == "work" else self.cache, symlinks=True
            )

    def state_after_recovery(self) -> str:
        OutputState.load(self.out)  # what every build (and the preview) does first
        found = tree(self.out)
        assert found in (self.old, self.new), "OUT is neither the old nor the new site"
        assert sorted(p.name for p in self.root.iterdir()) == ["public"]
        own = self.out / ".sitegen"
        assert not own.exists() or sorted(p.name for p in own.iterdir()) == ["manifest.json"]
        return "old" if found == self.old else "new"


def edit_a_task_and_remove_the_retro(content: Path) -> None:
    task = content / "ops/tasks/O-2.md"
    task.write_text(task.read_text("utf-8") + "\nA note.\n", "utf-8")
    (content / "ops/retro.md").unlink()  # its page goes, and its folder


def remove_a_task(content: Path) -> None:
    (content / "ops/tasks/O-3.md").unlink()


@pytest.mark.parametrize(
    "edit, full, first",
    [
        (edit_a_task_and_remove_the_retro, False, False),
        (remove_a_task, False, True),
        (remove_a_task, True, False),
    ],
    ids=["incremental", "first into a gh-pages work tree", "full"],
)
def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_site(
    edit, full, first, tmp_path, monkeypatch
):
    scenario = Scenario(tmp_path, monkeypatch, edit, full, first)
    outcomes = []
    for at in range(1, 10_000):
        scenario.restore()
        if not killed(scenario.write, scenario.root, at):
            break
        outcomes.append(scenario.state_after_recovery())
        if at % 3 == 0:  # the next build makes the new site (now and then: it takes time)
            scenario.write()
            assert tree(scenario.out) == scenario.new
    assert "old" in outcomes and "new" in outcomes and outcomes == sorted(outcomes, reverse=True)
    assert tree(scenario.out) == scenario.new


def test_a_recovery_killed_at_any_step_is_recovered_too(tmp_path, monkeypatch):
    scenario = Scenario(tmp_path, monkeypatch, remove_a_task, full=True)
    # the first child that leaves a journal, halfway through applying it
    at = 1
    while True:
        scenario.restore()
        assert killed(scenario.write, scenario.root, at)
        if (scenario.out / ".sitegen" / "journal.json").exists():
            break
        at += 1
    assert killed(scenario.write, scenario.root, at + 3)  # a few files moved in
    interrupted = scenario.saved / "interrupted"
    copy(scenario.root, interrupted)
    for again in range(1, 10_000):
        shutil.rmtree(scenario.root)
        copy(interrupted, scenario.root)
        if not killed(lambda: OutputState.load(scenario.out), scenario.root, again):
            break
        assert scenario.state_after_recovery() == "new"
    assert again > 3


@pytest.mark.parametrize("step, left", [("staged", "old"), ("journal", "new"), ("moved", "new")])
def test_the_kill_hook_stops_the_command_at_a_step(step, left, tmp_path, monkeypatch):
    scenario = Scenario(tmp_path, monkeypatch, edit_a_task_and_remove_the_retro, full=False)
    scenario.restore()
    command = "import sys; from sitegen.cli import main; sys.argv[0] = 'sitegen'; main()"
    arguments = ["build", str(scenario.content), "-o", str(scenario.out), "--as-of", str(AS_OF)]
    environment = {**os.environ, KILL_AT_VARIABLE: step}
    killed = subprocess.run(
        [sys.executable, "-c", command, *arguments], cwd=REPO, env=environment, capture_output=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert scenario.state_after_recovery() == left
