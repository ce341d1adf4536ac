"""The generated parts of the reference in docs/: field tables and finding messages.

The field tables come from the models (sitegen.content.model, sitegen.content.settings)
through the same JSON Schemas that `sitegen schema` prints, so the docs and an editor's
hover text say the same thing. English descriptions are the fields' own; Chinese ones come from
locales/fields.zh-CN.yaml. Hand-written text sits around blocks between markers:

    <!-- generated: fields task -->  …  <!-- end generated -->
    <!-- generated: messages -->  …  <!-- end generated -->

`python -m sitegen.authoring.docs` rewrites the blocks of docs/en/*.md and docs/zh-CN/*.md;
`--check` only says which files are out of date (exit 1).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sitegen.content.model import DOCUMENT_KINDS, fields_of
from sitegen.content.schemas import description_key, field_descriptions, models, schema_for
from sitegen.core.findings import (
    CONTENT_WARNING_CODES,
    ERROR_CODES,
    READ_NOTICE_CODES,
    RULE_NOTICE_CODES,
    WARNING_CODES,
    severity_of,
)

LANGUAGES = ("en", "zh-CN")
DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(
    r"(<!-- generated: (?P<what>[^>]*?) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S
)

WORDS = {
    "en": {
        "field": "Field", "type": "Type", "default": "Default", "example": "Example",
        "meaning": "Meaning", "required": "required", "none": "—", "below": "see below",
        "text": "text", "date": "date (YYYY-MM-DD)", "datetime": "date and time with zone",
        "integer": "whole number", "number": "number", "boolean": "true / false",
        "list": "list of {item}", "mapping": "{key} → {value}", "one-of": "one of {values}",
        "or": " or ", "mapping-below": "keys below", "mappings": "key: value items",
        "percent": "number 0–100", "code": "Code", "severity": "Severity",
        "message": "Message (example; words in braces are filled in)",
        "error": "error", "warning": "warning", "notice": "notice",
    },
    "zh-CN": {
        "field": "字段", "type": "类型", "default": "默认值", "example": "示例",
        "meaning": "含义", "required": "必填", "none": "—", "below": "见下",
        "text": "文本", "date": "日期（YYYY-MM-DD）", "datetime": "带时区的日期时间",
        "integer": "整数", "number": "数字", "boolean": "true / false",
        "list": "{item}列表", "mapping": "{key} → {value}", "one-of": "取值：{values}",
        "or": " 或 ", "mapping-below": "下列各键", "mappings": "键值项",
        "percent": "0–100 的数字", "code": "代码", "severity": "级别",
        "message": "提示（示例；花括号处填入实际内容）",
        "error": "错误", "warning": "警告", "notice": "提示",
    },
}  # fmt: skip

#: The codes in the order the findings page lists them.
FINDING_CODES = (
    *sorted(ERROR_CODES),
    *WARNING_CODES,
    *CONTENT_WARNING_CODES,
    *RULE_NOTICE_CODES,
    *READ_NOTICE_CODES,
)
# A code's messages are the catalog keys equal to it or starting with it and a dot; these
# codes' messages live under other keys.
MESSAGE_KEYS = {
    "field": ("field", "team"),
    "parse": ("parse", "read.not-a-file", "not-a-file", "symlink-outside"),
    "cycle": ("cycle",),
    "encoding": ("read.utf16",),
    "control-char": ("read.control-chars",),
    "too-large": ("read.too-large",),
}


@dataclass(frozen=True)
class FieldRow:
    path: str  # as written in the file: `thresholds.deviation`, `kpis[].target`
    key: str  # Model.field, the key of the Chinese description
    schema: dict[str, Any]
    required: bool
    default: object
    nested: bool  # a mapping or list of mappings documented in the rows below it


def _references(prop: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """The models a property holds: (name, whether in a list)."""
    for option in (prop, *prop.get("anyOf", ()), *prop.get("allOf", ())):
        if "$ref" in option:
            yield option["$ref"].rsplit("/", 1)[-1], False
        items = option.get("items", {})
        for item in (items, *items.get("anyOf", ())):
            if "$ref" in item:
                yield item["$ref"].rsplit("/", 1)[-1], True


def field_rows(kind: str) -> list[FieldRow]:
    """Every field of a kind, nested ones after the field that holds them."""
    schema = schema_for(kind)
    definitions = schema.get("$defs", {})
    rows: list[FieldRow] = []

    def walk(name: str, node: dict[str, Any], prefix: str) -> None:
        cls = models()[name]
        required = set(node.get("required", ()))
        for field, prop in node.get("properties", {}).items():
            info = fields_of(cls)[field]
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            references = [(ref, many) for ref, many in _references(prop) if ref in models()]
            # a collaborator is a team id or {person, role}: the mapping gets rows too
            rows.append(
                FieldRow(
                    path=prefix + field,
                    key=description_key(name, field),
                    schema=prop,
                    required=field in required,
                    default=default,
                    nested=bool(references) and not _is_choice(prop),
                )
            )
            for ref, many in references:
                walk(ref, definitions[ref], f"{prefix}{field}{'[].' if many else '.'}")

    walk(DOCUMENT_KINDS[kind].__name__, schema, "")
    return rows


def _is_choice(prop: dict[str, Any]) -> bool:
    return "anyOf" in prop.get("items", {})


def chinese_descriptions() -> dict[str, str]:
    return field_descriptions("zh-CN")


def description(row: FieldRow, language: str) -> str:
    if language == "en":
        return str(row.schema["description"])
    return chinese_descriptions()[row.key]


def _flow(value: object) -> str:
    """A value as it is written in YAML, on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | Decimal | int | float):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return str(value)


