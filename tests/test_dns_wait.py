"""The DNS verification engine against real Knot servers on loopback (no mocked resolver).

Each test writes names of its own under the shared ``example.test`` zone (a primary and
a NOTIFY/IXFR secondary), so tests do not see each other's records.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from ses_domains.records.model import DnsRecord
from ses_domains.engine.dns.judge import PairState
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DomainTarget, PollSchedule, WaitOutcome, check_once, wait_for_records
from tests.conftest import KNOT_TEST_ZONE as ZONE
from tests.dns_servers import update_items, wait_in_sync
from tests.wall_clock import assert_no_hang, assert_took_at_least

pytestmark = pytest.mark.timeout(60)


def ses_records(domain: str) -> tuple[DnsRecord, ...]:
    return (
        DnsRecord(f"tok1._domainkey.{domain}", "CNAME", ("tok1.dkim.amazonses.com",), 60),
        DnsRecord(f"mail.{domain}", "MX", ("10 feedback-smtp.eu-west-1.amazonses.com",), 60),
        DnsRecord(f"mail.{domain}", "TXT", ("v=spf1 include:amazonses.com ~all",), 60),
        DnsRecord(f"_dmarc.{domain}", "TXT", ("v=DMARC1; p=none",), 60),
    )


def publish(primary, records) -> None:
    primary.update(ZONE, add=update_items(records))


def wait_until_synced(primary, secondary) -> None:
    wait_in_sync(primary, secondary, ZONE)


def wait_for_records_sync(targets, **options):
    return asyncio.run(wait_for_records(targets, **options))


def target(domain: str, *servers, records=None) -> DomainTarget:
    return DomainTarget(domain, records or ses_records(domain), tuple(s.endpoint for s in servers))


def test_records_late_on_the_secondary_are_waited_for(knot_pair):
    primary, secondary = knot_pair
    domain = f"late.{ZONE}"
    secondary.freeze(ZONE)
    try:
        publish(primary, ses_records(domain))
        progress = []

        async def scenario():
            wait = asyncio.ensure_future(wait_for_records(
                [target(domain, primary, secondary)], deadline_s=20, on_progress=progress.append))
            await asyncio.sleep(1.5)
            assert not wait.done(), "reported ready while the secondary was still stale"
            thawed_at = time.monotonic()
            await asyncio.get_running_loop().run_in_executor(None, secondary.thaw, ZONE)
            return await wait, thawed_at

        report, thawed_at = asyncio.run(scenario())
    finally:
        secondary.thaw(ZONE)
    assert report.outcome is WaitOutcome.READY and report.ready
    assert report.domain(domain).ready
    # seen within a poll interval of the secondary catching up, not at the 20 s deadline
    assert_no_hang(time.monotonic() - thawed_at, PollSchedule().max_interval_s, "seeing the thawed zone")
    # while frozen, exactly the primary's half was confirmed
    assert any(p.ready_pairs == 4 and p.total_pairs == 8 for p in progress)
    assert progress[-1].ready_pairs == 8 and progress[-1].ready_domains == 1
    assert report.queries_sent == progress[-1].queries_sent > 8  # it polled the secondary


def test_wrong_values_are_reported_with_what_was_found(knot_pair):
    primary, secondary = knot_pair
    domain = f"wrong.{ZONE}"
    expected = ses_records(domain)
    actual = (
        DnsRecord(expected[0].name, "CNAME", ("somewhere.else.example",), 60),
        expected[1],
        DnsRecord(expected[2].name, "TXT", ("v=spf1 include:mailgun.org ~all",), 60),
        expected[3],
    )
    publish(primary, actual)
    wait_until_synced(primary, secondary)
    report = wait_for_records_sync([target(domain, primary, secondary, records=expected)], deadline_s=1.0)
    assert report.outcome is WaitOutcome.DEADLINE
    problems = {(p.record.type, p.nameserver): p for p in report.problems}
    assert set(problems) == {(t, s.endpoint) for t in ("CNAME", "TXT") for s in (primary, secondary)}
    cname = problems[("CNAME", secondary.endpoint)]
    assert cname.state is PairState.WRONG and cname.found == ("somewhere.else.example",)
    spf = problems[("TXT", primary.endpoint)]
    assert spf.found == ("v=spf1 include:mailgun.org ~all",)
    text = report.describe()
    assert f"CNAME tok1._domainkey.{domain} on {secondary.endpoint}: wrong" in text
    assert "found 'v=spf1 include:mailgun.org ~all'" in text
    assert "expected 'v=spf1 include:amazonses.com ~all'" in text


def test_long_txt_answer_is_truncated_over_udp_and_read_over_tcp(knot_pair):
    primary, secondary = knot_pair
    name = f"s1._domainkey.long.{ZONE}"
    key = "v=DKIM1; k=rsa; p=" + "A" * 400  # one value of two 255-max strings
    others = [f"site-verification-{i}=" + "x" * 300 for i in range(4)]
    wanted = DnsRecord(name, "TXT", (key,), 60)
    publish(primary, [wanted, DnsRecord(name, "TXT", tuple(others), 60)])
    wait_until_synced(primary, secondary)

    async def scenario():
        async with DnsTransport() as transport:
            report = await check_once([target(f"long.{ZONE}", primary, secondary, records=(wanted,))],
                                      transport=transport)
            return report, transport.stats

    report, stats = asyncio.run(scenario())
    assert report.ready, report.describe()
    assert stats.truncated == 2 and stats.tcp_sent == 2  # one per server
    # a record whose value is only a prefix of a long value is not ready
    prefix = DnsRecord(name, "TXT", (key[:255],), 60)
    partial = asyncio.run(check_once([target(f"long.{ZONE}", primary, records=(prefix,))]))
    assert partial.problems[0].state is PairState.WRONG and key in partial.problems[0].found


def test_dead_server_is_named_and_does_not_slow_the_others(knot_pair, blackhole_server):
    primary, secondary = knot_pair
    domain = f"dead.{ZONE}"
    publish(primary, ses_records(domain))
    wait_until_synced(primary, secondary)
    progress = []
    started = time.monotonic()
    report = wait_for_records_sync(
        [DomainTarget(domain, ses_records(domain),
                      (primary.endpoint, secondary.endpoint, blackhole_server.endpoint))],
        deadline_s=2.5, on_progress=progress.append)
    elapsed = time.monotonic() - started
    assert report.outcome is WaitOutcome.DEADLINE
    assert_took_at_least(elapsed, 2.4)
    assert_no_hang(elapsed, 2.5)
    # the two live servers finished their rounds first, before the dead one's first question gave up
    # (answers are judged as they arrive: the first round's report may already count the other's)
    assert 4 <= progress[0].ready_pairs <= 8 and progress[1].ready_pairs == 8
    assert {p.nameserver for p in report.problems} == {blackhole_server.endpoint}
    assert all(p.state is PairState.TIMEOUT for p in report.problems)
    assert blackhole_server.endpoint in report.describe()
    assert blackhole_server.received >= 4


def test_servfail_is_retried_and_reported(knot_pair, servfail_server):
    primary, _ = knot_pair
    domain = f"servfail.{ZONE}"
    publish(primary, ses_records(domain))
    report = wait_for_records_sync([target(domain, primary, servfail_server)], deadline_s=1.0)
    assert report.outcome is WaitOutcome.DEADLINE
    assert {p.nameserver for p in report.problems} == {servfail_server.endpoint}
    assert all(p.state is PairState.SERVFAIL and p.queries > 3 for p in report.problems)
    assert "SERVFAIL" in report.describe()


def test_refused_zone_ends_the_wait_early_as_misconfigured(knot_pair):
    primary, _ = knot_pair
    records = ses_records("not-served.example.org")
    started = time.monotonic()
    report = wait_for_records_sync(
        [DomainTarget("not-served.example.org", records, (primary.endpoint,))], deadline_s=20)
    # ended after the misconfiguration grace, not at the 20 s deadline
    assert_no_hang(time.monotonic() - started, PollSchedule().misconfig_grace_s)
    assert report.outcome is WaitOutcome.MISCONFIGURED
    assert {p.state for p in report.problems} == {PairState.REFUSED}
    assert not report.domain("not-served.example.org").could_not_check  # the server did answer
    assert "REFUSED" in report.describe() and primary.endpoint in report.describe()


def test_referral_without_aa_is_not_authoritative(knot_pair):
    primary, _ = knot_pair
    record = DnsRecord(f"_dmarc.child.{ZONE}", "TXT", ("v=DMARC1; p=none",), 60)
    report = asyncio.run(check_once([DomainTarget(f"child.{ZONE}", (record,), (primary.endpoint,))]))
    assert report.outcome is WaitOutcome.MISCONFIGURED
    assert report.problems[0].state is PairState.NOT_AUTHORITATIVE
    assert "AA flag" in report.describe()


def test_deadline_returns_promptly_with_the_missing_records(knot_pair):
    primary, secondary = knot_pair
    domain = f"never.{ZONE}"
    started = time.monotonic()
    report = wait_for_records_sync([target(domain, primary, secondary)], deadline_s=1.2)
    elapsed = time.monotonic() - started
    assert_took_at_least(elapsed, 1.15)
    assert_no_hang(elapsed, 1.2)
    assert report.outcome is WaitOutcome.DEADLINE
    assert len(report.problems) == 8
    assert {p.state for p in report.problems} == {PairState.MISSING}
    assert not report.domain(domain).could_not_check  # checked, and not there
    assert f"MX mail.{domain} on {primary.endpoint}: missing" in report.describe()
    assert "NXDOMAIN" in report.describe()


def test_three_domains_at_once(knot_pair):
    primary, secondary = knot_pair
    domains = [f"multi{i}.{ZONE}" for i in range(3)]
    for domain in domains[:2]:
        publish(primary, ses_records(domain))
    wait_in_sync(primary, secondary, ZONE)
    progress = []

    async def scenario():
        wait = asyncio.ensure_future(wait_for_records(
            [target(d, primary, secondary) for d in domains], deadline_s=20,
            on_progress=progress.append, schedule=PollSchedule(max_interval_s=0.3)))
        await asyncio.sleep(0.8)
        assert not wait.done()
        await asyncio.get_running_loop().run_in_executor(None, publish, primary, ses_records(domains[2]))
        return await wait

    report = asyncio.run(scenario())
    assert report.ready
    assert [d.domain for d in report.domains] == domains
    assert all(d.ready and len(d.pairs) == 8 for d in report.domains)
    assert any(p.ready_domains == 2 and p.total_domains == 3 for p in progress)
