"""Plain briefs skip the Markdown pipeline; the HTML must be exactly the pipeline's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sitegen.site.prose import _converted, plain_lines, render_markdown

REPO = Path(__file__).resolve().parent.parent

TYPICAL = [
    "完成：3家竞品近30天小红书、抖音、微博内容分析，整理出5个选题方向。",
    "\n完成：初稿。\n问题：无。\n计划：明天与王五确认文案风格（第2版）。\n",
    "Done: draft 2 of the launch copy, 80% reviewed\n\nNext: send to legal",
    "",
    "\n\n",
]
NOT_PLAIN = [
    "1. first\n2. second",
    "- item",
    "# Heading",
    "**bold** and _it_",
    "a  \nb",  # two trailing spaces: a hard break
    "    code",
    " lead",
    "see <https://example.com>",
    "[link](https://example.com)",
    "a & b",
    "Title\n=====",
    "tab\there",
    "中文\u00a0空格",
]


@pytest.mark.parametrize("text", TYPICAL)
@pytest.mark.parametrize("breaks", [False, True])
def test_a_plain_brief_takes_the_shortcut_and_matches_markdown(text, breaks):
    assert plain_lines(text) is not None
    assert render_markdown(text, breaks) == _converted(text, breaks)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_text_with_markdown_syntax_goes_through_markdown(text):
    assert plain_lines(text) is None
    assert render_markdown(text, True) == _converted(text, True)


def test_every_sample_body_renders_as_markdown_would():
    bodies = [p.read_text("utf-8").split("\n---\n", 1)[-1] for p in REPO.glob("content/**/*.md")]
    assert sum(plain_lines(b) is not None for b in bodies) >= 10  # the sample's briefs
    for body in bodies:
        for breaks in (False, True):
            assert render_markdown(body, breaks) == _converted(body, breaks), body


@pytest.mark.parametrize(
    "alphabet",
    [
        "完成计划问题ab19，。：（）、 \n\n\n.-*_#>`[]()<&|=!\\:/%@?;,\t\u00a0",
        "完成计划问题ab19，。：（）、%/@?;,() \n\n\n",  # plain characters only
    ],
)
def test_random_text_renders_as_markdown_would(alphabet):
    generator = random.Random(7)
    shortcuts = 0
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 24)))
        shortcuts += plain_lines(text) is not None
        for breaks in (False, True):
            assert render_markdown(text, breaks) == _converted(text, breaks), repr(text)
    assert shortcuts > 100


def test_images_become_links_and_html_images_are_dropped():
    """A page loads nothing from another host, and content files are not published."""
    html = render_markdown("See ![reach chart](https://example.com/chart.png) and ![](img/a.png)")
    assert "<img" not in html
    assert '<a href="https://example.com/chart.png" rel="noopener noreferrer nofollow">' in html
    assert ">reach chart</a>" in html
    assert ">img/a.png</a>" in html  # no alt text: the link shows where the image is
    raw = render_markdown('Before <img src="https://example.com/pixel.gif" alt="x"> after')
    assert "<img" not in raw and "example.com" not in raw
    assert "Before" in raw and "after" in raw


def test_links_to_content_files_lead_to_their_pages():
    from sitegen.site.pages.paths import page_of_document
    from sitegen.site.prose import link_documents

    assert page_of_document("p/tasks/A-1.md") == "tasks/A-1.html"
    assert page_of_document("p/tasks/design/A-2.md") == "tasks/A-2.html"
    assert page_of_document("p/risks/R-1.md") == "risks/R-1.html"
    assert page_of_document("p/reports/2024-03/2024-03-04-ann.md") == (
        "reports/p/2024-03-04-ann.html"
    )
    assert page_of_document("p/project.md") == "projects/p.html"
    assert page_of_document("p/retro.md") == "retro/p.html"
    assert page_of_document("p/notes.md") is None and page_of_document("site.yaml") is None

    html = render_markdown(
        "[a](A-1.md#log), [b](other%20file.md), [c](https://x.example/y.md), [d](#top)"
    )
    pages = {"A-1.md": "../tasks/A-1.html"}
    relinked = str(link_documents(html, pages.get))
    assert 'href="../tasks/A-1.html#log"' in relinked
    assert 'href="other%20file.md"' in relinked  # no page for it: left as written
    assert 'href="https://x.example/y.md"' in relinked and 'href="#top"' in relinked
