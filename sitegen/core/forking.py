"""Running a function over many items in forked processes, where the platform forks.

Forked workers inherit what the parent computed instead of receiving it pickled.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from functools import partial
from multiprocessing.context import BaseContext
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


class WorkerStopped(Exception):
    """A worker was interrupted (Ctrl-C reaches every process of the group)."""


def _stoppable(work: Callable[[], Result]) -> Result:
    try:
        return work()
    except KeyboardInterrupt as stop:
        raise WorkerStopped from stop  # a dead worker would leave the pool waiting forever


def split_evenly(items: list[Task], parts: int) -> list[list[Task]]:
    """``items`` in at most ``parts`` contiguous runs of (nearly) equal length."""
    size = -(-len(items) // parts)
    return [items[i : i + size] for i in range(0, len(items), size)]


def map_forked(function: Callable[[Task], Result], tasks: list[Task], jobs: int) -> list[Result]:
    """``function`` over ``tasks`` in up to ``jobs`` forked processes, in any order.

    ``function`` must be a module-level function (it is sent to the workers by name).
    """
    context = _fork_context()
    if context is None:
        return [function(task) for task in tasks]
    with context.Pool(max(1, min(jobs, len(tasks)))) as pool:
        return list(pool.imap_unordered(partial(_call_stoppable, function), tasks))


def _fork_context() -> BaseContext | None:
    """Forking, where the platform has it: workers inherit what the parent computed."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _call_stoppable(function: Callable[[Task], Result], task: Task) -> Result:
    return _stoppable(lambda: function(task))


__all__ = ["WorkerStopped", "map_forked", "split_evenly"]
