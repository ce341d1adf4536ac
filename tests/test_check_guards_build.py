"""What `check` passes, `build` makes: content that used to pass the check and then
crash or bend the build. Each test writes the smallest site that showed it."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError
from test_invalid_sites import AS_OF, VALID_SITE, check_json, errors_of, invoke, write_site

from sitegen.authoring.scaffold import slug
from sitegen.content.ids import IdProblem, id_problem
from sitegen.content.model import DOCUMENT_KINDS
from sitegen.content.problems import Collector
from sitegen.content.source import Source
from sitegen.core.i18n import LANGUAGES, Messages


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
    # the control character was replaced by a space when the file was read
    assert any("Brief   text" in (s or "") for s in summaries), summaries


# ------------------------------------------------------------ ids that name files


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("A-1", None),
        ("x" * 64, None),
        ("x" * 65, IdProblem.LONG),
        ("index", IdProblem.RESERVED),
        ("../x", IdProblem.FORM),
        ("CON", IdProblem.DEVICE),
        ("con", IdProblem.DEVICE),
        ("Nul.txt", IdProblem.DEVICE),
        ("aux.tar.gz", IdProblem.DEVICE),
        ("COM1", IdProblem.DEVICE),
        ("lpt9", IdProblem.DEVICE),
        ("COM10", None),
        ("CONSOLE", None),
        ("A.con", None),
    ],
)
def test_what_keeps_an_id_from_naming_a_file(value, problem):
    assert id_problem(value) is problem


def test_ids_too_long_for_a_file_name_are_errors_in_check_not_a_crash_in_build(tmp_path):
    task_id, person_id = "T" * 252, "p" * 300  # tasks/<252>.html is 262 bytes
    files = dict(VALID_SITE)
    files[f"p/tasks/{task_id}.md"] = files.pop("p/tasks/A-1.md").replace(
        "id: A-1", f"id: {task_id}"
    )
    files["team.yaml"] += f"  - id: {person_id}\n"
    site = write_site(tmp_path / "site", files)
    _, findings = check_json(site, AS_OF)
    errors = {(f["code"], f["file"], f["line"]): f["message"] for f in errors_of(findings)}
    assert set(errors) == {
        ("unsafe-id", f"p/tasks/{task_id}.md", 2),
        ("unsafe-id", "team.yaml", 10),
    }
    assert errors[("unsafe-id", "team.yaml", 10)] == (
        f"id '{'p' * 24}…' is 300 characters long; an id names a page's file, "
        "so it can have at most 64: shorten it"
    )
    built = invoke("build", site, "-o", tmp_path / "out", "--as-of", AS_OF)  # raises on a crash
    assert built.exit_code == 1 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder", ["lpt1", "q" * 65])
def test_a_project_folder_must_name_a_file_on_every_disk(tmp_path, folder):
    files = {name.replace("p/", f"{folder}/", 1): text for name, text in VALID_SITE.items()}
    site = write_site(tmp_path / "site", files)
    _, findings = check_json(site, AS_OF)
    assert [(f["code"], f["file"], f["line"]) for f in errors_of(findings)] == [
        ("unsafe-id", f"{folder}/project.md", 1)
    ]
    assert "rename the folder" in errors_of(findings)[0]["message"]


def test_new_suggests_ids_that_fit_and_refuses_device_names(tmp_path):
    assert slug("Autumn promo " * 10) == ("autumn-promo-" * 5)[:64].rstrip("-")
    site = write_site(tmp_path / "site", VALID_SITE)
    refused = invoke("new", "project", site, "--title", "Console", "--id", "CON")
    assert refused.exit_code == 2 and "Windows" in refused.output
    assert not (site / "CON").exists()


# ------------------------------------------------------------ field messages

MINIMAL = {
    "project": {"title": "t"},
    "task": {"id": "A", "title": "t", "owner": "o", "end": "2024-01-01"},
    "report": {"date": "2024-01-01", "author": "a"},
    "risk": {"id": "R", "title": "t", "owner": "o", "impact": "high", "status": "open"},
}
WRONG_SHAPES = ["x", 5, True, None, [1, 2], {"a": 1}, [{"a": 1}], [["a"]], [None], "2024-13-01"]


def _model_names() -> set[str]:
    names, todo = set(), list(DOCUMENT_KINDS.values())
    while todo:
        model = todo.pop()
        names.add(model.__name__)
        todo.extend(
            kind
            for info in model.model_fields.values()
            for kind in getattr(info.annotation, "__args__", (info.annotation,))
            if isinstance(kind, type) and issubclass(kind, BaseModel)
        )
    return names


@pytest.mark.parametrize("language", LANGUAGES)
def test_field_messages_never_name_the_programs_insides(tmp_path, language):
    """Every field of every kind, given values of every shape: the messages name the keys
    as written, never a class of the model or pydantic's wording."""
    collector = Collector(tmp_path, Messages(language))
    for kind, model in DOCUMENT_KINDS.items():
        for name in set(model.model_fields) - {"body", "source"}:  # not keys of a file
            for value in WRONG_SHAPES:
                try:
                    model.model_validate({**MINIMAL.get(kind, {}), name: value})
                except ValidationError as error:
                    collector.validation_error(Source(f"{kind}.md"), error)
    messages = {finding.message for finding in collector.findings}
    assert len(messages) > 40
    internal = (*_model_names(), "function-", "Input should", "instance of", "str]", "' or '")
    leaks = [m for m in messages if any(word in m for word in internal)]
    assert leaks == []


