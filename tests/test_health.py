"""Parent tasks; health as a project's state on the as-of day, and what pages count (SPEC §5).

Small sites written here, worked by hand. The calendar is the default one (weekend
sat/sun, no holidays); March 2024 starts on a Friday, so Mon 4 – Fri 8 and Mon 11 –
Fri 15 are two working weeks.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html import unescape
from pathlib import Path

from click.testing import CliRunner

from sitegen.builder.analyse import analyse
from sitegen.cli import main
from sitegen.engine.health import OpenMatters

REPO = Path(__file__).resolve().parent.parent
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


def report(day: str, author: str, *entries: str, submitted: str | None = None) -> str:
    head = f"date: {day}\nauthor: {author}\n" + (f"submitted: {submitted}\n" if submitted else "")
    return "---\n" + head + "entries:\n" + "".join(entries) + "---\nDone.\n"


def entry(task_id: str, planned: int, actual: int, progress: int) -> str:
    return (
        f"  - {{task: {task_id}, planned: {planned}, actual: {actual}, progress: {progress},"
        " evidence: [https://example.com/x]}\n"
    )


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in {**BASE, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def health(root: Path, day: str) -> tuple[str, tuple[str, ...]]:
    state = analyse(root, D(day)).health["p"]
    return state.health.value, state.reasons


def build(root: Path, day: str, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "--as-of", day])
    assert result.exit_code == 0, result.output
    return out


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def tiles(html: str) -> dict[str, str]:
    """The dashboard's alert tiles: label → number."""
    found = re.findall(r'<span class="tile-n">(\d+)</span> <span class="tile-l">([^<]*)</', html)
    return {label: number for number, label in found}


# ---------------------------------------------------------------- the guide's sample


def test_the_sample_on_20_july_is_amber_for_a_late_report_only(tmp_path):
    # Every task of the sample is done. Its three entry deviations (07-10, 07-12, 07-18)
    # are about MKT-…-02, done; R-01 (high, in progress) names only that task. What still
    # counts: li-si's report of 07-18, filed 18:20 after the 17:00 deadline, two working
    # days ago (the window is stale_days 2 + 3 = 5 working days: 14, 17, 18, 19, 20 July).
    analysis = analyse(REPO / "content", D("2023-07-20"))
    state = analysis.health["q3-launch"]
    assert (state.health.value, state.reasons) == (
        "amber",
        ("日报迟交：1 份日报（2023-07-18 李四）",),
    )
    html = (build(REPO / "content", "2023-07-20", tmp_path / "out") / "index.html").read_text()
    # the tiles count what is open, not three reports about one finished task
    assert tiles(html) == {
        "个任务滞后": "0",
        "人需关注": "0",
        "项高风险仍需应对": "0",
        "份日报有问题": "1",
    }
    assert "已了结的预警 4 条" in text_of(html)  # the deviations and R-01, for the record


def test_the_sample_is_green_once_its_work_is_done(tmp_path):
    # 30 September, after the project's end (31 August) and the retro: all tasks done,
    # the late report of 18 July long past, R-01 about finished work only.
    out = build(REPO / "content", "2023-09-30", tmp_path / "out")
    status = json.loads((out / "status.json").read_text("utf-8"))
    [project] = status["projects"]
    assert project["health"] == "green"
    assert project["progress"] == {"planned": 100.0, "actual": 100.0}
    html = (out / "index.html").read_text("utf-8")
    assert "绿灯（正常）" in text_of(html) and "没有预警或警告。" in text_of(html)
    assert set(tiles(html).values()) == {"0"}


def test_an_unreported_task_of_the_sample_past_its_start_is_behind(tmp_path):
    # MKT-…-04 starts 07-19 and is first reported on 07-21. Left open, on 07-20 it is
    # planned at 2 of 11 working days (18.2%) with no report: 0.0%, −100.0%.
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / "q3-launch" / "tasks" / "MKT-202307-001-04.md"
    path.write_text(path.read_text("utf-8").replace("status: done\n", ""), "utf-8")
    analysis = analyse(content, D("2023-07-20"))
    behind = [f for f in analysis.findings if f.code == "schedule-deviation"]
    assert [(f.file, f.line, f.message) for f in behind] == [
        (
            "q3-launch/tasks/MKT-202307-001-04.md",
            9,  # end:
            "MKT-202307-001-04 进度滞后：截至 2023-07-20 实际 0.0%，计划 18.2%（偏差率 -100.0%）；"
            "请启动风险升级流程",
        )
    ]
    state = analysis.health["q3-launch"]
    assert state.health.value == "red"
    assert state.reasons[0] == "MKT-202307-001-04 偏差 -100%，达到预警阈值的两倍"
    # project progress: 04 now counts 0 instead of 100 of its 11 days (see
    # test_calculations): actual (40 × 100 − 11 × 100) / 40 = 72.5
    assert analysis.status.progress["q3-launch"].actual == 72.5


# ---------------------------------------------------------------- unreported work


