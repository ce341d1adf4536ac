"""Baselines, slips and replans of tasks (SPEC §9), by hand-worked numbers.

July 2023, Saturdays and Sundays off: 1 Jul is a Saturday, 3 Jul a Monday.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from gitrepo import FixtureRepo

from sitegen.content.history import History, history_of
from sitegen.content.history.documents import VersionReader
from sitegen.content.history.model import Commit
from sitegen.content.load import load_site
from sitegen.core.findings import Finding
from sitegen.core.i18n import Messages
from sitegen.engine.compute import compute
from sitegen.engine.history.baseline import (
    Schedule,
    baseline_findings,
    choose_baseline,
    has_slipped,
    replans,
    slip_days,
    task_baselines,
)
from sitegen.engine.workdays import WorkCalendar

D = date.fromisoformat
PLAIN = WorkCalendar()
TWENTY_PERCENT = Decimal("0.20")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def commit(when: str, name: str = "abcdef0123") -> Commit:
    return Commit(name, at(when), "Li Si")


# The guide's example: a task planned 3–10 July whose end moved twice.
FIRST = Schedule(D("2023-07-03"), D("2023-07-10"))
STEPS = [
    (at("2023-07-01T10:00:00+00:00"), commit("2023-07-01T10:00:00+00:00", "c1"), FIRST),
    (
        at("2023-07-05T18:00:00+00:00"),
        commit("2023-07-05T18:00:00+00:00", "c2"),
        Schedule(D("2023-07-03"), D("2023-07-12")),
    ),
    (
        at("2023-07-07T18:00:00+00:00"),
        commit("2023-07-07T18:00:00+00:00", "c3"),
        Schedule(D("2023-07-03"), D("2023-07-14")),
    ),
]


# ---------------------------------------------------------------- pure rules


def test_the_baseline_is_the_first_committed_schedule() -> None:
    assert choose_baseline(STEPS, None) == (FIRST, False)


def test_a_baseline_day_takes_the_schedule_at_its_end() -> None:
    # The end moved on 5 July in the evening: at the end of 4 July it was still 10 July,
    # at the end of 6 July it was 12 July, from 7 July on 14 July.
    assert choose_baseline(STEPS, at("2023-07-04T23:59:59+00:00")) == (FIRST, False)
    assert choose_baseline(STEPS, at("2023-07-06T23:59:59+00:00")) == (STEPS[1][2], False)
    assert choose_baseline(STEPS, at("2023-07-30T23:59:59+00:00")) == (STEPS[2][2], False)


def test_a_task_committed_after_the_baseline_day_was_added_later() -> None:
    assert choose_baseline(STEPS, at("2023-06-30T23:59:59+00:00")) == (FIRST, True)
    removed_before = [(at("2023-06-20T10:00:00+00:00"), commit("2023-06-20T10:00:00+00:00"), None)]
    assert choose_baseline(removed_before + STEPS, at("2023-06-30T23:59:59+00:00")) == (
        FIRST,
        True,
    )
    assert choose_baseline([], None) is None


def test_slip_counts_working_days_from_the_baseline_end() -> None:
    # (10 Jul, 12 Jul] = 11, 12; (10 Jul, 14 Jul] = 11, 12, 13, 14.
    assert slip_days(D("2023-07-10"), D("2023-07-12"), PLAIN) == 2
    assert slip_days(D("2023-07-10"), D("2023-07-14"), PLAIN) == 4
    # Earlier is negative: (6 Jul, 10 Jul] = 7, 10.
    assert slip_days(D("2023-07-10"), D("2023-07-06"), PLAIN) == -2
    # A move over a weekend costs nothing: (Fri 7 Jul, Sun 9 Jul] has no working day.
    assert slip_days(D("2023-07-07"), D("2023-07-09"), PLAIN) == 0
    assert slip_days(D("2023-07-10"), D("2023-07-10"), PLAIN) == 0


def test_slipped_at_exactly_the_threshold_of_the_baseline_duration() -> None:
    # 3–10 July is 6 working days; 20% of it is 1.2 days.
    assert PLAIN.count(D("2023-07-03"), D("2023-07-10")) == 6
    assert has_slipped(2, 6, TWENTY_PERCENT)
    assert not has_slipped(1, 6, TWENTY_PERCENT)
    # 10 working days: a slip of exactly 2 is exactly 20%, and raises it.
    assert has_slipped(2, 10, TWENTY_PERCENT)
    assert not has_slipped(1, 10, TWENTY_PERCENT)
    # No slip, or an earlier end, never does (not even for a zero-day baseline).
    assert not has_slipped(0, 0, TWENTY_PERCENT)
    assert not has_slipped(-3, 10, TWENTY_PERCENT)


def test_every_change_of_start_end_or_plan_is_one_replan() -> None:
    found = replans(STEPS)
    assert [(r.commit.id, r.changes) for r in found] == [
        ("c2", (("end", D("2023-07-10"), D("2023-07-12")),)),
        ("c3", (("end", D("2023-07-12"), D("2023-07-14")),)),
    ]
    plan = Schedule(None, D("2023-07-14"), ((D("2023-07-10"), Decimal(40)),))
    both = [*STEPS, (at("2023-07-08T09:00:00+00:00"), commit("2023-07-08T09:00:00+00:00"), plan)]
    assert replans(both)[-1].changes == (
        ("start", D("2023-07-03"), None),
        ("plan", (), ((D("2023-07-10"), Decimal(40)),)),
    )
    # A removal and a return with the same dates is no replan.
    gone = (at("2023-07-09T09:00:00+00:00"), commit("2023-07-09T09:00:00+00:00"), None)
    back = (at("2023-07-10T09:00:00+00:00"), commit("2023-07-10T09:00:00+00:00"), plan)
    assert len(replans([*both, gone, back])) == 3


# ---------------------------------------------------------------- a content repository

SITE = "title: Test\ntimezone: Asia/Shanghai\n"
TEAM = "people:\n  - id: li\n    name: Li Si\n"


def task(end: str, start: str = "2023-07-03", status: str = "todo", extra: str = "") -> str:
    return (
        f"---\nid: T-1\ntitle: Poster\nowner: li\nstart: {start}\nend: {end}\n"
        f"status: {status}\n{extra}deliverables: [poster]\n---\n"
    )


def project(baseline: str | None = None) -> str:
    line = f"baseline: {baseline}\n" if baseline else ""
    return f"---\ntitle: Launch\n{line}---\n"


@pytest.fixture
def repo(tmp_path: Path) -> FixtureRepo:
    """T-1 planned 3–10 July on 1 July, its end moved to 12 July on 5 July and to 14 July
    on 7 July (Asia/Shanghai)."""
    repo = FixtureRepo(tmp_path / "repo")
    repo.write("site.yaml", SITE)
    repo.write("team.yaml", TEAM)
    repo.write("p/project.md", project())
    repo.write("p/tasks/T-1.md", task("2023-07-10"))
    repo.commit("2023-07-01T10:00:00+08:00", "plan")
    repo.write("p/tasks/T-1.md", task("2023-07-12"))
    repo.commit("2023-07-05T18:30:00+08:00", "later", author="Wang Wu")
    repo.write("p/tasks/T-1.md", task("2023-07-14"))
    repo.commit("2023-07-07T09:15:00+08:00", "later again")
    return repo


def analyse_history(
    repo: FixtureRepo, as_of: str = "2023-07-12", until: str | None = None
) -> tuple[dict, list[Finding]]:
    loaded = load_site(repo.content)
    site = loaded.site
    status = compute(site, D(as_of))
    history = history_of(repo.content)
    assert isinstance(history, History)
    try:
        baselines = task_baselines(
            site, history, VersionReader(history), status.calendar, at(until) if until else None
        )
    finally:
        history.close()
    return baselines, baseline_findings(site, status, baselines, Messages("en"))


def test_baseline_slip_and_findings_from_the_repository(repo: FixtureRepo) -> None:
    baselines, findings = analyse_history(repo)
    t1 = baselines["T-1"]
    assert (t1.baseline.start, t1.baseline.end, t1.added_after_baseline) == (
        D("2023-07-03"),
        D("2023-07-10"),
        False,
    )
    assert (t1.slip_days, t1.duration) == (4, 6)
    replanned = [f for f in findings if f.code == "replanned"]
    assert [(f.file, f.line, f.severity, f.day) for f in replanned] == [
        ("p/tasks/T-1.md", 6, "notice", "2023-07-05"),
        ("p/tasks/T-1.md", 6, "notice", "2023-07-07"),
    ]
    first = replanned[0].message
    assert first.startswith("T-1: end 2023-07-10 → 2023-07-12, in commit ")
    assert "by Wang Wu on 2023-07-05 18:30 (Asia/Shanghai)" in first
    assert (
        replanned[0].message.split("in commit ")[1][:7]
        == repo.git("rev-parse", "--short=7", "HEAD~1").strip()
    )
    [slipped] = [f for f in findings if f.code == "slipped"]
    assert (slipped.file, slipped.line, slipped.severity) == ("p/tasks/T-1.md", 6, "warning")
    assert slipped.message.startswith(
        "T-1 ends 4 working days later than its baseline: 2023-07-10 → 2023-07-14,"
        " 66.7% of the baseline duration (alert at 20.0%)"
    )


def test_a_finished_task_has_slipped_but_warns_no_more(repo: FixtureRepo) -> None:
    repo.write("p/tasks/T-1.md", task("2023-07-14", status="done"))
    baselines, findings = analyse_history(repo)
    assert baselines["T-1"].slip_days == 4
    assert [f.code for f in findings] == ["replanned", "replanned"]


def test_an_uncommitted_end_date_counts_as_the_current_end(repo: FixtureRepo) -> None:
    repo.write("p/tasks/T-1.md", task("2023-07-11"))  # not committed: no replan of its own
    baselines, findings = analyse_history(repo)
    assert baselines["T-1"].slip_days == 1
    assert [f.code for f in findings] == ["replanned", "replanned"]  # 1 < 1.2: not slipped


def test_a_build_of_a_past_day_knows_no_later_replan(repo: FixtureRepo) -> None:
    _, findings = analyse_history(repo, until="2023-07-06T23:59:59+08:00")
    assert [f.day for f in findings if f.code == "replanned"] == ["2023-07-05"]


def test_the_project_baseline_day(repo: FixtureRepo) -> None:
    repo.write("p/project.md", project(baseline="2023-07-06"))
    repo.write("p/tasks/T-2.md", task("2023-07-20", start="2023-07-17").replace("T-1", "T-2"))
    repo.commit("2023-07-10T10:00:00+08:00", "baseline and new scope")
    baselines, findings = analyse_history(repo)
    # At the end of 6 July T-1 was to end on 12 July: 3–12 July is 8 working days and
    # (12 Jul, 14 Jul] is 2 of them, 25%: slipped.
    t1 = baselines["T-1"]
    assert (t1.baseline.end, t1.slip_days, t1.duration, t1.added_after_baseline) == (
        D("2023-07-12"),
        2,
        8,
        False,
    )
    assert "slipped" in [f.code for f in findings if f.task == "T-1"]
    t2 = baselines["T-2"]
    assert (t2.baseline.end, t2.slip_days, t2.added_after_baseline) == (D("2023-07-20"), 0, True)


def test_a_renamed_task_file_keeps_its_baseline(repo: FixtureRepo) -> None:
    repo.rename("p/tasks/T-1.md", "p/tasks/july/T-1.md")
    repo.commit("2023-07-08T10:00:00+08:00", "tasks by month")
    repo.write("p/tasks/july/T-1.md", task("2023-07-17"))
    repo.commit("2023-07-09T10:00:00+08:00", "later still")
    baselines, findings = analyse_history(repo)
    t1 = baselines["T-1"]
    assert (t1.file, t1.baseline.end, t1.slip_days) == ("p/tasks/july/T-1.md", D("2023-07-10"), 5)
    assert [f.day for f in findings if f.code == "replanned"] == [
        "2023-07-05",
        "2023-07-07",
        "2023-07-09",
    ]
    assert {f.file for f in findings} == {"p/tasks/july/T-1.md"}


def test_an_invalid_version_is_skipped(repo: FixtureRepo) -> None:
    repo.write("p/tasks/T-1.md", "---\nid: T-1\ntitle: [broken\n---\n")
    repo.commit("2023-07-08T10:00:00+08:00", "oops")
    repo.write("p/tasks/T-1.md", task("2023-07-14", extra="plan: {2023-07-07: 50}\n"))
    repo.commit("2023-07-09T10:00:00+08:00", "fixed, with a plan")
    _, findings = analyse_history(repo)
    replanned = [f for f in findings if f.code == "replanned"]
    assert len(replanned) == 3
    assert replanned[-1].line == 8  # the plan key
    assert "plan — → 2023-07-07: 50.0%" in replanned[-1].message


def test_messages_in_chinese(repo: FixtureRepo) -> None:
    loaded = load_site(repo.content)
    status = compute(loaded.site, D("2023-07-12"))
    history = history_of(repo.content)
    assert isinstance(history, History)
    baselines = task_baselines(loaded.site, history, VersionReader(history), status.calendar)
    history.close()
    findings = baseline_findings(loaded.site, status, baselines, Messages("zh-CN"))
    slipped = next(f for f in findings if f.code == "slipped")
    assert slipped.message.startswith("T-1 比基线晚 4 个工作日结束：2023-07-10 → 2023-07-14")
    replanned = next(f for f in findings if f.code == "replanned")
    assert replanned.message.startswith("T-1 的计划被修改：end 2023-07-10 → 2023-07-12（提交 ")
