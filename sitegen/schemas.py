"""JSON Schemas of the front matter, for editors (`sitegen schema`)."""

from __future__ import annotations

from typing import Any

from sitegen.model import DOCUMENT_KINDS

SCHEMA_KINDS = tuple(DOCUMENT_KINDS)


def schema_for(kind: str | None) -> dict[str, Any]:
    if kind is None:
        return {name: schema_for(name) for name in SCHEMA_KINDS}
    schema = DOCUMENT_KINDS[kind].model_json_schema()
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # what most editors support
    schema.setdefault("title", kind)
    return schema
