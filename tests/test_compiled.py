"""The fast ways of rendering a page write exactly what Jinja writes.

Two of them (see `sitegen.site.frame` and `sitegen.site.compiled`): the frame around a page's
content rendered once per kind of page and folder, and the compiled renderer of report
pages. A change to `report.html`, `macros.html` or `base.html` that they do not follow
fails here, naming the page and showing the difference.
"""

from __future__ import annotations

import difflib
import posixpath
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from sitegen.builder.analyse import analyse
from sitegen.site.compiled_task import TaskContent
from sitegen.site.pages import Page
from sitegen.site.render import SiteRenderer, _urls_from, markdown_html

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
AS_OF = date(2023, 12, 31)  # every sample report is in

ODD_REPORT = """---
date: 2023-07-19
author: nobody-we-know
entries:
  - task: MKT-202307-001-01
    plan: <b>"plan" & 'quotes'</b>
    done: ""
    planned: 2.5
    actual: 1500000
    progress: 33
    problem: a < b > c
    solution: 修复 & 发布
    evidence:
      - https://example.com/a/b/
      - https://example.com/
      - not a link <script>
  - task: NO-SUCH-TASK
    plan: 计划
    done: 完成
    progress: 0
---

**bold** <script>alert(1)</script> & [the task](../tasks/MKT-202307-001-01.md)
line two

- a list
"""

ODD_TASK = """---
id: MKT-202307-001-99
title: <Odd> "task" & 'co'
owner: nobody-we-know
collaborators:
  - {person: wang-wu, role: <b>role</b>}
  - zhao-liu
priority: P1
start: 2023-07-10
end: 2023-07-25
module: A & B
parent: MKT-202307-001-01
depends_on: [MKT-202307-001-01, MKT-202307-001-02]
deliverables: ["<x>", y & z]
resources: []
skills: [a<b, "c&d"]
budget: 1234.5
plan:
  2023-07-14: 40
  2023-07-21: 80
confirmed: false
---

Body **markdown** <script>x</script> & [a task](MKT-202307-001-02.md)
"""

EMPTY_REPORT = """---
date: 2023-07-18
author: zhao-liu
entries: []
---
"""


def _renderer(content: Path) -> SiteRenderer:
    return SiteRenderer(analyse(content, as_of=AS_OF, cache=False, history=False))


def _whole(renderer: SiteRenderer, page: Page) -> str:
    """The page as Jinja renders it from its template alone: the reference."""
    folder = posixpath.dirname(page.path)
    renderer.links.folder = folder
    template = renderer.env.get_template(page.template)
    url = _urls_from(folder)
    return template.render(page=page, url=url, **page.context)


def _same(expected: str, actual: str, what: str) -> None:
    if expected != actual:
        diff = difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True), "jinja", "fast", n=1
        )
        pytest.fail(f"{what} differs from Jinja's rendering:\n{''.join(list(diff)[:40])}")


@pytest.fixture(params=["zh-CN", "en"])
def content(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The sample content in both languages, with a report of odd input and an empty one."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    settings = copy / "site.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace("language: zh-CN", f"language: {request.param}"),
        "utf-8",
    )
    reports = copy / "q3-launch" / "reports"
    (reports / "2023-07-19-nobody-we-know.md").write_text(ODD_REPORT, "utf-8")
    (reports / "2023-07-18-zhao-liu.md").write_text(EMPTY_REPORT, "utf-8")
    (copy / "q3-launch" / "tasks" / "MKT-202307-001-99.md").write_text(ODD_TASK, "utf-8")
    return copy


def test_every_page_is_rendered_as_jinja_renders_it_whole(content: Path) -> None:
    renderer = _renderer(content)
    kinds: set[str] = set()
    for page in renderer.pages.values():
        if renderer.frames.shape(page.template) and renderer.frames.frame(page):
            kinds.add(page.template)
        _same(_whole(renderer, page), renderer.page(page).decode("utf-8"), page.path)
    assert {"report.html", "task.html", "project.html"} <= kinds  # the frame is used
    # and the compiled renderers kept after their first page's check
    assert {"report.html", "task.html"} <= set(renderer.compiled)


