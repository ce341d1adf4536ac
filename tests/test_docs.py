"""The reference in docs/ says what the code does: generated parts match, nothing is left out."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from click.testing import CliRunner

from sitegen.authoring import docs
from sitegen.cli import main
from sitegen.content.model import DOCUMENT_KINDS
from sitegen.content.schemas import SCHEMA_KINDS, SCHEMA_LANGUAGES, schema_for
from sitegen.content.source import read_front_matter, read_yaml_mapping
from sitegen.core.findings import (
    CONTENT_WARNING_CODES,
    ERROR_CODES,
    READ_NOTICE_CODES,
    RULE_NOTICE_CODES,
    WARNING_CODES,
)

ALL_CODES = sorted(
    {*ERROR_CODES, *WARNING_CODES, *CONTENT_WARNING_CODES, *RULE_NOTICE_CODES, *READ_NOTICE_CODES}
)
DOCUMENTS = list(docs.documents())


def test_the_reference_exists_in_both_languages():
    names = {
        language: {p.name for p, lang in DOCUMENTS if lang == language}
        for language in docs.LANGUAGES
    }
    assert names["en"] == names["zh-CN"] >= {
        "README.md", "content.md", "measures.md", "findings.md", "history.md", "cli.md"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "language"), DOCUMENTS, ids=[f"{lang}/{p.name}" for p, lang in DOCUMENTS]
)
def test_generated_parts_match_the_code(path, language):
    text = path.read_text("utf-8")
    assert docs.regenerate(text, language) == text, (
        f"{path.name} ({language}) is out of date: run python -m sitegen.authoring.docs"
    )


@pytest.mark.parametrize("language", docs.LANGUAGES)
def test_every_kind_has_its_field_table(language):
    content = (docs.DOCS / language / "content.md").read_text("utf-8")
    for kind in DOCUMENT_KINDS:
        assert f"<!-- generated: fields {kind} -->" in content
    for row in docs.field_rows("task"):
        assert f"`{row.path}`" in content


def _properties(node, path):
    """(path, property schema) of every property at every depth of a schema."""
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            yield f"{path}.{name}", prop
            yield from _properties(prop, f"{path}.{name}")
        for key, value in node.items():
            if key == "$defs":
                for name, definition in value.items():
                    yield from _properties(definition, f"{path}#{name}")
            elif key != "properties":
                yield from _properties(value, path)
    elif isinstance(node, list):
        for item in node:
            yield from _properties(item, path)


@pytest.mark.parametrize("language", SCHEMA_LANGUAGES)
@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_every_property_of_every_schema_has_a_description(kind, language):
    properties = list(_properties(schema_for(kind, language), kind))
    assert [path for path, prop in properties if not prop.get("description")] == []
    assert len(properties) >= 4


def test_schema_command_describes_fields_in_chinese():
    result = CliRunner().invoke(main, ["schema", "site", "--language", "zh-CN"])
    assert result.exit_code == 0
    thresholds = json.loads(result.output)["$defs"]["Thresholds"]["properties"]
    assert thresholds["report_deadline"]["description"] == "日报截止时间（HH:MM，当地时间）。"
    english = CliRunner().invoke(main, ["schema", "site"])
    assert "Time of day (HH:MM, local)" in english.output


def test_every_field_has_a_chinese_description():
    keys = {row.key for kind in DOCUMENT_KINDS for row in docs.field_rows(kind)}
    catalog = docs.chinese_descriptions()
    assert sorted(keys - set(catalog)) == []
    assert sorted(set(catalog) - keys) == [], "descriptions of fields that do not exist"


def test_team_schema_checks_each_person():
    schema = schema_for("team")
    jsonschema.validate(
        {"people": [{"id": "ann", "skills": ["文案"], "max_concurrent": 3}]}, schema
    )
    for person in (
        {"name": "Ann"},
        {"id": "ann", "max_concurrent": 0},
        {"id": "ann", "name": ["a"]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"people": [person]}, schema)


def test_site_schema_describes_nested_settings():
    properties = schema_for("site")["$defs"]
    assert "working day" in properties["CalendarSettings"]["properties"]["workdays"]["description"]
    assert properties["Thresholds"]["properties"]["deviation"]["description"]


@pytest.mark.parametrize("language", docs.LANGUAGES)
def test_every_finding_code_is_explained(language):
    findings = (docs.DOCS / language / "findings.md").read_text("utf-8")
    headings = set(re.findall(r"^### (\S+)$", findings, re.M))
    assert sorted(set(ALL_CODES) - headings) == []
    assert sorted(headings - set(ALL_CODES)) == [], "codes sitegen does not have"


def test_docs_generator_checks_and_writes(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    page = tmp_path / "en" / "content.md"
    page.write_text("# x\n<!-- generated: fields team -->\nold\n<!-- end generated -->\n", "utf-8")
    monkeypatch.setattr(docs, "DOCS", tmp_path)
    monkeypatch.setattr(docs, "documents", lambda: [(page, "en")])
    assert docs.main(["--check"]) == 1
    assert "old" in page.read_text("utf-8")
    assert docs.main([]) == 0
    assert "`people[].max_concurrent`" in page.read_text("utf-8")
    assert docs.main(["--check"]) == 0


def _anchors(text: str) -> set[str]:
    """The anchors GitHub gives a page's headings."""
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize(
    ("path", "language"), DOCUMENTS, ids=[f"{lang}/{p.name}" for p, lang in DOCUMENTS]
)
def test_links_between_pages_lead_somewhere(path, language):
    broken = []
    for target, anchor in re.findall(
        r"\]\(([^)#\s]*\.md)?(?:#([^)\s]+))?\)", path.read_text("utf-8")
    ):
        page = (path.parent / target) if target else path
        if not page.is_file() or (anchor and anchor not in _anchors(page.read_text("utf-8"))):
            broken.append(f"{target}#{anchor}")
    assert broken == []


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_every_example_is_a_valid_value(kind):
    schema = schema_for(kind)
    checker = jsonschema.Draft7Validator
    for path, prop in _properties(schema, kind):
        for example in prop.get("examples", []):
            errors = list(checker({**prop, "$defs": schema.get("$defs", {})}).iter_errors(example))
            assert errors == [], f"{path}: {example!r}"


SECTION_KINDS = {
    "site.yaml": "site", "team.yaml": "team", "project.md": "project", "tasks/*.md": "task",
    "reports/*.md": "report", "risks/*.md": "risk", "retro.md": "retro",
}  # fmt: skip


@pytest.mark.parametrize("language", docs.LANGUAGES)
def test_the_example_files_are_valid(language, tmp_path):
    content = (docs.DOCS / language / "content.md").read_text("utf-8")
    checked = 0
    for section in re.split(r"^## ", content, flags=re.M)[1:]:
        kind = SECTION_KINDS.get(section.split("\n", 1)[0].strip())
        for block in re.findall(r"```(?:markdown|yaml)\n(.*?)```", section, re.S) if kind else []:
            path = tmp_path / ("example.md" if block.startswith("---") else "example.yaml")
            path.write_text(block, "utf-8")
            data = (
                read_front_matter(path).data if path.suffix == ".md" else read_yaml_mapping(path)[0]
            )
            DOCUMENT_KINDS[kind].model_validate(data)
            checked += 1
    assert checked == len(SECTION_KINDS)
