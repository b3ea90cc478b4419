"""How often the DNS transport asks a silent server, on a virtual clock (``tests.virtual_time``):
exact times, whatever the machine's load.

A silent server's probe is sent again every ``resend_every_s`` while its (backed-off) timeout
runs, so a server back from a silence is heard within that interval; a slow server that answers
keeps the adaptive timeout of RFC 6298 and is not sent copies once measured.
"""

from __future__ import annotations

import asyncio

import dns.flags
import dns.message
import dns.rdatatype
import dns.rrset
import pytest

from ses_domains.engine.dns.judge import PairState
from ses_domains.engine.dns.nameservers import Nameserver
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DomainTarget, WaitOutcome, check_once, wait_for_records
from ses_domains.records.model import DnsRecord
from tests.virtual_time import run_virtual

ADDRESS = "127.0.0.95"
RECORDS = (
    DnsRecord("_dmarc.back.test", "TXT", ("v=DMARC1; p=none",), 60),
    DnsRecord("mail.back.test", "TXT", ("v=spf1 include:amazonses.com ~all",), 60),
)


class ScriptedServer(asyncio.DatagramProtocol):
    """Silent until ``answers_from`` (virtual seconds), then answers with ``RECORDS`` after ``delay_s``;
    ``arrivals`` holds when each query came."""

    def __init__(self, answers_from: float = 0.0, delay_s: float = 0.0):
        self.answers_from = answers_from
        self.delay_s = delay_s
        self.arrivals: list[float] = []
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        now = self.loop.time()
        self.arrivals.append(now)
        if now < self.answers_from:
            return
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        for record in RECORDS:
            if question.name.to_text().rstrip(".") == record.name and question.rdtype == dns.rdatatype.TXT:
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT",
                                                           *(f'"{v}"' for v in record.values)))
        self.loop.call_later(self.delay_s, self.transport.sendto, response.to_wire(), addr)


async def serve(**script) -> tuple[ScriptedServer, str]:
    loop = asyncio.get_running_loop()
    _, server = await loop.create_datagram_endpoint(lambda: ScriptedServer(**script), local_addr=(ADDRESS, 0))
    return server, f"{ADDRESS}:{server.transport.get_extra_info('sockname')[1]}"


def test_a_server_back_from_5s_of_silence_is_heard_within_the_resend_interval():
    async def scenario():
        server, endpoint = await serve(answers_from=5.0)
        async with DnsTransport() as transport:
            report = await wait_for_records([DomainTarget("back.test", RECORDS, (endpoint,))], deadline_s=20,
                                            transport=transport)
            ended = asyncio.get_running_loop().time()
        server.transport.close()
        return report, ended, server.arrivals, transport

    report, ended, arrivals, transport = run_virtual(scenario())

    assert report.outcome is WaitOutcome.READY, report.describe()
    assert transport.resend_every_s <= 0.5
    silent = [t for t in arrivals if t < 5.0]
    gaps = [later - earlier for earlier, later in zip(silent, silent[1:])]
    assert gaps and max(gaps) <= transport.resend_every_s + 1e-6, gaps  # asked every 0.4 s at most
    assert len(silent) >= 5.0 / transport.resend_every_s  # ... all through the silence
    assert min(gaps) >= transport.min_rto_s - 1e-6  # and never flooded
    assert ended - 5.0 <= 2 * transport.resend_every_s  # heard, and every record confirmed, soon after
    assert transport.stats.resends > 0 and transport.stats.queries_sent == len(arrivals)


def test_a_slow_server_keeps_an_adaptive_timeout_and_gets_no_copies_once_measured():
    async def scenario():
        server, endpoint = await serve(delay_s=0.8)
        target = DomainTarget("back.test", RECORDS[:1], (endpoint,))
        async with DnsTransport() as transport:
            for _ in range(3):  # learning: a late answer counts; one to a single try is measured
                assert (await check_once([target], transport=transport)).ready
            timing = transport.timing(_server(endpoint))
            before = (transport.stats.resends, transport.stats.timeouts, transport.stats.queries_sent)
            again = await check_once([target], transport=transport)
            after = (transport.stats.resends, transport.stats.timeouts, transport.stats.queries_sent)
        server.transport.close()
        return timing, again, before, after

    timing, again, before, after = run_virtual(scenario())

    assert timing.srtt_s == pytest.approx(0.8, abs=0.01) and timing.rto_s > 0.8
    assert again.ready
    assert after == (before[0], before[1], before[2] + 1)  # one query, no timeout, no copy


def _server(endpoint: str) -> Nameserver:
    host, port = endpoint.rsplit(":", 1)
    return Nameserver(endpoint, host, int(port))


def test_a_silent_server_is_described_in_plain_sentences():
    async def scenario():
        server, endpoint = await serve(answers_from=float("inf"))
        report = await check_once([DomainTarget("back.test", RECORDS, (endpoint,))], deadline_s=10)
        server.transport.close()
        return report

    report = run_virtual(scenario())

    details = sorted(p.detail for p in report.problems)
    assert {p.state for p in report.problems} == {PairState.TIMEOUT}
    assert details == ["not asked, as the server had stopped answering",
                       "nothing came back to 3 queries in 0.9s"]