def _variants(template: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    """A page's context, and as it would be in cases the sample does not show."""
    if template == "report.html":  # a report's project is its first task's
        return [context, {**context, "project": None}]
    plan = SimpleNamespace(first_day=date(2023, 7, 3), end=date(2023, 7, 5))
    slipped = SimpleNamespace(slip_days=3, added_after_baseline=False, baseline=plan)
    added = SimpleNamespace(slip_days=0, added_after_baseline=True, baseline=plan)
    return [context, *({**context, "baseline": b} for b in (slipped, added))]


@pytest.mark.parametrize(
    ("template", "as_of"),
    [("report.html", AS_OF), ("task.html", AS_OF), ("task.html", date(2023, 7, 12))],
)
def test_compiled_content_equals_jinja_on_every_page(
    content: Path, template: str, as_of: date
) -> None:
    renderer = _renderer(content)
    compiled = renderer.compiled[template]
    if as_of != AS_OF:  # a day before some of the entries shown: they are marked
        renderer.env.globals["as_of"] = as_of
        compiled = TaskContent(compiled.m, renderer.env.filters, markdown_html, as_of)
    shape = renderer.frames.shape(template)
    assert shape is not None
    pages = [page for page in renderer.pages.values() if page.template == template]
    folder = "reports" if template == "report.html" else "tasks"
    assert len(pages) == len(list(content.glob(f"*/{folder}/*.md")))
    seen: Counter[str] = Counter()
    for page in pages:
        folder = posixpath.dirname(page.path)
        renderer.links.folder = folder
        url = _urls_from(folder)
        for context in _variants(template, page.context):
            _same(
                shape.content({"page": page, "url": url, **context}),
                compiled(url, **context),
                page.path,
            )
        seen.update(key for key, value in page.context.items() if value)
        if template == "task.html":
            state = page.context["state"]
            seen.update(key for key in ("entries", "children", "dependents") if getattr(state, key))
            seen["future"] += any(entry.day > as_of for entry in state.entries)
    assert seen["findings"] and (seen["entries"] or seen["risks"])
    assert template == "report.html" or as_of == AS_OF or seen["future"]


def test_odd_input_is_escaped_and_markdown_rendered(content: Path, tmp_path: Path) -> None:
    renderer = _renderer(content)
    page = renderer.pages["reports/q3-launch/2023-07-19-nobody-we-know.html"]
    html = renderer.page(page).decode("utf-8")
    assert "&lt;b&gt;&#34;plan&#34; &amp; &#39;quotes&#39;&lt;/b&gt;" in html
    assert "<strong>bold</strong>" in html and "<script" not in html
    assert 'href="../../tasks/MKT-202307-001-01.html"' in html  # a link to a content file


@pytest.mark.parametrize("template", ["report.html", "task.html", "macros.html"])
def test_a_theme_overriding_the_templates_wins(tmp_path: Path, template: str) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    package = REPO / "sitegen/site/themes/default/templates"
    theirs = copy / "_theme" / "templates" / template
    theirs.parent.mkdir(parents=True)
    theirs.write_text(
        (package / template).read_text("utf-8").replace("<dl class=", "<dl data-theme class=", 1),
        "utf-8",
    )
    renderer = _renderer(copy)
    kept = {"report.html", "task.html"} - {template} if template != "macros.html" else set()
    assert set(renderer.compiled) == kept
    shown = "report.html" if template == "macros.html" else template
    page = next(page for page in renderer.pages.values() if page.template == shown)
    html = renderer.page(page).decode("utf-8")
    if template != "macros.html":
        assert "<dl data-theme class=" in html
    _same(_whole(renderer, page), html, page.path)


def test_a_compiled_renderer_that_drifted_is_dropped_after_the_first_page() -> None:
    renderer = _renderer(CONTENT)
    renderer.compiled["report.html"] = lambda url, **context: "<p>stale</p>\n"
    reports = [page for page in renderer.pages.values() if page.template == "report.html"]
    for page in reports[:2]:
        _same(_whole(renderer, page), renderer.page(page).decode("utf-8"), page.path)
    assert "report.html" not in renderer.compiled


def test_a_frame_that_reads_more_of_the_page_is_not_shared(tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    package = REPO / "sitegen/site/themes/default/templates"
    base = copy / "_theme" / "templates" / "base.html"
    base.parent.mkdir(parents=True)
    base.write_text(
        (package / "base.html")
        .read_text("utf-8")
        .replace("<main", '<main data-path="{{ page.path }}"', 1),
        "utf-8",
    )
    renderer = _renderer(copy)
    for page in list(renderer.pages.values())[:40]:
        html = renderer.page(page).decode("utf-8")
        assert f'data-path="{page.path}"' in html
        _same(_whole(renderer, page), html, page.path)
