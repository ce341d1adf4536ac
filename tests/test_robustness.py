"""Odd and hostile input: every case gets a finding or is handled, never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.builder.analyse import analyse
from sitegen.cli import main
from sitegen.content import textfile
from sitegen.content.choices import TaskStatus
from sitegen.content.load import load_site
from sitegen.content.source import parse_document
from sitegen.content.textfile import NotRead, ReadError
from sitegen.site.render import render_markdown

REPO = Path(__file__).resolve().parent.parent
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


def test_a_long_body_is_fine_and_a_file_over_the_limit_is_left_out(tmp_path):
    site = make_site(tmp_path, TASK + ("长文本 " * 450_000))  # 4.5 MB
    (site / "p" / "tasks" / "B-1.md").write_bytes(
        TASK.replace("A-1", "B-1").encode() + b"x" * 5_200_000
    )
    analysis = analyse(site)
    assert not analysis.failed
    assert set(analysis.site.task_index) == {"A-1"}
    [notice] = [f for f in analysis.findings if f.file == "p/tasks/B-1.md"]
    assert (notice.code, notice.severity.value, notice.line) == ("too-large", "notice", 1)
    assert "5.2 MB, more than the 5 MB" in notice.message


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
    warnings = [f for f in analyse(site).findings if f.code == "unknown-key"]
    assert [(w.file, w.line, w.severity) for w in warnings] == [("p/tasks/A-1.md", 5, "warning")]
    assert "'owner'" in warnings[0].message


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
    warnings = {
        (w.file, w.line): w.message for w in analyse(site).findings if w.code == "unknown-key"
    }
    assert warnings == {
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


# ---------------------------------------------------- what lies in the content folder


def _sitegen(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run sitegen in a child process with at most 2 GB of memory."""

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    script = "import sys; from sitegen.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=limit_memory,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX")
def test_pipes_and_devices_in_the_content_folder_are_skipped_not_read(tmp_path):
    site = make_site(tmp_path)
    os.mkfifo(site / "p" / "tasks" / "PIPE.md")  # opening it would wait for a writer
    os.mkfifo(site / "p" / "retro.md")
    (site / "p" / "tasks" / "ZERO.md").symlink_to("/dev/zero")  # reading it never ends
    out = tmp_path / "out"
    result = _sitegen("build", str(site), "-o", str(out), "--as-of", "2024-03-04")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    skipped = {line for line in result.stderr.splitlines() if "warning[skipped]" in line}
    assert skipped == {
        "p/retro.md:1: warning[skipped]: this is not a regular file (a pipe, socket or "
        "device), so it was skipped: replace it with a text file, or remove it",
        "p/tasks/PIPE.md:1: warning[skipped]: this is not a regular file (a pipe, socket or "
        "device), so it was skipped: replace it with a text file, or remove it",
        "p/tasks/ZERO.md:1: warning[skipped]: a link pointing outside the content folder "
        "was skipped; copy the file in instead",
    }
    assert (out / "tasks" / "A-1.html").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_put_in_place_after_the_check_is_not_waited_on(tmp_path, monkeypatch):
    pipe = tmp_path / "A-1.md"
    os.mkfifo(pipe)
    a_regular_file = os.stat(__file__)
    monkeypatch.setattr(textfile.os, "stat", lambda path: a_regular_file)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            textfile.read_bytes(pipe)
        except BaseException as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "reading the pipe waited for a writer"
    assert [type(e) for e in outcome] == [NotRead]


# --------------------------------------------------------------- text as it was meant


CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def test_control_characters_never_reach_the_output(tmp_path):
    """Word's line break (\\v) and stray \\x01 in a title, an entry and a brief: XML 1.0
    forbids them, and one would make feed.xml unreadable to every feed reader."""
    site = make_site(tmp_path, TASK.replace("title: Write copy", 'title: "Write\\x01copy"'))
    reports = site / "p" / "reports"
    reports.mkdir()
    (reports / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nentries:\n  - task: A-1\n"
        "    done: first\x0bdraft\n    progress: 50\n---\nDone\x0bthe draft.\x01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(out), "--as-of", "2024-03-05"])
    assert result.exit_code == 0, result.output
    feed = ElementTree.fromstring((out / "feed.xml").read_bytes())  # well-formed
    assert "Done the draft." in ElementTree.tostring(feed, encoding="unicode")
    written = [p for p in out.rglob("*") if p.suffix in (".html", ".xml", ".ics", ".csv", ".json")]
    assert len(written) > 10
    for path in written:
        assert not CONTROL.search(path.read_bytes()), path
    notices = [f for f in analyse(site).findings if f.code == "control-char"]
    assert {(f.file, f.line, f.severity.value) for f in notices} == {
        ("p/tasks/A-1.md", 3, "notice"),
        ("p/reports/2024-03-04-ann.md", 6, "notice"),
    }
    assert "line breaks pasted from Word" in notices[0].message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_read_and_named_as_such(tmp_path, encoding):
    """What Notepad saves as "Unicode": little-endian with a byte order mark."""
    site = make_site(tmp_path)
    task = TASK.replace("A-1", "B-1").replace("Write copy", "写文案").replace("\n", "\r\n")
    (site / "p" / "tasks" / "B-1.md").write_bytes(task.encode(encoding))
    analysis = analyse(site)
    assert not analysis.failed, analysis.findings
    assert analysis.site.task_index["B-1"].title == "写文案"
    [notice] = [f for f in analysis.findings if f.code == "encoding"]
    assert (notice.file, notice.severity.value, notice.line) == ("p/tasks/B-1.md", "notice", 1)
    assert "saved as UTF-16" in notice.message and "save it as UTF-8" in notice.message


def test_a_utf16_site_yaml_still_sets_the_language(tmp_path):
    site = make_site(tmp_path)
    (site / "site.yaml").write_bytes("title: 状态\nlanguage: zh-CN\n".encode("utf-16"))
    analysis = analyse(site)
    assert analysis.site.settings.language == "zh-CN"
    [notice] = [f for f in analysis.findings if f.file == "site.yaml" and f.code != "no-history"]
    assert (
        notice.code == "encoding"
        and "UTF-16" in notice.message
        and "另存为 UTF-8" in (notice.message)
    )


# Front matter mistakes → (line of the finding, a phrase of the English message, of the
# Chinese one). The front matter starts "---", "id: B-1", then the text on line 3.


# ------------------------------------------------- YAML that costs more than it looks


def _alias_bomb(levels: int, merge: bool = False) -> str:
    """YAML whose last key holds 9**levels values, in about 40 bytes a level: each level
    a list (or merge) of nine aliases to the one before."""
    lines = ["a: &a {x: 1, y: 2}" if merge else "a: &a [x, x, x, x, x, x, x, x, x]"]
    for before, name in zip("abcdefghi", "bcdefghij"[:levels], strict=False):
        aliases = ", ".join([f"*{before}"] * 9)
        lines.append(
            f"{name}: &{name} {{<<: [{aliases}], {name}1: 1}}"
            if merge
            else f"{name}: &{name} [{aliases}]"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("merge", [False, True], ids=["lists", "merge-keys"])
def test_aliases_that_multiply_are_a_parse_error(tmp_path, merge):
    site = make_site(tmp_path, TASK.replace("---\nBody", _alias_bomb(5, merge) + "---\nBody"))
    findings = [f for f in analyse(site).findings if f.file == "p/tasks/A-1.md"]
    assert [(f.code, f.line) for f in findings] == [("parse", 12)]  # f: the key holding most
    assert "anchors and aliases (&name, *name) that expand to too much data" in (
        findings[0].message
    )


def test_the_alias_bomb_of_a_few_hundred_bytes_is_refused_at_once():
    text = "---\n" + _alias_bomb(8) + "---\n"
    assert len(text.encode()) < 500
    started = time.perf_counter()
    with pytest.raises(ReadError) as refused:
        parse_document(text.encode())
    assert time.perf_counter() - started < 0.5
    assert (refused.value.reason, refused.value.line) == ("yaml.aliases", 10)


@pytest.mark.parametrize("value", ["&a [*a]", "&a {b: *a}"], ids=["list", "mapping"])
def test_an_alias_inside_its_own_anchor_is_a_parse_error(tmp_path, value):
    site = make_site(tmp_path, TASK.replace("---\nBody", f"resources: {value}\n---\nBody"))
    findings = [f for f in analyse(site).findings if f.file == "p/tasks/A-1.md"]
    assert [(f.code, f.line) for f in findings] == [("parse", 7)]
    assert "anchors and aliases" in findings[0].message


def test_anchors_and_merge_keys_used_sparingly_still_work(tmp_path):
    site = make_site(tmp_path)
    (site / "team.yaml").write_text(
        "people:\n  - &writer {id: ann, name: Ann, skills: [copy, design]}\n"
        "  - <<: *writer\n    id: bob\n    name: Bob\n",
        encoding="utf-8",
    )
    analysis = analyse(site)
    assert not analysis.failed, analysis.findings
    assert {p.id: p.skills for p in analysis.site.people} == {
        "ann": ["copy", "design"],
        "bob": ["copy", "design"],
    }


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("[" * 100_000 + "]" * 100_000, 7),  # libyaml's own composer overflows the C stack
        ("\n  " + "- " * 100_000 + "x", 8),
        ("[" * 60 + "]" * 60, 7),
    ],
    ids=["100000-flow", "100000-block", "60-flow"],
)
def test_values_nested_too_deep_are_a_parse_error(tmp_path, value, line):
    site = make_site(tmp_path, TASK.replace("---\nBody", f"resources: {value}\n---\nBody"))
    findings = [f for f in analyse(site).findings if f.file == "p/tasks/A-1.md"]
    assert [(f.code, f.line) for f in findings] == [("parse", line)]
    assert "nested more than 50 levels deep" in findings[0].message


