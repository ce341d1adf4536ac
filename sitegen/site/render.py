"""Stage 5: render the pages and data files of an analysed site into the staging folder."""

from __future__ import annotations

import posixpath
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from jinja2 import (
    BytecodeCache,
    Environment,
    FunctionLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.bccache import Bucket
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from sitegen.core.cachefiles import cache_home, read_sealed, write_sealed
from sitegen.core.digests import blake, code_digest, named_files_digest
from sitegen.core.findings import Finding, severity_of
from sitegen.core.fingerprint import Fingerprinter, PageReads
from sitegen.core.i18n import Messages
from sitegen.engine import metrics
from sitegen.site.analysis import Analysis
from sitegen.site.compiled import FOLLOWS, Macros, ReportContent
from sitegen.site.compiled_task import TaskContent
from sitegen.site.datafiles import DataSources, data_files
from sitegen.site.frame import Frames
from sitegen.site.pages import Page, site_pages, task_path
from sitegen.site.pages.lookups import Lookups
from sitegen.site.pages.paths import page_of_document
from sitegen.site.prose import link_documents, render_markdown
from sitegen.site.theme import Theme


# Pages link to tens of thousands of distinct targets: remembering every pair cost more
# memory than working each out again (a few microseconds).
@lru_cache(maxsize=4096)
def relative_url(here: str, target: str) -> str:
    """``target`` (relative to OUT) as seen from the folder ``here``, percent-encoded.

    What ``posixpath.relpath(target, here)`` gives, without its look-up of the working
    directory: both are paths inside OUT.
    """
    start = _parts(here)
    path = _parts(target)
    common = 0
    for a, b in zip(start, path, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(start) - common) + path[common:]) or "."
    if target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return quote(relative, safe="/#")


def _parts(path: str) -> list[str]:
    normal = posixpath.normpath(path) if path else "."
    return [] if normal == "." else normal.split("/")


@cache
def _urls_from(folder: str) -> Callable[[str], str]:
    """``url()`` for the pages in ``folder``: links relative to the page, so the site
    works under any sub-path."""
    return partial(relative_url, folder)


class PageLinks(threading.local):
    """The global ``url()``: links from the page being rendered (in this thread).

    Macros are imported without the page's context (so Jinja runs `macros.html` once, not
    once per page) and find ``url`` among the globals: this one, pointed at each page's
    folder before the page is rendered.
    """

    def __init__(self) -> None:
        self.folder = ""

    def __call__(self, target: str) -> str:
        return relative_url(self.folder, target)


@pass_context
def _gantt(
    context: Any,
    tasks: Any,
    title: str,
    id_prefix: str | None = None,
    window: Any = None,
    baselines: Any = None,
    project_end: date | None = None,
) -> Markup | None:
    """The SVG Gantt chart of ``tasks``, or None while `sitegen.site.gantt` is not available.

    Templates always show a table of the same tasks next to it, for screen readers.
    ``window`` (first, last day) narrows the chart to those days (the one-page brief);
    ``baselines`` draws ghost bars where tasks slipped; ``project_end`` marks that day.
    """
    try:
        from sitegen.site.gantt import gantt_svg
    except ImportError:
        return None
    url = context["url"]  # the page's own, bound to its folder

    def link(task_id: str) -> str:
        return url(task_path(task_id))

    lookup = context["lookup"]
    try:
        return gantt_svg(
            list(tasks),
            context["calendar"],
            context["as_of"],
            context["t"],
            link,
            title,
            id_prefix=id_prefix,
            threshold=context["settings"].thresholds.deviation,
            id_column=True,
            window=window,
            owners=lookup.person_name,
            baselines=baselines,
            project_end=project_end,
        )
    except Exception:  # a chart must never break a page: the table below carries the data
        return None


@pass_context
def _gantt_legend(context: Any) -> Markup | None:
    try:
        from sitegen.site.gantt import gantt_legend
    except ImportError:
        return None
    try:
        return Markup(gantt_legend(context["t"]))
    except Exception:
        return None


