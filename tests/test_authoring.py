"""Authoring tools: feeds, `new`, `init`, `serve`, annotations and the CI workflows."""

from __future__ import annotations

import csv
import io
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from sitegen.authoring.scaffold import WORKFLOW_PATH
from sitegen.builder.analyse import analyse
from sitegen.builder.incremental import OutputState
from sitegen.cli import main
from sitegen.core.findings import Severity
from sitegen.site.feeds import CSV_COLUMNS, feed_files

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
AS_OF = date(2023, 7, 20)
PAGES_ACTIONS = ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def _errors(root: Path, as_of: date | None = AS_OF) -> list[str]:
    return [
        f"{f.file}:{f.line}: {f.message}"
        for f in analyse(root, as_of).findings
        if f.severity is Severity.ERROR
    ]


def _with_base_url(root: Path, base_url: str) -> None:
    site = root / "site.yaml"
    site.write_text(site.read_text("utf-8") + f"\nbase_url: {base_url}\n", "utf-8")


# ---------------------------------------------------------------- feeds


def test_feed_is_atom_with_reports_and_alerts_under_base_url(content: Path) -> None:
    _with_base_url(content, "/status/")
    files = feed_files(analyse(content, AS_OF))
    feed = feedparser.parse(files["feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "市场部任务看板"
    links = [entry.link for entry in feed.entries]
    assert any(link.startswith("/status/reports/") for link in links)
    assert any(link.startswith("/status/tasks/") for link in links)
    assert all(link.startswith("/status/") for link in links)
    assert any("2023-07-19" in entry.title for entry in feed.entries)
    # Nothing dated after the as-of day; entries newest first.
    assert all(entry.updated[:10] <= "2023-07-20" for entry in feed.entries)
    assert [e.updated_parsed for e in feed.entries] == sorted(
        (e.updated_parsed for e in feed.entries), reverse=True
    )
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_exports_are_deterministic_and_never_carry_budget() -> None:
    first = feed_files(analyse(CONTENT, AS_OF, history=False))
    second = feed_files(analyse(CONTENT, AS_OF, history=False))
    assert first == second
    public = feed_files(analyse(CONTENT, AS_OF, public=True, history=False))
    for data in public.values():
        assert b"150000" not in data and b"budget" not in data


def test_calendar_has_one_all_day_event_per_task() -> None:
    analysis = analyse(CONTENT, AS_OF, history=False)
    calendar = Calendar.from_ical(feed_files(analysis)["calendar.ics"])
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == len(analysis.status.tasks)
    assert set(events) == {f"{t}@{s.project}" for t, s in analysis.status.tasks.items()}
    event = events["MKT-202307-001-01@q3-launch"]
    assert event.decoded("DTSTART") == date(2023, 7, 1)
    assert event.decoded("DTEND") == date(2023, 7, 8)  # end 07-07 inclusive → exclusive 07-08
    milestone = events["MKT-202307-001-M1@q3-launch"]
    end = analysis.status.tasks["MKT-202307-001-M1"].task.end
    assert milestone.decoded("DTEND") - milestone.decoded("DTSTART") == timedelta(days=1)
    assert milestone.decoded("DTSTART") == end


def test_tasks_csv_opens_in_excel() -> None:
    analysis = analyse(CONTENT, AS_OF, history=False)
    data = feed_files(analysis)["tasks.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(analysis.status.tasks)
    first = next(r for r in rows if r["id"] == "MKT-202307-001-01")
    assert first["title"] == "内容策划"
    assert first["critical"] in ("true", "false")
    assert first["actual_progress"] == "100.0"


# ---------------------------------------------------------------- new


def test_new_files_get_the_next_ids_and_pass_check(content: Path) -> None:
    runner = CliRunner()
    commands = [
        ["new", "task", str(content), "--title", "B站 追加素材", "--owner", "li-si",
         "--start", "2023-07-24", "--end", "2023-07-26"],
        ["new", "risk", str(content), "--title", "微博审核延迟", "--owner", "zhou-qi"],
        ["new", "report", str(content), "--author", "zhou-qi", "--date", "2023-07-21"],
        ["new", "project", str(content), "--title", "Autumn promo", "--owner", "zhang-san"],
    ]  # fmt: skip
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    created = [
        "q3-launch/tasks/MKT-202307-001-07.md",
        "q3-launch/risks/R-04.md",
        "q3-launch/reports/2023-07-21-zhou-qi.md",
        "autumn-promo/project.md",
    ]
    for path in created:
        assert (content / path).is_file(), path
    task = (content / created[0]).read_text("utf-8")
    assert "title: B站 追加素材" in task and "owner: li-si" in task
    # A task in the new project starts a new MKT-YYYYMM-NNN prefix.
    result = runner.invoke(
        main,
        ["new", "task", str(content), "--project", "autumn-promo", "--title", "Plan",
         "--owner", "zhang-san", "--start", "2023-09-04", "--end", "2023-09-06"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(list((content / "autumn-promo" / "tasks").glob("MKT-*-001-01.md"))) == 1
    assert _errors(content) == []


def test_new_refuses_to_overwrite_and_never_prompts_without_a_terminal(content: Path) -> None:
    runner = CliRunner()
    target = content / "q3-launch/reports/2023-07-03-zhao-liu.md"
    before = target.read_bytes()
    args = ["new", "report", str(content), "--author", "zhao-liu", "--date", "2023-07-03"]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == before

    result = runner.invoke(main, ["new", "task", str(content), "--owner", "li-si"], input="")
    assert result.exit_code == 2
    assert "--title" in result.output
    result = runner.invoke(
        main,
        ["new", "task", str(content), "--title", "x", "--owner", "nobody", "--end", "2023-07-30"],
    )
    assert result.exit_code == 2
    assert "nobody" in result.output


# ---------------------------------------------------------------- init


def test_init_writes_a_repository_that_checks_and_builds(tmp_path: Path, monkeypatch) -> None:
    runner = CliRunner()
    repo = tmp_path / "team-status"
    result = runner.invoke(main, ["init", str(repo), "--language", "zh-CN"])
    assert result.exit_code == 0, result.output
    for name in ("README.md", ".gitignore", WORKFLOW_PATH, "content/site.yaml"):
        assert (repo / name).is_file(), name
    content = repo / "content"
    assert len(list(content.glob("example/tasks/*.md"))) >= 2
    assert list(content.glob("example/reports/*.md")) and list(content.glob("example/risks/*.md"))
    assert _errors(content, None) == []
    assert analyse(content).site.settings.base_url == "/team-status/"

    # The README's commands work as written, from the repository's folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(repo)
    readme = (repo / "README.md").read_text("utf-8")
    [new_task] = [line.strip() for line in readme.splitlines() if "sitegen new task" in line]
    made = runner.invoke(main, shlex.split(new_task)[1:])
    assert made.exit_code == 0, made.output
    built = runner.invoke(main, ["build"])
    assert built.exit_code == 0, built.output
    assert (repo / "public" / "index.html").is_file()
    assert runner.invoke(main, ["build"]).exit_code == 0  # again, into its own output

    again = runner.invoke(main, ["init", str(repo)])
    assert again.exit_code == 2
    assert "not empty" in again.output

    elsewhere = tmp_path / "mars"
    bad_zone = runner.invoke(main, ["init", str(elsewhere), "--timezone", "Mars/Olympus"])
    assert bad_zone.exit_code == 2 and not elsewhere.exists()
    assert "--timezone: Mars/Olympus is not a time zone" in bad_zone.output


def test_init_says_cd_only_when_it_is_needed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = CliRunner().invoke(main, ["init", "my status"])
    assert "  cd 'my status'\n" in elsewhere.output
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    here = CliRunner().invoke(main, ["init", "."])
    assert here.exit_code == 0 and "cd " not in here.output
    assert "  sitegen check\n" in here.output


def test_the_daily_run_comes_after_the_deadline_in_the_sites_time_zone() -> None:
    from sitegen.authoring.scaffold import daily_run

    assert daily_run("Asia/Shanghai", "17:00", 2026) == (
        "30 9 * * 1-5",
        "09:30 UTC = 17:30 in Asia/Shanghai, after the 17:00 deadline",
    )
    assert daily_run("UTC", "17:00", 2026)[0] == "30 17 * * 1-5"
    assert daily_run("Asia/Kolkata", "17:00", 2026)[0] == "0 12 * * 1-5"
    # daylight saving: after the deadline in winter and in summer (UTC-5 and UTC-4)
    assert daily_run("America/New_York", "17:00", 2026) == (
        "30 22 * * 1-5",
        "22:30 UTC = 17:30 or 18:30 in America/New_York, after the 17:00 deadline",
    )
    # 17:30 in Los Angeles is already the next day in UTC: Tuesday to Saturday there
    assert daily_run("America/Los_Angeles", "17:00", 2026)[0] == "30 1 * * 2-6"
    assert daily_run("Australia/Sydney", "17:00", 2026)[0] == "30 7 * * 1-5"  # UTC+10/+11


def test_init_says_which_sitegen_ci_installs(tmp_path: Path, monkeypatch) -> None:
    from sitegen.authoring import scaffold

    # Installed from a local folder (as here): the team has to say where from.
    made = CliRunner().invoke(main, ["init", str(tmp_path / "local")])
    assert made.exit_code == 0, made.output
    assert "Before the first push: set SITEGEN" in made.output
    text = (tmp_path / "local" / WORKFLOW_PATH).read_text("utf-8")
    assert "in UTC, after the 17:00 deadline" in text  # init's default zone for English
    workflow = yaml.safe_load(text)
    assert workflow["env"]["SITEGEN"] == ""
    install = next(s for s in _steps(workflow) if s.get("name") == "Install sitegen")
    assert "exit 1" in install["run"]
    # The first push's failure says which line to edit.
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  SITEGEN:"))
    assert f"line={line}::SITEGEN is empty: on line {line} of" in install["run"]

    class FromGit:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return (
                '{"url": "https://github.com/acme/sitegen", "vcs_info": '
                '{"vcs": "git", "commit_id": "0123abc", "requested_revision": "v0.1.0"}}'
            )

    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: FromGit())
    made = CliRunner().invoke(main, ["init", str(tmp_path / "git")])
    assert made.exit_code == 0 and "SITEGEN" not in made.output
    workflow = yaml.safe_load((tmp_path / "git" / WORKFLOW_PATH).read_text("utf-8"))
    assert workflow["env"]["SITEGEN"] == "sitegen @ git+https://github.com/acme/sitegen@0123abc"


# ---------------------------------------------------------------- annotations and workflows


def test_check_format_github_prints_annotations() -> None:
    result = CliRunner().invoke(main, ["check", str(CONTENT), "--as-of", "2023-07-20",
                                       "--format", "github", "--no-history"])  # fmt: skip
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("::warning ")]
    assert lines
    assert all("file=" in line and ",line=" in line and "::" in line[2:] for line in lines)
    assert any("file=content/q3-launch/reports/" in line for line in lines)


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize(
    "path", [REPO / ".github/workflows/ci.yml", REPO / "sitegen/authoring/scaffolds/sitegen.yml"]
)
def test_workflows_check_build_and_deploy_to_pages(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "push" in triggers and "pull_request" in triggers
    uses = [step.get("uses", "") for step in _steps(workflow)]
    for action in PAGES_ACTIONS:
        assert any(u.startswith(action + "@") for u in uses), action
    runs = " ".join(step.get("run", "") for step in _steps(workflow))
    assert "--format github" in runs and "sitegen build" in runs
    deploy = next(j for j in workflow["jobs"].values() if "environment" in j)
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_ci_runs_the_test_script() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text("utf-8"))
    assert any(step.get("run") == "bash .ci/run" for step in _steps(workflow))


# ---------------------------------------------------------------- serve


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, seconds: float = 6.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_serve_rebuilds_and_reloads_on_change(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitegen.authoring.preview_http import VERSION_PATH
    from sitegen.authoring.preview_push import EVENTS_PATH
    from sitegen.authoring.serve import PreviewServer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files_before = sorted(p.relative_to(content) for p in content.rglob("*"))
    server = PreviewServer(content, port=0, as_of=AS_OF)
    try:
        port = server.start()
        base = f"http://127.0.0.1:{port}"
        assert server.out.is_relative_to(tmp_path / "cache" / "sitegen")
        index = _get(base + "/index.html")
        assert EVENTS_PATH in index
        assert EVENTS_PATH.encode() not in (server.out / "index.html").read_bytes()
        page = f"{base}/tasks/MKT-202307-001-01.html"
        assert "内容策划" in _get(page)
        version = server.version

        task = content / "q3-launch/tasks/MKT-202307-001-01.md"
        task.write_text(task.read_text("utf-8").replace("title: 内容策划", "title: 选题策划"))
        assert _wait_for(lambda: "选题策划" in _get(page)), "the edit never showed up"
        # The files are swapped in before the version moves on, so a reload finds them.
        assert _wait_for(lambda: server.version > version)

        # A broken file: the last good site stays, with the error on top.
        task.write_text("---\nid: [unclosed\n---\n", "utf-8")
        assert _wait_for(lambda: 'id="sitegen-errors"' in _get(page)), "no error panel"
        assert "MKT-202307-001-01.md:" in _get(page)
        assert '"ok": false' in _get(base + VERSION_PATH)
    finally:
        server.stop()
    assert not server.workdir.exists()
    assert not OutputState.load(server.out).file.exists()  # its record of OUT went too
    with pytest.raises(urllib.error.URLError):
        _get(f"http://127.0.0.1:{port}/index.html")
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == files_before


def test_content_workflow_reads_history_keeps_the_cache_and_notifies() -> None:
    workflow = yaml.safe_load((REPO / "sitegen/authoring/scaffolds/sitegen.yml").read_text("utf-8"))
    checkouts = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout")]
    assert checkouts and all(s["with"]["fetch-depth"] == 0 for s in checkouts)
    caches = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/cache")]
    assert len(caches) == 2
    for cache in caches:
        assert "steps.install.outputs.version" in cache["with"]["key"]
    check, site = caches
    assert check["with"]["path"] == "~/.cache/sitegen"
    # The build keeps OUT too, with its own key: only then is the next build incremental.
    assert site["with"]["path"].split() == ["~/.cache/sitegen", "public"]
    assert site["with"]["key"] != check["with"]["key"]
    [built] = [s for s in workflow["jobs"]["build"]["steps"] if "sitegen build" in s.get("run", "")]
    assert " -o public " in built["run"]
    build = workflow["jobs"]["build"]
    assert build["env"]["WEBHOOK"] == "${{ secrets.SITEGEN_WEBHOOK_URL }}"
    [digest] = [s for s in build["steps"] if "sitegen notify" in s.get("run", "")]
    assert digest["if"] == "github.event_name == 'schedule' && env.WEBHOOK != ''"
    assert digest["continue-on-error"] is True
    assert "--since" in digest["run"] and "status.json" in digest["run"]


def test_workflows_validate_against_githubs_workflow_schema(tmp_path: Path) -> None:
    init = CliRunner().invoke(main, ["init", str(tmp_path / "team-site")])
    assert init.exit_code == 0, init.output
    written = tmp_path / "team-site" / ".github" / "workflows" / "sitegen.yml"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(REPO / ".github/workflows/ci.yml"), str(written)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