# ---------------------------------------------------------------------- YAML mistakes


YAML_MISTAKES = {
    "tab-list": ("skills:\n\t- copy", 4, "a tab is used to indent", "制表符"),
    "tab-mapping": ("plan:\n\t2024-03-04: 50", 4, "a tab is used to indent", "制表符"),
    "tab-after-dash": ("skills:\n  -\tcopy", 4, "a tab is used to indent", "制表符"),
    "backslash": (
        'title: "C:\\Users\\li\\x.docx"',
        3,
        "inside double quotes a backslash starts an escape",
        "反斜杠",
    ),
    "second-colon": ("title: Q3: launch", 3, "a second ': ' on one line", "第二个“: ”"),
    "indented-key": ("title: x\n  owner: ann", 4, "indented under the value above", "缩进"),
    "at-sign": ("title: @ann", 3, "a value cannot start with '@'", "不能以“@”开头"),
    "backtick": ("title: `code`", 3, "a value cannot start with '`'", "不能以“`”开头"),
    "no-colon": ("title: x\nowner\nend: 2024-03-05", 4, "no ': ' after its key", "没有“: ”"),
    "list-indent": ("skills:\n  - copy\n data: 1", 5, "indentation of this line", "缩进"),
    "after-quote": ('title: "Q3" launch', 3, "more text after the closing quote", "后面还有文字"),
    "star": ("title: *new* launch", 3, "starting with '*' or '&'", "以“*”或“&”开头"),
    "undefined-alias": ("title: *new launch", 3, "starting with '*' or '&'", "引用"),
    "open-list": ("skills: [copy, data\nend: 2024-03-05", 3, "is not closed", "没有闭合"),
    "dash-after-key": ("skills: - copy", 3, "cannot follow a key on the same line", "同一行"),
    "exclamation": ("title: !important", 3, "starting with '!'", "以“!”开头"),
    "block-scalar": ("title: | x\n  more", 3, "after '|' or '>'", "“|”或“>”"),
    "anchor-twice": ("a: &x 1\nb: &x 2", 4, "anchor (&name) has the name", "重名"),
}


@pytest.mark.parametrize("mistake", sorted(YAML_MISTAKES))
def test_common_yaml_mistakes_are_explained_in_both_languages(tmp_path, mistake):
    text, line, english, chinese = YAML_MISTAKES[mistake]
    site = make_site(tmp_path)
    (site / "p" / "tasks" / "B-1.md").write_text(f"---\nid: B-1\n{text}\n---\n", "utf-8")
    for language, phrase in (("en", english), ("zh-CN", chinese)):
        (site / "site.yaml").write_text(f"title: T\nlanguage: {language}\n", encoding="utf-8")
        findings = [f for f in analyse(site).findings if f.file == "p/tasks/B-1.md"]
        assert [(f.code, f.line) for f in findings] == [("parse", line)], findings
        assert phrase in findings[0].message, findings[0].message
        assert "YAML 语法错误" in findings[0].message if language == "zh-CN" else True


# ------------------------------------------------------------------------------ serve


def _raw_get(port: int, target: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.0\r\n\r\n".encode("latin-1"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_serve_answers_every_request_path(tmp_path, capfd):
    from sitegen.authoring.serve import PreviewServer

    server = PreviewServer(make_site(tmp_path), port=0, as_of=date(2024, 3, 4))
    try:
        port = server.start()
        long_name = "x" * 5000  # longer than a file name may be
        for target, status in [
            ("/%00", 400),
            ("/tasks/A-1%00.html", 400),
            ("/style%00.css", 400),
            (f"/{long_name}", 404),
            (f"/{long_name}.html", 404),
            (f"/{long_name}.css", 404),
            ("/%ed%a0%80.css", 404),  # half a UTF-16 pair: no file name can hold it
            ("/%ed%a0%80.html", 404),
            ("/no-such-page.html", 404),
            ("/index.html", 200),
        ]:
            answer = _raw_get(port, target)
            assert answer.startswith(f"HTTP/1.0 {status} ".encode()), (target, answer[:200])
    finally:
        server.stop()
    assert "Traceback" not in capfd.readouterr().err
