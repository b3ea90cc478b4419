"""The check of many domains: the SPF/DMARC judgment shares its lookups within a run, runs through
the engine's transport beside the record check, and neither starves the other."""

from __future__ import annotations

import asyncio
from collections import Counter

import dns.resolver
import pytest

from ses_domains.engine.audit import AuditVerdict, RecordStatus, audit, email_auth_target
from ses_domains.engine.dns import wait
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DomainTarget, check_once
from ses_domains.engine.email_auth import (
    EmailAuthTarget, JudgmentStatus, ResolverSettings, _judge_domain, judge_email_auth_async,
)
from tests.audit_world import REGION, expected_records, scenario_bodies, start_world
from tests.conftest import _require_knot
from tests.dns_servers import DelayingForwarder, KnotServer, zone_lines, zone_text
from tests.wall_clock import assert_no_hang, stopwatch

ZONE = "many.test"
DOMAINS = [f"d{i:03d}.{ZONE}" for i in range(40)]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """One Knot server serving 40 healthy domains (each MAIL FROM SPF includes amazonses.com; each
    DMARC reports to reports.test, which accepts them)."""
    _require_knot()
    bodies = scenario_bodies()
    body = "".join(line + "\n" for d in DOMAINS for r in expected_records(d) for line in zone_lines(r))
    zones = {ZONE: zone_text(ZONE, body), "amazonses.com": zone_text("amazonses.com", bodies["amazonses.com"]),
             "reports.test": zone_text("reports.test", bodies["reports.test"] + "".join(
                 f'{d}._report._dmarc.reports.test. 60 IN TXT "v=DMARC1"\n' for d in DOMAINS))}
    server = KnotServer(tmp_path_factory.mktemp("many"), "127.0.0.101", zones).start()
    yield server
    server.stop()


def targets_on(*nameservers: str):
    from ses_domains.engine.audit import AuditTarget

    return [AuditTarget(d, expected_records(d), nameservers, REGION) for d in DOMAINS]


async def _counted_audit(targets, settings):
    """The audit through a transport whose every query result is counted by (name, type)."""
    asked: Counter = Counter()
    async with DnsTransport() as transport:
        with transport.watching(lambda result: asked.update([(result.name.rstrip(".").lower(), result.rdtype)])):
            report = await audit(targets, email_auth=settings, transport=transport)
    return report, asked


def test_a_shared_include_is_asked_once_per_run_whatever_the_number_of_domains(many):
    report, asked = asyncio.run(_counted_audit(targets_on(many.endpoint), ResolverSettings((many.endpoint,))))
    assert report.verdict is AuditVerdict.OK, [d.email_auth.problems() for d in report.domains]
    assert all(d.email_auth.spf[0].dns_lookups == 1 for d in report.domains)  # the include was followed
    assert asked[("amazonses.com", "TXT")] == 1  # for 40 domains that include it
    assert asked[("amazonses.com", "SPF")] == 1


def test_a_new_run_asks_again(many):
    """Shared within a run, not across runs: a second check sees what the servers serve now."""
    targets = [email_auth_target(t) for t in targets_on(many.endpoint)[:3]]
    asked: Counter = Counter()

    async def twice():
        async with DnsTransport() as transport:
            with transport.watching(lambda result: asked.update([(result.name, result.rdtype)])):
                for _ in range(2):
                    await judge_email_auth_async(targets, ResolverSettings((many.endpoint,)), transport=transport)

    asyncio.run(twice())
    assert asked[("amazonses.com", "TXT")] == 2


def test_records_and_judgment_of_many_domains_complete_behind_a_slow_server(many):
    """Every answer 300 ms away, 40 domains x 6 records, both checks at once: everything is
    checked (before, the judgment's threads starved the record check into "could not check")."""
    slow = DelayingForwarder((many.address, many.port), "127.0.0.102", 0.3)
    try:
        with stopwatch() as watch:
            report, _ = asyncio.run(_counted_audit(targets_on(slow.endpoint), ResolverSettings((slow.endpoint,))))
    finally:
        slow.close()
    statuses = Counter(r.status for d in report.domains for r in d.records)
    assert statuses == {RecordStatus.OK: len(DOMAINS) * 6}
    assert Counter(d.email_auth.status for d in report.domains) == {JudgmentStatus.OK: len(DOMAINS)}
    assert_no_hang(watch.elapsed, wait.CHECK_DEADLINE_S)


