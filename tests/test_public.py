"""`build --public`: what outsiders must not read, in any file of OUT."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main

AS_OF = "2024-03-06"
HIDDEN_ID, HIDDEN_NAME = "zq-mia", "Quellwater"
PLACEHOLDER = {"en": "another team member", "zh-CN": "其他成员"}
REPORT_CODES = {"late-report", "missing-report", "brief-too-long"}

# The internal person in every role a person can have.
FILES = {
    "team.yaml": f"""people:
  - id: ann
    name: Ann
  - id: {HIDDEN_ID}
    name: Mia {HIDDEN_NAME}
    internal: true
    max_concurrent: 1
""",
    "p/project.md": f"---\ntitle: P\nowner: {HIDDEN_ID}\nacceptor: {HIDDEN_ID}\n---\n",
    "p/tasks/A-1.md": f"""---
id: A-1
title: Write copy
owner: ann
collaborators: [{{person: {HIDDEN_ID}, role: layout}}]
start: 2024-03-04
end: 2024-03-08
deliverables: [copy]
---
""",
    "p/tasks/A-2.md": f"""---
id: A-2
title: Cut video
owner: {HIDDEN_ID}
confirmed: false
start: 2024-03-04
end: 2024-03-05
deliverables: [video]
---
""",
    "p/tasks/A-3.md": f"""---
id: A-3
title: Book venue
owner: {HIDDEN_ID}
start: 2024-03-04
end: 2024-03-08
status: doing
deliverables: [contract]
---
""",
    f"p/reports/2024-03-04-{HIDDEN_ID}.md": f"""---
date: 2024-03-04
author: {HIDDEN_ID}
submitted: 2024-03-04T19:05:00+00:00
entries:
  - {{task: A-2, done: first cut, progress: 50}}
---
First cut done.
""",
    "p/reports/2024-03-04-ann.md": """---
date: 2024-03-04
author: ann
entries:
  - {task: A-1, done: draft, progress: 40, evidence: [https://example.com/d]}
---
Draft written.
""",
    "p/risks/R-1.md": f"""---
id: R-1
title: Venue may cancel
impact: high
owner: {HIDDEN_ID}
status: open
tasks: [A-3]
---
""",
    "p/retro.md": f"""---
date: 2024-03-06
owner: {HIDDEN_ID}
participants: [ann, {HIDDEN_ID}]
actions:
  - {{action: Book earlier, owner: {HIDDEN_ID}, due: 2024-04-01}}
---
""",
}


def write_site(root: Path, files: dict[str, str], settings: str) -> Path:
    for name, text in {"site.yaml": settings, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def build(site: Path, out: Path, *options: str) -> dict[str, str]:
    """Every file of the built site, as text."""
    args = ["build", str(site), "-o", str(out), "--as-of", AS_OF, *options]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return {
        p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8", "replace")
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_an_internal_person_is_in_no_file_of_a_public_build(tmp_path: Path, language: str) -> None:
    site = write_site(tmp_path / "site", FILES, f"title: T\nlanguage: {language}\n")
    internal = build(site, tmp_path / "internal")
    assert HIDDEN_NAME in internal["tasks/A-2.html"]  # the site does show them to the team

    public = build(site, tmp_path / "public", "--public")
    for name, text in public.items():
        assert HIDDEN_ID not in text, name
        assert HIDDEN_NAME not in text, name
    placeholder = PLACEHOLDER[language]
    for page in (
        "tasks/A-1.html",  # collaborator
        "tasks/A-2.html",  # owner
        "projects/p.html",  # project owner, acceptor, collaborator
        "risks/R-1.html",  # risk owner
        "risks/index.html",
        "retro/p.html",  # retro owner, participant, action owner
        "tasks.csv",
        "calendar.ics",
    ):
        assert placeholder in public[page], page
    status = json.loads(public["status.json"])
    owners = {task["id"]: task["owner"] for task in status["tasks"]}
    assert owners == {"A-1": "ann", "A-2": placeholder, "A-3": placeholder}
    assert [person["id"] for person in status["people"]] == ["ann"]
    # Their reports go with them; the team's own stay.
    assert [name for name in public if name.startswith("reports/p/")] == [
        "reports/p/2024-03-04-ann.html"
    ]


REPORT_SITE = {
    "team.yaml": "people:\n  - id: ann\n    name: Ann\n",
    "p/project.md": "---\ntitle: P\n---\n",
    "p/tasks/A-1.md": """---
id: A-1
title: Write copy
owner: ann
start: 2024-03-04
end: 2024-03-08
status: doing
deliverables: [copy]
---
""",
    "p/reports/2024-03-05-ann.md": """---
date: 2024-03-05
author: ann
submitted: 2024-03-05T19:05:00+00:00
entries:
  - {task: A-1, done: draft, progress: 40, evidence: [https://example.com/d]}
---
Draft written, and a brief far longer than the site allows.
""",
}
REPORT_SETTINGS = "title: T\nlanguage: en\nthresholds:\n  brief_max_chars: 20\n"


def report_alerts(files: dict[str, str]) -> dict[str, list[str]]:
    """The report-discipline findings of status.json, by code: their messages."""
    found: dict[str, list[str]] = {}
    for finding in json.loads(files["status.json"])["findings"]:
        if finding["code"] in REPORT_CODES:
            found.setdefault(finding["code"], []).append(finding["message"])
    return found


def test_a_public_build_names_nobody_in_report_alerts_unless_the_site_opts_in(
    tmp_path: Path,
) -> None:
    site = write_site(tmp_path / "site", REPORT_SITE, REPORT_SETTINGS)
    internal = report_alerts(build(site, tmp_path / "internal"))
    assert set(internal) == REPORT_CODES
    messages = [message for found in internal.values() for message in found]
    assert any("19:05" in message for message in messages)

    public = build(site, tmp_path / "public", "--public")
    assert report_alerts(public) == {}
    for name, text in public.items():
        for message in messages:
            assert message not in html.unescape(text), name

    write_site(site, {}, REPORT_SETTINGS + "public:\n  report_alerts: true\n")
    opted_in = build(site, tmp_path / "opted-in", "--public")
    assert report_alerts(opted_in) == internal
    page = html.unescape(opted_in["alerts.html"])
    assert all(message in page for message in messages)
