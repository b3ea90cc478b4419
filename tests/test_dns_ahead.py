"""A question asked ``ahead`` goes before the questions waiting for the server's window: the
email-auth judgment's few questions are not queued behind a record check's thousands
(virtual clock: ``tests.virtual_time``)."""

from __future__ import annotations

import asyncio

from ses_domains.engine.dns.transport import DnsTransport
from tests.test_dns_resend import RECORDS, serve
from tests.test_dns_shared_questions import _server, _txt
from tests.virtual_time import run_virtual

WAITING = [(f"q{i}.back.test", "TXT") for i in range(40)]


def _answered_at(ahead: bool) -> tuple[float, float, tuple[str, ...]]:
    async def scenario():
        server, endpoint = await serve(delay_s=0.05)
        loop = asyncio.get_running_loop()
        async with DnsTransport(max_in_flight_per_server=2) as transport:
            ns = _server(endpoint)
            await transport.query(ns, "probe.back.test", "TXT")  # the server is heard: its window opens
            started = loop.time()
            many = asyncio.ensure_future(transport.query_many(ns, WAITING))
            await asyncio.sleep(0)
            one = await transport.query(ns, RECORDS[0].name, "TXT", ahead=ahead)
            one_at = loop.time() - started
            await many
            many_at = loop.time() - started
        server.transport.close()
        return one_at, many_at, _txt(one)

    return run_virtual(scenario())


def test_a_question_asked_ahead_is_answered_before_the_questions_waiting():
    one_at, many_at, values = _answered_at(ahead=True)
    assert values == RECORDS[0].values
    assert one_at <= 0.15 < many_at  # two round trips at most, not behind 40 questions 2 at a time


def test_without_ahead_it_waits_its_turn():
    one_at, many_at, _ = _answered_at(ahead=False)
    assert one_at >= 0.5 * many_at
