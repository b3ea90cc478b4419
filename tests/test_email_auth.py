"""The email-auth judgment (checkdmarc) with every lookup sent to a loopback Knot server on a high port."""

from __future__ import annotations

import time

import pytest

from ses_domains.engine.email_auth import (
    EmailAuthTarget, JudgmentStatus, NameserverSetupError, ResolverSettings, judge_email_auth,
)
from tests.conftest import _require_knot
from tests.dns_servers import BlackholeServer, DelayingForwarder
from tests.audit_world import REGION, REPORTS, start_world
from tests.wall_clock import assert_no_hang


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    started = start_world(tmp_path_factory.mktemp("email-auth"), "127.0.0.43", "127.0.0.44")
    yield started
    started.stop()


def judge(world, domain: str, **settings):
    settings.setdefault("nameservers", (world.primary.endpoint,))
    target = EmailAuthTarget(domain, REGION, f"mail.{domain}", dmarc=True)
    (judgment,) = judge_email_auth([target], ResolverSettings(**settings))
    return judgment


def test_healthy_domain_passes_with_includes_resolved_on_the_given_server(world):
    judgment = judge(world, "healthy.test")
    assert judgment.status is JudgmentStatus.OK, judgment.problems()
    mail_from, apex = judgment.spf
    assert (mail_from.name, mail_from.status, mail_from.dns_lookups) == ("mail.healthy.test", JudgmentStatus.OK, 1)
    assert (apex.name, apex.required, apex.status) == ("healthy.test", False, JudgmentStatus.OK)
    assert apex.record == "v=spf1 include:amazonses.com -all"
    assert dict(judgment.dmarc.tags)["p"] == "none"
    (destination,) = judgment.dmarc.report_destinations
    assert (destination.destination_domain, destination.status) == (REPORTS, JudgmentStatus.OK)
    assert judgment.mail_from_mx.found == (f"10 feedback-smtp.{REGION}.amazonses.com",)
    assert judgment.as_json()["status"] == "ok"


def test_two_spf_records_at_the_mail_from_name(world):
    judgment = judge(world, "twospf.test")
    spf = judgment.spf[0]
    assert (spf.name, spf.status) == ("mail.twospf.test", JudgmentStatus.PROBLEM)
    assert "multiple SPF" in spf.error
    assert judgment.status is JudgmentStatus.PROBLEM


def test_spf_with_eleven_lookups(world):
    spf = judge(world, "eleven.test").spf[0]
    assert spf.status is JudgmentStatus.PROBLEM
    assert spf.dns_lookups == 11
    assert "11" in spf.error


def test_unauthorized_external_rua(world):
    judgment = judge(world, "unauth.test")
    (destination,) = judgment.dmarc.report_destinations
    assert destination.status is JudgmentStatus.PROBLEM
    assert destination.authorization_name == f"unauth.test._report._dmarc.{REPORTS}"
    assert destination.address == f"dmarc@{REPORTS}"
    assert judgment.dmarc.status is JudgmentStatus.PROBLEM
    assert any(destination.authorization_name in line for line in judgment.problems())


def test_mail_from_mx_in_another_region(world):
    mx = judge(world, "region.test").mail_from_mx
    assert mx.status is JudgmentStatus.PROBLEM
    assert mx.found == ("10 feedback-smtp.eu-west-1.amazonses.com",)
    assert "eu-west-1" in mx.message and REGION in mx.message


def test_many_domains_judged_concurrently_keep_their_order(world):
    domains = ["healthy.test", "twospf.test", "eleven.test", "unauth.test", "region.test", "dkim.test"]
    targets = [EmailAuthTarget(d, REGION, f"mail.{d}") for d in domains]
    judgments = judge_email_auth(targets, ResolverSettings((world.primary.endpoint,)), max_workers=4)
    assert [j.domain for j in judgments] == domains
    assert [j.status for j in judgments] == [JudgmentStatus.OK, JudgmentStatus.PROBLEM, JudgmentStatus.PROBLEM,
                                             JudgmentStatus.PROBLEM, JudgmentStatus.PROBLEM, JudgmentStatus.OK]


def test_dead_nameserver_is_could_not_check_within_bounded_time():
    server = BlackholeServer("127.0.0.46")
    try:
        targets = [EmailAuthTarget(f"d{i}.test", REGION, f"mail.d{i}.test") for i in range(8)]
        started = time.monotonic()
        judgments = judge_email_auth(targets, ResolverSettings((server.endpoint,)))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert {j.status for j in judgments} == {JudgmentStatus.COULD_NOT_CHECK}
    assert all(s.status is JudgmentStatus.COULD_NOT_CHECK for j in judgments for s in j.spf)
    assert all(j.dmarc.status is JudgmentStatus.COULD_NOT_CHECK for j in judgments)
    assert_no_hang(elapsed, 5.0)


