"""The stand-in servers other tests and the benchmarks rely on do what they claim."""

from __future__ import annotations

import socket
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from tests.conftest import KNOT_TEST_ZONE as ZONE
from tests.dns_servers import DelayingForwarder
from tests.wall_clock import assert_no_hang, assert_took_at_least

pytestmark = pytest.mark.timeout(60)


def soa_query(qid: int) -> bytes:
    query = dns.message.make_query(ZONE, "SOA")
    query.id = qid
    query.flags &= ~dns.flags.RD
    return query.to_wire()


BURST = 300
"""Queries sent at once: enough that one-after-another (30 s) and concurrent (~0.1 s) are far apart,
few enough that the Knot server behind the forwarder (one UDP worker) drops none of them."""
DELAY_S = 0.1


def test_delaying_forwarder_delays_a_burst_of_answers_at_once(knot_pair):
    primary, _ = knot_pair
    forwarder = DelayingForwarder((primary.address, primary.port), "127.0.0.6", DELAY_S)
    try:
        host, port = forwarder.endpoint.rsplit(":", 1)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
            client.connect((host, int(port)))
            client.settimeout(1)
            started = time.monotonic()
            for qid in range(BURST):
                client.send(soa_query(qid))
            answers = {}
            first = None
            resends = 0
            while len(answers) < BURST:
                try:
                    answer = dns.message.from_wire(client.recv(65535))
                except TimeoutError:
                    # UDP: a burst of 300 on a busy machine may lose a datagram on the way; a client
                    # asks again for what did not come back (at most twice, then the test fails)
                    assert resends < 2, f"{BURST - len(answers)} answers never came back"
                    resends += 1
                    for qid in set(range(BURST)) - set(answers):
                        client.send(soa_query(qid))
                    continue
                first = first or time.monotonic() - started
                answers[answer.id] = answer
            elapsed = time.monotonic() - started
        assert set(answers) == set(range(BURST))  # every client id came back as sent
        assert all(a.rcode() == dns.rcode.NOERROR and a.answer for a in answers.values())
        assert_took_at_least(first, DELAY_S, "the first answer")  # not even the first answer came early
        # concurrently: one after another would take BURST * DELAY_S = 30 s, far past the limit
        assert_no_hang(elapsed, 1.0, "the burst")
        assert forwarder.received >= BURST  # (the client holding BURST answers shows they all came back)
    finally:
        forwarder.close()


def test_delaying_forwarder_over_tcp(knot_pair):
    primary, _ = knot_pair
    forwarder = DelayingForwarder((primary.address, primary.port), "127.0.0.6", 0.3)
    try:
        host, port = forwarder.endpoint.rsplit(":", 1)
        started = time.monotonic()
        answer = dns.query.tcp(dns.message.make_query(ZONE, "SOA"), host, port=int(port), timeout=5)
        assert_took_at_least(time.monotonic() - started, 0.3)
        assert answer.rcode() == dns.rcode.NOERROR and answer.answer[0][0].serial >= 1
    finally:
        forwarder.close()
