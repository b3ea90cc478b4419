"""A call to a remote service that the caller stops waiting for at its deadline, whatever the
other side does.

A boto3 client's socket timeouts count per read: an endpoint that trickles a byte at a time keeps a
call alive for ever. ``Background`` runs the call on a daemon thread and lets the caller wait for it
until a deadline; past it the thread is abandoned (it ends with the client's own timeouts or the
process). Several can run at once and be waited for against one shared deadline.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")


class DeadlinePassed(Exception):
    """The call gave no answer within its time. ``what`` names the call, ``timeout_s`` its time."""

    def __init__(self, what: str, timeout_s: float):
        super().__init__(f"{what} gave no answer within {timeout_s:g}s")
        self.what = what
        self.timeout_s = timeout_s


class Background(Generic[T]):
    """``call()`` running on a daemon thread from the moment this is made."""

    def __init__(self, call: Callable[[], T], what: str):
        self.what = what
        self._call = call
        self._value: Optional[T] = None
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._run, name=what, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            self._error = error

    def result(self, wait_s: float) -> T:
        """The call's value or exception, or ``DeadlinePassed`` if it has not ended ``wait_s`` from now."""
        self._thread.join(max(0.0, wait_s))
        if self._thread.is_alive():
            raise DeadlinePassed(self.what, wait_s)
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def call_within(call: Callable[[], T], timeout_s: float, what: str) -> T:
    """``call()``'s value or exception, or ``DeadlinePassed`` once ``timeout_s`` seconds have gone."""
    return Background(call, what).result(timeout_s)
