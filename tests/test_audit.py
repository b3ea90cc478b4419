"""The record audit behind ``ses-domains check``, against a real Knot primary and secondary."""

from __future__ import annotations

import json
import re
import time

import pytest

from ses_domains.engine.audit import (
    AuditError, AuditTarget, AuditVerdict, RecordStatus, ServerState, audit_sync,
)
from ses_domains.engine.email_auth import JudgmentStatus, ResolverSettings
from ses_domains.records.model import DnsRecord
from tests.conftest import _require_knot
from tests.dns_servers import BlackholeServer, wait_in_sync
from tests.audit_world import REGION, expected_records, start_world
from tests.wall_clock import assert_no_hang


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    started = start_world(tmp_path_factory.mktemp("audit"), "127.0.0.41", "127.0.0.42")
    yield started
    started.stop()


@pytest.fixture
def blackhole():
    server = BlackholeServer("127.0.0.45")
    yield server
    server.close()


def check(world, *domains, nameservers=None, email_auth=True):
    settings = ResolverSettings((world.primary.endpoint,)) if email_auth else None
    return audit_sync([world.target(d, nameservers) for d in domains], email_auth=settings)


def statuses(domain_audit) -> dict[tuple[str, str], RecordStatus]:
    return {(r.record.type, r.record.name): r.status for r in domain_audit.records}


def test_healthy_domain_is_ok_on_every_server(world):
    report = check(world, "healthy.test")
    domain = report.domain("healthy.test")
    assert report.verdict is AuditVerdict.OK
    assert set(statuses(domain).values()) == {RecordStatus.OK}
    assert len(domain.records) == 6
    for record in domain.records:
        assert [s.nameserver for s in record.servers] == list(world.nameservers)
        assert all(s.state is ServerState.OK and s.served == record.expected for s in record.servers)
    assert domain.email_auth.status is JudgmentStatus.OK
    data = json.loads(json.dumps(report.as_json()))
    assert data["verdict"] == "ok"
    mx = next(r for r in data["domains"][0]["records"] if r["type"] == "MX")
    assert mx["expected"] == [f"10 feedback-smtp.{REGION}.amazonses.com"]
    assert [s["served"] for s in mx["servers"]] == [mx["expected"]] * 2


def test_wrong_and_missing_dkim_cnames(world):
    domain = check(world, "dkim.test", email_auth=False).domain("dkim.test")
    dkim = [r for r in domain.records if r.record.type == "CNAME"]
    assert [r.status for r in dkim] == [RecordStatus.WRONG, RecordStatus.MISSING, RecordStatus.OK]
    wrong = dkim[0]
    assert wrong.expected == ("tok0dkim.dkim.amazonses.com",)
    assert {s.served for s in wrong.servers} == {("someone-else.example.net",)}
    assert "someone-else.example.net" in wrong.detail
    assert all(s.state is ServerState.MISSING for s in dkim[1].servers)
    assert domain.verdict is AuditVerdict.PROBLEMS
    assert domain.email_auth is None


def test_mail_from_mx_in_another_region_is_wrong(world):
    domain = check(world, "region.test").domain("region.test")
    mx = domain.record("mail.region.test", "MX")
    assert mx.status is RecordStatus.WRONG
    assert {s.served for s in mx.servers} == {("10 feedback-smtp.eu-west-1.amazonses.com",)}
    assert domain.email_auth.mail_from_mx.status is JudgmentStatus.PROBLEM
    assert "eu-west-1" in domain.email_auth.mail_from_mx.message
    assert domain.verdict is AuditVerdict.PROBLEMS


def test_second_spf_at_the_mail_from_name_conflicts(world):
    domain = check(world, "twospf.test").domain("twospf.test")
    spf = domain.record("mail.twospf.test", "TXT")
    assert spf.status is RecordStatus.CONFLICTING
    assert all(s.state is ServerState.CONFLICTING for s in spf.servers)
    assert "2 v=spf1 records" in spf.detail
    assert domain.record("mail.twospf.test", "MX").status is RecordStatus.OK
    assert domain.email_auth.spf[0].status is JudgmentStatus.PROBLEM


