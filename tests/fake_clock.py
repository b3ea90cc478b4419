"""A clock and sleep in virtual time, for the code that takes them as parameters (rate buckets,
retries with backoff): a sleep moves the clock on at once and is recorded."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, duration: float) -> None:
        assert duration >= 0
        self.sleeps.append(duration)
        self.now += duration
