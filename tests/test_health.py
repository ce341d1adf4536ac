"""Parent tasks; health as a project's state on the as-of day, and what pages count (SPEC §5).

Small sites written here, worked by hand. The calendar is the default one (weekend
sat/sun, no holidays); March 2024 starts on a Friday, so Mon 4 – Fri 8 and Mon 11 –
Fri 15 are two working weeks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitegen.build import analyse

D = date.fromisoformat

BASE = {
    "site.yaml": "title: Health\nlanguage: en\ntimezone: UTC\n",
    "team.yaml": (
        "people:\n  - {id: ann, name: Ann}\n  - {id: bob, name: Bob}\n"
        "  - {id: cy, name: Cy, max_concurrent: 1}\n"
    ),
    "p/project.md": "---\ntitle: Spring\nowner: ann\n---\n",
}


def task(task_id: str, start: str, end: str, *extra: str, owner: str = "ann") -> str:
    lines = [f"id: {task_id}", f"title: Task {task_id}", f"owner: {owner}"]
    lines += [f"start: {start}", f"end: {end}", "deliverables: [x]", *extra]
    return "---\n" + "\n".join(lines) + "\n---\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**BASE, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


# ---------------------------------------------------------------- parent tasks


def test_a_subtask_outside_its_parent_is_flagged_in_both_languages(tmp_path):
    files = {
        "p/tasks/P.md": task("P", "2024-03-04", "2024-03-08"),
        "p/tasks/S-1.md": task("S-1", "2024-03-01", "2024-03-05", "parent: P"),  # starts early
        "p/tasks/S-2.md": task("S-2", "2024-03-06", "2024-03-12", "parent: P"),  # ends late
        "p/tasks/S-3.md": task("S-3", "2024-03-05", "2024-03-07", "parent: P"),  # inside
    }
    root = write(tmp_path / "content", files)
    found = [
        (f.severity.value, f.file, f.line, f.message)
        for f in analyse(root, D("2024-03-01")).findings
        if f.code == "outside-parent"
    ]
    assert sorted(found) == [
        (
            "warning",
            "p/tasks/S-1.md",
            5,  # start:
            "S-1 runs 2024-03-01 – 2024-03-05, outside its parent P (2024-03-04 – 2024-03-08): "
            "move its dates within the parent's, or widen the parent's dates",
        ),
        (
            "warning",
            "p/tasks/S-2.md",
            6,  # end:
            "S-2 runs 2024-03-06 – 2024-03-12, outside its parent P (2024-03-04 – 2024-03-08): "
            "move its dates within the parent's, or widen the parent's dates",
        ),
    ]
    write(root, {**files, "site.yaml": "title: Health\nlanguage: zh-CN\ntimezone: UTC\n"})
    [zh] = [
        f.message
        for f in analyse(root, D("2024-03-01")).findings
        if f.code == "outside-parent" and f.task == "S-2"
    ]
    assert zh == (
        "S-2（2024-03-06 至 2024-03-12）超出上级任务 P 的起止日期（2024-03-04 至 2024-03-08）："
        "请把它的日期调整到上级任务之内，或放宽上级任务的日期"
    )
