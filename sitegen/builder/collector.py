"""The cyclic garbage collector around the build's stages."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector.

    Loading and analysing a site allocates about a million long-lived objects and frees
    almost none; the collector would scan them again and again (40% of the time of a
    large build). Memory is still freed by reference counting meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_skipping_what_exists() -> Iterator[None]:
    """Let the collector run, but only over objects made from now on."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


__all__ = ["collector_paused", "collector_skipping_what_exists"]
