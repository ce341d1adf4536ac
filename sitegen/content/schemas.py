"""JSON Schemas of the front matter, for editors (`sitegen schema`).

Every property carries a description, which editors show on hover: the field's own
(English) from the models, or its translation from locales/fields.<language>.yaml.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from sitegen.content import model, settings
from sitegen.content.model import DOCUMENT_KINDS

SCHEMA_KINDS = tuple(DOCUMENT_KINDS)
SCHEMA_LANGUAGES = ("en", "zh-CN")


def schema_for(kind: str | None, language: str = "en") -> dict[str, Any]:
    if kind is None:
        return {name: schema_for(name, language) for name in SCHEMA_KINDS}
    schema = DOCUMENT_KINDS[kind].model_json_schema()
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # what most editors support
    schema.setdefault("title", kind)
    if language != "en":
        descriptions = field_descriptions(language)
        name = DOCUMENT_KINDS[kind].__name__
        for model_name, node in [(name, schema), *schema.get("$defs", {}).items()]:
            for field, prop in node.get("properties", {}).items():
                prop["description"] = descriptions[description_key(model_name, field)]
    return schema


@cache
def models() -> dict[str, type]:
    """The content's models by class name, as the schemas' `$defs` name them."""
    found: dict[str, type] = {}
    for module in (model, settings):
        for value in vars(module).values():
            if model.is_model(value):
                found[value.__name__] = value
    return found


def description_key(model_name: str, field: str) -> str:
    """`Model.field` of the class that declares the field (Document.internal for all)."""
    for klass in models()[model_name].__mro__:
        if field in vars(klass).get("__annotations__", {}):
            return f"{klass.__name__}.{field}"
    return f"{model_name}.{field}"


@cache
def field_descriptions(language: str) -> dict[str, str]:
    path = resources.files("sitegen").joinpath(f"locales/fields.{language}.yaml")
    return yaml.safe_load(path.read_text("utf-8"))
