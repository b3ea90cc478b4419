"""One server's retransmission timeout, as TCP computes it (RFC 6298): a smoothed round-trip time
and its variation; RTO = SRTT + 4 * RTTVAR clamped to [min, max], starting at the initial value.
The transport keeps one estimate per server with :func:`next_estimate`; the email-auth judgment
asks through the transport with its own :class:`RtoLimits`.
"""

from __future__ import annotations

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
