"""The one way a test looks at wall-clock time (``tests/test_suite_rules.py`` holds every test to it).

On a busy machine (two cores shared with other test runs) anything can take several times longer
than on an idle one, so a stopwatch only tells a hang from an end: ``assert_no_hang`` allows twice
the deadline plus ``SLACK_S``. That a deadline is the one asked for is proven by what the code does
(the timeout each call was given, a fake clock, the attempts counted), not by a stopwatch. A lower
bound (``assert_took_at_least``) holds on any machine: load only ever makes things slower.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

SLACK_S = 5.0
"""What a loaded machine may add to any run: interpreter start-up, imports, a scheduler's delays."""


def no_hang_limit(deadline_s: float) -> float:
    """The most a run bounded by ``deadline_s`` may take here before it counts as a hang."""
    return 2 * deadline_s + SLACK_S


def assert_no_hang(elapsed_s: float, deadline_s: float, what: str = "the run") -> None:
    """``elapsed_s`` (seconds) ended a run bounded by ``deadline_s``: it did not hang."""
    limit = no_hang_limit(deadline_s)
    assert elapsed_s < limit, f"{what} took {elapsed_s:.2f}s: bounded by {deadline_s:g}s, so it hung (limit {limit:g}s)"


def assert_took_at_least(elapsed_s: float, minimum_s: float, what: str = "the run") -> None:
    """``elapsed_s`` is at least ``minimum_s``: the run waited (e.g. for its deadline) instead of ending early."""
    assert elapsed_s >= minimum_s, f"{what} took {elapsed_s:.2f}s, less than the {minimum_s:g}s it had to wait"


class Stopwatch:
    """Seconds since it started (``time.monotonic``); ``elapsed`` is frozen when its ``with`` ends."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self._stopped: float | None = None

    @property
    def elapsed(self) -> float:
        end = self._stopped if self._stopped is not None else time.monotonic()
        return end - self.started

    def stop(self) -> float:
        self._stopped = time.monotonic()
        return self.elapsed


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.stop()


def assert_rate_at_most(count: int, per_second: float, elapsed_s: float, what: str = "events") -> None:
    """``count`` events in a run of ``elapsed_s`` came no faster than ``per_second`` (one more for the
    first): a busy machine only ever makes the rate lower."""
    allowed = per_second * elapsed_s + 1
    assert count <= allowed, f"{count} {what} in {elapsed_s:.2f}s: more than {per_second:g} a second"
