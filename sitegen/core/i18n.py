"""Message catalogs: every string a user reads, in English and Simplified Chinese."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("en", "zh-CN")


@cache
def _catalog(kind: str, language: str) -> dict[str, str]:
    text = resources.files("sitegen").joinpath(f"locales/{kind}.{language}.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10× faster
    return yaml.load(text, Loader=loader) or {}


class Messages:
    """Formats messages of one catalog kind (``messages`` or ``ui``) in one language."""

    def __init__(self, language: str, kind: str = "messages") -> None:
        self.language = language if language in LANGUAGES else "en"
        self.kind = kind
        self._strings = _catalog(kind, self.language)
        self._fallback = _catalog(kind, "en")

    def __call__(self, message_key: str, /, **values: Any) -> str:
        """The message, filled in; ``KEY.one`` instead where the catalog has it and the
        number it counts (``count`` or ``days``) is 1: "1 working day", not "1 working days"."""
        if values.get("count", values.get("days")) == 1 and f"{message_key}.one" in self._strings:
            message_key += ".one"
        template = self._strings.get(message_key) or self._fallback.get(message_key)
        if template is None:
            raise KeyError(f"no message {message_key!r} in the {self.kind} catalog")
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._strings or key in self._fallback

    def join(self, items: list[str]) -> str:
        return ("、" if self.language == "zh-CN" else ", ").join(items)
