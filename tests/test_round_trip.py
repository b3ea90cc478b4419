"""The RFC 6298 estimate every server's timeout comes from (transport and email-auth judgment)."""

from __future__ import annotations

import pytest

from ses_domains.engine.dns.round_trip import RtoLimits, next_estimate


def test_first_sample_sets_srtt_and_half_of_it_as_variation():
    srtt, rttvar, rto = next_estimate(None, None, 0.1, RtoLimits(min_s=0.2, max_s=3.0))
    assert (srtt, rttvar) == (0.1, 0.05)
    assert rto == pytest.approx(0.3)  # 0.1 + 4 * 0.05


def test_later_samples_are_smoothed_as_rfc_6298_says():
    srtt, rttvar, rto = next_estimate(0.1, 0.05, 0.5, RtoLimits(min_s=0.2, max_s=3.0))
    assert rttvar == pytest.approx(0.75 * 0.05 + 0.25 * 0.4)
    assert srtt == pytest.approx(0.875 * 0.1 + 0.125 * 0.5)
    assert rto == pytest.approx(srtt + 4 * rttvar)


def test_the_timeout_stays_within_its_limits():
    limits = RtoLimits(min_s=0.2, max_s=1.0)
    assert next_estimate(None, None, 0.001, limits)[2] == 0.2
    assert next_estimate(None, None, 5.0, limits)[2] == 1.0
