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
from typing import Callable, TypeVar

from ses_domains.engine.pacing import Clock, Sleep, TokenBucket, shared_bucket
from ses_domains.engine.ses.errors import SesThrottled
from ses_domains.engine.ses.policy import Backoff

T = TypeVar("T")

READ_RATE_PER_S = 50.0
READ_BURST = 50
MAX_READ_RATE_PER_S = 200.0
MIN_RATE_PER_S = 1.0
__all__ = ["TokenBucket", "shared_bucket", "Clock", "Sleep", "RetryCount", "retry_throttling", "ses_read_bucket_of"]
INCREASE_PER_S = 10.0
"""Calls a second added to the rate each second (up to the maximum)."""
THROTTLE_BACKOFF = Backoff(initial=0.2, factor=2.0, cap=5.0, jitter=0.5)
MIN_CALL_S = 1.0
"""A try is not started with less time left than this (it would end as "no answer", not as the
throttling it is)."""


def ses_read_bucket_of(rate_per_s: float = READ_RATE_PER_S, burst: int = READ_BURST, *,
                       max_rate_per_s: float = MAX_READ_RATE_PER_S, min_rate_per_s: float = MIN_RATE_PER_S,
                       increase_per_s: float = INCREASE_PER_S, clock: Clock = time.monotonic,
                       sleep: Sleep = time.sleep) -> TokenBucket:
    """A bucket at SES's read rates (unless told otherwise)."""
    return TokenBucket(rate_per_s, burst, max_rate_per_s=max_rate_per_s, min_rate_per_s=min_rate_per_s,
                       increase_per_s=increase_per_s, clock=clock, sleep=sleep)


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
