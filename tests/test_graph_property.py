"""Incremental builds under random edit sequences: after every edit, a build into the
same OUT (with the same user cache) makes exactly what a cold build of the same content
makes into an empty folder with an empty cache, or fails as that build fails (leaving OUT
as it was).

The edits are those that move things between the parts of the dependency graph: a
report's brief (short, or over the length limit) or progress, any document's body, a
task's id (alone, so references dangle, or everywhere) or dates, a task moved to another
project, a file deleted, a file added, a person renamed, the report deadline moved.

The same holds for the resident preview (`sitegen serve`), which keeps the analysed site
between saves and, after an edit the analysis does not see, only renders again.

SITEGEN_PROPERTY_EXAMPLES=200 runs more examples than the few CI runs.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.authoring.serve import PreviewServer
from sitegen.builder.pipeline import build
from sitegen.builder.reporter import BufferedReporter

SITE = Path(__file__).resolve().parent / "sites" / "multi"
AS_OF = date(2023, 10, 9)
PROJECTS = ("brand", "launch", "ops")
EXAMPLES = int(os.environ.get("SITEGEN_PROPERTY_EXAMPLES", "3"))

index = st.integers(0, 1000)
edits = st.one_of(
    st.tuples(st.just("brief"), index, st.sampled_from(["Short.", "两行\n简报", "**Bold** day."])),
    st.tuples(st.just("long brief"), index, st.integers(195, 205)),
    st.tuples(st.just("body"), index, st.sampled_from(["More.", "\n- a *list*", "同上"])),
    st.tuples(st.just("progress"), index, st.integers(0, 100)),
    st.tuples(st.just("task id"), index, st.booleans()),
    st.tuples(st.just("task dates"), index, st.integers(-4, 4)),
    st.tuples(st.just("move task"), index, st.sampled_from(PROJECTS)),
    st.tuples(st.just("delete"), index, st.none()),
    st.tuples(st.just("add report"), index, st.integers(1, 3)),
    st.tuples(st.just("add task"), index, st.integers(1, 9)),
    st.tuples(st.just("rename person"), index, st.sampled_from(["Olga P.", "王五"])),
    st.tuples(st.just("deadline"), index, st.sampled_from(["09:00", "18:30"])),
)


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and ".sitegen" not in path.relative_to(folder).parts
    }


def files_in(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def documents(content: Path, kind: str) -> list[Path]:
    return sorted(content.glob(f"*/{kind}/*.md"))


def pick(files: list[Path], number: int) -> Path | None:
    return files[number % len(files)] if files else None


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def _shift_dates(text: str, days: int) -> str:
    def shifted(match: re.Match[str]) -> str:
        day = date.fromisoformat(match.group(2)) + timedelta(days=days)
        return f"{match.group(1)}{day.isoformat()}"

    return re.sub(r"^((?:start|end): )(\d{4}-\d{2}-\d{2})", shifted, text, flags=re.M)


def _task_id(path: Path) -> str:
    found = re.search(r"^id: (\S+)", _text(path), flags=re.M)
    assert found, path
    return found.group(1)


def apply(content: Path, kind: str, number: int, value: object) -> None:
    reports, tasks = documents(content, "reports"), documents(content, "tasks")
    report, task = pick(reports, number), pick(tasks, number)
    if kind in ("brief", "long brief") and report:
        head, _, _ = _text(report).rpartition("---\n")
        brief = "简" * int(str(value)) if kind == "long brief" else value
        report.write_text(f"{head}---\n\n{brief}\n", "utf-8")
    elif kind == "body":
        document = pick(sorted(content.glob("*/*/*.md")) + sorted(content.glob("*/*.md")), number)
        if document:
            document.write_text(_text(document).rstrip("\n") + f"\n\n{value}\n", "utf-8")
    elif kind == "progress" and report:
        report.write_text(
            re.sub(r"progress: \d+", f"progress: {value}", _text(report), count=1), "utf-8"
        )
    elif kind == "task id" and task:
        old = _task_id(task)
        new = f"{old}X"
        changed = [task] if not value else [*reports, *tasks, *documents(content, "risks")]
        for path in changed:
            path.write_text(
                re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, _text(path)), "utf-8"
            )
        task.rename(task.with_name(f"{new}.md"))  # the file is named by its task's id
    elif kind == "task dates" and task:
        task.write_text(_shift_dates(_text(task), int(str(value))), "utf-8")
    elif kind == "move task" and task:
        target = content / str(value) / "tasks"
        target.mkdir(exist_ok=True)
        task.rename(target / task.name)
    elif kind == "delete":
        files = sorted(content.glob("*/*/*.md"))
        victim = pick(files, number)
        if victim:
            victim.unlink()
    elif kind == "add report" and report:
        day = date.fromisoformat(report.name[:10]) + timedelta(days=int(str(value)))
        text = _text(report).replace(report.name[:10], day.isoformat())
        (report.parent / f"{day.isoformat()}{report.name[10:]}").write_text(text, "utf-8")
    elif kind == "rename person":
        team = content / "team.yaml"
        names = re.findall(r"^    name: .*$", _text(team), flags=re.M)
        old = names[number % len(names)]
        team.write_text(_text(team).replace(old, f"    name: {value}", 1), "utf-8")
    elif kind == "deadline":
        settings = content / "site.yaml"
        text = re.sub(r"^thresholds:\n  report_deadline: .*\n", "", _text(settings), flags=re.M)
        settings.write_text(f'{text}thresholds:\n  report_deadline: "{value}"\n', "utf-8")
    elif kind == "add task" and task:
        old, new = _task_id(task), f"{_task_id(task)}-{value}"
        (task.parent / f"{new}.md").write_text(_text(task).replace(f"id: {old}", f"id: {new}"))


@contextmanager
def cache_in(folder: Path) -> Iterator[None]:
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved


@contextmanager
def saving_preview(
    content: Path, history: bool = False
) -> Iterator[tuple[Callable[[], bool], Path]]:
    """What a save runs in a preview of ``content`` (built, not serving), and its OUT.
    A save hands over every file, the deleted ones too, as the watcher does."""
    preview = PreviewServer(content, port=0, as_of=AS_OF, history=history)
    try:
        assert preview.rebuild()
        listed = files_in(content)

        def saved() -> bool:
            nonlocal listed
            now = files_in(content)
            changed, listed = sorted(listed | now), now
            return preview.rebuild(changed)

        yield saved, preview.out
    finally:
        preview.stop()
        shutil.rmtree(preview.workdir, ignore_errors=True)


def built(content: Path, out: Path, cache: Path, history: bool = False) -> bool:
    with cache_in(cache):
        return build(content, out, BufferedReporter(), as_of=AS_OF, jobs=1, history=history)


Edit = Callable[[Path, str, int, object], None]


def each_edit_builds_as_cold(
    work: Path,
    content: Path,
    steps: list[tuple[str, int, object]],
    rebuild: Callable[[], bool],
    out: Path,
    edit: Edit = apply,
    history: bool = False,
) -> None:
    """Make the ``steps`` one by one with ``edit``; after each, ``rebuild()`` must succeed
    or fail as a cold build of the content does, and leave in ``out`` what that build
    makes (or, when it fails, what ``out`` held)."""
    for number, (kind, which, value) in enumerate(steps):
        edit(content, kind, which, value)
        before = tree(out)
        ok = rebuild()
        cold = work / f"cold-{number}"
        expected_ok = built(content, cold / "out", cold / "cache", history)
        assert ok == expected_ok, (kind, which, value)
        expected = tree(cold / "out") if ok else before
        assert tree(out) == expected, (kind, which, value)


PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(st.lists(edits, min_size=1, max_size=3))
def test_incremental_builds_equal_cold_builds_after_any_edits(steps):
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        content, out, cache = work / "content", work / "out", work / "cache"
        shutil.copytree(SITE, content)
        assert built(content, out, cache)
        # From OUT as an incremental build leaves it, with the index of what each page
        # reached (sitegen.builder.readindex), so that later builds can use it.
        apply(content, "body", 0, "Started.")
        assert built(content, out, cache)
        each_edit_builds_as_cold(work, content, steps, lambda: built(content, out, cache), out)


@PROPERTY
@given(st.lists(edits, min_size=1, max_size=4))
def test_the_resident_preview_equals_cold_builds_after_any_edits(steps):
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        content = work / "content"
        shutil.copytree(SITE, content)
        with cache_in(work / "cache"), saving_preview(content) as (saved, out):
            each_edit_builds_as_cold(work, content, steps, saved, out)


def test_the_edits_keep_the_site_buildable_or_fail_it_as_a_cold_build(tmp_path):
    """Each kind of edit does what it says on the example site (a sanity check of the
    strategies above, so the property is not vacuous)."""
    content = tmp_path / "content"
    shutil.copytree(SITE, content)
    apply(content, "task dates", 0, 2)
    apply(content, "move task", 0, "ops")
    apply(content, "add report", 0, 1)
    apply(content, "add task", 0, 1)
    apply(content, "task id", 1, True)
    apply(content, "progress", 0, 55)
    apply(content, "brief", 0, "Short.")
    apply(content, "rename person", 1, "王五")
    apply(content, "deadline", 0, "09:00")
    apply(content, "deadline", 0, "18:30")
    assert "name: 王五" in _text(content / "team.yaml")
    assert _text(content / "site.yaml").endswith('thresholds:\n  report_deadline: "18:30"\n')
    assert (content / "ops/tasks/B-01.md").is_file()
    assert (content / "brand/tasks/B-02X.md").is_file()
    assert built(content, tmp_path / "out", tmp_path / "cache")
    apply(content, "task id", 2, False)  # references now dangle: the build fails
    assert not built(content, tmp_path / "out", tmp_path / "cache")