def test_a_collaborator_without_a_person_says_where_to_add_it(tmp_path):
    site = site_with(
        tmp_path / "site",
        {"p/tasks/A-1.md": ("owner: ann\n", "owner: ann\ncollaborators: [{role: x}, [bob]]\n")},
    )
    _, findings = check_json(site, AS_OF)
    assert [(f["line"], f["message"]) for f in errors_of(findings)] == [
        (5, "'collaborators[0].person' is required: add a line 'person: …' to collaborators[0]"),
        (5, "'collaborators[1]' must be 'key: value' lines, indented under it"),
    ]


# ------------------------------------------------------------ brief length


def _brief_findings(tmp_path: Path, brief: str) -> list[dict]:
    site = write_site(tmp_path / "site", VALID_SITE)
    (site / "p" / "reports").mkdir()
    (site / "p" / "reports" / "2024-03-04-ann.md").write_text(
        f"---\ndate: 2024-03-04\nauthor: ann\n---\n{brief}\n", encoding="utf-8"
    )
    _, findings = check_json(site, AS_OF)
    return [f for f in findings if f["code"] == "brief-too-long"]


def test_a_brief_of_200_han_passes_and_201_does_not(tmp_path):
    assert _brief_findings(tmp_path / "200", "汉" * 200) == []
    [finding] = _brief_findings(tmp_path / "201", "汉" * 201)
    assert (finding["file"], finding["line"]) == ("p/reports/2024-03-04-ann.md", 5)
    assert finding["message"].startswith("the daily brief has 201 characters; keep it to 200")


def test_a_brief_counts_what_a_reader_sees_not_how_it_is_stored(tmp_path):
    family = "👨\u200d👩\u200d👧\u200d👦"  # five code points, one character
    assert _brief_findings(tmp_path / "family", family * 200) == []
    decomposed = unicodedata.normalize("NFD", "é" * 200)
    assert _brief_findings(tmp_path / "nfd", decomposed) == []
    assert _brief_findings(tmp_path / "nfc", "é" * 200) == []


# ------------------------------------------------------------ misspelt keys


def test_a_misspelt_key_is_a_warning_that_strict_stops(tmp_path):
    site = site_with(
        tmp_path / "site",
        {
            "p/tasks/A-1.md": (
                "deliverables: [draft copy]\n",
                "deliverables: [x]\ndepend_on: [A-0]\n",
            )
        },
    )
    result, findings = check_json(site, AS_OF)
    assert result.exit_code == 0
    assert [
        (f["code"], f["severity"], f["line"], f["message"])
        for f in findings
        if f["code"] == "unknown-key"
    ] == [
        (
            "unknown-key",
            "warning",
            11,
            "unknown key 'depend_on' is ignored; did you mean 'depends_on'?",
        )
    ]
    strict = invoke("check", site, "--as-of", AS_OF, "--strict")
    assert strict.exit_code == 1, strict.output
    (site / "p" / "tasks" / "A-1.md").write_text(
        VALID_SITE["p/tasks/A-1.md"].replace("status: todo", "status: todo\nhashtag: spring"),
        encoding="utf-8",
    )
    _, findings = check_json(site, AS_OF)
    assert [f["message"] for f in findings if f["code"] == "unknown-key"] == [
        "unknown key 'hashtag' is ignored: remove it, or correct its spelling"
    ]


# ------------------------------------------------------------ dates centuries apart


def test_a_task_across_three_centuries_is_a_warning_and_a_small_site(tmp_path):
    site = site_with(
        tmp_path / "site",
        {
            "p/tasks/A-1.md": (
                "start: 2024-03-04\nend: 2024-03-08",
                "start: 1900-01-01\nend: 2199-12-31",
            )
        },
    )
    result, findings = check_json(site, AS_OF)
    assert result.exit_code == 0
    [warning] = [f for f in findings if f["code"] == "long-span"]
    assert (warning["severity"], warning["file"], warning["line"]) == (
        "warning",
        "p/tasks/A-1.md",
        7,
    )
    assert warning["message"] == (
        "A-1 runs from 1900-01-01 to 2199-12-31, 109573 days (more than 366): "
        "check both dates for a typo in the year; pages show only part of it"
    )
    assert invoke("check", site, "--as-of", AS_OF, "--strict").exit_code == 1

    out = tmp_path / "out"
    build(site, out)
    # the weeks of the project (2024-03-04..29), not 15,655 weeks from 1900 to 2199
    weeks = sorted(p.name for p in (out / "weekly").iterdir())
    assert weeks == [
        "2024-W10.html",
        "2024-W11.html",
        "2024-W12.html",
        "2024-W13.html",
        "index.html",
    ]
    for page in ("index.html", "projects/p.html", "people/ann.html", "weekly/index.html"):
        assert (out / page).stat().st_size < 100_000, page  # 8.7 MB and 18.8 MB before
    calendar = (out / "calendar.ics").read_bytes().decode()
    assert "DTSTART;VALUE=DATE:19000101" in calendar and "DTEND;VALUE=DATE:22000101" in calendar


def test_a_project_over_three_years_is_a_warning_at_its_end(tmp_path):
    site = site_with(tmp_path / "site", {"p/project.md": ("end: 2024-03-29", "end: 2042-03-29")})
    _, findings = check_json(site, AS_OF)
    assert [
        (f["code"], f["file"], f["line"], f["message"])
        for f in findings
        if f["code"] == "long-span"
    ] == [
        (
            "long-span",
            "p/project.md",
            6,
            "the project runs from 2024-03-04 to 2042-03-29, 6600 days (more than 1096): "
            "check both dates for a typo in the year; pages show only part of it",
        )
    ]
