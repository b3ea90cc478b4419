"""How long and how often the SES waiter asks: exponential backoff and the wait's options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Exponential delays: ``initial * factor**attempt``, at most ``cap`` seconds.

    ``jitter`` is the fraction by which a delay may be shortened at random (0.1 keeps concurrent
    pollers from marching in step; 0.5 is "equal jitter", the usual choice after throttling).
    Jitter only shortens, so the cap is a true upper bound.
    """

    initial: float
    factor: float
    cap: float
    jitter: float = 0.0

    def delay(self, attempt: int, rand: float) -> float:
        """Delay before try ``attempt + 1``; ``rand`` is a uniform sample in [0, 1)."""
        base = min(self.cap, self.initial * self.factor**attempt)
        return base * (1.0 - self.jitter * rand)


@dataclass(frozen=True)
class WaitOptions:
    """How long and how often to poll.

    ``poll`` paces polls that got an answer; ``retry`` paces retries after throttling or a
    transient error (its attempt counter resets at the next answer). Every call gets the time
    left until the deadline as its timeout, but at least ``min_call_timeout`` (the poll made at
    the deadline itself gets that much), so a wait overruns its deadline by at most that.
    """

    timeout: float = 45 * 60.0
    poll: Backoff = Backoff(initial=2.0, factor=2.0, cap=30.0, jitter=0.1)
    retry: Backoff = Backoff(initial=1.0, factor=2.0, cap=30.0, jitter=0.5)
    min_call_timeout: float = 0.5
