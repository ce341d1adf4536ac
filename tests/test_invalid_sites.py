"""Invalid content sites (in the manner of Zola's ``test_sites_invalid``).

Each folder under ``tests/test_sites_invalid/`` is the smallest complete content
site that is valid except for exactly one problem, plus an ``expected.json``::

    {"as_of": "2024-03-04",
     "findings": [{"code": "field", "file": "p/tasks/A-1.md", "line": 4,
                   "message_contains": ["ann"]}]}      # message_contains is optional

``sitegen check DIR --as-of AS_OF --format json`` must exit 1 and report exactly
that set of (code, file, line) among its *error* findings; warnings and notices
are ignored. ``file`` is relative to DIR with forward slashes; ``line`` is 1-based
over the whole file (line 1 of a Markdown file is its opening ``---``).

Sites are copied to ``tmp_path`` before running, so nothing is ever written into
the case folders; ``expected.json`` is left out of the copy.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

HERE = Path(__file__).parent
CASES_DIR = HERE / "test_sites_invalid"
MULTI_DIR = HERE / "test_sites_invalid_multi"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())

ERROR_CODES = {"parse", "field", "duplicate-id", "unknown-ref", "cycle", "dates", "unsafe-id"}
SEVERITIES = {"error", "warning", "notice"}
AS_OF = "2024-03-04"

# The same base every case starts from; valid on its own (no error findings).
VALID_SITE = {
    "site.yaml": """\
title: Invalid site case
language: en
timezone: UTC
""",
    "team.yaml": """\
people:
  - id: ann
    name: Ann
    role: writer
    skills: [copy]
  - id: bob
    name: Bob
    role: analyst
    skills: [data]
""",
    "p/project.md": """\
---
title: Project P
owner: ann
acceptor: Marketing manager
start: 2024-03-04
end: 2024-03-29
goal: Publish the spring campaign copy by 2024-03-29
kpis:
  - id: reach
    name: Reach
    channel: web
    target: 1000
    unit: views
---
Project notes.
""",
    "p/tasks/A-1.md": """\
---
id: A-1
title: Write copy
owner: ann
priority: P1
start: 2024-03-04
end: 2024-03-08
status: todo
confirmed: true
deliverables: [draft copy]
---
Write the campaign copy.
""",
}

# Ways to break the valid site by adding one task file, caught at different stages.
BAD_TASKS = {
    "parse": """\
---
id: A-2
title: Review copy
  owner: bob
end: 2024-03-08
---
""",
    "unknown-ref": """\
