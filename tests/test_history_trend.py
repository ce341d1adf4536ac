"""A project's trend (SPEC §9): planned and actual progress on every working day, from
the content as it stood at the end of that day.

July 2023, Saturdays and Sundays off: 3 July is a Monday.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from gitrepo import FixtureRepo
from hypothesis import given
from hypothesis import strategies as st

from sitegen.content.choices import TaskKind, TaskStatus
from sitegen.content.history import History, history_of
from sitegen.content.history.documents import VersionReader
from sitegen.content.load import load_site
from sitegen.content.model import ReportDoc, TaskDoc
from sitegen.content.projects import Site
from sitegen.engine import metrics
from sitegen.engine.compute import compute
from sitegen.engine.history.progress_inputs import Counted, Ordinals, PlannedCurve, ProgressInputs
from sitegen.engine.history.trend import project_trends, trend_rows
from sitegen.engine.workdays import WorkCalendar

D = date.fromisoformat
PLAIN = WorkCalendar()


def task(task_id: str, start: str, end: str, **more: object) -> TaskDoc:
    return TaskDoc(id=task_id, title=task_id, owner="li", start=D(start), end=D(end), **more)


def report(day: str, *progress: tuple[str, int]) -> ReportDoc:
    entries = [{"task": task_id, "progress": value} for task_id, value in progress]
    return ReportDoc(date=D(day), author="li", entries=entries)


# ---------------------------------------------------------------- the pieces


def test_ordinals_count_working_days_on_both_sides_of_the_origin() -> None:
    ordinals = Ordinals(PLAIN, D("2023-07-05"))
    for first, last in [("2023-07-03", "2023-07-14"), ("2023-06-26", "2023-07-04")]:
        assert ordinals.at(D(last)) - ordinals.at(D(first) - timedelta(days=1)) == PLAIN.count(
            D(first), D(last)
        )


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 15), st.booleans(), st.integers(0, 100)),
        max_size=12,
    ),
    st.integers(-5, 60),
)
def test_the_planned_curve_is_the_sum_of_each_tasks_planned_progress(tasks, offset) -> None:
    base = D("2023-07-03")
    counted = []
    for start, length, with_plan, value in tasks:
        first, end = base + timedelta(days=start), base + timedelta(days=start + length)
        weight = PLAIN.count(first, end)
        if weight == 0:
            continue
        plan = ((first + timedelta(days=1), value), (end, 100)) if with_plan and length > 1 else ()
        counted.append(Counted("p", weight, first, end, plan))
    day = base + timedelta(days=offset)
    expected = sum(
        (
            c.weight * metrics.planned_progress(c.first_day, c.end, day, PLAIN, dict(c.plan))
            for c in counted
        ),
        Fraction(0),
    )
    assert PlannedCurve(counted, Ordinals(PLAIN, base)).total(day) == expected


def test_project_progress_over_leaf_tasks_weighted_by_duration() -> None:
    inputs = ProgressInputs(PLAIN, D("2023-07-05"))
    inputs.set_task("p/tasks/A.md", task("A", "2023-07-03", "2023-07-07"))  # 5 days
    inputs.set_task("p/tasks/B.md", task("B", "2023-07-10", "2023-07-14"))  # 5 days
    inputs.set_task("p/tasks/P.md", task("P", "2023-07-03", "2023-07-14"))  # a summary
    inputs.set_task("p/tasks/C.md", task("C", "2023-07-05", "2023-07-06", parent="P"))
    inputs.set_task("p/tasks/M.md", task("M", "2023-07-07", "2023-07-07", kind=TaskKind.MILESTONE))
    cancelled = task("X", "2023-07-03", "2023-07-14", status=TaskStatus.CANCELLED)
    inputs.set_task("p/tasks/X.md", cancelled)
    inputs.set_report("p/reports/2023-07-04-li.md", report("2023-07-04", ("A", 40)))
    inputs.set_report("p/reports/2023-07-05-li.md", report("2023-07-05", ("C", 50)))
    # Weights 5 + 5 + 2 = 12. Planned on 5 July: A 3 of 5 days, C 1 of 2: (300 + 100) / 12.
    # Actual: A 40, C 50: (5 × 40 + 2 × 50) / 12 = 25.
    assert inputs.progress("p", D("2023-07-05")) == (Fraction(100, 3), Fraction(25))
    # A report dated tomorrow counts from tomorrow.
    inputs.set_report("p/reports/2023-07-06-li.md", report("2023-07-06", ("A", 60)))
    assert inputs.progress("p", D("2023-07-05"))[1] == 25
    inputs.move_to(D("2023-07-06"))
    assert inputs.progress("p", D("2023-07-06"))[1] == Fraction(5 * 60 + 2 * 50, 12)
    # Done is 100; on 7 July A and C are planned complete: (500 + 200) / 12.
    inputs.move_to(D("2023-07-07"))
    inputs.set_task("p/tasks/A.md", task("A", "2023-07-03", "2023-07-07", status=TaskStatus.DONE))
    assert inputs.progress("p", D("2023-07-07")) == (Fraction(700, 12), Fraction(600, 12))
    # Plan points: B planned 20% on 10 July and 100% on 14 July; on 12 July
    # 20 + 80 × 2/4 = 60, so (500 + 5 × 60 + 200) / 12.
    planned_b = task("B", "2023-07-10", "2023-07-14", plan={"2023-07-10": 20, "2023-07-14": 100})
    inputs.set_task("p/tasks/B.md", planned_b)
    inputs.move_to(D("2023-07-12"))
    assert inputs.progress("p", D("2023-07-12"))[0] == Fraction(1000, 12)
    # C leaves P: P becomes a leaf of its own (10 days), C still counts.
    inputs.set_task("p/tasks/C.md", task("C", "2023-07-05", "2023-07-06"))
    assert inputs.progress("p", D("2023-07-12"))[1] == Fraction(500 + 100, 22)
    # A removed report no longer counts.
    inputs.set_report("p/reports/2023-07-05-li.md", None)
    assert inputs.progress("p", D("2023-07-12"))[1] == Fraction(500, 22)
    assert inputs.progress("other", D("2023-07-12")) == (None, None)


def test_a_task_is_a_summary_only_for_subtasks_of_its_own_project() -> None:
    inputs = ProgressInputs(PLAIN, D("2023-07-05"))
    inputs.set_task("p/tasks/P.md", task("P", "2023-07-03", "2023-07-07"))
    inputs.set_task("q/tasks/Q.md", task("Q", "2023-07-03", "2023-07-04", parent="P"))
    inputs.set_task("p/tasks/S.md", task("S", "2023-07-03", "2023-07-04", parent="S"))
    # P still weighs in p (5 days), and S naming itself is no summary (2 days).
    assert inputs.progress("p", D("2023-07-05"))[0] == Fraction(100 * (3 + 2), 7)
    inputs.set_task("p/tasks/C.md", task("C", "2023-07-03", "2023-07-03", parent="P"))
    assert inputs.progress("p", D("2023-07-05"))[0] == Fraction(100 * (1 + 2), 3)


def test_a_changed_calendar_weighs_tasks_again() -> None:
    inputs = ProgressInputs(PLAIN, D("2023-07-05"))
    inputs.set_task("p/tasks/A.md", task("A", "2023-07-03", "2023-07-07"))
    inputs.set_task("p/tasks/B.md", task("B", "2023-07-10", "2023-07-14"))
    inputs.set_report("p/reports/2023-07-05-li.md", report("2023-07-05", ("B", 50)))
    assert inputs.progress("p", D("2023-07-05"))[1] == Fraction(5 * 50, 10)
    inputs.set_calendar(WorkCalendar(holidays=frozenset({D("2023-07-03"), D("2023-07-04")})))
    assert inputs.progress("p", D("2023-07-05")) == (Fraction(100 * 1, 8), Fraction(5 * 50, 8))


# ---------------------------------------------------------------- against the content of each day

SITE = "title: Test\ntimezone: Asia/Shanghai\n"
TEAM = "people:\n  - id: li\n    name: Li Si\n"


def task_file(task_id: str, start: str, end: str, extra: str = "") -> str:
    return (
        f"---\nid: {task_id}\ntitle: {task_id}\nowner: li\nstart: {start}\nend: {end}\n{extra}---\n"
    )


def report_file(day: str, *progress: tuple[str, int]) -> str:
    entries = "".join(f"  - task: {t}\n    progress: {v}\n" for t, v in progress)
    return f"---\ndate: {day}\nauthor: li\nentries:\n{entries}---\n"


def history_repo(path: Path) -> FixtureRepo:
    """Two weeks of a project: planned on Friday 30 June, reports at 17:30 on most days,
    an end moved, a task added, a report dated a day ahead, a holiday declared."""
    repo = FixtureRepo(path)
    repo.write("site.yaml", SITE)
    repo.write("team.yaml", TEAM)
    repo.write("p/project.md", "---\ntitle: Launch\nstart: 2023-07-03\n---\n")
    repo.write("p/tasks/A.md", task_file("A", "2023-07-03", "2023-07-07"))
    repo.write("p/tasks/B.md", task_file("B", "2023-07-05", "2023-07-12"))
    repo.commit("2023-06-30T16:00:00+08:00", "plan")
    repo.write("p/reports/2023-07-03-li.md", report_file("2023-07-03", ("A", 20)))
    repo.commit("2023-07-03T17:30:00+08:00")
    repo.write("p/reports/2023-07-04-li.md", report_file("2023-07-04", ("A", 30)))
    repo.commit("2023-07-05T00:30:00+08:00", "late, after midnight")
    repo.write("p/tasks/B.md", task_file("B", "2023-07-05", "2023-07-14"))
    repo.write("p/reports/2023-07-05-li.md", report_file("2023-07-05", ("A", 50), ("B", 10)))
    repo.commit("2023-07-05T17:30:00+08:00")
    repo.write("p/reports/2023-07-07-li.md", report_file("2023-07-07", ("A", 90)))
    repo.commit("2023-07-06T17:30:00+08:00", "a day ahead")
    repo.write("p/tasks/A.md", task_file("A", "2023-07-03", "2023-07-07", "status: done\n"))
    repo.write(
        "p/tasks/C.md", task_file("C", "2023-07-10", "2023-07-11", "plan: {2023-07-10: 30}\n")
    )
    repo.commit("2023-07-07T17:30:00+08:00")
    repo.write("site.yaml", SITE + "calendar:\n  holidays: [2023-07-12]\n")
    repo.write("p/reports/2023-07-10-li.md", report_file("2023-07-10", ("B", 40), ("C", 50)))
    repo.commit("2023-07-10T17:30:00+08:00")
    return repo


def content_on(repo: FixtureRepo, day: date, target: Path) -> Path:
    """The content folder as it stood at the end of ``day`` (Asia/Shanghai)."""
    until = f"{day.isoformat()}T23:59:59+08:00"
    commit = repo.git("rev-list", "-1", f"--before={until}", "HEAD").strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "content"],
        cwd=repo.path,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "content"


def progress_of(site: Site, project_id: str, day: date) -> tuple[Fraction, Fraction]:
    """Project progress as `sitegen.engine.compute` has it for the site on ``day``."""
    progress = compute(site, day).progress[project_id]
    return progress.planned, progress.actual


def trends_of(repo: FixtureRepo, as_of: date, live_from: date | None) -> dict:
    site = load_site(repo.content).site
    history = history_of(repo.content)
    assert isinstance(history, History)
    try:
        return project_trends(site, history, VersionReader(history), as_of, live_from)
    finally:
        history.close()


def test_each_trend_point_is_the_progress_of_that_days_content(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    as_of = D("2023-07-14")
    # The newest commit was on 10 July: from then on the working tree shows, here with
    # an edit not committed yet.
    repo.write("p/reports/2023-07-11-li.md", report_file("2023-07-11", ("B", 70)))
    trend = trends_of(repo, as_of, live_from=D("2023-07-10"))["p"]
    assert [point.day for point in trend] == [
        D(f"2023-07-{n:02d}") for n in (3, 4, 5, 6, 7, 10, 11, 13, 14)
    ]  # 12 July became a holiday
    for point in trend:
        if point.day >= D("2023-07-10"):
            site = load_site(repo.content).site
        else:
            site = load_site(content_on(repo, point.day, tmp_path / point.day.isoformat())).site
        assert (point.planned, point.actual) == progress_of(site, "p", point.day), point.day
    # By hand, on 5 July: A (3–7 Jul) 3 of 5 days planned, 50 reported; B (5–14 Jul since
    # that day) 1 of 8, 10 reported. Weights 5 + 8.
    july_5 = trend[2]
    assert (july_5.planned, july_5.actual) == (Fraction(300 + 100, 13), Fraction(250 + 80, 13))
    # On 4 July the report of 4 July was not in yet (committed after midnight), and B
    # still ended on 12 July (6 working days).
    assert trend[1].actual == Fraction(5 * 20, 5 + 6)
    # On 3 July: A planned 1 of 5 days and reported 20: 100 / 11 both.
    assert trend_rows(trend[:1]) == [{"date": "2023-07-03", "planned": 9.1, "actual": 9.1}]


def test_a_build_of_a_past_day_ends_its_trend_there(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    site = load_site(content_on(repo, D("2023-07-05"), tmp_path / "then")).site
    history = history_of(repo.content)
    assert isinstance(history, History)
    trend = project_trends(site, history, VersionReader(history), D("2023-07-05"), D("2023-07-10"))
    history.close()
    assert [p.day for p in trend["p"]] == [D("2023-07-03"), D("2023-07-04"), D("2023-07-05")]


def test_the_trend_starts_with_the_projects_first_commit(tmp_path: Path) -> None:
    repo = history_repo(tmp_path / "repo")
    repo.write("q/project.md", "---\ntitle: Later\nstart: 2023-07-01\n---\n")
    repo.write("q/tasks/Q.md", task_file("Q", "2023-07-10", "2023-07-14"))
    repo.commit("2023-07-11T09:00:00+08:00", "a second project")
    trends = trends_of(repo, D("2023-07-13"), live_from=D("2023-07-11"))
    assert [p.day for p in trends["q"]] == [D("2023-07-11"), D("2023-07-13")]  # 12th: holiday
    assert trends["q"][0].planned == Fraction(100 * 2, 4)  # 10, 11 of 10, 11, 13, 14
