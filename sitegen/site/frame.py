"""The frame of a page (`base.html`: head, header, navigation, footer), rendered once per
kind of page and folder instead of once per page.

A page template that only fills `base.html`'s ``content`` block (the usual shape) is
rendered in two parts: its ``content`` block through Jinja (or a compiled renderer, see
`sitegen.site.compiled`), and the frame around it, which Jinja renders once per (template,
section, folder) with markers where the page's title and description go.

Whether a template qualifies is read from the templates' syntax, so a theme's own
templates are handled the same way: the page template must extend "base.html" and
contain only imports without context and the ``content`` block; `base.html` may read
only the globals, ``url`` and the page's title, description, path, section and
template, and the page's path only to compare it with a written-out path (the pages at
those paths are rendered whole). Anything else renders the page whole, as before.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.meta import find_undeclared_variables
from markupsafe import escape

from sitegen.site.pages.page import Page

FRAME_TEMPLATE = "base.html"
CONTENT_BLOCK = "content"
# What the frame may read of a page; title and description are filled in per page.
PAGE_FIELDS = {"title", "description", "path", "section", "template"}


@dataclass(frozen=True)
class _ProbePage:
    """A page as the frame sees it (its `PAGE_FIELDS`), with markers to find them by."""

    path: str
    template: str
    title: str
    section: str
    description: str


_TITLE = "\x00sitegen-frame-title\x00"
_DESCRIPTION = "\x00sitegen-frame-description\x00"
_CONTENT = "\x00sitegen-frame-content\x00"
_SLOT = re.compile("(" + "|".join(map(re.escape, (_TITLE, _DESCRIPTION, _CONTENT))) + ")")
# A page path no template writes out: if it shows in a frame, the frame uses the path.
_PROBE = "sitegen-frame-probe.html"


@dataclass(frozen=True)
class Frame:
    """A rendered frame: fixed text with slots for the page's title, its description
    and its content."""

    parts: tuple[str, ...]  # text and slot markers, alternating as `re.split` gives them

    def fill(self, page: Page, content: str) -> str:
        values = {
            _TITLE: str(escape(page.title)),
            _DESCRIPTION: str(escape(page.description)),
            _CONTENT: content,
        }
        return "".join(values.get(part, part) for part in self.parts)


@dataclass(frozen=True)
class PageShape:
    """A qualifying page template, whose content block is rendered on its own."""

    template: Template

    def content(self, values: dict[str, Any]) -> str:
        context = self.template.new_context(values)
        # The template's own top-level statements (imports, `set`) run before the frame
        # starts: up to the frame's first text, which is left unused.
        started = self.template.root_render_func(context)  # type: ignore[attr-defined]
        next(started, None)
        started.close()
        blocks = self.template.blocks[CONTENT_BLOCK](context)  # type: ignore[attr-defined]
        return str(self.template.environment.concat(blocks))  # type: ignore[attr-defined]


class Frames:
    """Frames of one environment's pages, made when first needed."""

    def __init__(
        self,
        env: Environment,
        source: Callable[[str], str | None],
        urls: Callable[[str], Callable[[str], str]],
    ) -> None:
        """``source``: a template's text by name; ``urls``: ``url()`` for a folder's pages."""
        self.env = env
        self._urls = urls
        self._source = source
        self._frame_paths = _frame_constants(env, source(FRAME_TEMPLATE))
        self._shapes: dict[str, PageShape | None] = {}
        self._frames: dict[tuple[str, str, str, bool], Frame | None] = {}

    def shape(self, template: str) -> PageShape | None:
        """The template's content block alone, or None when it must be rendered whole."""
        if template not in self._shapes:
            self._shapes[template] = (
                _page_shape(self.env, template, self._source(template))
                if self._frame_paths is not None
                else None
            )
        return self._shapes[template]

    def frame(self, page: Page) -> Frame | None:
        """The frame around ``page``, or None when the page must be rendered whole."""
        if self._frame_paths is None or page.path in self._frame_paths:
            return None
        folder = posixpath.dirname(page.path)
        key = (page.template, page.section, folder, bool(page.description))
        if key not in self._frames:
            self._frames[key] = self._render(page, folder)
        return self._frames[key]

    def _render(self, page: Page, folder: str) -> Frame | None:
        probe = _ProbePage(
            path=posixpath.join(folder, _PROBE),
            template=page.template,
            title=_TITLE,
            section=page.section,
            description=_DESCRIPTION if page.description else "",
        )
        child = self.env.from_string(
            f'{{% extends "{FRAME_TEMPLATE}" %}}'
            f"{{% block {CONTENT_BLOCK} %}}{_CONTENT}{{% endblock %}}"
        )
        html = child.render(page=probe, url=self._urls(folder))
        parts = tuple(_SLOT.split(html))
        if _PROBE in html or parts.count(_CONTENT) != 1:
            return None
        return Frame(parts)


def _frame_constants(env: Environment, source: str | None) -> frozenset[str] | None:
    """The strings written out in the frame template (the paths it compares a page's
    with), or None when the frame reads more of a page than its `PAGE_FIELDS`."""
    if source is None:
        return None
    tree = env.parse(source)
    allowed = set(env.globals) | {"page", "url"}
    if not find_undeclared_variables(tree) <= allowed:
        return None
    page_uses = [node for node in tree.find_all(nodes.Name) if node.name == "page"]
    page_fields = [
        node.attr
        for node in tree.find_all(nodes.Getattr)
        if isinstance(node.node, nodes.Name) and node.node.name == "page"
    ]
    if len(page_fields) != len(page_uses) or not set(page_fields) <= PAGE_FIELDS:
        return None  # the page itself handed on, or a field of it a frame cannot vary
    if any(block.name != CONTENT_BLOCK for block in tree.find_all(nodes.Block)):
        return None  # a block a page template might fill
    return frozenset(
        node.value for node in tree.find_all(nodes.Const) if isinstance(node.value, str)
    )


def _page_shape(env: Environment, name: str, source: str | None) -> PageShape | None:
    if source is None:
        return None
    tree = env.parse(source)
    extends = [node for node in tree.body if isinstance(node, nodes.Extends)]
    if len(extends) != 1 or not _names(extends[0].template, FRAME_TEMPLATE):
        return None
    for node in tree.body:
        if isinstance(node, nodes.Block) and node.name != CONTENT_BLOCK:
            return None
        if not isinstance(node, _TOP_LEVEL) and not _blank(node):
            return None
    if any(node.name in {"super", "self"} for node in tree.find_all(nodes.Name)):
        return None
    return PageShape(env.get_template(name))


# What a qualifying page template holds outside its content block.
_TOP_LEVEL = (nodes.Extends, nodes.Import, nodes.FromImport, nodes.Assign, nodes.Block)


def _names(node: nodes.Expr, template: str) -> bool:
    return isinstance(node, nodes.Const) and node.value == template


def _blank(node: nodes.Node) -> bool:
    """Whitespace between the template's top-level tags (not written out in a child)."""
    return isinstance(node, nodes.Output) and all(
        isinstance(item, nodes.TemplateData) and not item.data.strip() for item in node.nodes
    )


__all__ = ["Frame", "Frames", "PageShape"]
