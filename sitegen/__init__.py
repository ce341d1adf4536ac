"""sitegen: compile a marketing team's Markdown task files into a static status site."""

from __future__ import annotations

__version__ = "0.1.0"
