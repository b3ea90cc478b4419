"""A token bucket whose rate adapts to throttling, shared per key within a process: the pacing
of every AWS API the engine calls (SES reads, Route 53 writes), each with its own rates.

The bucket starts at its given rate, halves it on a throttling answer (at most once a second:
the answers to one burst count once; down to a floor) and raises it steadily while the service
does not push back, up to a maximum (additive increase, multiplicative decrease). A full bucket
lets a burst through at once.

Clock and sleep are parameters so that tests run in virtual time.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Hashable

Clock = Callable[[], float]
Sleep = Callable[[float], None]

MIN_RATE_PER_S = 1.0


class TokenBucket:
    """About ``rate_per_s`` calls a second, ``burst`` at once; the rate adapts to throttling
    between ``min_rate_per_s`` and ``max_rate_per_s`` (default: ``rate_per_s``, rising by
    ``increase_per_s`` each second after a cut). Thread-safe."""

    def __init__(self, rate_per_s: float, burst: int, *,
                 max_rate_per_s: float | None = None, min_rate_per_s: float = MIN_RATE_PER_S,
                 increase_per_s: float = 0.0, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self.max_rate_per_s = max(max_rate_per_s or rate_per_s, rate_per_s)
        self.rate_per_s = rate_per_s
        self.min_rate_per_s = min(min_rate_per_s, rate_per_s)
        self.increase_per_s = increase_per_s
        self.burst = burst
        self._tokens = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._last_cut = float("-inf")
        self._lock = threading.Lock()
        self.throttles = 0  # throttling answers reported, for the curious and the tests

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_s)
        self.rate_per_s = min(self.max_rate_per_s, self.rate_per_s + elapsed * self.increase_per_s)
        self._updated = now

    def acquire(self, deadline: float) -> bool:
        """Take a token, waiting for it if need be; ``False`` (nothing taken) when it would come
        after ``deadline``."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1
            wait = -self._tokens / self.rate_per_s if self._tokens < 0 else 0.0
            if now + wait > deadline:
                self._tokens += 1
                return False
        if wait > 0:
            self._sleep(wait)
        return True

    def throttled(self) -> None:
        """The service said "too many": halve the rate (once for a burst of such answers), and what was
        saved up is gone."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self.throttles += 1
            if now - self._last_cut >= 1.0:
                self.rate_per_s = max(self.min_rate_per_s, self.rate_per_s / 2)
                self._last_cut = now
            self._tokens = min(self._tokens, 0.0)


_SHARED: dict[Hashable, TokenBucket] = {}
_SHARED_LOCK = threading.Lock()


def shared_bucket(key: Hashable, make: Callable[[], TokenBucket]) -> TokenBucket:
    """The process's bucket for ``key`` (a service, account and region): every caller made for it
    shares it; ``make`` makes it the first time."""
    with _SHARED_LOCK:
        bucket = _SHARED.get(key)
        if bucket is None:
            bucket = _SHARED[key] = make()
        return bucket