def test_tasks_never_reported_on_are_behind_and_counted_as_tasks(tmp_path):
    # Five tasks of 10 working days (4–15 March) on Wednesday 13 March: 8 elapsed, planned
    # 80%, never reported on; and one task due 5 March, 8 days ago, never reported on.
    files = {f"p/tasks/T-{n}.md": task(f"T-{n}", "2024-03-04", "2024-03-15") for n in range(1, 6)}
    files["p/tasks/O-1.md"] = task("O-1", "2024-02-28", "2024-03-05", "priority: P3", owner="bob")
    root = write(tmp_path / "content", files)
    status = json.loads((build(root, "2024-03-13", tmp_path / "out") / "status.json").read_text())
    tasks = {t["id"]: t for t in status["tasks"]}
    assert {(t["planned_progress"], t["actual_progress"], t["schedule_deviation"])
            for i, t in tasks.items() if i.startswith("T-")} == {(80.0, 0.0, -100.0)}  # fmt: skip
    assert (tasks["O-1"]["actual_progress"], tasks["O-1"]["schedule_deviation"]) == (0.0, -100.0)
    messages = {(f["code"], f["file"]): f["message"] for f in status["findings"]}
    assert messages[("schedule-deviation", "p/tasks/T-1.md")] == (
        "T-1 is behind schedule: 0.0% done against 80.0% planned on 2024-03-13 "
        "(deviation -100.0%); escalate per the risk process"
    )
    assert ("overdue", "p/tasks/O-1.md") in messages
    assert status["projects"][0]["health"] == "red"
    # planned (5 × 10 × 80 + 5 × 100) / 55 = 4500/55 = 81.8; nothing reported: 0.0
    assert status["projects"][0]["progress"] == {"planned": 81.8, "actual": 0.0}
    html = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert tiles(html)["tasks behind schedule"] == "6"  # seven warnings about six tasks
    project = text_of((tmp_path / "out" / "projects" / "p.html").read_text("utf-8"))
    assert "Progress: actual 0% planned 81.8% ▼ -100%" in project
    # each −100.0% is a reason for red; O-1 (P3) is overdue too, which alone is amber
    assert "O-1 deviates -100%, at least twice the alert threshold" in project
    assert "Overdue: 1 task (O-1)" in project


# ---------------------------------------------------------------- what counts


def test_an_entry_deviation_counts_only_on_the_latest_report_of_its_task(tmp_path):
    files = {
        "p/tasks/A-1.md": task("A-1", "2024-03-04", "2024-03-15", "status: doing"),
        # 1 of 2 (−50.0%), at 10% as planned; then 2 of 2 the next day, at 20%
        "p/reports/2024-03-04-ann.md": report("2024-03-04", "ann", entry("A-1", 2, 1, 10)),
        "p/reports/2024-03-05-ann.md": report("2024-03-05", "ann", entry("A-1", 2, 2, 20)),
    }
    root = write(tmp_path / "content", files)
    assert health(root, "2024-03-04") == (
        "red",
        ("A-1 deviates -50%, at least twice the alert threshold",),
    )
    # the next report caught up: the deviation of the 4th is history, still listed
    assert health(root, "2024-03-05") == ("green", ())
    later = analyse(root, D("2024-03-05"))
    assert [f.file for f in later.findings if f.code == "deviation"] == [
        "p/reports/2024-03-04-ann.md"
    ]


def test_a_report_finding_counts_for_stale_days_plus_three_working_days(tmp_path):
    late = report("2024-03-04", "ann", entry("A-1", 1, 1, 100), submitted="2024-03-04T18:00:00Z")
    files = {
        "p/tasks/A-1.md": task("A-1", "2024-03-04", "2024-03-04", "status: done"),
        "p/reports/2024-03-04-ann.md": late,
    }
    root = write(tmp_path / "content", files)
    # five working days up to Friday 8 March reach back to Monday 4th; from Monday 11th
    # they start on the 5th
    assert health(root, "2024-03-08") == (
        "amber",
        ("Late report: 1 daily report (2024-03-04 Ann)",),
    )
    assert health(root, "2024-03-11") == ("green", ())


def test_an_overload_counts_on_the_day_or_later_only(tmp_path):
    files = {  # Cy may carry one task; two overlap on the 5th and 6th
        "p/tasks/C-1.md": task("C-1", "2024-03-04", "2024-03-06", owner="cy"),
        "p/tasks/C-2.md": task("C-2", "2024-03-05", "2024-03-08", owner="cy"),
    }
    root = write(tmp_path / "content", files)

    def overload_counts(day: str) -> bool:
        analysis = analyse(root, D(day))
        matters = OpenMatters.of(analysis.site, analysis.status)
        [finding] = [f for f in analysis.findings if f.code == "overload"]
        return matters.counts(finding)

    assert overload_counts("2024-03-04") and overload_counts("2024-03-06")
    assert not overload_counts("2024-03-07")
    assert "Overloaded: 1 person (Cy)" in health(root, "2024-03-06")[1]
    assert not any("Overloaded" in r for r in health(root, "2024-03-07")[1])


