"""One call to AWS that returns within its time, whatever the endpoint does.

A boto3 client's socket timeouts count per read: an endpoint that trickles a byte at a time keeps a
call alive for ever. ``call_within`` runs the call on a daemon thread and stops waiting for it at
the deadline; the thread is abandoned (it ends with the client's own timeouts or the process).
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, Optional, TypeVar

from ses_domains.engine.ses.errors import SesError

T = TypeVar("T")


class DeadlinePassed(SesError):
    """The call gave no answer within its time. ``what`` names the call, ``timeout_s`` its time."""

    def __init__(self, what: str, timeout_s: float):
        super().__init__(f"{what} gave no answer within {timeout_s:g}s")
        self.what = what
        self.timeout_s = timeout_s


class _Outcome(Generic[T]):
    def __init__(self) -> None:
        self.value: Optional[T] = None
        self.error: Optional[BaseException] = None


def call_within(call: Callable[[], T], timeout_s: float, what: str) -> T:
    """``call()``'s value or exception, or ``DeadlinePassed`` once ``timeout_s`` seconds have gone."""
    outcome: _Outcome[T] = _Outcome()

    def run() -> None:
        try:
            outcome.value = call()
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            outcome.error = error

    worker = threading.Thread(target=run, name=f"aws-call {what}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise DeadlinePassed(what, timeout_s)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]
