"""Baselines, slips, replans and trends in builds and checks (SPEC §9), through the
command line, on a fixture repository with fixed commit times (Asia/Shanghai).

    C1 06-30 10:00  plan: T-1 03..10 Jul (6 working days), T-2 03..07 Jul (5)
    C2 07-03 17:30  report 07-03: T-1 10%, T-2 20%
    C3 07-05 18:30  Wang Wu moves T-1's end to 07-12
    C4 07-06 17:30  report 07-06: T-1 30%, T-2 60%
    C5 07-07 09:15  T-1's end moves to 07-14
    C6 07-10 17:30  report 07-10: T-1 50%; T-2 done
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import FixtureRepo

from sitegen.cli import main

SITE = "title: Plans\nlanguage: en\ntimezone: Asia/Shanghai\n"
TEAM = "people:\n  - {id: li-si, name: Li Si}\n"
T1 = "p/tasks/T-1.md"


def task(task_id: str, end: str, status: str = "") -> str:
    line = f"status: {status}\n" if status else ""
    return (
        f"---\nid: {task_id}\ntitle: Task {task_id}\nowner: li-si\nstart: 2023-07-03\n"
        f"end: {end}\n{line}deliverables: [files]\n---\n"
    )


def report(day: str, *progress: tuple[str, int]) -> str:
    entries = "".join(
        f"\n  - task: {t}\n    progress: {v}\n    evidence: [https://x.example/{t}]"
        for t, v in progress
    )
    return (
        f"---\ndate: {day}\nauthor: li-si\nsubmitted: {day}T16:50:00+08:00\n"
        f"entries:{entries}\n---\nDone.\n"
    )


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> FixtureRepo:
    repo = FixtureRepo(tmp_path_factory.mktemp("plans") / "repo")
    repo.write("site.yaml", SITE)
    repo.write("team.yaml", TEAM)
    repo.write("p/project.md", "---\ntitle: P\nstart: 2023-07-03\n---\n")
    repo.write(T1, task("T-1", "2023-07-10"))
    repo.write("p/tasks/T-2.md", task("T-2", "2023-07-07"))
    repo.commit("2023-06-30T10:00:00+08:00", "plan")
    repo.write("p/reports/2023-07-03-li-si.md", report("2023-07-03", ("T-1", 10), ("T-2", 20)))
    repo.commit("2023-07-03T17:30:00+08:00", "report 07-03")
    repo.write(T1, task("T-1", "2023-07-12"))
    repo.commit("2023-07-05T18:30:00+08:00", "later", author="Wang Wu")
    repo.write("p/reports/2023-07-06-li-si.md", report("2023-07-06", ("T-1", 30), ("T-2", 60)))
    repo.commit("2023-07-06T17:30:00+08:00", "report 07-06")
    repo.write(T1, task("T-1", "2023-07-14"))
    repo.commit("2023-07-07T09:15:00+08:00", "later again")
    repo.write("p/reports/2023-07-10-li-si.md", report("2023-07-10", ("T-1", 50)))
    repo.write("p/tasks/T-2.md", task("T-2", "2023-07-07", "done"))
    repo.commit("2023-07-10T17:30:00+08:00", "report 07-10")
    return repo


@pytest.fixture
def repo(timeline: FixtureRepo, tmp_path: Path) -> FixtureRepo:
    return timeline.copy(tmp_path / "repo")


def commit_of(repo: FixtureRepo, message: str) -> str:
    return repo.git("log", "--format=%h", "--abbrev=7", f"--grep=^{message}$").strip()


def check(content: Path, *options: str) -> list[dict]:
    result = CliRunner().invoke(main, ["check", str(content), "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["findings"]


def build(content: Path, out: Path, *options: str) -> dict:
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return json.loads((out / "status.json").read_text("utf-8"))


def plans(findings: list[dict]) -> list[tuple[str, str, str, int, str]]:
    return [
        (f["code"], f["severity"], f["file"], f["line"], f["message"])
        for f in findings
        if f["code"] in ("replanned", "slipped")
    ]


def replanned(repo: FixtureRepo, old: str, new: str, message: str, who: str, at: str) -> tuple:
    return (
        "replanned",
        "notice",
        T1,
        6,  # the line of 'end'
        f"T-1: end {old} → {new}, in commit {commit_of(repo, message)} by {who} on {at}"
        " (Asia/Shanghai); make sure the owner and the stakeholders agreed to the new plan",
    )


def slipped(days: int, end: str, share: str) -> tuple:
    return (
        "slipped",
        "warning",
        T1,
        6,
        f"T-1 ends {days} working days later than its baseline: 2023-07-10 → {end}, {share}"
        " of the baseline duration (alert at 20.0%); a new end date does not make a delay go"
        " away: find the cause, agree how to recover and tell the stakeholders",
    )


def test_check_names_every_replan_and_the_slip(timeline: FixtureRepo) -> None:
    found = plans(check(timeline.content, "--as-of", "2023-07-12"))
    # (10 Jul, 14 Jul] is 4 working days, 66.7% of the 6 planned: at least 20%.
    assert sorted(found) == sorted(
        [
            replanned(timeline, "2023-07-10", "2023-07-12", "later", "Wang Wu", "2023-07-05 18:30"),
            replanned(
                timeline, "2023-07-12", "2023-07-14", "later again", "Li Si", "2023-07-07 09:15"
            ),
            slipped(4, "2023-07-14", "66.7%"),
        ]
    )


def test_a_past_day_knows_only_the_replans_made_by_then(timeline: FixtureRepo) -> None:
    found = plans(check(timeline.content, "--as-of", "2023-07-06"))
    assert sorted(found) == sorted(
        [
            replanned(timeline, "2023-07-10", "2023-07-12", "later", "Wang Wu", "2023-07-05 18:30"),
            slipped(2, "2023-07-12", "33.3%"),
        ]
    )


def test_status_json_has_each_tasks_baseline_and_the_projects_trend(
    timeline: FixtureRepo, tmp_path: Path
) -> None:
    data = build(timeline.content, tmp_path / "out", "--as-of", "2023-07-12")
    tasks = {t["id"]: t for t in data["tasks"]}
    fields = ("baseline_start", "baseline_end", "slip_days", "added_after_baseline")
    assert [tasks["T-1"][k] for k in fields] == ["2023-07-03", "2023-07-10", 4, False]
    assert [tasks["T-2"][k] for k in fields] == ["2023-07-03", "2023-07-07", 0, False]
    trend = data["projects"][0]["trend"]
    assert [point["date"] for point in trend] == [
        "2023-07-03", "2023-07-04", "2023-07-05", "2023-07-06", "2023-07-07",
        "2023-07-10", "2023-07-11", "2023-07-12",
    ]  # fmt: skip
    # 3 July: T-1 1 of 6 days and 10%, T-2 1 of 5 and 20%: 200/11 and 160/11.
    assert trend[0] == {"date": "2023-07-03", "planned": 18.2, "actual": 14.5}
    # 5 July, after Wang Wu's evening commit: T-1 runs 3–12 July (8 days), 3 of them
    # elapsed; T-2 3 of 5: 600/13 planned, (8 × 10 + 5 × 20)/13 actual.
    assert trend[2] == {"date": "2023-07-05", "planned": 46.2, "actual": 13.8}
    # 12 July: T-1 8 of 10 days and 50%, T-2 done: 1300/15 and 1000/15.
    assert trend[-1] == {"date": "2023-07-12", "planned": 86.7, "actual": 66.7}


def test_without_history_there_is_no_baseline_and_no_trend(
    timeline: FixtureRepo, tmp_path: Path
) -> None:
    data = build(timeline.content, tmp_path / "out", "--as-of", "2023-07-12", "--no-history")
    fields = ("baseline_start", "baseline_end", "slip_days", "added_after_baseline")
    assert all(task[k] is None for task in data["tasks"] for k in fields)
    assert data["projects"][0]["trend"] == []
    assert plans(data["findings"]) == []


def test_the_project_baseline_day_and_scope_added_after_it(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    repo.write("p/project.md", "---\ntitle: P\nstart: 2023-07-03\nbaseline: 2023-07-06\n---\n")
    repo.write("p/tasks/T-3.md", task("T-3", "2023-07-14"))
    repo.commit("2023-07-11T10:00:00+08:00", "baseline, and a task the client asked for")
    data = build(repo.content, tmp_path / "out", "--as-of", "2023-07-12")
    tasks = {t["id"]: t for t in data["tasks"]}
    # At the end of 6 July T-1 was to end on 12 July: (12 Jul, 14 Jul] is 2 days.
    assert (tasks["T-1"]["baseline_end"], tasks["T-1"]["slip_days"]) == ("2023-07-12", 2)
    assert tasks["T-3"]["added_after_baseline"] is True
    assert tasks["T-1"]["added_after_baseline"] is False
    page = (tmp_path / "out" / "tasks" / "T-3.html").read_text("utf-8")
    assert "Added after the baseline" in page


def test_the_pages_show_the_slip_and_the_trend(timeline: FixtureRepo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(timeline.content, out, "--as-of", "2023-07-12")
    page = (out / "tasks" / "T-1.html").read_text("utf-8")
    assert "<dt>Slip against baseline</dt><dd>4 working days later</dd>" in page
    assert '<th scope="row">Baseline dates</th><td>2023-07-03 – 2023-07-10 ' in page
    assert "Slip against baseline" not in (out / "tasks" / "T-2.html").read_text("utf-8")
    project = (out / "projects" / "p.html").read_text("utf-8")
    assert "<summary>Show the trend (2 weeks)</summary>" in project
    # The last working day of each week: Friday 7 July, then 12 July.
    assert '<th scope="row" class="nowrap">07-07</th><td class="num">' in project
    assert '<th scope="row" class="nowrap">07-12</th><td class="num">86.7%</td>' in project
    # Every Gantt of T-1 draws its baseline under it: the project's, the dashboard's, the
    # briefs'; T-2 kept its dates and has none.
    for chart_page in ("projects/p.html", "index.html", "brief.html", "briefs/p.html"):
        html = (out / chart_page).read_text("utf-8")
        assert html.count('<rect class="baseline"') == 1, chart_page


def test_each_trend_point_is_what_a_build_as_of_that_day_shows(
    timeline: FixtureRepo, tmp_path: Path
) -> None:
    project = build(timeline.content, tmp_path / "out", "--as-of", "2023-07-12")["projects"][0]
    assert len(project["trend"]) == 8
    for point in project["trend"]:
        then = build(timeline.content, tmp_path / point["date"], "--as-of", point["date"])
        progress = then["projects"][0]["progress"]
        assert (point["planned"], point["actual"]) == (progress["planned"], progress["actual"])
        assert then["projects"][0]["trend"][-1] == point


def test_a_public_site_shows_the_slip_but_not_who_replanned(
    timeline: FixtureRepo, tmp_path: Path
) -> None:
    team = build(timeline.content, tmp_path / "team", "--as-of", "2023-07-12")
    public = build(timeline.content, tmp_path / "public", "--as-of", "2023-07-12", "--public")
    assert {"replanned", "slipped"} <= {f["code"] for f in team["findings"]}
    assert [code for code, *_ in plans(public["findings"])] == ["slipped"]
    assert "Wang Wu" not in (tmp_path / "public" / "status.json").read_text("utf-8")