def test_a_server_800ms_away_is_judged_not_written_off(world):
    """A fixed 0.5 s per try wrote this server off ("stopped answering"); the judgment's
    timeouts now adapt to the server's round trip, as the record check's do."""
    forwarder = DelayingForwarder((world.primary.address, world.primary.port), "127.0.0.47", 0.8)
    domains = ["healthy.test", "twospf.test", "region.test"]
    try:
        judgments = judge_email_auth([EmailAuthTarget(d, REGION, f"mail.{d}") for d in domains],
                                     ResolverSettings((forwarder.endpoint,)))
    finally:
        forwarder.close()
    assert [j.status for j in judgments] == [JudgmentStatus.OK, JudgmentStatus.PROBLEM, JudgmentStatus.PROBLEM], [
        j.problems() for j in judgments]
    assert all(not j.error for j in judgments)
    assert "multiple SPF" in judgments[1].spf[0].error  # the problems found are the real ones
    assert judgments[2].mail_from_mx.found == ("10 feedback-smtp.eu-west-1.amazonses.com",)


def test_a_dead_server_costs_one_query_s_tries_per_run():
    """Asked once (a try and one retransmission), silent throughout: skipped from then on."""
    server = BlackholeServer("127.0.0.49")
    try:
        targets = [EmailAuthTarget(f"d{i}.test", REGION, f"mail.d{i}.test") for i in range(4)]
        judgments = judge_email_auth(targets, ResolverSettings((server.endpoint,)), max_workers=1)
    finally:
        server.close()
    assert server.received == 2
    assert {j.status for j in judgments} == {JudgmentStatus.COULD_NOT_CHECK}
    assert all(f"no nameserver answered ({server.endpoint})" in j.error for j in judgments)
    # Each part says why in one plain phrase, not dnspython's "Server Do53:... answered ...".
    problems = [problem for j in judgments for problem in j.problems()]
    assert problems and not [p for p in problems if "Do53" in p or "answered" in p and "no nameserver" not in p]
    assert any(f"{server.endpoint} stopped answering during this check" in p for p in problems), problems


def test_the_judgment_ends_at_its_deadline_whatever_is_left():
    """Past ``deadline_s`` nothing more is sent: what is left is "could not check" at once."""
    server = BlackholeServer("127.0.0.48")
    try:
        targets = [EmailAuthTarget(f"d{i}.test", REGION, f"mail.d{i}.test") for i in range(4)]
        judgments = judge_email_auth(targets, ResolverSettings((server.endpoint,), deadline_s=0.0))
    finally:
        server.close()
    assert server.received == 0
    assert {j.status for j in judgments} == {JudgmentStatus.COULD_NOT_CHECK}
    assert all("time ran out" in " ".join(j.problems()) for j in judgments)


def test_malformed_nameserver_is_a_setup_error():
    with pytest.raises(NameserverSetupError, match="port"):
        judge_email_auth([EmailAuthTarget("x.test", REGION)], ResolverSettings(("127.0.0.1:dns",)))


def test_lookups_spread_over_the_servers_and_move_on_from_a_dead_one(world):
    """Each question goes first to a server chosen by its name (not all to the first one, whose
    window would hold up the whole judgment), and on to the next when that one is silent."""
    domains = ["healthy.test", "twospf.test", "eleven.test", "unauth.test", "region.test", "dkim.test"]
    targets = [EmailAuthTarget(d, REGION, f"mail.{d}") for d in domains]
    expected = [j.status for j in judge_email_auth(targets, ResolverSettings((world.primary.endpoint,)))]
    first = DelayingForwarder((world.primary.address, world.primary.port), "127.0.0.45", 0.0)
    second = DelayingForwarder((world.primary.address, world.primary.port), "127.0.0.46", 0.0)
    dead = BlackholeServer("127.0.0.50")
    try:
        spread = judge_email_auth(targets, ResolverSettings((first.endpoint, second.endpoint)))
        asked = (first.received, second.received)
        with_dead = judge_email_auth(targets, ResolverSettings((dead.endpoint, first.endpoint)))
    finally:
        first.close()
        second.close()
        dead.close()
    assert [j.status for j in spread] == expected
    assert min(asked) >= sum(asked) / 4, asked  # each server got a share
    assert [j.status for j in with_dead] == expected, [j.problems() for j in with_dead]
    assert 0 < dead.received < 2 * len(targets)  # fewer than one query's tries per domain: left out
