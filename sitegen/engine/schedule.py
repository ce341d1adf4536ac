"""Critical path method over working-day durations (finish-to-start links)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def total_float(
    durations: Mapping[str, int], predecessors: Mapping[str, Sequence[str]]
) -> dict[str, int]:
    """Total float of every task that is not caught in a dependency loop.

    The network ignores calendar dates: a task starts when its last predecessor
    finishes. Zero float means the task lies on a longest chain, i.e. is critical.
    """
    preds = {
        task: sorted({p for p in predecessors.get(task, ()) if p in durations and p != task})
        for task in durations
    }
    successors: dict[str, list[str]] = {task: [] for task in durations}
    for task, before in preds.items():
        for pred in before:
            successors[pred].append(task)
    waiting = {task: len(before) for task, before in preds.items()}
    order = sorted(task for task, count in waiting.items() if count == 0)
    for task in order:  # Kahn's algorithm; `order` grows while it is walked
        for succ in sorted(successors[task]):
            waiting[succ] -= 1
            if waiting[succ] == 0:
                order.append(succ)
    earliest_finish: dict[str, int] = {}
    for task in order:
        start = max((earliest_finish[p] for p in preds[task]), default=0)
        earliest_finish[task] = start + durations[task]
    project_length = max(earliest_finish.values(), default=0)
    latest_start: dict[str, int] = {}
    for task in reversed(order):
        finish = min(
            (latest_start[s] for s in successors[task] if s in latest_start), default=project_length
        )
        latest_start[task] = finish - durations[task]
    return {task: latest_start[task] - (earliest_finish[task] - durations[task]) for task in order}
