"""Reading content files: YAML and front matter, keeping the line of every key.

Front matter is split here rather than with python-frontmatter because its
boundary pattern swallows blank lines after the opening ``---``, which would
shift every reported line number. Bytes and text come from `sitegen.content.textfile`;
syntax errors are explained by `sitegen.content.yamlerrors`; `sitegen.content.yamlsize` bounds what
a small text may cost.
"""

from __future__ import annotations

import json
import re
from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.composer import Composer

from sitegen.content.textfile import ReadError, ReadNote, decode_text, read_bytes, xml_safe
from sitegen.content.yamlerrors import syntax_error
from sitegen.content.yamlsize import check_aliases, may_nest_deeper_than

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from: its file (relative to the content dir) and key lines."""

    fingerprint_memo = False  # digested through its document only (see Fingerprinter)

    file: str
    lines: Mapping[Path_, int] = field(default_factory=dict)
    first_line: int = 1
    body_line: int = 1
    # A digest of the file's bytes, when known: `lines` is a function of them, so
    # fingerprints can use it instead of walking every key's line.
    content_digest: bytes = b""

    @property
    def fingerprint_file(self) -> str:
        """The content file a page made from this source's document reads."""
        return self.file

    def fingerprint_parts(self) -> tuple[object, ...]:
        lines = self.content_digest or tuple(self.lines.items())
        return (self.file, lines, self.first_line, self.body_line)

    def release_lines(self) -> None:
        """Let go of the decoded key-line table once findings are made (see LineTable)."""
        if isinstance(self.lines, LineTable):
            self.lines.release()

    def forget_lines(self) -> None:
        """Let go of the key-line table for good, once nothing will look a line up again
        (a build, once its findings are made). Kept when the fingerprint is made from
        the lines themselves, for want of the file's digest."""
        if isinstance(self.lines, LineTable) and self.content_digest:
            self.lines.forget()

    def line(self, *path: str | int) -> int:
        """The line of the most specific known node along ``path``."""
        key: Path_ = tuple(path)
        lines = self.lines
        find = lines.get_line if isinstance(lines, LineTable) else lines.get
        while key:
            line = find(key)
            if line is not None:
                return line
            key = key[:-1]
        return self.first_line


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


# libyaml's composer takes about 330 bytes of C stack per level of nesting: 500 levels
# fit in a 256 KB thread stack, and front matter is mostly shorter than 500 characters,
# which spares counting (see `may_nest_deeper_than`).
C_STACK_SAFE_DEPTH = 500
# No hand-written content nests more than a few levels; values nested deeper than
# this are refused before anything recurses over them (pickle, repr, validation).
MAX_DEPTH = 50


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(mark)
        self.mark = mark


class _NestedLoader(Composer, _Loader):
    """`_Loader` with PyYAML's composer, which stops at ``MAX_DEPTH`` levels, where
    libyaml's recurses on the C stack (a crash past a few thousand levels, fewer in a
    thread). A third slower: only for text that may nest deep."""

    def __init__(self, stream: str) -> None:
        _Loader.__init__(self, stream)
        Composer.__init__(self)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self._depth >= MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(loader: _Loader, node: yaml.Node) -> Any:
    """A scalar's value; plain text (most of them) without the constructor's bookkeeping."""
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _build(
    loader: _Loader, node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int
) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    if len(path) >= MAX_DEPTH:
        raise ReadError("yaml.deep", node.start_mark.line + offset, levels=MAX_DEPTH)
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
    items = []  # a sequence
    for index, item in enumerate(node.value):
        item_path = (*path, index)
        flow = node.flow_style
        lines[item_path] = (node.start_mark if flow else item.start_mark).line + offset
        if flow and path in lines:
            lines[item_path] = lines[path]
        items.append(_build(loader, item, item_path, lines, offset))
    return items


def parse_yaml(
    text: str, first_line: int = 1
) -> tuple[Any, dict[Path_, int], tuple[ReadNote, ...]]:
    """Parse YAML text; ``first_line`` is the file line the text starts on. Also what
    was read otherwise than written (characters XML forbids, written as escapes)."""
    offset = first_line
    deep = may_nest_deeper_than(text, C_STACK_SAFE_DEPTH)
    loader = _NestedLoader(text) if deep else _Loader(text)
    lines: dict[Path_, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, ()
        if "&" in text:  # no anchor, no alias
            check_aliases(node, offset)
        data = _build(loader, node, (), lines, offset)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, text, offset) from None
    except yaml.YAMLError as exc:
        raise ReadError("yaml", first_line, problem=exc) from None
    except (ValueError, TypeError) as exc:
        raise ReadError("yaml-value", first_line, problem=exc) from None
    except _TooDeep as exc:
        raise ReadError("yaml.deep", exc.mark.line + offset, levels=MAX_DEPTH) from None
    except RecursionError:  # not expected past the limits above; still no traceback
        raise ReadError("yaml.deep", first_line, levels=MAX_DEPTH) from None
    finally:
        loader.dispose()
    if "\\" not in text:  # only escapes in double quotes ("\v") make what XML forbids
        return data, lines, ()
    first_found: list[int] = []
    data = _xml_safe_values(data, (), lines, first_found)
    notes = (ReadNote("control-char", "control-chars", min(first_found)),) if first_found else ()
    return data, lines, notes


