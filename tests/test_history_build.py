"""History in builds and checks (SPEC §9), through the command line, on fixture
repositories with fixed commit times. Expected values are worked out by hand from the
timeline below (site time zone Asia/Shanghai, deadline 17:00).

    C1 07-02 10:00  plan: T-1, T-2 (07-03..07-07); a report dated 06-30 (imported)
    C2 07-03 16:30  report 07-03 (T-1 1 of 2, 20%; T-2)          on time
    C3 07-04 18:15  report 07-04, no 'submitted' (10:15 UTC)      late by its commit
    C4 07-05 20:30  report 07-05, submitted: 16:50               backdated
    C5 07-06 09:00  Wang Wu rewrites 07-03: T-1 2 of 2, 40%; T-2 removed
    C6 07-06 12:00  T-3 added; T-1 ends 07-10 instead of 07-07
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import FixtureRepo

from sitegen.cli import main

SITE = "title: History\nlanguage: en\ntimezone: Asia/Shanghai\n"
TEAM = "people:\n  - {id: li-si, name: Li Si}\n  - {id: wang-wu, name: Wang Wu}\n"


def task(task_id: str, end: str, owner: str = "li-si") -> str:
    return (
        f"---\nid: {task_id}\ntitle: Task {task_id}\nowner: {owner}\n"
        f"start: 2023-07-03\nend: {end}\ndeliverables: [files]\n---\n"
    )


def report(day: str, entries: str = "", submitted: str | None = None) -> str:
    stamp = f"submitted: {submitted}\n" if submitted else ""
    return f"---\ndate: {day}\nauthor: li-si\n{stamp}entries:{entries or ' []'}\n---\nDone.\n"


def entry(task_id: str, done: str, planned: int, actual: int, progress: int) -> str:
    return (
        f"\n  - task: {task_id}\n    done: {done}\n    planned: {planned}\n"
        f"    actual: {actual}\n    progress: {progress}\n    evidence: [https://x.example/1]"
    )


REPORT_3 = "p/reports/2023-07-03-li-si.md"
REPORT_4 = "p/reports/2023-07-04-li-si.md"
REPORT_5 = "p/reports/2023-07-05-li-si.md"


@pytest.fixture
def repo(timeline: FixtureRepo, tmp_path: Path) -> FixtureRepo:
    return timeline.copy(tmp_path / "repo")


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> FixtureRepo:
    repo = FixtureRepo(tmp_path_factory.mktemp("timeline") / "repo")
    repo.write("site.yaml", SITE)
    repo.write("team.yaml", TEAM)
    repo.write("p/project.md", "---\ntitle: P\n---\n")
    repo.write("p/tasks/T-1.md", task("T-1", "2023-07-07"))
    repo.write("p/tasks/T-2.md", task("T-2", "2023-07-07", "wang-wu"))
    repo.write("p/reports/2023-06-30-li-si.md", report("2023-06-30"))
    repo.commit("2023-07-02T10:00:00+08:00", "plan")
    first = entry("T-1", "draft 1", 2, 1, 20) + entry("T-2", "covers", 1, 1, 10)
    repo.write(REPORT_3, report("2023-07-03", first))
    repo.commit("2023-07-03T16:30:00+08:00", "report 07-03")
    repo.write(REPORT_4, report("2023-07-04"))
    repo.commit("2023-07-04T10:15:00+00:00", "report 07-04")  # 18:15 in Shanghai
    repo.write(REPORT_5, report("2023-07-05", submitted="2023-07-05T16:50:00+08:00"))
    repo.commit("2023-07-05T20:30:00+08:00", "report 07-05")
    repo.write(REPORT_3, report("2023-07-03", entry("T-1", "drafts 1 and 2", 2, 2, 40)))
    repo.commit("2023-07-06T09:00:00+08:00", "catch up", author="Wang Wu")
    repo.write("p/tasks/T-3.md", task("T-3", "2023-07-07"))
    repo.write("p/tasks/T-1.md", task("T-1", "2023-07-10"))
    repo.commit("2023-07-06T12:00:00+08:00", "replan")
    return repo


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


HISTORY_CODES = ("late-report", "backdated-report", "report-edited", "no-history")


def of_history(findings: list[dict]) -> list[tuple[str, str, int, str]]:
    return sorted(
        (f["code"], f["file"], f["line"], f["message"])
        for f in findings
        if f["code"] in HISTORY_CODES
    )


def expected_today(repo: FixtureRepo) -> list[tuple[str, str, int, str]]:
    return sorted(
        [
            (
                "late-report",
                REPORT_4,
                2,  # its date: it has no 'submitted'
                "Li Si's report for 2023-07-04 was first committed at 2023-07-04 18:15"
                f" (Asia/Shanghai; commit {commit_of(repo, 'report 07-04')}), after the 17:00"
                " deadline: commit each day's report before the deadline",
            ),
            (
                "backdated-report",
                REPORT_5,
                4,  # submitted
                "Li Si's report for 2023-07-05 says it was submitted at 2023-07-05"
                " 16:50, but it was first committed at 2023-07-05 20:30 (Asia/Shanghai; commit"
                f" {commit_of(repo, 'report 07-05')} by Li Si), after the 17:00 deadline: write"
                " the time it was really handed in under 'submitted'",
            ),
            (
                "report-edited",
                REPORT_3,
                8,  # entries[0].actual, as the report is now
                "Li Si's report for 2023-07-03 was changed after the 17:00 deadline by"
                f" commit {commit_of(repo, 'catch up')} (Wang Wu, 2023-07-06 09:00"
                " Asia/Shanghai): T-1: actual 1 → 2, progress 20 → 40, done 'draft 1' →"
                " 'drafts 1 and 2'; T-2: entry removed. Leave a filed report as it was and"
                " explain corrections in the next day's report",
            ),
        ]
    )


def test_a_build_of_today_reads_the_commits_behind_each_report(repo: FixtureRepo) -> None:
    # 07-03 was committed at 16:30 (on time); the 06-30 report came with the first
    # commit, on 07-02: history knows nothing of 06-30, so it is not late.
    assert of_history(check(repo.content)) == expected_today(repo)


def test_content_as_of_a_past_day_is_the_last_commit_of_that_day(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    status = build(repo.content, tmp_path / "out", "--as-of", "2023-07-04")
    tasks = {t["id"]: t for t in status["tasks"]}
    assert sorted(tasks) == ["T-1", "T-2"]  # T-3 came on 07-06
    assert tasks["T-1"]["end"] == "2023-07-07"  # moved on 07-06
    # The 07-03 report as filed: 1 of 2 done (-50.0%), before it was rewritten.
    findings = status["findings"]
    deviation = [f for f in findings if f["code"] == "deviation"]
    assert [(f["file"], f["line"]) for f in deviation] == [(REPORT_3, 8)]
    assert "1 of 2 planned done for T-1, deviation -50.0%" in deviation[0]["message"]
    assert of_history(findings) == [e for e in expected_today(repo) if e[0] == "late-report"]
    out = tmp_path / "out"
    assert not (out / "reports/p/2023-07-05-li-si.html").exists()
    assert "draft 1" in (out / "reports/p/2023-07-03-li-si.html").read_text("utf-8")
    # The snapshot is read from the user cache; the content folder is left as it was.
    assert repo.git("status", "--porcelain") == ""


def test_a_build_of_today_sees_uncommitted_edits(repo: FixtureRepo, tmp_path: Path) -> None:
    repo.write("p/tasks/T-2.md", task("T-2", "2023-07-07", "wang-wu").replace("Task T-2", "Covers"))
    status = build(repo.content, tmp_path / "out")
    assert {t["id"]: t["title"] for t in status["tasks"]}["T-2"] == "Covers"
    # On the newest commit's day the working tree is read too.
    status = build(repo.content, tmp_path / "out", "--as-of", "2023-07-06")
    assert {t["id"]: t["title"] for t in status["tasks"]}["T-2"] == "Covers"


def test_a_renamed_report_keeps_the_time_it_was_handed_in(repo: FixtureRepo) -> None:
    repo.rename(REPORT_4, "p/reports/2023-07/2023-07-04-li-si.md")
    repo.commit("2023-07-10T09:00:00+08:00", "reports by month")
    late = [f for f in check(repo.content) if f["code"] == "late-report"]
    assert [(f["file"], f["line"]) for f in late] == [("p/reports/2023-07/2023-07-04-li-si.md", 2)]
    assert "first committed at 2023-07-04 18:15" in late[0]["message"]


def test_a_report_handed_in_on_a_branch_counts_from_its_own_commit(repo: FixtureRepo) -> None:
    repo.git("checkout", "-q", "-b", "side")
    repo.write("p/reports/2023-07-07-li-si.md", report("2023-07-07"))
    repo.commit("2023-07-07T16:00:00+08:00", "report 07-07 on a branch")
    repo.git("checkout", "-q", "main")
    repo.write("p/tasks/T-2.md", task("T-2", "2023-07-08", "wang-wu"))
    repo.commit("2023-07-07T17:30:00+08:00", "move T-2")
    repo.git("merge", "-q", "--no-edit", "side", when="2023-07-07T19:00:00+08:00")
    findings = check(repo.content)
    # Merged at 19:00, but handed in at 16:00: not late.
    assert of_history(findings) == expected_today(repo)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--no-history"],
            "the content's git history is not read (--no-history): run without --no-history"
            " to see past days as they were committed, submission times from commits and"
            " reports edited after their deadline",
        ),
        (
            ["--no-history", "--as-of", "2023-07-04"],
            "the content's git history is not read (--no-history): run without --no-history"
            " to see past days as they were committed, submission times from commits and"
            " reports edited after their deadline; task statuses are today's (a task marked"
            " done may not have been done on 2023-07-04), and reports, retros and risks dated"
            " after 2023-07-04 are left out",
        ),
        (
            ["--as-of", "2023-07-01"],
            "2023-07-01 is before the content's history, which starts on 2023-07-02: the"
            " files are read as they are now; task statuses are today's (a task marked done"
            " may not have been done on 2023-07-01), and reports, retros and risks dated"
            " after 2023-07-01 are left out",
        ),
    ],
)
def test_without_history_one_notice_says_why(
    repo: FixtureRepo, options: list[str], message: str
) -> None:
    assert of_history(check(repo.content, *options)) == [("no-history", "site.yaml", 1, message)]


def test_a_past_day_read_from_todays_files_leaves_out_what_came_later(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    status = build(repo.content, tmp_path / "out", "--no-history", "--as-of", "2023-07-04")
    tasks = {t["id"]: t for t in status["tasks"]}
    assert sorted(tasks) == ["T-1", "T-2", "T-3"] and tasks["T-1"]["end"] == "2023-07-10"
    reports = sorted(p.name for p in (tmp_path / "out" / "reports" / "p").glob("*.html"))
    assert reports == ["2023-06-30-li-si.html", "2023-07-03-li-si.html", "2023-07-04-li-si.html"]


def test_a_shallow_clone_has_one_notice_and_no_commit_times(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    clone = repo.shallow_clone(tmp_path / "clone")
    assert of_history(check(clone.content)) == [
        (
            "no-history",
            "site.yaml",
            1,
            "this is a shallow clone (only the latest commits), so the content's history is"
            " not read: clone the whole history; in GitHub Actions give actions/checkout"
            " 'fetch-depth: 0'",
        )
    ]


def test_a_new_commit_is_never_answered_with_the_last_findings(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    again = report("2023-07-03", entry("T-1", "drafts 1 and 2", 2, 3, 40))
    repo.write(REPORT_3, again)  # not committed yet: not an edit the history knows
    codes = [f["code"] for f in build(repo.content, out)["findings"]]
    assert codes.count("report-edited") == 1
    repo.commit("2023-07-08T10:00:00+08:00", "more")  # the files stay as they were
    edited = [f for f in build(repo.content, out)["findings"] if f["code"] == "report-edited"]
    assert len(edited) == 2
    assert any(f"commit {commit_of(repo, 'more')}" in f["message"] for f in edited)
    assert any("T-1: actual 2 → 3. Leave" in f["message"] for f in edited)
    codes = [f["code"] for f in build(repo.content, out, "--no-history")["findings"]]
    assert "no-history" in codes and "report-edited" not in codes


def test_the_weekly_review_spot_checks_rewritten_and_backdated_reports_first(
    repo: FixtureRepo, tmp_path: Path
) -> None:
    build(repo.content, tmp_path / "out")
    page = (tmp_path / "out" / "weekly" / "2023-W27.html").read_text("utf-8")
    spot = page[page.index('id="spot-h"') :]
    spot = spot[: spot.index("</section>")]
    edited, backdated = commit_of(repo, "catch up"), commit_of(repo, "report 07-05")
    assert spot.index(edited) < spot.index(backdated) < spot.index('class="note"')
    assert "actual 1 → 2" in spot and "T-2: entry removed" in spot
    assert 'href="../reports/p/2023-07-03-li-si.html"' in spot


def test_build_check_and_serve_take_no_history() -> None:
    for command in ("build", "check", "serve"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert "--no-history" in result.output, command


# ---------------------------------------------------------------- the pure parts


def test_entries_are_compared_by_task_on_the_watched_values() -> None:
    from sitegen.content.model import ReportDoc
    from sitegen.engine.history.reports import EntryChange, entry_changes

    def doc(*entries: dict) -> ReportDoc:
        return ReportDoc.model_validate(
            {"date": "2023-07-03", "author": "li-si", "entries": entries}
        )

    old = doc(
        {"task": "T-1", "planned": 2, "actual": 1, "progress": 20, "done": "a", "problem": "x"},
        {"task": "T-2", "planned": 1, "actual": 1},
        {"task": "T-1", "planned": 9},  # a second entry of T-1: the first one counts
    )
    new = doc(
        {"task": "T-3", "planned": 5},  # added: not a rewrite
        {"task": "T-1", "planned": "2.0", "actual": 2, "progress": 20, "done": "a", "problem": "y"},
    )
    assert entry_changes(old, new) == [
        EntryChange("T-1", "actual", 1, 2),  # 2 and 2.0 are the same quantity
        EntryChange("T-2", None),
    ]


def test_which_files_a_day_reads(timeline: FixtureRepo) -> None:
    from zoneinfo import ZoneInfo

    from sitegen.content.history import History, history_of
    from sitegen.content.history.snapshot import plan_reading

    history = history_of(timeline.content)
    assert isinstance(history, History)
    zone = ZoneInfo("Asia/Shanghai")
    before = plan_reading(history, date(2023, 7, 1), zone)
    assert (before.count, before.snapshot, before.covers) == (0, None, False)
    july_4 = plan_reading(history, date(2023, 7, 4), zone)  # C1–C3, C4 came on 07-05
    assert july_4.count == 3 and july_4.snapshot == history.revisions[2].commit
    for day in (date(2023, 7, 6), date(2023, 8, 1), None):  # the newest commit's day or later
        later = plan_reading(history, day, zone)
        assert (later.count, later.snapshot, later.covers) == (6, None, True)
    history.close()


def test_todays_files_read_for_an_earlier_day() -> None:
    from sitegen.content.choices import RiskStatus
    from sitegen.content.history.asof import as_dated_on
    from sitegen.content.model import ReportDoc, RetroDoc, RiskDoc
    from sitegen.content.projects import Project, Site
    from sitegen.content.settings import SiteSettings

    def risk(risk_id: str, **fields: str) -> RiskDoc:
        base = {"id": risk_id, "title": "t", "impact": "high", "owner": "li-si"}
        return RiskDoc.model_validate({**base, "status": "resolved", **fields})

    reports = [
        ReportDoc.model_validate({"date": day, "author": "li-si"})
        for day in ("2023-07-04", "2023-07-05")
    ]
    risks = [
        risk("R-1", raised="2023-07-01", resolved_on="2023-07-04"),
        risk("R-2", raised="2023-07-01", resolved_on="2023-07-05"),
        risk("R-3", raised="2023-07-05"),
        risk("R-4", status="open"),
    ]
    retro = RetroDoc.model_validate({"date": "2023-07-05"})
    site = Site(SiteSettings(), [], [Project("p", "p", None, [], reports, risks, retro)])
    project = as_dated_on(site, date(2023, 7, 4)).projects[0]
    assert [r.date for r in project.reports] == [date(2023, 7, 4)]
    assert [(r.id, r.status, r.resolved_on) for r in project.risks] == [
        ("R-1", RiskStatus.RESOLVED, date(2023, 7, 4)),
        ("R-2", RiskStatus.OPEN, None),  # resolved the day after: still open
        ("R-4", RiskStatus.OPEN, None),
    ]
    assert project.retro is None
    assert as_dated_on(site, date(2023, 7, 5)).projects[0].retro is retro


@pytest.mark.parametrize(
    "path", [".github/workflows/ci.yml", "sitegen/authoring/scaffolds/sitegen.yml"]
)
def test_ci_checks_out_the_whole_history(path: str) -> None:
    import yaml

    workflow = yaml.safe_load((Path(__file__).resolve().parent.parent / path).read_text("utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    checkouts = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(step["with"]["fetch-depth"] == 0 for step in checkouts)


@pytest.mark.parametrize("options", [[], ["--as-of", "2023-07-04"]])
def test_files_git_cannot_give_are_as_no_history(
    repo: FixtureRepo, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    from sitegen.content.history import reader

    def failing(self: reader.BlobReader, blob: str) -> bytes:
        raise reader.GitError(f"git has no file {blob}")

    monkeypatch.setattr(reader.BlobReader, "read", failing)
    notices = [f for f in check(repo.content, *options) if f["code"] == "no-history"]
    assert [n["message"].split(":")[0] for n in notices] == [
        "git could not read the content's history"
    ]


def test_without_site_yaml_the_notice_is_on_the_folder(tmp_path: Path) -> None:
    content = tmp_path / "plain"
    (content / "p").mkdir(parents=True)
    (content / "team.yaml").write_text(TEAM, "utf-8")
    (content / "p" / "project.md").write_text("---\ntitle: P\n---\n", "utf-8")
    notices = [f for f in check(content) if f["code"] == "no-history"]
    assert [(n["file"], n["line"], n["severity"]) for n in notices] == [(".", 1, "notice")]
    assert notices[0]["message"].startswith("the content folder is not in a git repository")
