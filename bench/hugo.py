"""The Hugo site the benchmark measures beside sitegen: the same Markdown files under
minimal layouts (one page per file, a list per folder)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from children import OUT

HUGO = shutil.which("hugo") or "/usr/bin/hugo"

HUGO_CONFIG = """\
baseURL = "http://example.org/"
title = "sitegen bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = (
    "<!doctype html><html><head><meta charset=utf-8><title>{{ .Title }}</title></head>"
    "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n"
)
HUGO_LIST = (
    "<!doctype html><html><head><meta charset=utf-8><title>{{ .Title }}</title></head>"
    "<body><h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}"
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n'
)


def ensure_hugo_site(size: str, seed: int, content: Path) -> tuple[Path, str]:
    """bench/out/hugo-<size>/ with content/ hard-linking every .md file of `content`."""
    site = OUT / f"hugo-{size}"
    stamp = site / ".mirror-stamp"
    want = (OUT / f"content-{size}-s{seed}.stamp").read_text().strip()
    how = "hard links"
    if not (stamp.exists() and stamp.read_text().strip() == want):
        if site.exists():
            shutil.rmtree(site)
        (site / "layouts" / "_default").mkdir(parents=True)
        (site / "hugo.toml").write_text(HUGO_CONFIG)
        (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
        (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
        for path in sorted(content.rglob("*.md")):
            target = site / "content" / path.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
                how = "copies"
        stamp.write_text(want + "\n")
    return site, how
