"""Stage 5: render pages and static files into memory (path → bytes)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import markdown
import nh3
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from sitegen import metrics
from sitegen.build import Analysis
from sitegen.export import status_data, to_json
from sitegen.i18n import Messages
from sitegen.pages import Page, site_pages

OVERRIDE_DIR = "_theme"  # inside a content folder: templates/ and static/ that win over the theme


def default_theme() -> Path:
    return Path(str(resources.files("sitegen").joinpath("themes/default")))


@dataclass(frozen=True)
class Theme:
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]

    @classmethod
    def for_content(cls, root: Path) -> Theme:
        layers = [root / OVERRIDE_DIR, default_theme()]
        return cls(
            tuple(p / "templates" for p in layers if (p / "templates").is_dir()),
            tuple(p / "static" for p in layers if (p / "static").is_dir()),
        )


_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS)


def render_markdown(text: str) -> Markup:
    """Untrusted Markdown to safe HTML: rendered, then cleaned with an allowlist."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "fenced_code"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


@pass_context
def _url(context: Any, target: str) -> str:
    """A link relative to the page being rendered, so the site works under any sub-path."""
    here = posixpath.dirname(context["page"].path)
    relative = posixpath.relpath(target, here or ".")
    if target.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return relative


def make_environment(theme: Theme, language: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in theme.template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    ui = Messages(language, kind="ui")
    env.globals.update(t=ui, url=_url, language=language)
    env.filters.update(
        pct=_pct,
        signed=_signed,
        markdown=render_markdown,
        day=lambda d: _day(d, language),
    )
    return env


def _pct(value: Any, scale: int = 1) -> str:
    """A fraction (scale 1) or a percentage (scale 100) as '66.7%'."""
    if value is None:
        return "—"
    shown = metrics.percent(metrics.exact(value) / scale)
    return f"{shown:.1f}%"


def _signed(value: Any) -> str:
    if value is None:
        return "—"
    shown = metrics.percent(value)
    return f"{shown:+.1f}%" if shown else "0.0%"


def _day(value: date | None, language: str) -> str:
    if value is None:
        return "—"
    if language == "zh-CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def _static_files(theme: Theme) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder in reversed(theme.static_dirs):  # later layers (overrides) replace earlier ones
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files["static/" + path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def render_site(analysis: Analysis) -> dict[str, bytes]:
    settings = analysis.site.settings
    theme = Theme.for_content(analysis.root)
    env = make_environment(theme, settings.language)
    files = _static_files(theme)
    shared = {
        "analysis": analysis,
        "site": analysis.site,
        "status": analysis.status,
        "settings": settings,
        "has_extra_css": "static/extra.css" in files,
    }
    for page in site_pages(analysis):
        html = env.get_template(page.template).render(shared, page=page, **page.context)
        files[page.path] = html.encode("utf-8")
    files["status.json"] = to_json(
        status_data(analysis.site, analysis.status, analysis.health, analysis.findings)
    )
    return files


__all__ = ["Page", "Theme", "render_markdown", "render_site"]