class FixedMessages(Extension):
    """Compiles ``{{ t('key') }}`` (a written-out key, no values) into the message's text.

    Its output is the same on every page of a site (the language is the site's), and a
    call from a template costs more than the text it returns; a page has dozens.
    """

    PATTERN = ("variable_begin", "name", "lparen", "string", "rparen", "variable_end")

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        messages = self.environment.globals.get("t")
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            window = tokens[index : index + len(self.PATTERN)]
            if (
                isinstance(messages, Messages)
                and tuple(token.type for token in window) == self.PATTERN
                and window[1].value == "t"
                and messages.has(window[3].value)
            ):
                text = escape(messages(window[3].value))
                yield Token(window[0].lineno, "data", str(text))
                index += len(self.PATTERN)
            else:
                yield tokens[index]
                index += 1


# The payload is Jinja's own: its header names Jinja's and Python's versions, and Jinja
# compiles a template again when its source changed.
TEMPLATES_FORMAT = "templates/1"


class SealedBytecodeCache(BytecodeCache):
    """Compiled templates, kept between builds in sealed files (see `sitegen.core.cachefiles`).

    Compiled templates are code: Jinja loads only those this user's sitegen wrote, and
    compiles again any other (damaged, older, or written by someone without the key).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = read_sealed(self._file(bucket), TEMPLATES_FORMAT)
        if payload is not None:
            try:
                bucket.bytecode_from_string(payload)
            except Exception:  # verified, so sitegen wrote it: never expected, never fatal
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_sealed(self._file(bucket), TEMPLATES_FORMAT, bucket.bytecode_to_string())


def _bytecode_cache(language: str) -> SealedBytecodeCache:
    """Compiled templates, kept between builds (Jinja checks each against its source).

    They hold the site's language's messages (`FixedMessages`): one folder per
    language and version of sitegen.
    """
    return SealedBytecodeCache(cache_home() / f"templates-{language}-{code_digest().hex()[:16]}")


def make_environment(theme: Theme, language: str) -> Environment:
    env = Environment(
        loader=FunctionLoader(theme.template_source),
        bytecode_cache=_bytecode_cache(language),
        extensions=[FixedMessages],
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build never sees a template change; skip the stat per page
    )
    ui = Messages(language, kind="ui")
    env.globals.update(t=ui, language=language, gantt=_gantt, gantt_legend=_gantt_legend)
    env.filters.update(
        pct=_pct,
        signed=_signed,
        markdown=_markdown,
        brief=_brief,
        lead=_first_paragraph,
        day=_day,
        shortday=_short_day,
        num=_num,
        barw=_bar_width,
        weekday=lambda d: ui(f"weekday.{d.weekday()}") if d else "",
    )
    return env


@pass_context
def _markdown(context: Any, text: str, source: str | None = None, breaks: bool = False) -> Markup:
    return markdown_html(text, source, context["url"], breaks)


def markdown_html(
    text: str, source: str | None, url: Callable[[str], str], breaks: bool = False
) -> Markup:
    """A body as HTML. With ``source`` (the file it was written in), its links to other
    content files lead to the pages made from them, from the page whose ``url()`` it is."""
    html = render_markdown(text, breaks=breaks)
    if source is None:
        return html
    folder = posixpath.dirname(source)

    def page_of(href: str) -> str | None:
        page = page_of_document(posixpath.normpath(posixpath.join(folder, href)))
        return url(page) if page else None

    return link_documents(html, page_of)


@pass_context
def _brief(context: Any, text: str, source: str | None = None) -> Markup:
    """A daily brief: line breaks kept (briefs are written line by line)."""
    return _markdown(context, text, source, breaks=True)


def _first_paragraph(text: str | None) -> str:
    """What a table cell shows of a body: its first paragraph (still Markdown)."""
    return (text or "").strip().split("\n\n", 1)[0]


def _pct(value: Any, scale: int = 1) -> str:
    """A fraction (scale 1) or a percentage (scale 100) as '66.7%' or '100%'."""
    return metrics.percent_label(None if value is None else metrics.exact(value) / scale)


def _signed(value: Any) -> str:
    return metrics.percent_label(value, signed=True)


# One date format on every page, in both languages: ISO 8601, as the finding messages
# (and status.json) write their dates; a dense table drops the year.
def _day(value: date | None) -> str:
    """A date: 2023-07-10."""
    return "—" if value is None else value.isoformat()


def _short_day(value: date | None) -> str:
    """A compact date for dense tables: 07-10."""
    return "—" if value is None else value.isoformat()[5:]


def _num(value: Any) -> str:
    """A plain number with thousands separators: 1500000 → 1,500,000; 5.20 → 5.2."""
    if value is None:
        return "—"
    exact = metrics.exact(value)
    if exact.denominator == 1:
        return f"{int(exact):,}"
    text = f"{float(exact):,.2f}".rstrip("0").rstrip(".")
    return text


def _bar_width(value: Any, scale: int = 1) -> str:
    """A fraction as a CSS width for a bar, kept within 0–100%."""
    if value is None:
        return "0%"
    shown = metrics.percent(metrics.exact(value) / scale) or 0.0
    return f"{min(100.0, max(0.0, shown)):.1f}%"


def _template_text(theme: Theme) -> Callable[[str], str | None]:
    def text(name: str) -> str | None:
        found = theme.template_source(name)
        return found[0] if found else None

    return text


def _static_files(theme: Theme) -> dict[str, bytes]:
    return {f"static/{name}": path.read_bytes() for name, path in theme.static.items()}


def compiled_contents(
    theme: Theme, env: Environment, lookup: Lookups
) -> dict[str, Callable[..., str]]:
    """Page template → its compiled content renderer (called with ``url`` and the page's
    context), for the templates that the theme does not override, nor what they call."""
    ui = env.globals["t"]
    assert isinstance(ui, Messages)
    macros = Macros(ui, lookup, env.filters)
    renderers = {
        "report.html": ReportContent(macros, env.filters, markdown_html),
        "task.html": TaskContent(macros, env.filters, markdown_html, env.globals["as_of"]),
    }
    overridden = theme.overrides().keys()
    return {
        name: renderer
        for name, renderer in renderers.items()
        if overridden.isdisjoint(FOLLOWS[name])
    }


class TemplateFailed(Exception):
    """A template of the content's own theme raised while making a page. Plain values
    only, so that it crosses from a worker process to the build."""

    def __init__(self, template: str, file: str, line: int, problem: str, page: str) -> None:
        super().__init__(template, file, line, problem, page)
        self.template, self.file, self.line = template, file, line
        self.problem, self.page = problem, page

    def finding(self, root: Path, msg: Messages) -> Finding:
        path = Path(self.file)
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else self.file
        text = msg("template.render", name=self.template, page=self.page, problem=self.problem)
        return Finding("parse", severity_of("parse"), shown, self.line, text)

    @classmethod
    def of(
        cls, error: Exception, theme: Theme, env: Environment, page: str
    ) -> TemplateFailed | None:
        """``error`` as the failure of one of ``theme``'s own templates (its innermost
        template frame is one), or None: a failing package template is sitegen's bug."""
        own = {str(path): name for name, path in theme.overrides().items()}
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in own]
        if not frames:
            return None
        frame = frames[-1]
        name, line = own[frame.filename], frame.lineno or 1
        if frame.name != "template":  # not rewritten by Jinja: a line of the compiled code
            line = env.get_template(name).get_corresponding_lineno(line)
        problem = str(getattr(error, "message", None) or error).rstrip(".")
        return cls(name, frame.filename, line, problem, page)