def _xml_safe_values(value: Any, path: Path_, lines: dict[Path_, int], found: list[int]) -> Any:
    """``value`` with each character XML 1.0 forbids replaced by a space, in every key
    and text; the line of each that had one goes into ``found``."""
    if isinstance(value, str):
        clean, first = xml_safe(value)
        if first:
            found.append(_line_along(lines, path))
        return clean
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            clean_key = _xml_safe_values(key, (*path, key), lines, found)
            cleaned[clean_key] = _xml_safe_values(item, (*path, key), lines, found)
        return cleaned
    if isinstance(value, list):
        return [_xml_safe_values(item, (*path, i), lines, found) for i, item in enumerate(value)]
    return value


def _line_along(lines: Mapping[Path_, int], path: Path_) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


# What a forgotten LineTable holds instead of its packed table (see LineTable.forget).
_FORGOTTEN = "forgotten"


class LineTable(Mapping[Path_, int]):
    """Key path → line, stored compactly: packed (in the parse cache) it is one string,
    in which a line is looked up without decoding the table — which only files with
    findings need. Decoded, the tables of the 4,000 files with findings of a site of
    15,000 files took 23 MB at once while the checks ran."""

    __slots__ = ("_packed", "_table")

    def __init__(self, table: dict[Path_, int] | None = None, packed: str | None = None) -> None:
        self._table = table
        self._packed = packed

    def _lines(self) -> dict[Path_, int]:
        """The whole table; decoded for this call only when packed."""
        if self._table is not None:
            return self._table
        return {tuple(key): line for key, line in json.loads(self._still_packed())}

    def release(self) -> None:
        """Forget the decoded table once the packed one exists."""
        if self._packed is not None:
            self._table = None

    def forget(self) -> None:
        """Forget the table altogether; looking a line up afterwards is a bug (LookupError)."""
        self._table, self._packed = None, _FORGOTTEN

    def get_line(self, key: Path_) -> int | None:
        """The line of ``key``, or None. In the packed table, a pair is
        ``[[key parts…],line]``: quotes inside texts are escaped, so the key's own
        spelling followed by ``,`` can only be the start of its pair."""
        if self._table is not None:
            return self._table.get(key)
        packed = self._still_packed()
        parts = [int(part) if isinstance(part, bool) else part for part in key]
        needle = "[" + json.dumps(parts, ensure_ascii=False, separators=(",", ":")) + ","
        at = packed.find(needle)
        if at < 0:
            return None
        start = at + len(needle)
        return int(packed[start : packed.index("]", start)])

    def _still_packed(self) -> str:
        if self._packed is _FORGOTTEN:
            raise LookupError(
                "the key-line table was forgotten: no line is looked up once findings are made"
            )
        return self._packed or "[]"

    def __getitem__(self, key: Path_) -> int:
        line = self.get_line(key)
        if line is None:
            raise KeyError(key)
        return line

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self.get_line(key) is not None

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._lines())

    def items(self) -> ItemsView[Path_, int]:
        return self._lines().items()

    def __len__(self) -> int:
        return len(self._lines())

    def packed(self) -> str:
        """The table as one string (as the parse cache keeps it)."""
        self._still_packed()
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
    notes: tuple[ReadNote, ...] = ()  # what was read otherwise than written


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
    data, lines, notes = parse_yaml(yaml_text, first_line=2)
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
        notes=notes,
    )


def parse_document(data: bytes) -> FrontMatterDoc:
    """The front matter and body of a document file's bytes."""
    text, read_notes = decode_text(data)
    doc = split_front_matter(text)
    return replace(doc, notes=_merged(read_notes, doc.notes)) if read_notes else doc


def read_front_matter(path: Path) -> FrontMatterDoc:
    return parse_document(read_bytes(path))


class YamlFile(NamedTuple):
    data: dict[str, Any]
    lines: dict[Path_, int]
    notes: tuple[ReadNote, ...] = ()


def read_yaml_mapping(path: Path) -> YamlFile:
    text, read_notes = decode_text(read_bytes(path))
    data, lines, notes = parse_yaml(text, first_line=1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError("file-not-mapping")
    return YamlFile(data, lines, _merged(read_notes, notes))


def _merged(*groups: tuple[ReadNote, ...]) -> tuple[ReadNote, ...]:
    """One note per code: the first."""
    first: dict[str, ReadNote] = {}
    for note in sorted((note for group in groups for note in group), key=lambda n: n.line):
        first.setdefault(note.code, note)
    return tuple(first.values())
