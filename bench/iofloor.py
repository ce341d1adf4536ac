#!/usr/bin/env python3
"""The I/O floor: read every input file, write one small HTML file per input.

    python bench/iofloor.py IN_DIR OUT_DIR

No parsing, no templates: what any generator must at least pay to touch the
same files. OUT_DIR is created (the caller empties it beforehand).
"""

from __future__ import annotations

import html
import os
import sys


def main() -> int:
    src, dst = sys.argv[1], sys.argv[2]
    written = 0
    for folder, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(folder, src)
        target = os.path.normpath(os.path.join(dst, rel))
        os.makedirs(target, exist_ok=True)
        for name in sorted(files):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            page = (
                f"<!doctype html><meta charset=utf-8><title>{html.escape(name)}</title>"
                f"<p>{len(text)} characters</p>\n"
            )
            with open(os.path.join(target, name + ".html"), "w", encoding="utf-8") as handle:
                handle.write(page)
            written += 1
    print(f"wrote {written} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
