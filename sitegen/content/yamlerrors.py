"""YAML syntax errors in plain words: what went wrong, on which line, and what to do.

The parser (libyaml, or PyYAML's own when libyaml is missing; they word things
differently) says what it expected, which helps nobody who does not know YAML. The
common mistakes of people typing front matter by hand are recognised by a phrase of
the parser's message and, where the phrase is ambiguous, by the text of the line; each
has a message in the catalogs (``parse.yaml.*``). Anything else keeps the parser's words.
"""

from __future__ import annotations

import re

import yaml

from sitegen.content.textfile import ReadError

# Where a line's indentation ends: spaces and tabs, and the '- ', '? ' and ': ' that
# start nested items on the same line.
_INDENTATION = re.compile(r"[ \t]*(?:[-?:][ \t]+)*")
_CLOSED_JUST_BEFORE = re.compile(r"""["'\]}][ \t]*$""")

# Phrase of the parser's message → message key, and whether its "context" mark (where
# the construct began: the opening quote or bracket, the key) is the line to point at.
_BY_PHRASE = (
    (("escape", "hexdecimal", "hexadecimal"), "yaml.escape", False),
    (("quoted scalar",), "yaml.quote", True),
    (("could not find expected ':'",), "yaml.key", True),
    (("expected ',' or ']'", "expected ',' or '}'"), "yaml.flow", True),
    (("sequence entries are not allowed",), "yaml.dash", False),
    (("duplicate anchor",), "yaml.anchor-twice", False),
    (("undefined alias", "scanning an alias", "scanning an anchor"), "yaml.alias", False),
    (("for the tag", "scanning a tag", "parsing a tag"), "yaml.tag", False),
    (("single document", "<document start>"), "yaml.documents", False),
    (("scanning a block scalar",), "yaml.block", False),
    (("expected '-' indicator",), "yaml.indent", False),
)


def syntax_error(exc: yaml.MarkedYAMLError, text: str, offset: int) -> ReadError:
    """The ReadError that explains ``exc``, raised on ``text`` (which starts on file line
    ``offset``)."""
    said = f"{exc.context or ''} {exc.problem or ''}"
    problem = exc.problem_mark or exc.context_mark
    context = exc.context_mark or problem
    line = _line_text(text, problem)
    column = problem.column if problem is not None else 0
    at_problem = _line(problem, offset)
    if _tab_is_the_trouble(said, line, column):
        return ReadError("yaml.tab", at_problem)
    for phrases, key, at_context in _BY_PHRASE:
        if any(phrase in said for phrase in phrases):
            return ReadError(key, _line(context, offset) if at_context else at_problem)
    if "cannot start any token" in said:
        return ReadError("yaml.token", at_problem, char=line[column : column + 1] or "?")
    if "mapping values are not allowed" in said:
        # 'title: Q3: launch' has a second ': ' on one line; '  owner: ann' under
        # 'title: x' is read as more of the title, where ': ' cannot be.
        second_colon = ": " in line[:column] or line[:column].endswith(":")
        return ReadError("yaml.colon" if second_colon else "yaml.indent-colon", at_problem)
    if "expected key" in said or "expected <block end>" in said:
        if _CLOSED_JUST_BEFORE.search(line[:column]):
            return ReadError("yaml.after-closing", at_problem)
        return ReadError("yaml.indent", at_problem)
    words = exc.problem or exc.context or "invalid YAML"
    return ReadError("yaml", at_problem, problem=words)


def _tab_is_the_trouble(said: str, line: str, column: int) -> bool:
    """Whether the parser stopped at a tab, or on a line indented with one."""
    if "tab character" in said or line[column : column + 1] == "\t":
        return True
    indentation = _INDENTATION.match(line)
    return indentation is not None and "\t" in indentation.group()


def _line_text(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n", mark.line + 1)
    return lines[mark.line] if mark.line < len(lines) else ""


def _line(mark: yaml.Mark | None, offset: int) -> int:
    return mark.line + offset if mark else offset


__all__ = ["syntax_error"]
