"""A second process for the work of a build that can be shared: generating part of the pages, and
reading the built pages for the search index while this process renders the theme around them.

The helper is forked (never started afresh: that would import the program's main module again)
once the data is checked, so it starts with its own copy of the data set, given to :func:`start`
and read there with :func:`state`. Only where that is safe and useful: at least two cores, a
system that forks, and no other thread running (a fork copies their locks; `mkdocs serve` runs
threads, so it builds in one process). Without a helper, :func:`submit` returns None and the
work is done here: the result is the same either way, only the time differs.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

_helper: ProcessPoolExecutor | None = None
_state: Any = None  # the parent's state when the helper was forked; in the parent, cleared


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def start(state: Any = None) -> bool:
    """Fork the helper now, with *state* for its tasks to read. True if there is one."""
    global _helper, _state
    close()
    if _cores() < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    _state = state
    try:
        helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        helper.submit(int)  # forks now, with the state as it is
    except (OSError, ValueError, RuntimeError):  # pragma: no cover - no processes here
        return False
    finally:
        _state = None  # the helper has its copy; this process lets go of it (the data set)
    _helper = helper
    return True


def state() -> Any:
    """In the helper: what :func:`start` was given."""
    return _state


def submit(task: Callable[..., Any], *args: Any) -> Future[Any] | None:
    """Run ``task(*args)`` in the helper (a module-level function: it is sent by name), or None
    when there is no helper, or it is gone."""
    if _helper is None:
        return None
    try:
        return _helper.submit(task, *args)
    except RuntimeError:  # pragma: no cover - the helper died
        return None


def close() -> None:
    """End the helper (each build starts its own; a failed build ends it here too)."""
    global _helper
    if _helper is not None:
        _helper.shutdown(wait=True, cancel_futures=True)
        _helper = None
