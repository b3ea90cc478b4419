"""An asyncio event loop on a virtual clock, for timing tests that hold on any machine.

``loop.time()`` starts at 0 and moves only when the loop has nothing to do but wait: then it jumps
to the next timer at once. Sockets are real (loopback) and polled without waiting, so a datagram
sent by one callback is read by the next loop pass at the same virtual time. A test reads the
clock with ``loop.time()``: every ``call_later``, ``asyncio.sleep`` and ``asyncio.wait(timeout=)``
of the code under test runs on it. (Code that reads ``time.monotonic()`` itself still sees real
time, which barely moves.)
"""

from __future__ import annotations

import asyncio
import selectors
from typing import Any, Awaitable, TypeVar

T = TypeVar("T")

_SETTLE_S = 0.001
"""Real time given to loopback datagrams in flight before the clock jumps."""


class _VirtualSelector:
    def __init__(self, real: selectors.BaseSelector, loop: "VirtualTimeLoop"):
        self._real = real
        self._loop = loop

    def select(self, timeout: float | None = None):
        events = self._real.select(0)
        if events or timeout == 0:
            return events
        events = self._real.select(_SETTLE_S)
        if events:
            return events
        if timeout is None:  # nothing scheduled: only real I/O can wake the loop
            return self._real.select(None)
        self._loop.advance(timeout)
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        self._selector = _VirtualSelector(self._selector, self)

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        self._virtual_now += max(0.0, seconds)


def run_virtual(main: Awaitable[T]) -> T:
    """``main`` to its end on a fresh :class:`VirtualTimeLoop`."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.close()
