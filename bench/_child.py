"""One measurement in a fresh process that either reports a result or fails loudly.

The child's result travels back on a queue. A child that raises (a missing test package, a bug)
sends its traceback instead; a child that dies without a word (killed, crashed interpreter) is
noticed because the parent waits on the queue in short slices while checking that the child is
still alive. Either way the parent raises :class:`ChildFailed` at once, never waits out a timeout.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from typing import Any, Callable

POLL_S = 0.2


class ChildFailed(RuntimeError):
    """The measuring process ended without a result; the message carries its error."""


def _run(target: Callable[..., Any], args: tuple, results) -> None:
    try:
        value = target(*args)
    except BaseException:  # noqa: BLE001 - everything goes to the parent, which decides
        results.put(("error", traceback.format_exc()))
        raise SystemExit(1)
    results.put(("ok", value))


def run_in_child(target: Callable[..., Any], args: tuple, *, what: str, timeout_s: float = 600.0) -> Any:
    """``target(*args)`` in a fresh (spawned) process; its return value must be picklable."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_run, args=(target, args, results))
    process.start()
    waited = 0.0
    try:
        while True:
            try:
                kind, value = results.get(timeout=POLL_S)
                break
            except queue.Empty:
                waited += POLL_S
                if not process.is_alive():
                    try:  # it may have put its answer just before ending
                        kind, value = results.get(timeout=POLL_S)
                        break
                    except queue.Empty:
                        raise ChildFailed(f"{what}: the measuring process died with exit code "
                                          f"{process.exitcode} and no result") from None
                if waited >= timeout_s:
                    raise ChildFailed(f"{what}: no result within {timeout_s:g}s")
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
    if kind == "error":
        raise ChildFailed(f"{what}: the measuring process failed:\n{value}")
    return value
