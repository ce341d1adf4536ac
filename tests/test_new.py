"""`sitegen new`: every kind, every task option, templates and the editor."""

from __future__ import annotations

import shlex
import shutil
import sys
from datetime import date
from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner

from sitegen.builder.analyse import analyse
from sitegen.cli import main
from sitegen.core.findings import Severity

CONTENT = Path(__file__).resolve().parent.parent / "content"
AS_OF = date(2023, 7, 20)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def new(content: Path, *arguments: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, ["new", arguments[0], str(content), *arguments[1:]], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def problems(content: Path) -> list[str]:
    return [
        f"{f.file}:{f.line}: {f.code}: {f.message}"
        for f in analyse(content, AS_OF).findings
        if f.severity is not Severity.NOTICE
        and f.code in ("parse", "field", "unknown-ref", "unknown-key")
    ]


def test_a_task_with_every_option(content: Path) -> None:
    new(
        content, "task", "--title", "直播彩排", "--owner", "zhao-liu", "--priority", "P1",
        "--parent", "MKT-202307-001-04", "--module", "活动", "--depends-on", "MKT-202307-001-02",
        "--deliverable", "彩排记录", "--deliverable", "问题清单", "--skill", "数据分析",
        "--collaborator", "li-si", "--collaborator", "qian-shi:设计支持",
        "--start", "2023-07-24", "--end", "2023-07-25",
    )  # fmt: skip
    post = frontmatter.load(content / "q3-launch" / "tasks" / "MKT-202307-001-07.md")
    assert post["priority"] == "P1" and post["parent"] == "MKT-202307-001-04"
    assert post["module"] == "活动" and post["depends_on"] == ["MKT-202307-001-02"]
    assert post["deliverables"] == ["彩排记录", "问题清单"] and post["skills"] == ["数据分析"]
    assert post["collaborators"] == ["li-si", {"person": "qian-shi", "role": "设计支持"}]
    assert post.content == ""  # no placeholder text that a forgotten edit would publish
    assert problems(content) == []


def test_a_milestone_is_one_day(content: Path) -> None:
    new(content, "task", "--title", "发布会", "--owner", "zhang-san", "--milestone",
        "--start", "2023-08-08")  # fmt: skip
    post = frontmatter.load(content / "q3-launch" / "tasks" / "MKT-202307-001-07.md")
    assert post["kind"] == "milestone" and post["start"] == post["end"] == date(2023, 8, 8)


def test_unknown_parents_and_collaborators_are_named(content: Path) -> None:
    base = ["new", "task", str(content), "--title", "x", "--owner", "li-si",
            "--start", "2023-07-24", "--end", "2023-07-30"]  # fmt: skip
    result = CliRunner().invoke(main, [*base, "--parent", "NOPE"])
    assert result.exit_code == 2 and "NOPE" in result.output
    result = CliRunner().invoke(main, [*base, "--collaborator", "nobody:设计"])
    assert result.exit_code == 2 and "nobody" in result.output


def test_a_project_from_a_chinese_title_gets_an_id(content: Path) -> None:
    output = new(content, "project", "--title", "冬季发布会")
    created = [p for p in content.iterdir() if p.name.startswith("project-")]
    assert len(created) == 1 and (created[0] / "project.md").is_file()
    assert created[0].name in output
    new(content, "project", "--title", "冬季发布会")  # a second one is numbered on
    assert len([p for p in content.iterdir() if p.name.startswith("project-")]) == 2
    assert problems(content) == []


def test_project_takes_its_folder_from_project_or_id(content: Path) -> None:
    new(content, "project", "--title", "冬季发布会", "--project", "winter")
    assert frontmatter.load(content / "winter" / "project.md")["title"] == "冬季发布会"
    result = CliRunner().invoke(
        main, ["new", "project", str(content), "--title", "t", "--id", "a", "--project", "b"]
    )
    assert result.exit_code == 2 and "--id" in result.output and "--project" in result.output


def test_a_retro_names_the_people_and_the_kpis_to_fill_in(content: Path) -> None:
    (content / "q3-launch" / "retro.md").unlink()
    new(content, "retro", "--date", "2023-08-10")
    text = (content / "q3-launch" / "retro.md").read_text("utf-8")
    post = frontmatter.loads(text)
    assert post["date"] == date(2023, 8, 10) and post["owner"] == "zhang-san"
    assert {"li-si", "zhao-liu", "zhou-qi", "qian-shi"} <= set(post["participants"])
    assert "xhs-exposure, xhs-engagement, douyin-exposure" in text  # the KPIs to fill in
    assert problems(content) == []
    result = CliRunner().invoke(main, ["new", "retro", str(content)])
    assert result.exit_code == 1 and "retro.md" in result.output


def test_a_report_lists_the_authors_open_tasks(content: Path) -> None:
    task = content / "q3-launch" / "tasks" / "MKT-202307-001-04.md"
    task.write_text(task.read_text("utf-8").replace("status: done", "status: doing"), "utf-8")
    new(content, "report", "--author", "zhao-liu", "--date", "2023-07-24")
    post = frontmatter.load(content / "q3-launch" / "reports" / "2023-07-24-zhao-liu.md")
    assert post["entries"] == [{"task": "MKT-202307-001-04"}] and post.content == ""


def test_templates_give_defaults_and_text_and_options_win(content: Path) -> None:
    templates = content / "_templates"
    templates.mkdir()
    (templates / "task.md").write_text(
        "---\npriority: P2\nskills: [文案]\nconfirmed: false\n---\n## 验收标准\n\n- …\n", "utf-8"
    )
    (content / "q3-launch" / "_templates").mkdir()
    (content / "q3-launch" / "_templates" / "risk.md").write_text(
        "---\nimpact: low\ntrigger: 待定\n---\n项目风险模板\n", "utf-8"
    )
    dates = ("--start", "2023-07-24", "--end", "2023-07-30")
    new(content, "task", "--title", "a", "--owner", "li-si", *dates)
    new(content, "task", "--title", "b", "--owner", "li-si", *dates, "--priority", "P0")
    first = frontmatter.load(content / "q3-launch" / "tasks" / "MKT-202307-001-07.md")
    second = frontmatter.load(content / "q3-launch" / "tasks" / "MKT-202307-001-08.md")
    assert first["priority"] == "P2" and first["skills"] == ["文案"]
    assert first["confirmed"] is False and first.content.startswith("## 验收标准")
    assert second["priority"] == "P0"
    new(content, "risk", "--title", "r", "--owner", "li-si", "--impact", "high")
    risk = frontmatter.load(content / "q3-launch" / "risks" / "R-04.md")
    assert risk["impact"] == "high" and risk["trigger"] == "待定"
    assert risk.content == "项目风险模板"
    assert problems(content) == []


def test_edit_opens_the_new_file_in_the_editor(content: Path) -> None:
    editor = (
        f"{shlex.quote(sys.executable)} -c \"import sys; open(sys.argv[1], 'a').write('edited')\""
    )
    new(content, "risk", "--title", "r", "--owner", "li-si", "--edit", env={"EDITOR": editor})
    assert (content / "q3-launch" / "risks" / "R-04.md").read_text("utf-8").endswith("edited")