def type_label(prop: dict[str, Any], language: str) -> str:
    words = WORDS[language]
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    return words["or"].join(_one_type(option, language) for option in options)


def _one_type(prop: dict[str, Any], language: str) -> str:
    words = WORDS[language]
    if "$ref" in prop:
        return words["mappings"]
    if "enum" in prop:
        return words["one-of"].format(values=", ".join(f"`{v}`" for v in prop["enum"]))
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        if "$ref" in items:
            return words["list"].format(item=words["mappings"])
        item = type_label(items, language)
        return words["list"].format(item=f"({item})" if words["or"] in item else item)
    if kind == "object":
        keys = {"type": "string", **prop.get("propertyNames", {})}
        return words["mapping"].format(
            key=_one_type(keys, language),
            value=type_label(prop.get("additionalProperties", {}), language),
        )
    if kind == "string":
        return words.get(
            {"date": "date", "date-time": "datetime"}.get(prop.get("format", ""), "text")
        )
    if kind == "number" and prop.get("maximum") == 100:
        return words["percent"]
    return words.get(kind or "text", str(kind))


def _example(row: FieldRow, language: str) -> str:
    if row.nested:
        return WORDS[language]["below"]
    examples = row.schema.get("examples")
    if examples:
        return f"`{_flow(examples[0])}`"
    if "boolean" in type_label(row.schema, "en") or "true" in type_label(row.schema, "en"):
        return "`true`"
    return WORDS[language]["none"]


def _default(row: FieldRow, language: str) -> str:
    words = WORDS[language]
    if row.required:
        return f"**{words['required']}**"
    if row.default is None or row.nested:
        return words["none"]
    return f"`{_flow(row.default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_table(kind: str, language: str) -> str:
    words = WORDS[language]
    header = [words["field"], words["type"], words["default"], words["example"], words["meaning"]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in field_rows(kind):
        nested_mapping = row.nested and "$ref" in row.schema
        cells = [
            f"`{row.path}`",
            WORDS[language]["mapping-below"]
            if nested_mapping
            else type_label(row.schema, language),
            _default(row, language),
            _example(row, language),
            description(row, language),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


@cache
def _messages(language: str) -> dict[str, str]:
    text = (
        resources.files("sitegen").joinpath(f"locales/messages.{language}.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def finding_messages(code: str, language: str) -> list[str]:
    catalog = _messages(language)
    prefixes = MESSAGE_KEYS.get(code, (code,))
    keys = [k for k in catalog if any(k == p or k.startswith(p + ".") for p in prefixes)]
    # pieces of a message (report-edited.value) are not messages of their own
    return [str(catalog[k]) for k in keys if "{" not in k and not _is_fragment(k)]


def _is_fragment(key: str) -> bool:
    return key.endswith(
        (".hint", ".no-hint", ".entry", ".value", ".removed", ".between", ".text", ".as-of")
    )


def messages_table(language: str) -> str:
    words = WORDS[language]
    lines = [f"| {words['code']} | {words['severity']} | {words['message']} |", "|---|---|---|"]
    for code in FINDING_CODES:
        shown = finding_messages(code, language)[:3] or [words["none"]]
        severity = words[severity_of(code).value]
        text = "<br>".join(_cell(m) for m in shown)
        lines.append(f"| [`{code}`](#{code}) | {severity} | {text} |")
    return "\n".join(lines) + "\n"


def generated(what: str, language: str) -> str:
    name, _, argument = what.partition(" ")
    if name == "fields":
        return fields_table(argument, language)
    if name == "messages":
        return messages_table(language)
    raise ValueError(f"unknown generated block {what!r}")


def regenerate(text: str, language: str) -> str:
    """The text with every generated block rewritten from the models and catalogs."""
    return BLOCK.sub(lambda m: m.group(1) + generated(m.group("what"), language) + m.group(4), text)


def documents(root: Path = DOCS) -> Iterator[tuple[Path, str]]:
    for language in LANGUAGES:
        for path in sorted((root / language).glob("*.md")):
            yield path, language


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    stale = []
    for path, language in documents():
        text = path.read_text("utf-8")
        fresh = regenerate(text, language)
        if fresh != text:
            stale.append(path)
            if not check:
                path.write_text(fresh, "utf-8")
    for path in stale:
        print(f"{'out of date' if check else 'updated'}: {path.relative_to(DOCS.parent)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
