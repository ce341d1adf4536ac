"""The published JSON Schemas agree with the loader: valid files pass, typos do not."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.content.schemas import schema_for
from sitegen.content.source import read_front_matter, read_yaml_mapping

REPO = Path(__file__).resolve().parent.parent
SITES = [REPO / "content", REPO / "tests" / "sites" / "multi"]


def documents(root: Path):
    yield "site", root / "site.yaml"
    yield "team", root / "team.yaml"
    for kind, pattern in [("project", "*/project.md"), ("task", "*/tasks/*.md"),
                          ("report", "*/reports/*.md"), ("risk", "*/risks/*.md"),
                          ("retro", "*/retro.md")]:  # fmt: skip
        for path in sorted(root.glob(pattern)):
            yield kind, path


def front_matter(path: Path) -> dict:
    if path.suffix == ".yaml":
        return read_yaml_mapping(path)[0]
    return read_front_matter(path).data


@pytest.mark.parametrize("root", SITES, ids=[s.name for s in SITES])
def test_every_valid_file_matches_its_schema(root):
    checked = 0
    for kind, path in documents(root):
        jsonschema.validate(front_matter(path), schema_for(kind))
        checked += 1
    assert checked > 10


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (
            "task",
            {"id": "A-1", "title": "x", "owner": "ann", "end": "2024-01-02", "priority": "P7"},
        ),
        ("task", {"id": "A-1", "title": "x", "owner": "ann"}),
        ("risk", {"id": "R-1", "title": "x", "owner": "ann", "impact": "很高", "status": "open"}),
        ("report", {"date": "2024-01-02", "author": "ann", "entries": [{"planned": 2}]}),
    ],
    ids=["bad-priority", "no-end", "bad-impact", "entry-without-task"],
)
def test_schemas_reject_what_the_loader_rejects(kind, data):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema_for(kind))


def test_chinese_enumerations_are_allowed():
    risk = {"id": "R-1", "title": "x", "owner": "ann", "impact": "高", "status": "處理中"}
    jsonschema.validate(risk, schema_for("risk"))


def test_schema_command_prints_one_kind_or_all():
    one = CliRunner().invoke(main, ["schema", "task"])
    assert one.exit_code == 0 and '"owner"' in one.output
    assert CliRunner().invoke(main, ["schema", "nonsense"]).exit_code == 2


def test_the_deviation_threshold_defaults_to_a_number():
    from sitegen.content.schemas import schema_for

    thresholds = schema_for("site")["$defs"]["Thresholds"]["properties"]
    assert thresholds["deviation"]["default"] == 0.2
