"""Screenshots of the sample site, and its weekly brief as an A4 PDF.

    python scripts/screenshots.py [--out docs/screenshots] [--content content] [--as-of 2023-07-20]
                                  [--full]

Builds the site into a temporary folder and opens it from disk in Debian's Chromium
(/usr/bin/chromium, driven by Playwright; nothing is downloaded). The sample content is
first given the git history the golden test gives it (tests/sample_history.py), so the
pages show mid-July 2023 as the team lived it; other content is built as it is.

Writes, for each page at 1366x768 and 390x844, ``<page>-<width>x<height>.png`` (what
the first screen shows; with ``--full`` also ``<page>-<width>x<height>-full.png``, the
whole page); then
``brief.pdf`` (the portfolio's weekly brief printed on A4) and ``brief-a4.png`` (that
page as printed).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SIZES = ((1366, 768), (390, 844))
PAGES = {
    "dashboard": "index.html",
    "project": "projects/q3-launch.html",
    "person": "people/li-si.html",
    "brief": "brief.html",
}
A4_PX = (794, 1123)  # 210 x 297 mm at the 96 px per inch CSS assumes
PAGE_MARGIN = "12mm"  # as the theme's @page rule


def with_sample_history(content: Path, work: Path) -> Path:
    """The sample ``content`` in a git repository of its own, with its dated history."""
    sys.path.insert(0, str(REPO / "tests"))
    from sample_history import sample_repository

    return sample_repository(work / "repo", content).content


def build(content: Path, out: Path, as_of: str) -> None:
    command = [sys.executable, "-m", "sitegen", "build", str(content), "-o", str(out)]
    command += ["--as-of", as_of] if as_of else []
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stdout}{result.stderr}")


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (page objects, not the page tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def shoot(site: Path, out: Path, full: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        for width, height in SIZES:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto((site / path).as_uri())
                stem = out / f"{name}-{width}x{height}"
                page.screenshot(path=f"{stem}.png")
                written.append(Path(f"{stem}.png"))
                if full:
                    page.screenshot(path=f"{stem}-full.png", full_page=True)
                    written.append(Path(f"{stem}-full.png"))
            context.close()
        context = browser.new_context(viewport={"width": A4_PX[0], "height": A4_PX[1]})
        page = context.new_page()
        page.goto((site / PAGES["brief"]).as_uri())
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
        (out / "brief.pdf").write_bytes(pdf)
        written.append(out / "brief.pdf")
        print(f"brief.pdf: {pdf_pages(pdf)} page(s)")
        # The printed page as a picture: print styles on an A4-sized viewport, with the
        # page's margins (Chromium alone cannot rasterise its own PDF).
        page.emulate_media(media="print")
        page.add_style_tag(content=f"html {{ padding: {PAGE_MARGIN}; background: #fff; }}")
        page.screenshot(path=str(out / "brief-a4.png"))
        written.append(out / "brief-a4.png")
        browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--content", type=Path, default=REPO / "content")
    parser.add_argument("--as-of", default="2023-07-20", help="the day to show ('' for today)")
    parser.add_argument("--full", action="store_true", help="also the whole of each page")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-screens-") as folder:
        site = Path(folder) / "site"
        content = args.content.resolve()
        if content == REPO / "content":
            content = with_sample_history(content, Path(folder))
        build(content, site, args.as_of)
        for path in shoot(site, args.out.resolve(), args.full):
            print(path)


if __name__ == "__main__":
    main()