---
id: A-2
title: Review copy
owner: zed
start: 2024-03-05
end: 2024-03-08
---
""",
}


# --------------------------------------------------------------------------- helpers


def _main():
    # Imported lazily so the data checks below run even while the engine is missing.
    from sitegen.cli import main

    return main


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # Click < 8.2
    except TypeError:
        return CliRunner()  # Click >= 8.2: result.stdout is stdout only


def invoke(*args):
    result = _runner().invoke(_main(), [str(a) for a in args])
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc.with_traceback(result.exc_info[2])
    return result


def check_json(site: Path, as_of: str):
    result = invoke("check", site, "--as-of", as_of, "--format", "json")
    try:
        data = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"check --format json did not print JSON on stdout:\n{result.stdout!r}")
    assert isinstance(data, dict), data
    assert isinstance(data.get("findings"), list), data
    for f in data["findings"]:
        assert {"code", "severity", "file", "line", "message"} <= set(f), f
        assert f["severity"] in SEVERITIES, f
    return result, data["findings"]


def errors_of(findings):
    return [f for f in findings if f["severity"] == "error"]


def key(f):
    return (f["code"], f["file"], f["line"])


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and directory (None) under root, by relative posix path."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def copy_site(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("expected.json"))
    return dst


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def mentions(message: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", message) is not None


def load_expected(case: Path):
    data = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return data["as_of"], data["findings"]


def assert_reports_exactly(site: Path, as_of: str, expected: list[dict]):
    before = snapshot(site)
    result, findings = check_json(site, as_of)
    errors = errors_of(findings)
    got = [key(f) for f in errors]
    want = {(e["code"], e["file"], e["line"]) for e in expected}
    assert set(got) == want, (
        "error findings differ\n  expected: "
        + json.dumps(sorted(want))
        + "\n  got:      "
        + json.dumps(errors, ensure_ascii=False, indent=1)
    )
    assert len(got) == len(set(got)), f"an error was reported more than once: {errors}"
    for f in errors:
        assert isinstance(f["message"], str) and f["message"].strip(), f
    by_key = {key(f): f for f in errors}
    for e in expected:
        msg = by_key[(e["code"], e["file"], e["line"])]["message"]
        for word in e.get("message_contains", []):
            assert mentions(msg, word), f"message should mention {word!r}: {msg!r}"
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert snapshot(site) == before, "check must not change the content directory"
    return findings


# ------------------------------------------------------------ the case data itself


def test_case_folders_exist():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_expected_json_is_well_formed(case):
    as_of, expected = load_expected(case)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of)
    assert len(expected) == 1, "each case holds exactly one problem"
    for e in expected:
        assert e["code"] in ERROR_CODES, e
        target = case / e["file"]
        assert target.is_file(), e
        assert 1 <= e["line"] <= len(target.read_text(encoding="utf-8").splitlines()), e
    for name in ("site.yaml", "team.yaml"):
        assert (case / name).is_file()


def test_cases_cover_every_error_code():
    codes = {e["code"] for case in CASES for e in load_expected(case)[1]}
    assert codes >= ERROR_CODES, ERROR_CODES - codes


# ------------------------------------------------------------------ engine behaviour


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invalid_site(case, tmp_path):
    as_of, expected = load_expected(case)
    site = copy_site(case, tmp_path / "site")
    assert_reports_exactly(site, as_of, expected)


def test_several_errors_in_one_run(tmp_path):
    as_of, expected = load_expected(MULTI_DIR)
    assert len({e["file"] for e in expected}) >= 4
    site = copy_site(MULTI_DIR, tmp_path / "site")
    assert_reports_exactly(site, as_of, expected)


def test_valid_base_site_checks_clean(tmp_path):
    site = write_site(tmp_path / "site", VALID_SITE)
    before = snapshot(site)
    result, findings = check_json(site, AS_OF)
    assert errors_of(findings) == []
    assert result.exit_code == 0, (result.exit_code, result.output)
    assert snapshot(site) == before


@pytest.mark.parametrize(
    "args",
    [["--format", "xml"], ["--no-such-option"], ["--as-of", "2024-13-45"]],
    ids=["format-xml", "unknown-option", "bad-as-of"],
)
def test_check_bad_usage_exits_2(args, tmp_path):
    site = write_site(tmp_path / "site", VALID_SITE)
    result = invoke("check", site, *args)
    assert result.exit_code == 2, (result.exit_code, result.output)


@pytest.mark.parametrize("breakage", sorted(BAD_TASKS))
def test_failed_build_leaves_previous_output(breakage, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = tmp_path / "work"
    site = write_site(work / "site", VALID_SITE)
    out = work / "public"
    site_before = snapshot(site)

    first = invoke("build", site, "-o", out, "--as-of", AS_OF)
    assert first.exit_code == 0, first.output
    assert (out / "index.html").is_file()
    assert (out / "status.json").is_file()
    assert snapshot(site) == site_before, "build must not change the content directory"
    assert sorted(p.name for p in work.iterdir()) == ["public", "site"]
    out_before = snapshot(out)

    (site / "p" / "tasks" / "A-2.md").write_text(BAD_TASKS[breakage], encoding="utf-8")
    site_broken = snapshot(site)
    second = invoke("build", site, "-o", out, "--as-of", AS_OF)
    assert second.exit_code == 1, (second.exit_code, second.output)
    assert snapshot(out) == out_before, "a failed build must leave the previous OUT as it was"
    assert snapshot(site) == site_broken, "build must not change the content directory"
    assert sorted(p.name for p in work.iterdir()) == ["public", "site"]


def test_failed_build_without_previous_output_creates_none(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    case = CASES_DIR / "task_owner_unknown"
    site = copy_site(case, tmp_path / "work" / "site")
    out = tmp_path / "work" / "public"
    result = invoke("build", site, "-o", out, "--as-of", load_expected(case)[0])
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert not out.exists()
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["site"]


@pytest.mark.parametrize(
    "layout", ["out-is-content", "out-inside-content", "content-inside-out", "out-is-dot-dot"]
)
def test_build_refuses_an_output_folder_that_overlaps_the_content(layout, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = tmp_path / "work"
    site = write_site(work / "site", VALID_SITE)
    (work / "notes.txt").write_text("not the site's")
    out = {
        "out-is-content": site,
        "out-inside-content": site / "public",
        "content-inside-out": work,
        "out-is-dot-dot": site / "..",
    }[layout]
    before = snapshot(work)
    result = invoke("build", site, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "must be apart" in result.output and "must never change the content" in result.output
    assert snapshot(work) == before


def test_build_keeps_files_it_did_not_write_and_refuses_to_replace_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = write_site(tmp_path / "site", VALID_SITE)
    documents = tmp_path / "documents"
    (documents / "letters").mkdir(parents=True)
    (documents / "letters" / "draft.txt").write_text("keep me")
    (documents / "status.json").write_text("{}")  # a file of sitegen's name, not sitegen's
    before = snapshot(documents)
    refused = invoke("build", site, "-o", documents, "--as-of", AS_OF)
    assert refused.exit_code == 1, refused.output
    assert "would replace a file that sitegen did not write: status.json" in refused.output
    assert "Nothing in" in refused.output and "Traceback" not in refused.output
    assert snapshot(documents) == before  # nothing written, not even sitegen's own folder

    (documents / "status.json").unlink()
    assert invoke("build", site, "-o", documents, "--as-of", AS_OF).exit_code == 0
    assert (documents / "letters" / "draft.txt").read_text() == "keep me"
    (documents / "stray.html").write_text("left by hand")
    (documents / "feed.xml").unlink()
    assert invoke("build", site, "-o", documents, "--as-of", AS_OF).exit_code == 0
    assert (documents / "stray.html").read_text() == "left by hand"
    assert (documents / "feed.xml").is_file()  # sitegen's own file is made again


def test_build_goes_where_links_lead(tmp_path, monkeypatch):
    """OUT is the folder its path leads to: through a link to the served folder, and
    through '..' after a link, which must not reach round to the content."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = write_site(tmp_path / "real" / "site", VALID_SITE)
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "site").symlink_to(real)
    (tmp_path / "proj" / "public").mkdir()
    (tmp_path / "proj" / "public" / "notes.txt").write_text("keep me")
    # proj/site/../public is real/public, not proj/public
    built = invoke("build", real, "-o", tmp_path / "proj" / "site" / ".." / "public")
    assert built.exit_code == 0, built.output
    assert (tmp_path / "real" / "public" / "index.html").is_file()
    assert (tmp_path / "proj" / "public" / "notes.txt").read_text() == "keep me"
    # a link to the served folder: the served folder is rebuilt, the link stays
    (tmp_path / "www").mkdir()
    (tmp_path / "served").symlink_to(tmp_path / "www")
    assert invoke("build", real, "-o", tmp_path / "served").exit_code == 0
    assert (tmp_path / "served").is_symlink() and (tmp_path / "www" / "index.html").is_file()
    assert (tmp_path / "www").stat().st_mode & 0o777 == 0o755  # a web server can read it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_date_far_from_now_is_a_usage_error(tmp_path):
    site = write_site(tmp_path / "site", VALID_SITE)
    for day in ("9999-12-31", "0023-07-01"):
        result = invoke("check", site, "--as-of", day)
        assert result.exit_code == 2 and "outside 1900–2199" in result.output, result.output