class SiteRenderer:
    """Everything needed to render any file of one analysed site."""

    def __init__(self, analysis: Analysis) -> None:
        settings = analysis.site.settings
        self.theme = analysis.theme
        self.analysis = analysis
        self.env = make_environment(self.theme, settings.language)
        self.static = _static_files(self.theme)
        # Everything a template sees besides its page's own context; all of it is part
        # of every page's fingerprint.
        self.shared = {
            "settings": settings,
            "as_of": analysis.status.as_of,
            "calendar": analysis.status.calendar,
            "lookup": Lookups.for_site(analysis.site, analysis.status),
            "has_extra_css": "static/extra.css" in self.static,
        }
        self.links = PageLinks()
        # Globals, so that macros imported without a page's context see them too.
        self.env.globals.update(self.shared, url=self.links)
        self.frames = Frames(self.env, _template_text(self.theme), _urls_from)
        self.compiled = compiled_contents(self.theme, self.env, self.shared["lookup"])
        self._unchecked = set(self.compiled)
        self.pages = site_pages(analysis)

    def page(self, page: Page) -> bytes:
        try:
            return self._page(page)
        except Exception as error:
            failed = TemplateFailed.of(error, self.theme, self.env, page.path)
            if failed is None:
                raise
            raise failed from error

    def _page(self, page: Page) -> bytes:
        # Links relative to the page, so the site works under any sub-path; bound to the
        # page's folder once rather than worked out from the page at each of its links.
        folder = posixpath.dirname(page.path)
        self.links.folder = folder
        url = _urls_from(folder)
        shape = self.frames.shape(page.template)
        frame = self.frames.frame(page) if shape else None
        if shape is None or frame is None:
            template = self.env.get_template(page.template)
            return template.render(page=page, url=url, **page.context).encode("utf-8")
        compiled = self.compiled.get(page.template)
        if compiled is None:
            content = shape.content({"page": page, "url": url, **page.context})
        else:
            content = compiled(url, **page.context)
            if page.template in self._unchecked:
                content = self._checked(page, content, shape.content)
        return frame.fill(page, content).encode("utf-8")

    def _checked(self, page: Page, content: str, jinja: Callable[[dict[str, Any]], str]) -> str:
        """The first page of a kind is rendered by Jinja too: a compiled renderer that no
        longer writes what its template writes is not used again (its test says why)."""
        self._unchecked.discard(page.template)
        url = _urls_from(posixpath.dirname(page.path))
        expected = jinja({"page": page, "url": url, **page.context})
        if expected != content:
            del self.compiled[page.template]
        return expected

    def data_sources(self) -> DataSources:
        """Every file that is not a page: what it is made from, and how to make it."""
        return data_files(self.analysis, self.static)

    def fingerprinter(
        self, data_sources: DataSources, reads: PageReads | None = None
    ) -> Fingerprint:
        """name → a digest of all that file is made from: sitegen's own code and
        templates, the theme; for a page the shared template data and its context, for
        any other file the inputs `data_sources` names. ``reads``: when given, each page
        is entered there with the content files its digest reaches."""
        digest = Fingerprinter().digest
        common = blake(code_digest(), named_files_digest(self.theme.templates.items()))
        if reads is None:
            pages = blake(common, digest(self.shared))
        else:
            tracer = reads.tracer
            shared, shared_files = tracer.digest_with_files(self.shared)
            pages = blake(common, shared)

        def fingerprint(name: str, page: Page | None = None) -> bytes:
            """(``page``: the page ``name``, when the caller has made it already.)"""
            page = page or self.pages.get(name)
            if page is None:
                return blake(common, digest(data_sources[name].inputs()))
            inputs = (page.template, page.title, page.section, page.description, page.context)
            if reads is None:
                return blake(pages, name.encode(), digest(inputs))
            value, files = tracer.digest_with_files(inputs)
            reads.files[name] = files | shared_files
            return blake(pages, name.encode(), value)

        return fingerprint

    def names(self, data_sources: DataSources) -> list[str]:
        """Every file of the site."""
        return [*data_sources, *self.pages]


class Fingerprint(Protocol):
    def __call__(self, name: str, page: Page | None = None) -> bytes: ...


__all__ = ["Page", "SiteRenderer", "Theme", "render_markdown"]