def test_a_high_risk_counts_while_open_and_about_open_work(tmp_path):
    def risk(status: str, tasks: str) -> str:
        return (
            f"---\nid: R-1\ntitle: Venue\nimpact: high\nowner: ann\nstatus: {status}\n"
            f"tasks: {tasks}\n---\n"
        )

    files = {
        "p/tasks/A-1.md": task("A-1", "2024-03-04", "2024-03-05", "status: done"),
        "p/tasks/A-2.md": task("A-2", "2024-03-11", "2024-03-12"),
    }
    cases = {
        ("open", "[A-2]"): "red",  # A-2 is still to do
        ("open", "[]"): "red",  # about the whole project
        ("open", "[A-1]"): "green",  # A-1 is done: the risk can no longer hit
        ("resolved", "[A-2]"): "green",
    }
    for (status, tasks), expected in cases.items():
        root = write(
            tmp_path / f"{status}-{tasks[1:-1]}", {**files, "p/risks/R-1.md": risk(status, tasks)}
        )
        got = health(root, "2024-03-06")
        assert got[0] == expected, (status, tasks, got)
        if expected == "red":
            assert got[1][0] == "open high risk R-1 Venue"


# ---------------------------------------------------------------- parent tasks


def test_a_parent_task_is_a_summary_of_its_subtasks(tmp_path):
    files = {  # Cy may carry one task: the parent does not count against her
        "p/tasks/P.md": task("P", "2024-03-04", "2024-03-15", owner="cy"),
        "p/tasks/S-1.md": task(
            "S-1", "2024-03-04", "2024-03-08", "parent: P", "status: done", owner="bob"
        ),
        "p/tasks/S-2.md": task("S-2", "2024-03-11", "2024-03-15", "parent: P", owner="cy"),
    }
    root = write(tmp_path / "content", files)
    analysis = analyse(root, D("2024-03-12"))
    parent = analysis.status.tasks["P"]
    # S-1 5 days, planned 100, done 100; S-2 5 days, 2 elapsed: planned 40, started,
    # unreported: 0. Planned (500 + 200) / 10 = 70, actual 500 / 10 = 50.
    assert (parent.planned, parent.actual, parent.status.value) == (70, 50, "doing")
    assert analysis.status.people["cy"].load.peak == 1  # S-2 only; P carries no load
    codes = {(f.code, f.task) for f in analysis.findings}
    assert ("schedule-deviation", "S-2") in codes  # the subtask: −100.0%
    assert ("schedule-deviation", "P") not in codes  # −28.6%, but its subtasks speak
    assert not any(f.code == "overload" for f in analysis.findings)
    # once its subtasks are done, so is the parent: not overdue after its end
    done = files["p/tasks/S-2.md"].replace("parent: P", "parent: P\nstatus: done")
    write(root, {**files, "p/tasks/S-2.md": done})
    after = analyse(root, D("2024-03-20"))
    assert after.status.tasks["P"].status.value == "done"
    assert not [f for f in after.findings if f.task == "P" and f.code == "overdue"]


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


def test_a_report_with_a_typo_is_not_also_a_missing_report(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    task = content / "q3-launch" / "tasks" / "MKT-202307-001-02.md"
    task.write_text(task.read_text("utf-8").replace("status: done", "status: doing"), "utf-8")
    report = content / "q3-launch" / "reports" / "2023-07-10-li-si.md"
    report.write_text(report.read_text("utf-8").replace("planned: 2", "planned: three"), "utf-8")
    findings = analyse(content, date(2023, 7, 12)).findings
    assert [f.code for f in findings if f.file.endswith("2023-07-10-li-si.md")] == ["field"]
    missing = [f for f in findings if f.code == "missing-report" and f.person == "li-si"]
    assert [f.day for f in missing] == ["2023-07-11"]  # not 07-10: that report was handed in


def test_dates_on_days_off_get_a_notice(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    task = content / "q3-launch" / "tasks" / "MKT-202307-001-02.md"
    task.write_text(task.read_text("utf-8").replace("status: done", "status: doing"), "utf-8")
    findings = analyse(content, date(2023, 7, 20)).findings
    days_off = [(f.file, f.line) for f in findings if f.code == "non-working-day"]
    assert days_off == [  # a Saturday start (line 8) and a Saturday report (line 2)
        ("q3-launch/reports/2023-07-15-li-si.md", 2),
        ("q3-launch/tasks/MKT-202307-001-02.md", 8),
    ]


def test_a_retro_dated_later_does_not_call_kpis_missed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", content)
    retro = content / "q3-launch" / "retro.md"
    retro.write_text(re.sub(r"^date: .*$", "date: 2023-12-20", retro.read_text("utf-8"),
                            count=1, flags=re.M), "utf-8")  # fmt: skip
    early = analyse(content, date(2023, 11, 1)).status.kpis["q3-launch"]
    assert early and all(k.actual is None and k.achievement is None for k in early)
    held = analyse(content, date(2023, 12, 20)).status.kpis["q3-launch"]
    assert held[0].actual is not None and held[0].achievement is not None
