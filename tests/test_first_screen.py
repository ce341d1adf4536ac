"""The dashboard's first screen: project rows, their one-sentence summary, the decisions
the rules call for, and the report-hygiene line. Small sites worked by hand, both
languages.

The calendar is the default one (weekend sat/sun, no holidays); March 2024 starts on a
Friday, so Mon 4 – Fri 8 and Mon 11 – Fri 15 are two working weeks. As of Wed 13 March.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from sitegen.builder.analyse import analyse
from sitegen.cli import main
from sitegen.core.i18n import Messages
from sitegen.site.pages import needed_decisions
from sitegen.site.pages.decisions import report_hygiene
from sitegen.site.pages.summary import kpi_status, next_milestone, project_rows, project_summary
from sitegen.site.pages.view import SiteView

AS_OF = date(2024, 3, 13)

TEAM = """people:
  - {id: ann, name: Ann, skills: [video, copy]}
  - {id: bob, name: Bob, skills: [video]}
  - {id: cy, name: Cy, skills: [copy], max_concurrent: 1}
  - {id: dee, name: Dee, skills: [video], max_concurrent: 1}
"""


def task(task_id: str, title: str, start: str, end: str, *extra: str, owner: str = "ann") -> str:
    lines = [f"id: {task_id}", f"title: {title}", f"owner: {owner}"]
    lines += [f"start: 2024-03-{start}", f"end: 2024-03-{end}", "deliverables: [x]", *extra]
    return "---\n" + "\n".join(lines) + "\n---\n"


def site(root: Path, language: str, files: dict[str, str]) -> Path:
    base = {
        "site.yaml": f"title: First\nlanguage: {language}\ntimezone: UTC\n"
        "thresholds: {max_concurrent: 2}\n",
        "team.yaml": TEAM,
        "p/project.md": "---\ntitle: Spring\nowner: ann\nend: 2024-03-29\n"
        "kpis:\n  - {id: k1, name: Reach, target: 100}\n  - {id: k2, name: Clicks, target: 10}\n"
        "---\n",
        **files,
    }
    for name, text in base.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


# A project with a critical chain A → B → M (milestone), and C off the chain.
# On Wed 13: A (4–8, 5 days) is not done: overdue, ended Fri 8, 3 working days ago
# (11, 12, 13). B (11–15) is planned at 3 of 5 days = 60% and has no report: 0%, −100%.
# C (4–15, P3, by bob) is planned 8 of 10 = 80%, at 0%: −100%, but not critical: it
# ends before the milestone, with a day of slack.
# M is the milestone on Mon 18.
CHAIN = {
    "p/tasks/A.md": task("A", "Script", "04", "08", "priority: P0"),
    "p/tasks/B.md": task("B", "Shoot", "11", "15", "depends_on: [A]", "priority: P1"),
    "p/tasks/C.md": task("C", "Cut-downs", "04", "15", "priority: P3", owner="bob"),
    "p/tasks/M.md": task("M", "Launch day", "18", "18", "kind: milestone", "depends_on: [B]"),
}


def row_and_decisions(root: Path):
    analysis = analyse(root, AS_OF, history=False)
    view = SiteView(analysis)
    ui = Messages(analysis.site.settings.language, "ui")
    tasks_of = {p.id: view.project_tasks(p.id) for p in analysis.site.projects}
    status = analysis.status
    rows = project_rows(
        analysis.site.projects,
        tasks_of,
        analysis.health,
        status.progress,
        status.kpis,
        AS_OF,
        status.calendar,
        analysis.site.settings.thresholds.deviation,
        ui,
    )
    decisions = needed_decisions(view, ui)
    return analysis, view, rows, decisions


def test_the_summary_names_tasks_behind_and_what_the_critical_path_puts_at_risk(tmp_path):
    _, _, rows, _ = row_and_decisions(site(tmp_path / "en", "en", CHAIN))
    (row,) = rows
    # Behind: A (overdue), B (−100%), C (−100%); the worst critical one first: A, which
    # ended Fri 8 — three working days ago. It puts the next milestone at risk.
    assert row.summary == (
        "3 tasks behind; critical path at risk: Script overdue by 3 working days; "
        "Launch day (03-18) at risk."
    )
    assert "A" not in row.summary.split()  # titles, never ids
    assert row.milestone is not None and row.milestone.link.text == "Launch day"
    assert row.milestone.day == date(2024, 3, 18) and not row.milestone.late

    _, _, rows, _ = row_and_decisions(site(tmp_path / "zh", "zh-CN", CHAIN))
    assert rows[0].summary == (
        "3 个任务滞后；关键路径受影响：“Script”逾期 3 个工作日；Launch day（03-18）有风险。"
    )


def test_a_project_on_track_or_done_says_so_in_both_languages(tmp_path):
    ui_en, ui_zh = Messages("en", "ui"), Messages("zh-CN", "ui")
    # A starts next week: not behind (a started task with no report would be: 0%).
    later = {"p/tasks/A.md": task("A", "Script", "18", "22")}
    analysis = analyse(site(tmp_path / "b", "en", later), AS_OF, history=False)
    states = list(analysis.status.tasks.values())
    calendar = analysis.status.calendar
    on_track = project_summary(states, AS_OF, calendar, Decimal("0.2"), ui_en)
    assert on_track == "On track: 0 of 1 tasks done, none behind."
    on_track = project_summary(states, AS_OF, calendar, Decimal("0.2"), ui_zh)
    assert on_track == "进展正常：已完成 0/1 个任务，无滞后。"
    done = {"p/tasks/A.md": task("A", "Script", "04", "08", "status: done")}
    analysis = analyse(site(tmp_path / "c", "en", done), AS_OF, history=False)
    states = list(analysis.status.tasks.values())
    assert (
        project_summary(states, AS_OF, calendar, Decimal("0.2"), ui_en) == "The only task is done."
    )
    assert (
        project_summary(states, AS_OF, calendar, Decimal("0.2"), ui_zh) == "全部 1 个任务已完成。"
    )
    assert project_summary([], AS_OF, calendar, Decimal("0.2"), ui_en) == "No tasks yet."


def test_kpi_status_counts_recorded_kpis_on_target(tmp_path):
    analysis = analyse(site(tmp_path, "en", CHAIN), AS_OF, history=False)
    status = kpi_status(analysis.status.kpis["p"])
    assert (status.total, status.recorded, status.on_target) == (2, 0, 0)
    ui = Messages("en", "ui")
    assert ui("kpis.on_target", on_target=1, count=2) == "1 of 2 KPIs on target"
    assert Messages("zh-CN", "ui")("kpis.on_target", on_target=1, count=2) == "KPI 达标 1/2 项"


def test_without_milestones_the_project_end_is_the_next_date(tmp_path):
    analysis = analyse(
        site(tmp_path, "en", {"p/tasks/A.md": CHAIN["p/tasks/A.md"]}), AS_OF, history=False
    )
    milestone = next_milestone(list(analysis.status.tasks.values()), AS_OF, date(2024, 3, 29), "p")
    assert milestone is not None and milestone.project_end and milestone.day == date(2024, 3, 29)
    assert next_milestone([], AS_OF, date(2024, 3, 1), "p") is None  # ended: nothing next


def test_deviation_asks_for_the_guides_escalation_by_the_project_owner(tmp_path):
    _, _, _, decisions = row_and_decisions(site(tmp_path / "en", "en", CHAIN))
    deviation = [d for d in decisions if d.kind == "deviation"]
    assert len(deviation) == 1
    (d,) = deviation
    # All three at −100% (A: 0% done of 100% planned), so by end: A (8), then B and C
    # (15) by id.
    assert (
        d.issue == "Spring: 3 tasks at or past the deviation threshold (Script, Shoot, Cut-downs)"
    )
    # Ann owns the project and A, B; Bob owns C.
    assert d.proposal == (
        "Start the risk escalation: Ann (project owner) coordinates a recovery plan with Bob; "
        "agree it at the weekly meeting."
    )
    assert d.subject.path == "projects/p.html"
    _, _, _, decisions = row_and_decisions(site(tmp_path / "zh", "zh-CN", CHAIN))
    assert decisions[0].proposal == (
        "触发风险升级流程：由项目负责人 Ann 与 Bob 协调补救方案，并在周例会上确认。"
    )


OVERLOAD = {
    # Ann: limit 2 (the site's). On Mon 18 – Tue 19 she has X, Y and Z at once.
    "p/tasks/X.md": task("X", "Edit", "18", "22", "priority: P0", "skills: [video]"),
    "p/tasks/Y.md": task("Y", "Grade", "18", "19", "priority: P2", "skills: [video]"),
    "p/tasks/Z.md": task("Z", "Post", "18", "19", "priority: P1", "skills: [copy]"),
    # Bob (video, limit 2) has one task on those days: room for one more.
    "p/tasks/W.md": task("W", "Film", "18", "18", owner="bob"),
    # Dee (video, limit 1) is busy on the 19th: no room. Cy has no video skill.
    "p/tasks/V.md": task("V", "Clip", "19", "19", owner="dee"),
}


def test_overload_proposes_who_has_the_skill_and_spare_load_on_those_days(tmp_path):
    _, _, _, decisions = row_and_decisions(site(tmp_path / "en", "en", OVERLOAD))
    (d,) = [d for d in decisions if d.kind == "overload"]
    assert d.issue == "Ann has 3 tasks at once (limit 2) on 03-18, 03-19"
    # The least urgent of X, Y, Z is Y (P2); it needs video: Bob (load 1 of 2 on 18, 0 on
    # 19) can; Dee (1 of 1 on 19) cannot; Cy lacks the skill.
    assert d.proposal == (
        "Hand Grade to Bob: they have the skills (video) and spare load on those days."
    )
    assert d.subject.path == "people/ann.html"
    _, _, _, decisions = row_and_decisions(site(tmp_path / "zh", "zh-CN", OVERLOAD))
    (d,) = [d for d in decisions if d.kind == "overload"]
    assert d.proposal == "将“Grade”转交 Bob：具备所需技能（video），这些日期负载有余。"


def test_overload_with_nobody_free_proposes_moving_the_task(tmp_path):
    busy = {**OVERLOAD, "p/tasks/U.md": task("U", "Promo", "18", "19", owner="bob")}
    _, _, _, decisions = row_and_decisions(site(tmp_path, "en", busy))
    (d,) = [d for d in decisions if d.kind == "overload"]
    assert d.proposal == (
        "Nobody with the skills (video) has spare load then: move Grade to later dates or cut"
        " its scope."
    )


RISK = (
    "---\nid: R-1\ntitle: Studio may cancel\nimpact: high\nowner: bob\nstatus: open\n"
    "response: Book a second studio\ndue: 2024-03-15\ntasks: [B]\n---\n"
)


def test_an_open_high_risk_proposes_its_response_and_owner(tmp_path):
    _, _, _, decisions = row_and_decisions(
        site(tmp_path / "en", "en", {**CHAIN, "p/risks/R-1.md": RISK})
    )
    (d,) = [d for d in decisions if d.kind == "risk"]
    assert d.issue == "High-impact risk still open: Studio may cancel"
    assert d.proposal == "Carry out the response: Book a second studio (owner Bob), due 2024-03-15"
    assert d.subject.path == "risks/R-1.html"
    _, _, _, decisions = row_and_decisions(
        site(tmp_path / "zh", "zh-CN", {**CHAIN, "p/risks/R-1.md": RISK})
    )
    (d,) = [d for d in decisions if d.kind == "risk"]
    assert d.proposal == "执行应对措施：Book a second studio（责任人 Bob），期限 2024-03-15"


def test_report_hygiene_is_one_line_per_person(tmp_path):
    # Ann's report of Tue 12 came in at 19:00, after the 17:00 deadline. Bob's task C is
    # under way since Mon 4 and he reported only on Fri 8: six missing-report alerts
    # (4, 5, 6, 7, 11, 12), of which those in the last stale_days 2 + 3 = 5 working days
    # (7, 8, 11, 12, 13) still count: 7, 11 and 12. One line each, not nine items.
    files = {
        **CHAIN,
        "p/reports/2024-03-12-ann.md": "---\ndate: 2024-03-12\nauthor: ann\n"
        "submitted: 2024-03-12T19:00:00+00:00\n---\nDone.\n",
        "p/tasks/C.md": task("C", "Cut-downs", "04", "15", "status: doing", owner="bob"),
        "p/reports/2024-03-08-bob.md": "---\ndate: 2024-03-08\nauthor: bob\n"
        "submitted: 2024-03-08T16:00:00+00:00\n---\nDone.\n",
    }
    _, view, _, _ = row_and_decisions(site(tmp_path, "en", files))
    lines = report_hygiene(view.findings, view.matters, view.people)
    assert [(line.name, line.missing, line.late) for line in lines] == [
        ("Ann", 0, 1),
        ("Bob", 3, 0),
    ]
    assert [line.person.path for line in lines if line.person] == [
        "people/ann.html",
        "people/bob.html",
    ]


def test_the_dashboard_shows_rows_before_decisions_before_alerts(tmp_path):
    root = site(tmp_path / "content", "en", {**CHAIN, "p/risks/R-1.md": RISK})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "--as-of", "2024-03-13"])
    assert result.exit_code == 0, result.output
    html = (out / "index.html").read_text("utf-8")
    rows, decisions, alerts = (
        html.index(k) for k in ('class="prows"', 'id="decisions-h"', 'id="alerts-h"')
    )
    assert rows < decisions < alerts
    assert "▲" in html and "Red (critical)" in html  # a shape and a word, not colour alone


def test_pages_show_a_decimal_only_where_it_carries_information():
    from fractions import Fraction

    from sitegen.engine.metrics import percent_label, percent_text
    from sitegen.site.render import _day, _pct, _short_day, _signed

    assert percent_label(Fraction(1)) == "100%"  # status.json and messages: "100.0%"
    assert percent_text(Fraction(1)) == "100.0%"
    assert percent_label(Fraction(3, 8)) == "37.5%"
    assert percent_label(Fraction(2, 3)) == "66.7%"
    assert percent_label(Fraction(-1, 2), signed=True) == "-50%"
    assert percent_label(Fraction(1, 8), signed=True) == "+12.5%"
    assert percent_label(Fraction(0), signed=True) == "0%"
    assert percent_label(None) == "—"
    assert _pct(40, 100) == "40%" and _pct(Fraction(1, 3)) == "33.3%" and _signed(None) == "—"
    # one date format on a page, in both languages: ISO, as the finding messages write it
    assert _day(date(2023, 7, 20)) == "2023-07-20" and _short_day(date(2023, 7, 5)) == "07-05"


def test_a_site_without_projects_says_so_on_the_first_screen_and_the_brief(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    (root / "site.yaml").write_text("title: Empty\nlanguage: en\n", "utf-8")
    (root / "team.yaml").write_text("people:\n  - {id: ann, name: Ann}\n", "utf-8")
    out = tmp_path / "out"
    args = ["build", str(root), "-o", str(out), "--as-of", "2024-03-13", "--no-history"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for page in ("index.html", "brief.html"):
        assert "No projects yet" in (out / page).read_text("utf-8"), page
