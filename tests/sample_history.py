"""The sample content with the git history a team would have given it, at fixed times.

The plan is committed first (tasks without their status), each report when it was
handed in, each task's `status: done` on its end date, each risk when raised (R-03
resolved later), the retro on its date. Two commits show what history catches:

- the 2023-07-15 report is first committed with 2 of 3 drafts (60%), then rewritten
  after its deadline to the 3 of 3 (80%) the sample now says (`report-edited`);
- the 2023-07-19 report says `submitted: 15:10` but is committed at 20:40
  (`backdated-report`).

The last commit leaves the content exactly as the sample in content/ is.
"""

from __future__ import annotations

import re
from pathlib import Path

from gitrepo import FixtureRepo

ZONE = "+08:00"
TASKS = "q3-launch/tasks/"
REPORTS = "q3-launch/reports/"
RISKS = "q3-launch/risks/"


def without_key(text: str, key: str) -> str:
    """``text`` without the front-matter line of ``key``."""
    return re.sub(rf"(?m)^{re.escape(key)}:.*\n", "", text, count=1)


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def front_matter_value(text: str, key: str) -> str:
    found = re.search(rf"(?m)^{re.escape(key)}: *(.*)$", text)
    assert found, key
    return found.group(1).strip()


def sample_repository(path: Path, sample: Path) -> FixtureRepo:
    """A fixture repository in ``path`` whose content folder ends as ``sample``."""
    repo = FixtureRepo(path)
    final = {
        file.relative_to(sample).as_posix(): file.read_text("utf-8")
        for file in sorted(sample.rglob("*"))
        if file.is_file()
    }

    def commit(when: str, files: dict[str, str], message: str, author: str = "Zhang San") -> None:
        for name, text in files.items():
            repo.write(name, text)
        repo.commit(f"{when}{ZONE}", message, author)

    tasks = {name: text for name, text in final.items() if name.startswith(TASKS)}
    later_task = TASKS + "MKT-202307-001-05.md"  # added with the change request R-03
    plan = {
        name: text
        for name, text in final.items()
        if not name.startswith((TASKS, REPORTS, RISKS)) and not name.endswith("retro.md")
    }
    plan.update(
        {name: without_key(text, "status") for name, text in tasks.items() if name != later_task}
    )
    commit("2023-06-30T18:00:00", plan, "Plan the Q3 launch")

    # The two reports whose history tells more than their files.
    edited, backdated = REPORTS + "2023-07-15-li-si.md", REPORTS + "2023-07-19-li-si.md"
    first_draft = final[edited]
    for old, new in (
        ("done: 完成全部短视频初稿", "done: 完成2支短视频初稿"),
        ("actual: 3", "actual: 2"),
        ("progress: 80", "progress: 60"),
    ):
        first_draft = replaced(first_draft, old, new)
    first_versions = {edited: first_draft}
    committed_at = {backdated: "2023-07-19T20:40:00"}

    events: list[tuple[str, dict[str, str], str, str]] = []
    for name, text in final.items():
        if name.startswith(REPORTS):
            when = committed_at.get(name, front_matter_value(text, "submitted")[:19])
            author = front_matter_value(text, "author")
            first = {name: first_versions.get(name, text)}
            events.append((when, first, f"Report {name[len(REPORTS) :]}", author))
    events.append(("2023-07-17T09:30:00", {edited: final[edited]}, "Fix the 07-15 report", "li-si"))
    for name, text in tasks.items():
        end_day = front_matter_value(text, "end")
        events.append((f"{end_day}T18:00:00", {name: text}, f"Done: {name}", "Zhang San"))
    for risk in ("R-01", "R-02"):
        name = f"{RISKS}{risk}.md"
        raised = front_matter_value(final[name], "raised")
        events.append((f"{raised}T10:00:00", {name: final[name]}, f"Risk {risk}", "Sun Ba"))
    risk_3 = final[f"{RISKS}R-03.md"]
    opened = without_key(replaced(risk_3, "status: 已解决", "status: 待处理"), "resolved_on")
    change = {f"{RISKS}R-03.md": opened, later_task: without_key(tasks[later_task], "status")}
    events.append(("2023-07-21T18:00:00", change, "Change request: Bilibili", "Zhang San"))
    events.append(
        ("2023-07-25T18:00:00", {f"{RISKS}R-03.md": risk_3}, "R-03 resolved", "Zhang San")
    )
    retro = "q3-launch/retro.md"
    events.append(("2023-09-05T18:00:00", {retro: final[retro]}, "Retro", "Zhang San"))

    for when, files, message, author in sorted(events, key=lambda event: event[0]):
        commit(when, files, message, author)
    return repo
