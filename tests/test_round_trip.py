"""The RFC 6298 timer the email-auth judgment shares between its threads."""

from __future__ import annotations

import pytest

from ses_domains.engine.dns.round_trip import RoundTripTimer, RtoLimits


def test_an_unmeasured_server_gets_the_initial_timeout():
    assert RoundTripTimer(RtoLimits(initial_s=0.3)).rto_s == 0.3


def test_the_first_sample_sets_srtt_and_rto_to_cover_it():
    timer = RoundTripTimer()
    timer.sample(0.8)
    assert (timer.srtt_s, timer.rttvar_s) == (0.8, 0.4)
    assert timer.rto_s == pytest.approx(0.8 + 4 * 0.4)  # 2.4 s: an 800 ms server is waited for


def test_later_samples_are_smoothed():
    timer = RoundTripTimer()
    timer.sample(0.1)
    timer.sample(0.3)
    assert timer.srtt_s == pytest.approx(0.875 * 0.1 + 0.125 * 0.3)
    assert timer.rttvar_s == pytest.approx(0.75 * 0.05 + 0.25 * 0.2)


def test_rto_is_clamped():
    timer = RoundTripTimer(RtoLimits(min_s=0.2, max_s=3.0))
    timer.sample(0.001)
    assert timer.rto_s == 0.2
    timer = RoundTripTimer(RtoLimits(min_s=0.2, max_s=3.0))
    timer.sample(5.0)
    assert timer.rto_s == 3.0


def test_timeouts_back_off_once_per_burst_up_to_the_cap():
    timer = RoundTripTimer(RtoLimits(initial_s=0.3, max_s=1.0))
    for _ in range(100):  # a hundred threads' queries, all sent with 0.3 s, time out together
        timer.timed_out(0.3)
    assert timer.rto_s == 0.6
    timer.timed_out(0.6)
    assert timer.rto_s == 1.0
    timer.timed_out(1.0)
    assert timer.rto_s == 1.0
