"""What the email-auth judgment shares between the domains of one run is never another domain's
answer: domains that publish the same text are still judged on their own facts, and a message
that names a domain names the one judged."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import dns.rcode
import pytest

from ses_domains.engine.dns.lookups import LookupKind, SharedLookups
from ses_domains.engine.dns.nameservers import Nameserver
from ses_domains.engine.dns.transport import DnsTransport, QueryResult
from ses_domains.engine.dns.wire import AnswerRecord, WireAnswer
from ses_domains.engine.email_auth import (
    EmailAuthTarget, JudgmentStatus, ResolverSettings, judge_email_auth, judge_email_auth_async,
)
from tests.audit_world import AMAZON_SPF, REGION, REPORTS
from tests.conftest import _require_knot
from tests.dns_servers import KnotServer, zone_text

DMARC = f"v=DMARC1; p=none; rua=mailto:dmarc@{REPORTS}"
GOOD_SPF = "v=spf1 ip4:192.0.2.1 ~all"
BAD_SPF = "v=spf1 ip4:192.0.2.1 ~ all"  # a syntax error at the space, SPF's grammar says
SES_SPF = "v=spf1 include:amazonses.com ~all"


def _domain_body(domain: str, spf: str) -> str:
    return (f'mail.{domain}. 60 IN MX 10 feedback-smtp.{REGION}.amazonses.com.\n'
            f'mail.{domain}. 60 IN TXT "{spf}"\n'
            f'_dmarc.{domain}. 60 IN TXT "{DMARC}"\n')


# domain -> the MAIL FROM SPF it publishes; every one publishes the same DMARC text
PUBLISHED = {"authorized.test": SES_SPF, "unauthorized.test": SES_SPF,
             "good.test": GOOD_SPF, "bad-one.test": BAD_SPF, "bad-two.test": BAD_SPF}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_knot()
    zones = {domain: zone_text(domain, _domain_body(domain, spf)) for domain, spf in PUBLISHED.items()}
    zones["good.test"] += 'good.test. 60 IN TXT "v=spf1 -all"\n'  # the only apex with TXT records
    zones["amazonses.com"] = zone_text("amazonses.com", f'amazonses.com. 60 IN TXT "{AMAZON_SPF}"\n')
    # reports.test accepts reports about every domain but unauthorized.test
    zones[REPORTS] = zone_text(REPORTS, f"{REPORTS}. 60 IN MX 10 mx.{REPORTS}.\nmx.{REPORTS}. 60 IN A 192.0.2.25\n" + "".join(
        f'{d}._report._dmarc.{REPORTS}. 60 IN TXT "v=DMARC1"\n' for d in PUBLISHED if d != "unauthorized.test"))
    started = KnotServer(tmp_path_factory.mktemp("shared-parses"), "127.0.0.117", zones).start()
    yield started
    started.stop()


def judged_in_one_run(server, domains):
    targets = [EmailAuthTarget(d, REGION, f"mail.{d}", dmarc=True) for d in domains]
    judgments = judge_email_auth(targets, ResolverSettings((server.endpoint,)))
    return {j.domain: j for j in judgments}


def test_the_same_dmarc_text_is_judged_on_each_domain_s_own_report_authorization(server):
    judged = judged_in_one_run(server, ["authorized.test", "unauthorized.test"])
    authorized, unauthorized = judged["authorized.test"].dmarc, judged["unauthorized.test"].dmarc
    assert authorized.record == unauthorized.record == DMARC
    assert authorized.status is JudgmentStatus.OK
    assert unauthorized.status is JudgmentStatus.PROBLEM
    (destination,) = unauthorized.report_destinations
    assert destination.authorization_name == f"unauthorized.test._report._dmarc.{REPORTS}"
    # and the other way round in the run: the first one judged does not decide for the second
    judged = judged_in_one_run(server, ["unauthorized.test", "authorized.test"])
    assert judged["unauthorized.test"].dmarc.status is JudgmentStatus.PROBLEM
    assert judged["authorized.test"].dmarc.status is JudgmentStatus.OK


def test_a_syntax_error_shared_by_two_domains_names_each_domain(server):
    judged = judged_in_one_run(server, ["good.test", "bad-one.test", "bad-two.test", "authorized.test"])
    assert judged["good.test"].spf[0].status is JudgmentStatus.OK  # the same text up to the error
    assert judged["authorized.test"].spf[0].status is JudgmentStatus.OK
    for domain, other in (("bad-one.test", "bad-two.test"), ("bad-two.test", "bad-one.test")):
        spf = judged[domain].spf[0]
        assert (spf.record, spf.status) == (BAD_SPF, JudgmentStatus.PROBLEM)
        assert f"mail.{domain}" in spf.error and "position" in spf.error
        assert other not in spf.error


def test_the_apex_spf_is_asked_only_of_an_apex_that_holds_txt_records(server):
    asked: Counter = Counter()

    async def run():
        async with DnsTransport() as transport:
            with transport.watching(lambda result: asked.update([(result.name, result.rdtype)])):
                targets = [EmailAuthTarget(d, REGION, f"mail.{d}", dmarc=True) for d in ("good.test", "authorized.test")]
                return await judge_email_auth_async(targets, ResolverSettings((server.endpoint,)), transport=transport)

    good, authorized = asyncio.run(run())
    assert [(s.name, s.status, s.record) for s in good.spf][1] == ("good.test", JudgmentStatus.OK, "v=spf1 -all")
    assert [s.name for s in authorized.spf] == ["mail.authorized.test"]
    assert asked[("good.test", "SPF")] == 1 and asked[("authorized.test", "TXT")] == 1
    assert asked[("authorized.test", "SPF")] == 0


def _answer(name: str, rdtype: str, value: str) -> WireAnswer:
    return WireAnswer(dns.rcode.NOERROR, True, False,
                      (AnswerRecord(name, rdtype, value, (value.encode(),) if rdtype == "TXT" else ()),))


def test_only_expected_questions_are_learned_from_other_askers_and_only_from_their_first_server():
    servers = [Nameserver(f"192.0.2.{i}", f"192.0.2.{i}", 53) for i in (1, 2, 3)]
    lookups = SharedLookups(servers, None, time.monotonic() + 60)
    expected, unexpected = ("mail.a.test", "TXT"), ("tok.a.test", "CNAME")
    lookups.expect([expected])
    first = lookups._first_index(expected)
    for server in servers:  # every server answers both; another value from the others
        value = "v=spf1 -all" if server is servers[first] else "from another server"
        lookups.learn(QueryResult(server, *expected, _answer(*expected, value)))
        lookups.learn(QueryResult(server, *unexpected, _answer(*unexpected, "x.test")))
    outcome = lookups.peek(*expected)
    assert outcome.kind is LookupKind.ANSWER
    assert [b"".join(r.strings) for r in outcome.rdatas] == [b"v=spf1 -all"]
    assert lookups.peek(*unexpected) is None
