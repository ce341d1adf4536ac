"""Odd and hostile input: every case gets a finding or is handled, never a traceback."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import analyse
from sitegen.cli import main
from sitegen.load import load_site
from sitegen.model import TaskStatus
from sitegen.render import render_markdown

TEAM = "people:\n  - id: ann\n    name: Ann\n    skills: [copy]\n  - id: bob\n    name: Bob\n"
TASK = (
    "---\nid: A-1\ntitle: Write copy\nowner: ann\nstart: 2024-03-04\nend: 2024-03-05\n---\nBody\n"
)


def make_site(parent: Path, task_text: str = TASK, task_name: str = "A-1.md") -> Path:
    root = parent / "site"
    (root / "p" / "tasks").mkdir(parents=True)
    (root / "site.yaml").write_text("title: T\nlanguage: en\n", encoding="utf-8")
    (root / "team.yaml").write_text(TEAM, encoding="utf-8")
    (root / "p" / "project.md").write_text("---\ntitle: P\n---\n", encoding="utf-8")
    (root / "p" / "tasks" / task_name).write_text(task_text, encoding="utf-8")
    return root


def findings_of(root: Path) -> list[tuple[str, str, int]]:
    analysis = analyse(root)
    return [(f.code, f.file, f.line) for f in analysis.findings]


def test_bom_and_crlf_are_read_with_the_right_lines(tmp_path):
    text = "\ufeff" + TASK.replace("owner: ann", "owner: zed").replace("\n", "\r\n")
    site = make_site(tmp_path, text)
    assert ("unknown-ref", "p/tasks/A-1.md", 4) in findings_of(site)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"just text, no front matter\n", "front matter"),
        (b"---\n- a\n- b\n---\n", "key: value"),
        (b"---\njust a scalar\n---\n", "key: value"),
        (b"---\ntitle: x\n", "not closed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("---\ntitle: caf\u00e9\n---\n".encode("latin-1"), "UTF-8"),
    ],
    ids=["empty", "no-front-matter", "list", "scalar", "unclosed", "binary", "latin-1"],
)
def test_unreadable_files_are_a_parse_error_naming_the_file(tmp_path, content, words):
    site = make_site(tmp_path)
    (site / "p" / "tasks" / "B-1.md").write_bytes(content)
    analysis = analyse(site)
    errors = [f for f in analysis.findings if f.file == "p/tasks/B-1.md"]
    assert [f.code for f in errors] == ["parse"]
    assert words.lower() in errors[0].message.lower()


def test_a_huge_body_is_fine(tmp_path):
    site = make_site(tmp_path, TASK + ("长文本 " * 1_500_000))  # ~10 MB
    assert not analyse(site).failed


def test_a_symlink_out_of_the_content_folder_is_not_followed(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(TASK.replace("A-1", "S-1"), encoding="utf-8")
    site = make_site(tmp_path)
    (site / "p" / "tasks" / "S-1.md").symlink_to(outside)
    loaded = load_site(site)
    assert "S-1" not in loaded.site.task_index
    assert any(f.file == "p/tasks/S-1.md" for f in loaded.findings)


def test_a_site_with_a_skipped_link_still_builds_and_says_so(tmp_path):
    outside = tmp_path / "shared.md"
    outside.write_text(TASK.replace("A-1", "S-1"), encoding="utf-8")
    site = make_site(tmp_path)
    (site / "p" / "tasks" / "S-1.md").symlink_to(outside)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-05"])
    assert result.exit_code == 0, result.output
    assert "Skipped file" in (out / "alerts.html").read_text("utf-8")


def test_a_misspelt_key_is_named_with_its_closest_match(tmp_path):
    site = make_site(tmp_path, TASK.replace("owner: ann", "owner: ann\nownr: bob"))
    notices = [f for f in analyse(site).findings if f.code == "unknown-key"]
    assert [(n.file, n.line) for n in notices] == [("p/tasks/A-1.md", 5)]
    assert "'owner'" in notices[0].message


def test_misspelt_keys_inside_lists_and_sections_are_named_too(tmp_path):
    site = make_site(tmp_path)
    (site / "site.yaml").write_text(
        "title: T\nlanguage: en\nthresholds:\n  deviaton: 0.1\ncalendar:\n  holiday: []\n"
    )
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nentries:\n  - task: A-1\n    planed: 10\n"
        "    actual: 2\n    progres: 50\n---\nBrief\n"
    )
    notices = {
        (n.file, n.line): n.message for n in analyse(site).findings if n.code == "unknown-key"
    }
    assert notices == {
        ("site.yaml", 4): "unknown key 'thresholds.deviaton' is ignored; did you mean 'deviation'?",
        ("site.yaml", 6): "unknown key 'calendar.holiday' is ignored; did you mean 'holidays'?",
        ("p/reports/2024-03-04-ann.md", 6): (
            "unknown key 'entries[0].planed' is ignored; did you mean 'planned'?"
        ),
        ("p/reports/2024-03-04-ann.md", 8): (
            "unknown key 'entries[0].progres' is ignored; did you mean 'progress'?"
        ),
    }


def test_numbers_with_leading_zeros_are_kept_as_written(tmp_path):
    """YAML 1.1 reads 010 as octal 8: an id would no longer match its file name."""
    site = make_site(tmp_path, TASK.replace("id: A-1", "id: 010"), task_name="010.md")
    (site / "p" / "tasks" / "011.md").write_text(
        TASK.replace("id: A-1", "id: 011\ndepends_on: [010]\nbudget: 0100")
    )
    analysis = analyse(site)
    assert [f for f in analysis.findings if f.severity.value == "error"] == []
    task = analysis.site.task_index["011"]
    assert task.depends_on == ["010"]
    assert task.budget == 100


def test_only_broken_tasks_count_as_known_tasks(tmp_path):
    """A task that fails validation still exists: references to it are not reported
    again. A broken report is not a task, however it is named."""
    site = make_site(tmp_path, TASK.replace("end: 2024-03-05", "end: 2024-03-32"))
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-32\nauthor: ann\n---\n"
    )
    (site / "p" / "tasks" / "B-1.md").write_text(
        TASK.replace("id: A-1", "id: B-1\ndepends_on: [A-1, 2024-03-04-ann]")
    )
    refs = [f for f in analyse(site).findings if f.code == "unknown-ref"]
    assert [(f.file, f.message) for f in refs] == [
        ("p/tasks/B-1.md", "there is no task '2024-03-04-ann' (known ids: A-1, B-1)")
    ]


def test_documents_in_sub_folders_are_read(tmp_path):
    """A year of reports is easier to keep by month; a link back up is followed once."""
    site = make_site(tmp_path)
    month = site / "p" / "reports" / "2024-03"
    month.mkdir(parents=True)
    (month / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nentries:\n  - task: B-1\n    progress: 50\n---\n"
    )
    (month / "loop").symlink_to(site / "p" / "reports")
    (site / "p" / "tasks" / "design").mkdir()
    (site / "p" / "tasks" / "design" / "B-1.md").write_text(TASK.replace("A-1", "B-1"))
    analysis = analyse(site)
    assert not analysis.failed, analysis.findings
    assert set(analysis.site.task_index) == {"A-1", "B-1"}
    [report] = analysis.site.projects[0].reports
    assert report.source.file == "p/reports/2024-03/2024-03-04-ann.md"


def test_a_task_without_status_is_doing_only_from_its_first_report_on(tmp_path):
    site = make_site(tmp_path)
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-05-ann.md").write_text(
        "---\ndate: 2024-03-05\nauthor: ann\nentries:\n  - task: A-1\n    progress: 50\n---\n"
    )
    status_on = {
        day: analyse(site, date(2024, 3, day)).status.tasks["A-1"].status for day in (4, 5)
    }
    assert status_on == {4: TaskStatus.TODO, 5: TaskStatus.DOING}


def test_a_report_a_second_late_shows_the_second(tmp_path):
    site = make_site(tmp_path)
    (site / "site.yaml").write_text("title: T\nlanguage: en\ntimezone: UTC\n")
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nsubmitted: 2024-03-04T17:00:01+00:00\n---\n"
    )
    [late] = [f for f in analyse(site, date(2024, 3, 5)).findings if f.code == "late-report"]
    assert "came in at 2024-03-04 17:00:01 (UTC), after the 17:00 deadline" in late.message


def test_a_chinese_site_gets_parse_errors_in_chinese(tmp_path):
    site = make_site(tmp_path)
    (site / "site.yaml").write_text("title: T\nlanguage: zh-CN\n", encoding="utf-8")
    (site / "p" / "tasks" / "B-1.md").write_text("---\ntitle: x\ntitle: y\n---\n")
    (site / "p" / "tasks" / "B-2.md").write_text("---\ntitle: x\n")
    messages = {f.file: f.message for f in analyse(site).findings if f.code == "parse"}
    assert messages == {
        "p/tasks/B-1.md": "“title”写了两次（第一次在第 2 行）：请只保留一个",
        "p/tasks/B-2.md": "头信息没有结束：请在其后加一行“---”",
    }


def test_a_chinese_site_gets_calendar_errors_in_chinese(tmp_path):
    site = make_site(tmp_path)
    (site / "site.yaml").write_text(
        "title: T\nlanguage: zh-CN\ncalendar:\n  weekend: [sat, 周八]\n"
        "  holidays: [2024-10-07..2024-10-01]\n",
        encoding="utf-8",
    )
    findings = analyse(site).findings
    messages = sorted(f.message for f in findings if f.file == "site.yaml" and f.code == "field")
    assert messages == [
        "“calendar.holidays”：“2024-10-07..2024-10-01”的结束早于开始：请把较早的日期写在前面",
        "“calendar.weekend”：“周八”不是星期的名称："
        "请写 mon、tue、wed、thu、fri、sat、sun 或 周一…周日",
    ]


def test_ids_differing_only_in_case_collide(tmp_path):
    site = make_site(tmp_path)
    (site / "p" / "tasks" / "a-1.md").write_text(TASK.replace("A-1", "a-1"), encoding="utf-8")
    assert ("duplicate-id", "p/tasks/a-1.md", 2) in findings_of(site)


def test_chinese_and_spaces_in_file_names(tmp_path):
    site = make_site(tmp_path)
    reports = site / "p" / "reports"
    reports.mkdir()
    (reports / "2024-03-04 安 日报.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nentries:\n  - task: A-1\n    progress: 50\n"
        "    evidence: [https://example.com/x.png]\n---\n今天完成一半。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-05"])
    assert result.exit_code == 0, result.output
    pages = "".join(p.read_text("utf-8") for p in out.rglob("*.html"))
    assert "今天完成一半" in pages


HOSTILE = """
Hello <b>team</b> <script>alert('x')</script>
<img src=x onerror="alert(1)"> [click](javascript:alert(1)) [data](data:text/html,hi)
<iframe src="https://evil.example"></iframe><form action="/x"><input></form>
<a href="https://ok.example" onclick="steal()">ok link</a>
<div style="position:fixed;top:0">overlay</div>
"""


def test_markdown_bodies_cannot_run_script():
    html = str(render_markdown(HOSTILE))
    for banned in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "data:",
        "<iframe",
        "<form",
        "style=",
    ):
        assert banned not in html.lower()
    assert "Hello" in html and "<b>team</b>" in html and "ok link" in html


def test_hostile_text_never_reaches_a_page_unescaped(tmp_path):
    task = TASK.replace("title: Write copy", 'title: "<script>alert(1)</script>"')
    site = make_site(tmp_path, task + HOSTILE)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-04"])
    assert result.exit_code == 0, result.output
    for path in [*out.rglob("*.html"), *out.rglob("*.svg")]:
        text = path.read_text("utf-8").lower()
        assert "<script>alert" not in text, path
        assert "javascript:" not in text and "onerror=" not in text, path


def test_builds_in_two_folders_are_byte_identical(tmp_path):
    first = make_site(tmp_path / "one")
    second = tmp_path / "two" / "site"
    shutil.copytree(first, second)
    trees = []
    for site in (first, second):
        out = tmp_path / f"out-{site.parent.name}"
        CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-04"])
        trees.append(
            {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        )
    assert trees[0] == trees[1]
    assert str(tmp_path).encode() not in b"".join(trees[0].values())


def test_an_interrupted_build_leaves_the_previous_output(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    out = tmp_path / "out"
    CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-04"])
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    written = []

    def interrupted(self, data):
        written.append(self)
        if len(written) > 2:
            raise KeyboardInterrupt
        return original(self, data)

    original = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", interrupted)
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-05"])
    monkeypatch.undo()
    assert result.exit_code != 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_public_build_leaves_out_internal_items_and_budgets(tmp_path):
    site = make_site(tmp_path, TASK.replace("end: 2024-03-05", "end: 2024-03-05\nbudget: 98765"))
    tasks = site / "p" / "tasks"
    (tasks / "SECRET-1.md").write_text(
        TASK.replace("A-1", "SECRET-1")
        .replace("Write copy", "Confidential merger")
        .replace("end: 2024-03-05", "end: 2024-03-05\ninternal: true"),
        encoding="utf-8",
    )
    (site / "p" / "project.md").write_text(
        "---\ntitle: P\nbudget: 4242420\n---\n", encoding="utf-8"
    )
    risks = site / "p" / "risks"
    risks.mkdir()
    (risks / "R-9.md").write_text(
        "---\nid: R-9\ntitle: Hush-hush risk\nimpact: high\nowner: bob\nstatus: open\n"
        "internal: true\n---\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-04", "--public"]
    )
    assert result.exit_code == 0, result.output
    blob = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file()).decode(
        "utf-8", "replace"
    )
    for secret in (
        "SECRET-1",
        "Confidential merger",
        "R-9",
        "Hush-hush",
        "98765",
        "4242420",
        "98,765",
        "4,242,420",
    ):
        assert secret not in blob
    status = json.loads((out / "status.json").read_text("utf-8"))
    assert [t["id"] for t in status["tasks"]] == ["A-1"]
    assert status["risks"] == []


front_matter_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.dates().map(str),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
task_keys = st.sampled_from(
    [
        "id",
        "title",
        "owner",
        "start",
        "end",
        "priority",
        "depends_on",
        "plan",
        "status",
        "collaborators",
        "budget",
        "kind",
        "confirmed",
        "parent",
        "skills",
        "urgent",
        "zzz",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(task_keys, front_matter_values, max_size=10))
def test_random_front_matter_gives_findings_or_a_model(tmp_path_factory, data):
    site = make_site(tmp_path_factory.mktemp("fuzz"))
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nbody\n"
    (site / "p" / "tasks" / "F-1.md").write_text(text, encoding="utf-8")
    analysis = analyse(site)  # must not raise
    assert all(f.line >= 1 and f.message for f in analysis.findings)


def test_models_share_field_sets_without_one_copy_changing_another():
    site = load_site(Path(__file__).resolve().parent.parent / "content").site
    first, second = next(
        (a, b)
        for a in site.tasks
        for b in site.tasks
        if a is not b and a.model_fields_set == b.model_fields_set
    )
    assert first.model_fields_set is second.model_fields_set  # one set, not one per model
    before = set(second.model_fields_set)
    unset = next(name for name in type(first).model_fields if name not in before)
    copy = first.model_copy(update={unset: None})
    assert unset in copy.model_fields_set
    assert second.model_fields_set == before and first.model_fields_set == before
