"""What a small YAML text may make: bounds on nesting and on aliases.

Two kinds of text a few hundred bytes long cost far more than their size:

- Aliases that refer to lists of aliases (``b: &b [*a, *a, …]``, the "billion laughs"):
  the parser shares one node per anchor, but turning the nodes into values, with the
  line of every key, writes each alias out; nine levels of nine are 387 million values.
  `check_aliases` refuses a document whose aliases would add more than
  ``ALIAS_VALUES_LIMIT`` values, or that contains itself.
- Deep nesting (``[[[[…]]]]``): libyaml's composer recurses on the C stack, and a
  hundred thousand levels crash the process. `may_nest_deeper_than` tells, from the
  text alone, when a document could nest deeper than is safe there.
"""

from __future__ import annotations

import re

import yaml

from sitegen.content.textfile import ReadError

# Far more than any use of anchors in hand-written content (a `<<: *defaults` of five
# keys for each of a thousand people adds about as many), far fewer than a second's work.
ALIAS_VALUES_LIMIT = 10_000


def may_nest_deeper_than(text: str, depth: int) -> bool:
    """False when ``text`` cannot hold a YAML document nested more than ``depth`` deep.

    Bounds, cheapest first (most front matter is shorter than ``depth``, which bounds
    it already). Each level of a flow collection takes a '{', or half a '[' (``[a: [b:
    c]]`` nests a mapping in each list). Each level of a block collection takes a new
    line, a '- ' or a '? ' (dates count their dashes too: a loose bound); and at least
    every second level starts further right, after the line's indentation and its
    '- ', '? ' and ': ' indicators, so twice the widest of those bounds them too.
    """
    if len(text) <= depth:
        return False
    flow = 2 * text.count("[") + text.count("{")
    if flow > depth:
        return True
    if flow + text.count("\n") + text.count("-") + text.count("?") <= depth:
        return False
    widest = max(map(len, _LINE_START.findall(text)))
    return flow + 2 * widest + 3 > depth


_LINE_START = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def check_aliases(root: yaml.Node, offset: int) -> None:
    """Raise ReadError ``yaml.aliases`` when writing out the aliases of the document
    ``root`` (which starts on file line ``offset``) would add more than
    ``ALIAS_VALUES_LIMIT`` values, or never end (an alias inside its own anchor)."""
    sizes: dict[int, int] = {}  # node → values once written out; -1 while being counted

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            if known < 0:
                raise ReadError("yaml.aliases", node.start_mark.line + offset)
            return known
        sizes[id(node)] = -1
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                total += size(key) + size(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        sizes[id(node)] = total
        return total

    if size(root) - len(sizes) <= ALIAS_VALUES_LIMIT:
        return
    line = root.start_mark.line
    if isinstance(root, yaml.MappingNode) and root.value:  # the key that holds the most
        key, _ = max(root.value, key=lambda pair: sizes[id(pair[1])])
        line = key.start_mark.line
    raise ReadError("yaml.aliases", line + offset)


__all__ = ["ALIAS_VALUES_LIMIT", "check_aliases", "may_nest_deeper_than"]