def test_cname_where_dmarc_txt_belongs_conflicts(world):
    domain = check(world, "alias.test").domain("alias.test")
    dmarc = domain.record("_dmarc.alias.test", "TXT")
    assert dmarc.status is RecordStatus.CONFLICTING
    assert "alias" in dmarc.detail and "_dmarc.reports.test" in dmarc.detail
    assert domain.email_auth.dmarc.status is JudgmentStatus.PROBLEM


def test_stale_secondary_is_reported_per_server(world):
    primary, secondary = world.primary, world.secondary
    zone = "stale.test"
    wait_in_sync(primary, secondary, zone)
    new_dmarc = "v=DMARC1; p=reject; rua=mailto:dmarc@reports.test"
    records = tuple(r if r.name != f"_dmarc.{zone}" else DnsRecord(r.name, "TXT", (new_dmarc,), 60)
                    for r in expected_records(zone))
    target = AuditTarget(zone, records, world.nameservers, REGION)
    secondary.freeze(zone)
    try:
        primary.update(zone, replace=[(f"_dmarc.{zone}.", 60, "TXT", f'"{new_dmarc}"')])
        report = audit_sync([target], email_auth=None)
        dmarc = report.domain(zone).record(f"_dmarc.{zone}", "TXT")
        assert dmarc.status is RecordStatus.STALE
        by_server = {s.nameserver: s for s in dmarc.servers}
        assert by_server[primary.endpoint].state is ServerState.OK
        assert by_server[secondary.endpoint].state is ServerState.WRONG
        assert by_server[secondary.endpoint].served == ("v=DMARC1; p=none; rua=mailto:dmarc@reports.test",)
        assert dmarc.detail.startswith("stale on some servers") and secondary.endpoint in dmarc.detail
        assert report.verdict is AuditVerdict.PROBLEMS
    finally:
        secondary.thaw(zone)
    wait_in_sync(primary, secondary, zone)
    assert audit_sync([target], email_auth=None).verdict is AuditVerdict.OK


def test_unreachable_nameserver_is_could_not_check_within_bounded_time(world, blackhole):
    started = time.monotonic()
    report = check(world, "healthy.test", nameservers=(blackhole.endpoint,))
    elapsed = time.monotonic() - started
    domain = report.domain("healthy.test")
    assert set(statuses(domain).values()) == {RecordStatus.COULD_NOT_CHECK}
    assert all(s.state is ServerState.NO_ANSWER for r in domain.records for s in r.servers)
    details = {s.detail for r in domain.records for s in r.servers}  # plain sentences, no "no answer: no answer"
    assert all(re.fullmatch(r"nothing came back to \d+ quer(y|ies) in \d+\.\ds", d)
               or d == "not asked, as the server had stopped answering" for d in details), details
    assert report.verdict is AuditVerdict.COULD_NOT_CHECK
    assert_no_hang(elapsed, 5.0)


def test_one_dead_server_leaves_found_problems_standing(world, blackhole):
    nameservers = (world.primary.endpoint, blackhole.endpoint)
    report = check(world, "healthy.test", "dkim.test", nameservers=nameservers, email_auth=False)
    healthy = report.domain("healthy.test")
    assert set(statuses(healthy).values()) == {RecordStatus.COULD_NOT_CHECK}
    assert all("ok on " + world.primary.endpoint in r.detail for r in healthy.records)
    assert healthy.verdict is AuditVerdict.COULD_NOT_CHECK
    dkim = report.domain("dkim.test")
    assert statuses(dkim)[("CNAME", "tok0dkim._domainkey.dkim.test")] is RecordStatus.WRONG
    assert report.verdict is AuditVerdict.PROBLEMS


def test_domain_without_nameservers_is_refused_before_asking(world):
    with pytest.raises(AuditError, match="nothing.test"):
        audit_sync([AuditTarget("nothing.test", expected_records("nothing.test"), (), REGION)], email_auth=None)
