"""Reading content files: YAML and front matter, keeping the line of every key.

Front matter is split here rather than with python-frontmatter because its
boundary pattern swallows blank lines after the opening ``---``, which would
shift every reported line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """Where a document came from: its file (relative to the content dir) and key lines."""

    file: str
    lines: Mapping[Path_, int] = field(default_factory=dict)
    first_line: int = 1
    body_line: int = 1
    # A digest of the file's bytes, when known: `lines` is a function of them, so
    # fingerprints can use it instead of walking every key's line.
    content_digest: bytes = b""

    def fingerprint_parts(self) -> tuple[object, ...]:
        lines = self.content_digest or tuple(self.lines.items())
        return (self.file, lines, self.first_line, self.body_line)

    def release_lines(self) -> None:
        """Let go of the decoded key-line table once findings are made (see LineTable)."""
        if isinstance(self.lines, LineTable):
            self.lines.release()

    def line(self, *path: str | int) -> int:
        """The line of the most specific known node along ``path``."""
        key: Path_ = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.first_line


class ReadError(Exception):
    """A file that cannot be read as content: the line, and which message says why
    (``parse.REASON`` in the message catalogs, filled in with ``values``)."""

    def __init__(self, reason: str, line: int = 1, /, **values: object) -> None:
        super().__init__(reason, values)
        self.reason = reason
        self.line = line
        self.values = values


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """Safe YAML with values that suit hand-written content.

    Dates stay text so that an impossible date becomes a validation finding, not a
    crash; decimals are exact; integers are decimal (see `_int_or_text`).
    """


_DECIMAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


def _exact_float(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | float:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)


def _int_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> int | str:
    """An integer written as one (``12``, ``-3``); other YAML 1.1 integers stay text as
    written: ``010`` is an id or ten, not octal 8, and ``17:00`` a time, not 1020."""
    text = str(loader.construct_scalar(node))
    if _DECIMAL_INTEGER.fullmatch(text):
        return int(text)
    return text


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_Loader.add_constructor("tag:yaml.org,2002:float", _exact_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_text)


_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(loader: _Loader, node: yaml.Node) -> Any:
    """A scalar's value; plain text (most of them) without the constructor's bookkeeping."""
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _build(
    loader: _Loader, node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int
) -> Any:
    if isinstance(node, yaml.MappingNode):
        written_here = {id(key_node) for key_node, _ in node.value}  # not merged in by '<<'
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        first_lines: dict[str, int] = {}  # of the keys written here
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            line = key_node.start_mark.line + offset
            if isinstance(key, list | dict):
                raise ReadError("plain-key", line)
            key = str(key) if not isinstance(key, str) else key
            if id(key_node) in written_here:
                if key in first_lines:
                    first = first_lines[key]
                    raise ReadError("twice", line, key=key, first=first)
                first_lines[key] = line
            lines[(*path, key)] = line
            result[key] = _build(loader, value_node, (*path, key), lines, offset)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            item_path = (*path, index)
            flow = node.flow_style
            lines[item_path] = (node.start_mark if flow else item.start_mark).line + offset
            if flow and path in lines:
                lines[item_path] = lines[path]
            items.append(_build(loader, item, item_path, lines, offset))
        return items
    return _scalar(loader, node)


# Common YAML mistakes, by a phrase of the parser's own message: what to do instead, and
# whether the line where the parser's "context" starts is the one to point at.
_SYNTAX_HINTS = (
    ("quoted scalar", "yaml.quote", True),
    ("mapping values are not allowed", "yaml.colon", False),
    ("tab character", "yaml.tab", False),
)


def _syntax_error(exc: yaml.MarkedYAMLError, offset: int) -> ReadError:
    said = f"{exc.context or ''} {exc.problem or ''}"
    for phrase, key, at_context in _SYNTAX_HINTS:
        if phrase in said:
            mark = (exc.context_mark if at_context else None) or exc.problem_mark
            return ReadError(key, _line(mark, offset))
    problem = exc.problem or exc.context or "invalid YAML"
    return ReadError("yaml", _line(exc.problem_mark or exc.context_mark, offset), problem=problem)


def _line(mark: yaml.Mark | None, offset: int) -> int:
    return mark.line + offset if mark else offset


def parse_yaml(text: str, first_line: int = 1) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text; ``first_line`` is the file line the text starts on."""
    offset = first_line
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        if node is None:
            return None, lines
        return _build(loader, node, (), lines, offset), lines
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, offset) from None
    except yaml.YAMLError as exc:
        raise ReadError("yaml", first_line, problem=exc) from None
    except (ValueError, TypeError) as exc:
        raise ReadError("yaml-value", first_line, problem=exc) from None
    finally:
        loader.dispose()


def read_text(path: Path) -> str:
    """Read a content file as text: UTF-8 (a BOM is allowed), any line endings."""
    return decode_text(path.read_bytes())


def decode_text(data: bytes) -> str:
    if b"\x00" in data:
        raise ReadError("binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError("not-utf8", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LineTable(Mapping[Path_, int]):
    """Key path → line, stored compactly: packed (in the parse cache) it is one string,
    decoded the first time a line is looked up — which only files with findings need."""

    __slots__ = ("_packed", "_table")

    def __init__(self, table: dict[Path_, int] | None = None, packed: str | None = None) -> None:
        self._table = table
        self._packed = packed

    def _lines(self) -> dict[Path_, int]:
        if self._table is None:
            self._table = {tuple(key): line for key, line in json.loads(self._packed or "[]")}
        return self._table

    def release(self) -> None:
        """Forget the decoded table (a lookup decodes it again): for the 4,000 files with
        findings at 15,000 files, the decoded tables held 23 MB nothing else needs."""
        if self._packed is not None:
            self._table = None

    def __getitem__(self, key: Path_) -> int:
        return self._lines()[key]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())

    def packed(self) -> str:
        """The table as one string (as the parse cache keeps it)."""
        if self._packed is None:
            pairs = [[list(key), line] for key, line in self._lines().items()]
            self._packed = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
        return self._packed

    def __reduce__(self) -> tuple[Any, ...]:
        return (LineTable, (None, self.packed()))


@dataclass(frozen=True)
class FrontMatterDoc:
    data: dict[str, Any]
    lines: Mapping[Path_, int]
    body: str
    body_line: int


def split_front_matter(text: str) -> FrontMatterDoc:
    """Split ``---`` front matter from the Markdown body, keeping file line numbers."""
    if not text.strip():
        raise ReadError("empty")
    all_lines = text.split("\n")
    if all_lines[0].rstrip() != "---":
        raise ReadError("no-front-matter")
    for index in range(1, len(all_lines)):
        if all_lines[index].rstrip() in ("---", "..."):
            closing = index
            break
    else:
        raise ReadError("not-closed")
    yaml_text = "\n".join(all_lines[1:closing])
    data, lines = parse_yaml(yaml_text, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError("not-mapping", 2)
    body_lines = all_lines[closing + 1 :]
    first_text = next((i for i, line in enumerate(body_lines) if line.strip()), 0)
    return FrontMatterDoc(
        data=data,
        lines=LineTable(lines),
        body="\n".join(body_lines),
        body_line=closing + 2 + first_text,
    )


def read_front_matter(path: Path) -> FrontMatterDoc:
    return split_front_matter(read_text(path))


def read_yaml_mapping(path: Path) -> tuple[dict[str, Any], dict[Path_, int]]:
    data, lines = parse_yaml(read_text(path), first_line=1)
    if data is None:
        return {}, lines
    if not isinstance(data, dict):
        raise ReadError("file-not-mapping")
    return data, lines
