"""The HTML pages: what a reader needs is there and reachable (no browser needed)."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
MULTI = REPO / "tests" / "sites" / "multi"
AS_OF = "2023-07-20"
FINISHED = "2023-09-30"  # after the retro: every file of the sample is dated by then
HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
TASK = "MKT-202307-001-02"


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _build(content: Path | str, out: Path, as_of: str = AS_OF) -> Path:
    # Never this repository's own history: the sample is read as its files are now.
    arguments = ["build", str(content), "-o", str(out), "--as-of", as_of, "--no-history"]
    with _cwd(REPO):
        result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return out


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("content", tmp_path_factory.mktemp("pages") / "out")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build("content", tmp_path_factory.mktemp("finished") / "out", FINISHED)


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(MULTI, tmp_path_factory.mktemp("multi") / "out", "2023-10-09")


def read(site: Path, page: str) -> str:
    return (site / page).read_text("utf-8")


def links(site: Path, page: str) -> list[str]:
    """Internal link targets of a page, as paths relative to the site root."""
    found = []
    for href in HREF.findall(read(site, page)):
        href = unescape(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#") or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        found.append(target)
    return found


def crawl(site: Path) -> set[str]:
    seen, queue = set(), ["index.html"]
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        for target in links(site, page):
            assert not target.startswith(".."), f"{page} links outside the site: {target}"
            assert (site / target).is_file(), f"{page} links to missing {target}"
            if target.endswith(".html"):
                queue.append(target)
    return seen


@pytest.mark.parametrize(("built", "as_of"), [("site", AS_OF), ("finished", FINISHED)])
def test_every_page_is_reachable_from_the_dashboard(
    built: str, as_of: str, request: pytest.FixtureRequest
) -> None:
    site = request.getfixturevalue(built)
    status = json.loads(read(site, "status.json"))
    reachable = crawl(site)
    expected = {"index.html", "people/index.html", "risks/index.html", "reports/index.html"}
    expected |= {"weekly/index.html", "priorities.html", "measures.html"}
    expected |= {f"tasks/{t['id']}.html" for t in status["tasks"]}
    expected |= {f"people/{p['id']}.html" for p in status["people"]}
    expected |= {f"risks/{r['id']}.html" for r in status["risks"]}
    expected |= {f"projects/{p['id']}.html" for p in status["projects"]}
    expected |= {"weekly/2023-W28.html", "weekly/2023-W29.html"}
    # Read from today's files, a past day leaves out what they date after it (SPEC §9):
    # the retro (2023-09-05) and six of the fifteen reports on 2023-07-20.
    files = sorted((CONTENT / "q3-launch" / "reports").glob("*.md"))
    reports = {f"reports/q3-launch/{p.stem}.html" for p in files if p.stem[:10] <= as_of}
    assert len(reports) == (9 if as_of == AS_OF else 15)
    expected |= reports
    if as_of == FINISHED:
        expected.add("retro/q3-launch.html")
    else:
        assert not (site / "retro").exists()
    missing = expected - reachable
    assert not missing, missing
    every_page = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert every_page <= reachable, every_page - reachable


def test_links_are_relative(site: Path) -> None:
    for page in ("index.html", f"tasks/{TASK}.html", "reports/q3-launch/2023-07-10-li-si.html"):
        html = read(site, page)
        assert 'href="/' not in html and 'src="/' not in html
    assert 'href="../static/site.css"' in read(site, f"tasks/{TASK}.html")
    assert 'href="../../static/site.css"' in read(site, "reports/q3-launch/2023-07-10-li-si.html")


def test_dashboard_puts_alerts_first_with_links(site: Path) -> None:
    html = read(site, "index.html")
    alerts = html.index('id="alerts-h"')
    for later in ('id="projects-h"', 'id="briefs-h"', "<svg", 'id="risks-h"'):
        assert alerts < html.index(later), later
    # each alert links to the page where it can be acted on
    assert f'href="tasks/{TASK}.html"' in html  # deviation
    assert 'href="risks/R-01.html"' in html  # open-high-risk
    assert 'href="reports/q3-launch/2023-07-18-li-si.html"' in html  # late-report
    text = _text(html)
    assert "-50.0%" in text and "偏差预警" in text and "日报迟交" in text and "高风险未解决" in text
    # health with words, not colour alone, and its reasons: on 07-20 every task is done
    # (the deviations and R-01 are about finished work); the 07-18 late report still counts
    assert "黄灯（需关注）" in text
    assert "日报迟交：1 份日报（2023-07-18 李四）" in text
    assert "未解决的高风险 R-01" not in text
    assert "2023-07-20" in text  # as-of date in the footer
    # within a kind of alert, the newest first: after months of reports the dashboard's
    # first few are the ones that still matter
    deviation = r'<span class="code">偏差预警</span>\s*<a [^>]*>[^<]*</a><span class="msg">[^<]*?'
    days = re.findall(deviation + r"(\d{4}-\d\d-\d\d)：", html)
    assert len(days) >= 3 and days == sorted(days, reverse=True), days


def test_task_page_shows_the_guides_table_3(site: Path) -> None:
    text = _text(read(site, f"tasks/{TASK}.html"))
    for figure in ("-50%", "-33.3%", "50%", "66.7%", "-20%", "80%"):
        assert figure in text, figure
    assert "文案（王五）临时负责紧急会议，时间冲突" in text  # problem
    assert "协调赵六协助完成第2支脚本" in text  # solution
    assert "script-01-draft.docx" in text  # evidence link
    assert "MKT-202307-001-01 内容策划" in text  # depends on
    assert "MKT-202307-001-03 渠道投放" in text  # needed by (dependents)
    assert "钱十 (设计支持)" in text  # collaborator with role
    assert "5,000" in text  # budget
    assert "素材须符合品牌 VI 规范" in text  # body rendered


def test_project_page_has_goal_wbs_budget_and_gantt(site: Path) -> None:
    html = read(site, "projects/q3-launch.html")
    text = _text(html)
    for needle in ("任务目标确认表", "公司计划8月推出系列新品", "市场部经理", "工作分解结构"):
        assert needle in text, needle
    assert "105,000" in text and "150,000" in text and "70%" in text  # budget
    assert "<table" in html and 'scope="col"' in html
    assert html.count('id="gantt-h"') == 1


def _column_heads(html: str, table_class: str) -> list[str]:
    # The table whose classes begin with ``table_class`` (a "stack" one turns into cards).
    table = re.split(rf'<table class="{table_class}[ "][^>]*>', html, maxsplit=1)[1]
    table = table.split("</thead>", 1)[0]
    return re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)


def test_the_guides_tables_2_and_4_keep_their_columns(site: Path) -> None:
    project = read(site, "projects/q3-launch.html")
    assert _column_heads(project, "assignment") == [
        "任务ID", "子任务名称", "任务描述", "直接责任人", "协作责任人",
        "优先级", "起止时间", "交付物", "所需资源",
    ]  # fmt: skip
    assert "制作短视频及图文素材。" in _text(project)  # a task's description, first paragraph
    register = read(site, "risks/index.html")
    assert _column_heads(register, "risks")[:7] == [
        "风险点", "风险描述", "影响等级", "责任人", "触发条件", "应对措施", "当前状态",
    ]  # fmt: skip
    assert "设计部钱十同时负责 3 个项目" in _text(register)


def test_gantt_has_a_table_alternative(site: Path) -> None:
    html = read(site, "index.html")
    table = html[html.index('class="gantt-table"') :]
    for column in ("任务ID", "直接责任人", "开始", "结束", "关键路径"):
        assert column in table
    assert 'class="scroll gantt-chart"' in html or "<svg" not in html


def test_kpi_achievement_once_the_retro_records_it(site: Path, finished: Path) -> None:
    assert "104%" in _text(read(finished, "index.html"))  # the retro's 5.2M against 5M
    assert "104%" not in _text(read(site, "index.html"))  # the retro is dated 2023-09-05


def test_retro_page(finished: Path) -> None:
    site = finished
    text = _text(read(site, "retro/q3-launch.html"))
    assert "104%" in text and "105%" in text and "85%" in text
    assert "制定“需求变更管理流程”" in text and "2023-09-15" in text
    assert "已完成任务" in text and "日报平均偏差率" in text
    # the guide's four retro dimensions: goals, process, team collaboration, outputs
    html = read(site, "retro/q3-launch.html")
    order = [html.index(f'id="{h}"') for h in ("rkpi-h", "rmeasure-h", "rteam-h", "routputs-h")]
    assert order == sorted(order)
    assert "钱十" in text and "设计支持" in text  # who supported task 02
    assert "3支短视频（每支60秒）、10张封面图" in text  # task 02's deliverables


def test_measures_page_worked_examples(site: Path) -> None:
    text = _text(read(site, "measures.html"))
    for figure in ("50%", "-50%", "66.7%", "-33.3%", "104%", "20%"):
        assert figure in text, figure
    # the guide's table 3 rows: 2 scripts (1 done), 3 drafts (3 done), 3 finals (2 done)
    assert re.search(r"3\s+3\s+100%\s+0%", text)
    # and its escalation process, with the site's threshold
    assert "风险升级流程" in text and "任务进度落后计划 20% 或以上" in text


def test_risk_register_order(site: Path, finished: Path) -> None:
    text = _text(read(finished, "risks/index.html"))
    assert text.index("R-01") < text.index("R-02") < text.index("R-03")
    # R-03 was raised on 2023-07-21: not yet on 2023-07-20
    assert "R-03" not in _text(read(site, "risks/index.html"))


def test_weekly_page_agenda(site: Path) -> None:
    text = _text(read(site, "weekly/2023-W28.html"))
    assert "滞后任务与原因" in text and "抽查清单" in text
    assert "文案（王五）临时负责紧急会议" in text
    assert "-50.0%" in text
    # the spot check is reproducible
    again = _text(read(site, "weekly/2023-W28.html"))
    assert again == text


def test_a_risk_raised_this_week_is_listed_once(site: Path) -> None:
    page = read(site, "weekly/2023-W27.html")  # R-01 was raised on 2023-07-08
    risks = page[page.index('id="wrisks-h"') :]
    risks = risks[: risks.index("</section>")]
    assert risks.count(">R-01<") == 1
    assert "风险 (1)" in _text(page)


def test_priorities_show_hidden_tasks(site: Path) -> None:
    text = _text(read(site, "priorities.html"))
    assert "隐性任务" in text and "MKT-202307-001-06" in text
    for p in ("P0", "P1", "P2", "P3"):
        assert p in text


def test_health_reasons_use_the_pages_words_and_names(multi: Path) -> None:
    """A project lists what makes it red, then its other warnings by the names the alerts
    use, counting the tasks, people and reports they concern (not the warnings), by name."""
    text = _text(read(multi, "projects/brand.html"))
    assert "B-02 deviates -100%, at least twice the alert threshold" in text
    assert "Dependency order: 1 task (B-02)" in text
    assert "dependency-order:" not in text.lower()  # the code's name, not the code
    # ming's overload, on tasks of both projects, weighs on both
    assert "Overloaded: 1 person (李明)" in text
    assert "Overloaded: 1 person (李明)" in _text(read(multi, "projects/launch.html"))
    assert "Missing report: 1 daily report (2023-10-08 李明)" in text


QUIET_SITE = {
    "site.yaml": "title: Quiet\nlanguage: en\n",
    "team.yaml": "people:\n  - {id: amy, name: Amy}\n",
    "camp/project.md": (
        "---\ntitle: Campaign\nowner: amy\nkpis:\n"
        "  - {id: reach, name: Reach, target: 1000}\n  - {id: ctr, name: CTR, target: 3}\n---\n"
    ),
    "camp/retro.md": (
        "---\ndate: 2024-04-02\nowner: amy\nkpis:\n  - {id: reach, actual: 1200}\n---\n"
    ),
}


def test_a_project_without_tasks_and_a_kpi_the_retro_left_out(tmp_path: Path) -> None:
    content = tmp_path / "content"
    for name, text in QUIET_SITE.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    out = _build(content, tmp_path / "out", "2024-04-03")
    for page in ("index.html", "projects/camp.html"):
        html = read(out, page)
        assert "No tasks yet: add task files to this project's tasks/ folder." in _text(html)
        assert "gantt-chart" not in html and "gantt-table" not in html, page
    retro = _text(read(out, "retro/camp.html"))
    assert "not recorded in the retro" in retro and "after retro" not in retro


def test_links_between_content_files_lead_to_pages(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MULTI, content)
    task = content / "launch" / "tasks" / "L-02.md"
    task.write_text(
        task.read_text("utf-8").rstrip()
        + "\n\nSee [research](L-01.md) and [the plan](../project.md).\n",
        encoding="utf-8",
    )
    out = _build(content, tmp_path / "out", "2023-10-09")
    assert 'href="L-01.html"' in read(out, "tasks/L-02.html")
    assert 'href="../projects/launch.html"' in read(out, "tasks/L-02.html")
    assert crawl(out)  # and nothing links to a .md file


def test_people_pages(multi: Path) -> None:
    html = read(multi, "index.html")
    assert 'href="people/ming.html"' in html  # overload alert links to the person
    person = read(multi, "people/ming.html")
    # ming's row of the load heatmap: days over the limit are marked by more than colour
    assert 'role="img"' in person and 'class="cell l4 over"' in person and ">3!</text>" in person
    assert "3 / 2" in _text(person)
    # olga's parent task B-08 carries no load: 5 active tasks at most, within her 5
    assert "5 / 5" in _text(read(multi, "people/olga.html"))
    team = _text(read(multi, "people/index.html"))
    # 李明 is over his limit and his P0 task B-03 is overdue: at risk, with the reasons
    assert "李明" in team and "At risk B-03 P0" in team and "over the limit of 2" in team
    crawl(multi)


def test_a_dashboard_of_many_projects_folds_their_charts_and_kpis(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(MULTI, content)
    extra = content / "extra"
    (extra / "tasks").mkdir(parents=True)
    (extra / "risks").mkdir()
    (extra / "project.md").write_text(
        "---\ntitle: Extra\nowner: li\nstart: 2023-10-02\nend: 2023-10-31\n"
        "kpis:\n  - {id: reach, name: Reach, channel: all, target: 100, unit: views}\n---\n",
        "utf-8",
    )
    (extra / "tasks" / "X-1.md").write_text(
        "---\nid: X-1\ntitle: Plan\nowner: li\nstart: 2023-10-02\nend: 2023-10-20\n---\n",
        "utf-8",
    )
    for n in range(12):
        (extra / "risks" / f"R-X{n}.md").write_text(
            f"---\nid: R-X{n}\ntitle: Risk {n}\nimpact: high\nowner: li\nstatus: open\n"
            "raised: 2023-10-02\n---\n",
            "utf-8",
        )
    out = _build(content, tmp_path / "out", "2023-10-09")
    html = read(out, "index.html")
    charts = html.count('<details class="fold">\n<summary>Show the chart</summary>')
    assert charts == 4  # one per project, each under its own heading
    assert html.count("<summary>Show the KPIs (1)</summary>") == 3  # launch, brand, extra
    assert html.count("<summary>Show the KPIs (3)</summary>") == 1  # ops
    risks = html[html.index('id="risks-h"') :]
    risks = risks[: risks.index("</section>")]
    shown = risks.count("<li>")
    more = int(re.search(r"(\d+) more open risks are in the risk register", risks).group(1))
    assert shown == 10 and more >= 12 + 1 - 10  # twelve here, and launch's open one
    card = html[html.index('id="p-extra"') :]
    card = card[: card.index("</article>")]
    assert card.count("<li>") == 5  # twelve open high risks and more: the first five
    assert int(re.search(r"\b(\d+) more on the project page", card).group(1)) >= 7
    unfolded = read(_build(MULTI, tmp_path / "three", "2023-10-09"), "index.html")
    assert '<details class="fold">' not in unfolded  # three projects: all shown open


def test_build_is_deterministic(site: Path, tmp_path: Path) -> None:
    again = _build("content", tmp_path / "again")
    for path in site.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def test_english_build(content_copy: Path, tmp_path: Path) -> None:
    settings = content_copy / "site.yaml"
    settings.write_text(
        re.sub(r"(?m)^language:.*$", "language: en", settings.read_text("utf-8")), "utf-8"
    )
    out = _build(content_copy, tmp_path / "out")
    for page in ("index.html", f"tasks/{TASK}.html", "weekly/2023-W28.html", "measures.html"):
        html = read(out, page)
        assert html.startswith('<!doctype html>\n<html lang="en">')
        nav = html[html.index("<nav") : html.index("</nav>")]
        assert not re.search(r"[\u4e00-\u9fff]", nav), nav
        assert "Figures as of 2023-07-20" in html
        # compiled into the templates (FixedMessages), which zh-CN builds share a cache with
        assert '<a class="skip" href="#main">Skip to content</a>' in html
    assert '<a class="skip" href="#main">跳到正文</a>' in read(
        _build("content", tmp_path / "zh"), "index.html"
    )
    text = _text(read(out, "index.html"))
    assert "Alerts" in text and "Amber (needs attention)" in text


def test_written_out_messages_are_compiled_into_templates() -> None:
    from sitegen.site.render import Theme, make_environment

    env = make_environment(Theme.for_content(CONTENT), "en")
    code = env.compile(
        "{{ t('nav.skip') }}|{{ t('nav.' ~ key) }}|{{ t('footer.as_of', date=1) }}", raw=True
    )
    assert "Skip to content" in code  # no call left
    assert code.count("context.call(") == 2  # a computed key, and a message with values


def test_markdown_body_is_sanitised(content_copy: Path, tmp_path: Path) -> None:
    task = content_copy / "q3-launch" / "tasks" / f"{TASK}.md"
    task.write_text(
        task.read_text("utf-8")
        + '\n<script>alert("x")</script>\n\n'
        + "[click](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
        "utf-8",
    )
    out = _build(content_copy, tmp_path / "out")
    html = read(out, f"tasks/{TASK}.html")
    assert "<script" not in html.lower()
    assert "javascript:" not in html
    assert "onerror" not in html


def test_theme_override_and_extra_css(content_copy: Path, tmp_path: Path) -> None:
    templates = content_copy / "_theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "risk.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>OVERRIDDEN {{ risk.id }}</h1>'
        "{% endblock %}",
        "utf-8",
    )
    static = content_copy / "_theme" / "static"
    static.mkdir()
    (static / "extra.css").write_text("body{outline:0}", "utf-8")
    out = _build(content_copy, tmp_path / "out")
    assert "OVERRIDDEN R-01" in read(out, "risks/R-01.html")
    assert "OVERRIDDEN" not in read(out, "risks/index.html")
    assert 'href="../static/extra.css"' in read(out, "tasks/" + TASK + ".html")
    assert (out / "static" / "extra.css").is_file()
    assert "extra.css" not in read(_build("content", tmp_path / "plain"), "index.html")


def test_public_build_has_no_budget_figures(tmp_path: Path) -> None:
    with _cwd(REPO):
        result = CliRunner().invoke(
            main, ["build", "content", "-o", str(tmp_path / "pub"), "--as-of", AS_OF, "--public"]
        )
    assert result.exit_code == 0, result.output
    text = _text(read(tmp_path / "pub", "projects/q3-launch.html"))
    assert "150,000" not in text and "105,000" not in text
    assert not (tmp_path / "pub" / "risks" / "R-02.html").exists()  # internal risk


def test_the_report_stream_splits_by_week_when_a_month_is_too_long():
    from datetime import date, timedelta
    from types import SimpleNamespace

    from sitegen.site.pages.reports import MONTH_LIMIT, stream_periods

    def reports(count: int, first: date) -> list[SimpleNamespace]:
        return [SimpleNamespace(date=first + timedelta(days=i % 30)) for i in range(count)]

    unit, periods = stream_periods(reports(MONTH_LIMIT, date(2023, 9, 1)))
    assert unit == "month" and list(periods) == ["2023-09"]

    busy = sorted(reports(MONTH_LIMIT + 1, date(2023, 9, 1)), key=lambda r: r.date, reverse=True)
    unit, periods = stream_periods(busy)
    assert unit == "week"
    # 2023-09-01 is a Friday of ISO week 35; 2023-09-30 a Saturday of week 39
    assert list(periods) == ["2023-W39", "2023-W38", "2023-W37", "2023-W36", "2023-W35"]
    assert sum(len(items) for items in periods.values()) == MONTH_LIMIT + 1
    assert [r.date for r in periods["2023-W35"]] == sorted(
        (r.date for r in busy if r.date <= date(2023, 9, 3)), reverse=True
    )


def test_a_long_report_stream_links_its_neighbours_and_folds_the_rest(tmp_path, monkeypatch):
    from datetime import date, timedelta

    from sitegen.site.pages import reports

    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    folder = site / "q3-launch" / "reports"
    sample = sorted(folder.glob("*.md"))[0].read_text("utf-8")
    first = sample.split("date: ")[1][:10]
    for week in range(18):  # three reports a week from January, before the sample's own
        for day in (0, 2, 4):
            on = (date(2023, 1, 2) + timedelta(weeks=week, days=day)).isoformat()
            (folder / f"{on}-extra.md").write_text(sample.replace(first, on), "utf-8")
    monkeypatch.setattr(reports, "MONTH_LIMIT", 5)
    page = read(_build(site, tmp_path / "out"), "reports/2023-W10.html")
    assert 'rel="prev">← 2023-W09<' in page and 'rel="next">2023-W11 →<' in page
    assert '<nav aria-label="上一周 / 下一周" class="pager">' in page
    assert "<details><summary>" in page and 'aria-current="page">2023-W10' in page


def test_a_stream_split_by_month_says_so_in_its_pager(tmp_path):
    from datetime import date, timedelta

    site = tmp_path / "site"
    shutil.copytree(CONTENT, site)
    folder = site / "q3-launch" / "reports"
    sample = sorted(folder.glob("*.md"))[0].read_text("utf-8")
    first = sample.split("date: ")[1][:10]
    for week in range(60):  # one report a week for 14 months, before the sample's own
        on = (date(2022, 3, 7) + timedelta(weeks=week)).isoformat()
        (folder / f"{on}-extra.md").write_text(sample.replace(first, on), "utf-8")
    page = read(_build(site, tmp_path / "out"), "reports/2022-10.html")
    assert 'rel="prev">← 2022-09<' in page and 'rel="next">2022-11 →<' in page
    assert '<nav aria-label="上个月 / 下个月" class="pager">' in page


def test_a_long_alert_group_goes_on_over_pages_of_its_own(tmp_path, monkeypatch):
    from sitegen.site.pages import alerts

    monkeypatch.setattr(alerts, "ALERTS_PER_PAGE", 2)
    site = _build(CONTENT, tmp_path / "out")
    item = re.compile(r'<li class="alert-item[^"]*">.*?</li>', re.S)

    def group(html: str, anchor: str, end: str = "</section>") -> list[str]:
        start = html.index(f'id="{anchor}"')
        return item.findall(html[start : html.index(end, start)])

    # On 07-20 the sample's four alerts about finished work (three deviations, R-01) no
    # longer count: the dashboard (10 a list) shows all four, alerts.html the first two,
    # and alerts/settled-2.html the others.
    everything = group(read(site, "index.html"), "settled", "</details>")
    overview = read(site, "alerts.html")
    assert len(everything) == 4 and group(overview, "settled", "</details>") == everything[:2]
    assert '<a href="alerts/settled-2.html">另有 2 条，见后续页</a>' in overview
    second = read(site, "alerts/settled-2.html")
    assert [a.replace("../", "") for a in item.findall(second)] == everything[2:]
    assert "<h1>已了结（第 2/2 页）</h1>" in second and "本页为第 3–4 条" in second
    assert '<a href="../alerts.html#settled" rel="prev">← 第 1 页</a>' in second
    assert 'rel="next"' not in second
    # six notices: two on alerts.html, then two pages; groups that fit make no pages
    middle = read(site, "alerts/notices-2.html")
    assert "本页为第 3–4 条" in middle and 'rel="prev">← 第 1 页<' in middle
    assert '<a href="notices-3.html" rel="next">第 3 页 →</a>' in middle
    assert sorted(p.name for p in (site / "alerts").iterdir()) == [
        "notices-2.html", "notices-3.html", "settled-2.html",
    ]  # fmt: skip
    assert {f"alerts/{n}" for n in ("settled-2.html", "notices-3.html")} <= crawl(site)
