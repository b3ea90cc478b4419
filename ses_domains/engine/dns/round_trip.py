"""One server's retransmission timeout, as TCP computes it (RFC 6298), for blocking callers.

A smoothed round-trip time and its variation; RTO = SRTT + 4 * RTTVAR clamped to [min, max],
starting at the initial value; a sample is taken only from a query sent once (Karn); a timeout
doubles the RTO once per burst of queries sent with the same RTO, not once per query (many
threads asking the same slow server at once back off one step, not one step each).

The engine's asyncio transport keeps the same estimate (:func:`next_estimate`) on its event loop;
a :class:`RoundTripTimer` is shared by threads (the email-auth judgment's), hence the lock. Its
defaults are the transport's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RtoLimits:
    initial_s: float = 0.3
    min_s: float = 0.2
    max_s: float = 3.0


def next_estimate(srtt_s: float | None, rttvar_s: float | None, rtt_s: float,
                  limits: RtoLimits) -> tuple[float, float, float]:
    """RFC 6298 section 2: (SRTT, RTTVAR, RTO) after one more round-trip measurement."""
    if srtt_s is None or rttvar_s is None:
        srtt_s, rttvar_s = rtt_s, rtt_s / 2
    else:
        rttvar_s = 0.75 * rttvar_s + 0.25 * abs(srtt_s - rtt_s)
        srtt_s = 0.875 * srtt_s + 0.125 * rtt_s
    return srtt_s, rttvar_s, min(max(srtt_s + 4 * rttvar_s, limits.min_s), limits.max_s)


class RoundTripTimer:
    """Thread-safe RFC 6298 estimate of one server."""

    def __init__(self, limits: RtoLimits = RtoLimits()) -> None:
        self._limits = limits
        self._lock = threading.Lock()
        self.srtt_s: float | None = None
        self.rttvar_s: float | None = None
        self.rto_s = limits.initial_s

    def sample(self, rtt_s: float) -> None:
        """Fold the round trip of a query sent once into the estimate (RFC 6298 section 2)."""
        with self._lock:
            self.srtt_s, self.rttvar_s, self.rto_s = next_estimate(self.srtt_s, self.rttvar_s, rtt_s, self._limits)

    def timed_out(self, sent_with_s: float) -> None:
        """A query sent with timeout ``sent_with_s`` got no answer: back off (RFC 6298 5.5), once
        for every query sent with the current RTO."""
        with self._lock:
            if sent_with_s >= self.rto_s:
                self.rto_s = min(self.rto_s * 2, self._limits.max_s)
