"""Markdown written by the team (task notes, daily briefs) to safe HTML.

Most briefs are plain sentences that Markdown passes through unchanged; those skip the
Markdown pipeline (a quarter of a millisecond each, the largest single cost of
rendering a report page) and take the HTML that the pipeline gives for the same
arrangement of lines. Anything else goes through Python-Markdown and nh3.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from html import unescape as html_unescape
from urllib.parse import unquote
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

# No images: a page loads nothing from another host (SPEC §8), and files in the content
# folder are not published. A Markdown image becomes a link to it (see `_ImagesAsLinks`);
# an <img> written as HTML is dropped.
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}
_MARKDOWN_EXTENSIONS = ("tables", "sane_lists", "fenced_code")

# Characters that neither Markdown nor the HTML cleaner treat specially anywhere in a
# line: letters and digits of any script, and punctuation that starts no syntax.
_PLAIN_TEXT = re.compile(r"(?:[^\W_]|[\n ,;:?%/@()，。、；：？！“”‘’（）《》【】…—％·])*")
# Leading spaces can make code or list items, trailing ones a line break.
_EDGE_SPACE = re.compile(r"^ | $", re.MULTILINE)
_PLACEHOLDER = re.compile(r"zq(\d+)qz")


class _LinkImages(Treeprocessor):
    def run(self, root: Element) -> None:
        for image in root.iter("img"):
            source = image.get("src", "")
            image.tag = "a"
            image.text = image.get("alt") or source
            image.attrib = {"href": source}


class _ImagesAsLinks(Extension):
    """``![chart](https://…/chart.png)`` becomes a link named "chart" to the image."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LinkImages(md), "images_as_links", 15)  # after inline


@cache
def _markdown_converter(breaks: bool) -> markdown.Markdown:
    extensions = [*_MARKDOWN_EXTENSIONS, *(["nl2br"] if breaks else [])]
    return markdown.Markdown(extensions=[*extensions, _ImagesAsLinks()])


def render_markdown(text: str, breaks: bool = False) -> Markup:
    """Untrusted Markdown to safe HTML: rendered, then cleaned with an allowlist.

    ``breaks`` keeps single line breaks (daily briefs are written line by line).
    """
    lines = plain_lines(text or "")
    if lines is None:
        return _converted(text or "", breaks)
    shape = tuple(bool(line) for line in lines)
    return Markup("".join(p if isinstance(p, str) else lines[p] for p in _layout(shape, breaks)))


# A link to a content file as the cleaner writes it: relative, to a .md file.
_DOCUMENT_LINK = re.compile(r'href="([^":#?]+\.md)(#[^"]*)?"')


def link_documents(html: Markup, page_of: Callable[[str], str | None]) -> Markup:
    """``html`` with each link to a content file (``[the brief](L-01.md)``, as in MkDocs)
    pointing where ``page_of`` says the page made from that file is; others unchanged."""
    if ".md" not in html:
        return html

    def relinked(match: re.Match[str]) -> str:
        target = page_of(unquote(html_unescape(match[1])))
        return f'href="{escape(target)}{match[2] or ""}"' if target else match[0]

    return Markup(_DOCUMENT_LINK.sub(relinked, html))


def plain_lines(text: str) -> list[str] | None:
    """The lines of ``text`` when Markdown would copy each unchanged, else None."""
    if not _PLAIN_TEXT.fullmatch(text) or _EDGE_SPACE.search(text):
        return None
    return text.split("\n")


@lru_cache(maxsize=1024)
def _layout(shape: tuple[bool, ...], breaks: bool) -> tuple[str | int, ...]:
    """The HTML of plain lines arranged as ``shape`` (True: a line with text, False: an
    empty one), with the index of each line where its text goes."""
    stand_in = "\n".join(f"zq{index}qz" if has_text else "" for index, has_text in enumerate(shape))
    pieces = _PLACEHOLDER.split(_converted(stand_in, breaks))
    # split() puts what its group matched, the line indexes, at the odd positions.
    return tuple(int(piece) if index % 2 else piece for index, piece in enumerate(pieces))


# A brief is shown on its report page and again in its period's stream (and maybe on the
# dashboard): one that is not plain text goes through Markdown once per process. Plain
# text is not kept: laid out again in 6 µs, it took 8 MB per worker at 15,000 files.
@lru_cache(maxsize=32768)
def _converted(text: str, breaks: bool) -> Markup:
    html = _markdown_converter(breaks).reset().convert(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


__all__ = ["link_documents", "plain_lines", "render_markdown"]
