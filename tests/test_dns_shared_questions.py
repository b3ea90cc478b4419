"""A question already waiting for a server's answer is asked once, whoever else asks it meanwhile
(the record check and the email-auth judgment share questions on the first server); a caller that
stops waiting does not take the answer away from another one (virtual clock: ``tests.virtual_time``)."""

from __future__ import annotations

import asyncio

from ses_domains.engine.dns.nameservers import Nameserver
from ses_domains.engine.dns.transport import DnsTransport
from tests.test_dns_resend import RECORDS, serve
from tests.virtual_time import run_virtual

NAME = RECORDS[0].name  # a TXT record the scripted server serves


def _server(endpoint: str) -> Nameserver:
    address, port = endpoint.rsplit(":", 1)
    return Nameserver(endpoint, address, int(port))


def _txt(result) -> tuple[str, ...]:
    return tuple(a.value for a in result.response.answers if a.type == "TXT")


def test_a_question_two_callers_ask_at_once_is_sent_once_and_both_get_the_answer():
    async def scenario():
        server, endpoint = await serve(delay_s=0.05)
        async with DnsTransport() as transport:
            ns = _server(endpoint)
            many, one = await asyncio.gather(
                transport.query_many(ns, [(NAME, "TXT"), (RECORDS[1].name, "TXT")]),
                transport.query(ns, NAME, "TXT"))
            again = await transport.query(ns, NAME, "TXT")  # asked after the first ended: sent again
        server.transport.close()
        return many, one, again, server.arrivals, transport.stats

    many, one, again, arrivals, stats = run_virtual(scenario())

    assert _txt(many[0]) == _txt(one) == _txt(again) == RECORDS[0].values
    assert _txt(many[1]) == RECORDS[1].values
    assert len(arrivals) == stats.queries_sent == 3  # NAME once for both callers, the other, NAME again


def test_a_caller_that_gives_up_leaves_the_shared_question_to_the_other():
    async def scenario():
        server, endpoint = await serve(delay_s=0.2)  # within the first timeout: one try
        async with DnsTransport() as transport:
            ns = _server(endpoint)
            impatient = asyncio.ensure_future(transport.query(ns, NAME, "TXT"))
            patient = asyncio.ensure_future(transport.query_many(ns, [(NAME, "TXT")]))
            await asyncio.sleep(0.1)
            impatient.cancel()
            results = await patient
        server.transport.close()
        return impatient, results, server.arrivals

    impatient, results, arrivals = run_virtual(scenario())

    assert impatient.cancelled()
    assert results[0].error is None and _txt(results[0]) == RECORDS[0].values
    assert len(arrivals) == 1


def test_a_question_asked_again_after_its_only_caller_gave_up_is_asked_anew():
    async def scenario():
        server, endpoint = await serve(answers_from=0.5)  # silent for a while: the probe holds the window
        async with DnsTransport() as transport:
            ns = _server(endpoint)
            probe = asyncio.ensure_future(transport.query(ns, RECORDS[1].name, "TXT"))
            await asyncio.sleep(0.01)
            given_up = asyncio.ensure_future(transport.query(ns, NAME, "TXT"))  # queued behind the probe
            await asyncio.sleep(0.01)
            given_up.cancel()
            later = await asyncio.wait_for(transport.query(ns, NAME, "TXT"), 10)
            probed = await probe
        server.transport.close()
        return given_up, later, probed

    given_up, later, probed = run_virtual(scenario())

    assert given_up.cancelled()
    assert probed.error is None and _txt(probed) == RECORDS[1].values
    assert later.error is None and _txt(later) == RECORDS[0].values
