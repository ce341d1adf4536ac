"""What `check` passes, `build` makes: content that used to pass the check and then
crash or bend the build. Each test writes the smallest site that showed it."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from test_invalid_sites import AS_OF, VALID_SITE, check_json, errors_of, invoke, write_site


def build(site: Path, out: Path) -> None:
    result = invoke("build", site, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output


def site_with(root: Path, changes: dict[str, tuple[str, str]]) -> Path:
    """The valid base site with ``{file: (old, new)}`` replacements."""
    files = dict(VALID_SITE)
    for path, (old, new) in changes.items():
        assert old in files[path], (path, old)
        files[path] = files[path].replace(old, new)
    return write_site(root, files)


# ------------------------------------------------------------ titles on one line


def test_titles_written_as_yaml_blocks_are_one_line_everywhere(tmp_path):
    site = site_with(
        tmp_path / "site",
        {
            "site.yaml": ("title: Invalid site case", "title: |\n  Spring\n  status"),
            "p/tasks/A-1.md": (
                "title: Write copy",
                "title: |\n  Write\n\n  copy\nmodule: |\n  Web\n  copy",
            ),
            "p/project.md": ("title: Project P", "title: >\n  Project\n  P\n"),
            "team.yaml": ("name: Ann", "name: |\n      Ann\n      Lee"),
        },
    )
    result, findings = check_json(site, AS_OF)
    assert errors_of(findings) == [] and result.exit_code == 0, findings
    out = tmp_path / "out"
    build(site, out)

    calendar = (out / "calendar.ics").read_bytes().decode()
    assert "X-WR-CALNAME:Spring status\r\n" in calendar
    assert "SUMMARY:A-1 Write copy\r\n" in calendar
    assert "CATEGORIES:Project P,Web copy\r\n" in calendar
    assert "Ann Lee" in calendar
    table = list(csv.DictReader(io.StringIO((out / "tasks.csv").read_text("utf-8-sig"))))
    assert table[0]["title"] == "Write copy"
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find("{http://www.w3.org/2005/Atom}title").text == "Spring status"
    assert "<title>Spring status" in (out / "index.html").read_text("utf-8")
    status = json.loads((out / "status.json").read_text("utf-8"))
    assert status["projects"][0]["title"] == "Project P"


def test_the_calendar_name_is_escaped_as_text(tmp_path):
    site = site_with(
        tmp_path / "site", {"site.yaml": ("title: Invalid site case", 'title: "Q3, launch; EU"')}
    )
    build(site, tmp_path / "out")
    assert (
        "X-WR-CALNAME:Q3\\, launch\\; EU\r\n"
        in (tmp_path / "out" / "calendar.ics").read_bytes().decode()
    )


def test_control_characters_in_a_brief_keep_the_feed_well_formed(tmp_path):
    site = write_site(tmp_path / "site", VALID_SITE)
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-04-ann.md").write_text(
        "---\ndate: 2024-03-04\nauthor: ann\nentries:\n  - task: A-1\n"
        '    done: "draft \\x01 one"\n---\nBrief \x07 text\n',
        encoding="utf-8",
    )
    build(site, tmp_path / "out")
    feed = ET.parse(tmp_path / "out" / "feed.xml").getroot()  # raises when ill-formed
    summaries = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}summary")]
    assert any("Brief  text" in (s or "") for s in summaries), summaries