def test_the_record_check_deadline_grows_with_the_questions_per_server(monkeypatch, many):
    """A fixed 30 s once cut a 10,000-domain check short; the deadline check_once waits until is
    30 s plus each window of questions at the slowest timeout."""
    waited: list[float] = []
    real_until = wait._until

    async def until(tasks, deadline):
        waited.append(deadline - wait.time.monotonic())  # what is left of it, once the names are resolved
        await real_until(tasks, deadline)

    monkeypatch.setattr(wait, "_until", until)

    async def one(count: int) -> None:
        async with DnsTransport(max_in_flight_per_server=4, max_rto_s=2.0) as transport:
            targets = [DomainTarget(d, expected_records(d), (many.endpoint,)) for d in DOMAINS[:count]]
            await check_once(targets, transport=transport)

    asyncio.run(one(2))
    asyncio.run(one(20))
    few, more = waited
    assert few == pytest.approx(30.0 + 12 / 4 * 2.0, abs=1.0)  # 2 domains x 6 questions, windows of 4, 2 s each
    assert more == pytest.approx(30.0 + 120 / 4 * 2.0, abs=1.0)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    started = start_world(tmp_path_factory.mktemp("audit-scale"), "127.0.0.103", "127.0.0.104")
    yield started
    started.stop()


SAMPLE = ["healthy.test", "twospf.test", "eleven.test", "unauth.test", "region.test", "dkim.test", "stale.test"]


def _library_judgment(target: EmailAuthTarget, endpoint: str):
    """checkdmarc on its own: a plain dnspython resolver asking the server, nothing shared."""
    import checkdmarc.utils as cd_utils

    address, port = endpoint.rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [address], int(port)
    resolver.timeout, resolver.lifetime = 2.0, 4.0
    cd_utils.DNS_CACHE.clear()
    return _judge_domain(target, resolver)


def _parts(judgment):
    return ([(s.name, s.status, s.record, s.dns_lookups, s.error) for s in judgment.spf],
            None if judgment.dmarc is None else (judgment.dmarc.status, judgment.dmarc.record, judgment.dmarc.tags,
                                                  [(d.address, d.status) for d in judgment.dmarc.report_destinations]),
            None if judgment.mail_from_mx is None else (judgment.mail_from_mx.status, judgment.mail_from_mx.found),
            judgment.status)


def test_verdicts_equal_checkdmarc_s_own_on_a_sample(world):
    targets = [EmailAuthTarget(d, REGION, f"mail.{d}") for d in SAMPLE]
    ours = asyncio.run(judge_email_auth_async(targets, ResolverSettings((world.primary.endpoint,))))
    library = [_library_judgment(t, world.primary.endpoint) for t in targets]
    assert [_parts(j) for j in ours] == [_parts(j) for j in library]
    assert {j.status for j in ours} == {JudgmentStatus.OK, JudgmentStatus.PROBLEM}  # the sample judges both ways


def test_a_server_silent_for_a_moment_mid_check_is_checked_not_reported_as_a_gap(many):
    """Its breaker opens (every question behind the silent one fails unasked); once it answers
    again, check_once asks those again: no "could not check" for a server that is there."""
    import threading

    server = DelayingForwarder((many.address, many.port), "127.0.0.105", 0.05)
    targets = [DomainTarget(d, expected_records(d), (server.endpoint,)) for d in DOMAINS]

    def silence(seconds: float) -> None:
        server.silent = True
        threading.Timer(seconds, lambda: setattr(server, "silent", False)).start()

    async def check():
        async with DnsTransport(max_in_flight_per_server=4) as transport:
            asyncio.get_running_loop().call_later(0.3, silence, 1.5)
            report = await check_once(targets, transport=transport)
            return report, transport.stats

    try:
        report, stats = asyncio.run(check())
    finally:
        server.close()
    assert stats.fast_failed > 0  # the silence did open the breaker
    assert report.ready, report.describe()
