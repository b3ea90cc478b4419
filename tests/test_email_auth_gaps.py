"""A lookup that got no answer is a gap in the email-auth judgment ("could not check"), never a
found problem: checkdmarc takes a report authorization it could not look up for a missing one."""

from __future__ import annotations

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver

from ses_domains.engine.email_auth import JudgmentStatus, _judge_dmarc

REPORTS = "reports.test"
AUTHORIZATION = f"shop.test._report._dmarc.{REPORTS}"


class Resolver:
    """dnspython's resolver surface over fixed records; ``silent`` names time out."""

    lifetime = 0.0

    def __init__(self, records: dict[tuple[str, str], list[str]], silent: set[str]) -> None:
        self.records, self.silent = records, silent

    def resolve(self, name, rdtype="A", *args, **kwargs):
        name, rdtype = str(name).rstrip("."), str(rdtype).upper()
        if name in self.silent:
            raise dns.resolver.LifetimeTimeout(timeout=1.0, errors=[])
        values = self.records.get((name, rdtype))
        if values is None:
            if any(owner == name for owner, _ in self.records):
                raise dns.resolver.NoAnswer()
            raise dns.resolver.NXDOMAIN(qnames=[dns.name.from_text(name)])
        return [dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), v) for v in values]


def records(authorized: bool) -> dict:
    found = {
        ("_dmarc.shop.test", "TXT"): [f'"v=DMARC1; p=none; rua=mailto:dmarc@{REPORTS}"'],
        (REPORTS, "MX"): [f"10 mx.{REPORTS}."],
        (f"mx.{REPORTS}", "A"): ["192.0.2.25"],
    }
    if authorized:
        found[(AUTHORIZATION, "TXT")] = ['"v=DMARC1"']
    return found


def test_a_report_authorization_no_server_answered_is_could_not_check():
    judgment, _ = _judge_dmarc("shop.test", Resolver(records(authorized=True), silent={AUTHORIZATION}))
    (destination,) = judgment.report_destinations
    assert destination.status is JudgmentStatus.COULD_NOT_CHECK
    assert "could not look up" in destination.message and "no answer in time" in destination.message
    assert judgment.status is JudgmentStatus.COULD_NOT_CHECK


def test_an_unanswered_wildcard_authorization_is_could_not_check_too():
    silent = {f"*._report._dmarc.{REPORTS}"}
    judgment, _ = _judge_dmarc("shop.test", Resolver(records(authorized=False), silent=silent))
    assert judgment.status is JudgmentStatus.COULD_NOT_CHECK


def test_an_answered_missing_authorization_stays_a_problem_and_a_present_one_is_ok():
    missing, _ = _judge_dmarc("shop.test", Resolver(records(authorized=False), silent=set()))
    assert missing.status is JudgmentStatus.PROBLEM
    assert missing.report_destinations[0].authorization_name == AUTHORIZATION
    present, _ = _judge_dmarc("shop.test", Resolver(records(authorized=True), silent=set()))
    assert present.status is JudgmentStatus.OK, present
