"""Respecting SES's request rate: a token bucket shared by every reader of one account and
region, and throttling retried with backoff and jitter until the caller's deadline.

SES publishes no rate-limit headers (nor the rate of its read APIs); its only signal is a
throttling error. The bucket starts at :data:`READ_RATE_PER_S`, halves its rate on a throttling
answer (at most once a second: the answers to one burst count once; down to a floor) and raises
it steadily while SES does not push back, up to :data:`MAX_READ_RATE_PER_S` (additive increase,
multiplicative decrease), so a run of many reads settles near the rate SES allows instead of
hammering it. A full bucket lets a burst through at once: a command reading a handful of
identities never waits.

Clock, sleep and randomness are parameters so that tests run in virtual time.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Callable, Hashable, TypeVar

from ses_domains.engine.ses.errors import SesThrottled
from ses_domains.engine.ses.policy import Backoff

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], None]

READ_RATE_PER_S = 50.0
READ_BURST = 50
MAX_READ_RATE_PER_S = 200.0
MIN_RATE_PER_S = 1.0
INCREASE_PER_S = 10.0
"""Calls a second added to the rate each second (up to the maximum)."""
THROTTLE_BACKOFF = Backoff(initial=0.2, factor=2.0, cap=5.0, jitter=0.5)
MIN_CALL_S = 1.0
"""A try is not started with less time left than this (it would end as "no answer", not as the
throttling it is)."""


class TokenBucket:
    """About ``rate_per_s`` calls a second, ``burst`` at once; the rate adapts to throttling
    between ``min_rate_per_s`` and ``max_rate_per_s``. Thread-safe."""

    def __init__(self, rate_per_s: float = READ_RATE_PER_S, burst: int = READ_BURST, *,
                 max_rate_per_s: float = MAX_READ_RATE_PER_S, min_rate_per_s: float = MIN_RATE_PER_S,
                 increase_per_s: float = INCREASE_PER_S, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self.max_rate_per_s = max(max_rate_per_s, rate_per_s)
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
        """SES said "too many": halve the rate (once for a burst of such answers), and what was
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


def shared_bucket(key: Hashable, make: Callable[[], TokenBucket] = TokenBucket) -> TokenBucket:
    """The process's bucket for ``key`` (an account and region): every reader made for it shares
    it; ``make`` makes it the first time."""
    with _SHARED_LOCK:
        bucket = _SHARED.get(key)
        if bucket is None:
            bucket = _SHARED[key] = make()
        return bucket


class RetryCount:
    """Throttling answers retried, summed over threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.retries = 0

    def add(self) -> None:
        with self._lock:
            self.retries += 1


def retry_throttling(
    call: Callable[[float], T],
    *,
    what: str,
    deadline: float,
    service: str = "SES",
    bucket: TokenBucket | None = None,
    backoff: Backoff = THROTTLE_BACKOFF,
    count: RetryCount | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """``call(time_left)``, again after each throttling answer (an error whose ``throttled`` is
    true: ``SesApiError``, ``SesAccountUnavailable``, ``ReputationUnavailable``), with backoff and
    jitter, paced by ``bucket``, until ``deadline``; then ``SesThrottled``, whose message names
    ``service``. Every other error is the caller's."""
    started = clock()
    tries = 0
    while True:
        # The first try goes even at the deadline (the caller bounds the call); it may wait its turn.
        turn_by = deadline if tries else max(deadline, clock() + MIN_CALL_S)
        if bucket is not None and not bucket.acquire(turn_by):
            raise SesThrottled(what, _gave_up(service, what, tries, clock() - started))
        tries += 1
        try:
            value = call(max(0.0, deadline - clock()))
        except Exception as error:
            if not getattr(error, "throttled", False):
                if tries > 1 and getattr(error, "retryable", False):
                    # Throttled until now, and the last try, in what time was left, got no answer.
                    raise SesThrottled(what, _gave_up(service, what, tries, clock() - started, last=str(error))) \
                        from error
                raise
            if bucket is not None:
                bucket.throttled()
            delay = backoff.delay(tries - 1, rand())
            if clock() + delay + MIN_CALL_S > deadline:
                raise SesThrottled(what, _gave_up(service, what, tries, clock() - started)) from error
            if count is not None:
                count.add()
            sleep(delay)
            continue
        return value


def _gave_up(service: str, what: str, tries: int, elapsed_s: float, last: str = "") -> str:
    if not tries:
        return (f"{what} was not sent: the time allowed ran out while it waited its turn behind this account's "
                f"other {service} requests (they are paced to what {service} allows).")
    ending = f" (the last try: {last.rstrip('.')})" if last else ""
    return (f"{service} kept throttling {what} ({tries} tries in {elapsed_s:.1f}s) until the time allowed ran "
            f"out{ending}; try again when the account's other {service} requests are fewer.")
