"""Bulk-sender readiness (``engine.bulk_sender``), requirement by requirement, from plain data: the
stack's setup, SES's reading (a real GetEmailIdentity answer's shape), the DNS judgment, the rates."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ses_domains.cli.bulk_readiness import RatesRead, sending_setup
from ses_domains.cli.domain_plans import DomainPlan
from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.cli.stack_records import domain_records
from ses_domains.config.stack import read_stack_config
from ses_domains.engine.bulk_sender import (
    REQUIREMENTS, AccountRates, Observations, Outcome, SendingSetup, aligned, judge_readiness,
)
from ses_domains.engine.email_auth import DmarcJudgment, EmailAuthJudgment, JudgmentStatus, SpfJudgment
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.engine.ses.status import parse_identity
from tests.cli_aws import AWS_VARIABLES_TO_CLEAR
from tests.fake_ses import SesState, build_response

DOMAIN = "example.com"
MAIL_FROM = f"bounce.{DOMAIN}"
KEY = "ses-domains:domains[0]"


def identity(**dkim):
    response = build_response(DOMAIN, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=MAIL_FROM)
    response["DkimAttributes"].update(dkim)
    return parse_identity(DOMAIN, response)


def email_auth(dmarc_tags=(("p", "none"),), *, spf=JudgmentStatus.OK, dmarc=None) -> EmailAuthJudgment:
    record = "v=DMARC1; " + "; ".join(f"{t}={v}" for t, v in dmarc_tags)
    return EmailAuthJudgment(
        DOMAIN,
        (SpfJudgment(MAIL_FROM, True, spf, "v=spf1 include:amazonses.com ~all", 1,
                     "" if spf is JudgmentStatus.OK else "no SPF record"),),
        dmarc or DmarcJudgment(f"_dmarc.{DOMAIN}", JudgmentStatus.OK, record, tuple(dmarc_tags)),
        None,
    )


SETUP = SendingSetup(DOMAIN, KEY, mail_from_domain=MAIL_FROM, dmarc_declared=True, configuration_set="bulk",
                     configuration_set_key="ses-domains:configurationSets[0]", tls_policy="REQUIRE",
                     contact_list="news", contact_list_topics=2)
SEEN = Observations(identity=identity(), email_auth=email_auth())
RATES = AccountRates(complaint=0.0002, bounce=0.01)


def outcome_of(name, setup=SETUP, seen=SEEN, rates=RATES):
    readiness = judge_readiness(setup, seen, rates)
    return next(r for r in readiness.requirements if r.name == name)


def test_a_ready_domain_passes_every_requirement_in_order():
    readiness = judge_readiness(SETUP, SEEN, RATES)
    assert [r.name for r in readiness.requirements] == list(REQUIREMENTS)
    assert {r.outcome for r in readiness.requirements} == {Outcome.PASS}
    assert readiness.outcome is Outcome.PASS and readiness.failed() == ()
    assert readiness.as_json()["outcome"] == "pass"


def test_alignment_relaxed_and_strict():
    assert aligned(DOMAIN, MAIL_FROM, "r") and aligned(DOMAIN, DOMAIN, "s")
    assert not aligned(DOMAIN, MAIL_FROM, "s")
    assert not aligned(DOMAIN, "amazonses.com", "r")
    assert aligned("Example.COM.", "example.com", "s")


def test_spf_relaxed_passes_strict_fails_naming_aspf():
    relaxed = Observations(identity=identity(), email_auth=email_auth((("p", "none"), ("aspf", "r"))))
    assert outcome_of("SPF", seen=relaxed).outcome is Outcome.PASS
    strict = Observations(identity=identity(), email_auth=email_auth((("p", "none"), ("aspf", "s"))))
    spf = outcome_of("SPF", seen=strict)
    assert spf.outcome is Outcome.FAIL
    assert spf.change == f"set {KEY}.dmarc.aspf to r (relaxed)"


def test_spf_without_a_custom_mail_from_never_aligns():
    spf = outcome_of("SPF", setup=replace(SETUP, mail_from_domain=None))
    assert spf.outcome is Outcome.FAIL and "amazonses.com" in spf.found
    assert spf.change == f"set {KEY}.mailFrom (such as bounce)"


def test_spf_fails_when_dns_or_ses_say_so_and_is_unknown_without_ses():
    broken = Observations(identity=identity(), email_auth=email_auth(spf=JudgmentStatus.PROBLEM))
    assert outcome_of("SPF", seen=broken).outcome is Outcome.FAIL
    response = build_response(DOMAIN, SesState(dkim="SUCCESS", mail_from="PENDING"), mail_from_domain=MAIL_FROM)
    pending = Observations(identity=parse_identity(DOMAIN, response), email_auth=email_auth())
    assert "MAIL FROM status is PENDING" in outcome_of("SPF", seen=pending).found
    no_ses = Observations(identity_unread="no AWS credentials", email_auth=email_auth())
    assert outcome_of("SPF", seen=no_ses).outcome is Outcome.UNKNOWN


def test_dkim_strict_alignment_is_met_by_signing_with_the_identity():
    strict = Observations(identity=identity(), email_auth=email_auth((("p", "none"), ("adkim", "s"))))
    dkim = outcome_of("DKIM", seen=strict)
    assert (dkim.outcome, dkim.found) == (Outcome.PASS, f"signs with d={DOMAIN}, aligned (strict); a 2048-bit key")


@pytest.mark.parametrize("current, following, outcome, note", [
    ("RSA_2048_BIT", "RSA_2048_BIT", Outcome.PASS, ""),
    ("RSA_1024_BIT", "RSA_1024_BIT", Outcome.PASS, f"set {KEY}.dkim.keyLength to RSA_2048_BIT"),
    ("RSA_1024_BIT", "RSA_2048_BIT", Outcome.PASS, "SES's next key is 2048 bits"),
    (None, None, Outcome.UNKNOWN, ""),
])
def test_easy_dkim_key_length_is_ses_s_current_key(current, following, outcome, note):
    reading = identity(CurrentSigningKeyLength=current, NextSigningKeyLength=following)
    dkim = outcome_of("DKIM", seen=replace(SEEN, identity=reading))
    assert dkim.outcome is outcome
    assert note in dkim.note and (not note) == (not dkim.note)


def test_byodkim_key_length_is_the_stack_s_key():
    external = replace(SEEN, identity=identity(SigningAttributesOrigin="EXTERNAL", Tokens=[]))
    assert outcome_of("DKIM", setup=replace(SETUP, byodkim_key_bits=2048), seen=external).note == ""
    short = outcome_of("DKIM", setup=replace(SETUP, byodkim_key_bits=1024), seen=external)
    assert short.outcome is Outcome.PASS and "rotate to a 2048-bit key" in short.note
    assert outcome_of("DKIM", setup=replace(SETUP, byodkim_key_bits=512), seen=external).outcome is Outcome.FAIL
    assert outcome_of("DKIM", seen=external).outcome is Outcome.UNKNOWN


def test_dkim_not_signing_yet_fails_and_unread_ses_is_unknown():
    pending = replace(SEEN, identity=parse_identity(DOMAIN, build_response(DOMAIN, SesState(dkim="PENDING"))))
    assert outcome_of("DKIM", seen=pending).outcome is Outcome.FAIL
    assert outcome_of("DKIM", seen=replace(SEEN, identity=identity(SigningEnabled=False))).outcome is Outcome.FAIL
    unread = outcome_of("DKIM", seen=Observations(identity_unread="no AWS credentials", email_auth=email_auth()))
    assert unread.outcome is Outcome.UNKNOWN and "no AWS credentials" in unread.found


def test_dmarc_present_with_none_passes_missing_fails_unanswered_is_unknown():
    assert outcome_of("DMARC").found == f"p=none at _dmarc.{DOMAIN}"
    missing = DmarcJudgment(f"_dmarc.{DOMAIN}", JudgmentStatus.PROBLEM, error=f"no DMARC record (TXT) at _dmarc.{DOMAIN}")
    dmarc = outcome_of("DMARC", seen=replace(SEEN, email_auth=email_auth(dmarc=missing)))
    assert (dmarc.outcome, dmarc.found) == (Outcome.FAIL, f"no DMARC record (TXT) at _dmarc.{DOMAIN}")
    silent = DmarcJudgment(f"_dmarc.{DOMAIN}", JudgmentStatus.COULD_NOT_CHECK, error="could not look up")
    assert outcome_of("DMARC", seen=replace(SEEN, email_auth=email_auth(dmarc=silent))).outcome is Outcome.UNKNOWN
    undeclared = outcome_of("DMARC", setup=replace(SETUP, dmarc_declared=False))
    assert undeclared.outcome is Outcome.FAIL and undeclared.change.startswith(f"set {KEY}.dmarc")


def test_tls_required_on_the_default_set():
    assert outcome_of("TLS").outcome is Outcome.PASS
    optional = outcome_of("TLS", setup=replace(SETUP, tls_policy="OPTIONAL"))
    assert optional.outcome is Outcome.FAIL
    assert optional.change == "set ses-domains:configurationSets[0].tlsPolicy to REQUIRE"
    no_set = outcome_of("TLS", setup=replace(SETUP, configuration_set=None, configuration_set_key=None))
    assert no_set.outcome is Outcome.FAIL and f"{KEY}.configurationSet" in no_set.change
    foreign = outcome_of("TLS", setup=replace(SETUP, configuration_set_key=None, tls_policy=None))
    assert foreign.outcome is Outcome.UNKNOWN


def test_one_click_unsubscribe_from_topics_or_the_application():
    assert outcome_of("unsubscribe").outcome is Outcome.PASS
    nothing = replace(SETUP, contact_list=None, contact_list_topics=0)
    failed = outcome_of("unsubscribe", setup=nothing)
    assert failed.outcome is Outcome.FAIL and f"{KEY}.applicationListUnsubscribe: true" in failed.change
    assert outcome_of("unsubscribe", setup=replace(SETUP, contact_list_topics=0)).outcome is Outcome.FAIL
    application = outcome_of("unsubscribe", setup=replace(nothing, application_list_unsubscribe=True))
    assert application.outcome is Outcome.PASS


@pytest.mark.parametrize("complaint, outcome, noted", [
    (0.0009, Outcome.PASS, False), (0.001, Outcome.PASS, True), (0.0029, Outcome.PASS, True),
    (0.003, Outcome.FAIL, False), (None, Outcome.UNKNOWN, False),
])
def test_complaint_rate_against_the_providers_lines(complaint, outcome, noted):
    found = outcome_of("complaint rate", rates=AccountRates(complaint=complaint, bounce=0.01))
    assert found.outcome is outcome and bool(found.note) == noted


@pytest.mark.parametrize("bounce, outcome", [(0.049, Outcome.PASS), (0.05, Outcome.FAIL), (None, Outcome.UNKNOWN)])
def test_bounce_rate_against_ses_s_review_level(bounce, outcome):
    assert outcome_of("bounce rate", rates=AccountRates(complaint=0.0001, bounce=bounce)).outcome is outcome


def test_rates_without_credentials_are_unknown(monkeypatch):
    for name in AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    rates = RatesRead(AwsSettings(region="eu-west-1")).rates()
    assert rates.unread.startswith("no AWS credentials found")
    readiness = judge_readiness(SETUP, SEEN, rates)
    found = {r.name: r for r in readiness.requirements}
    assert found["complaint rate"].outcome is found["bounce rate"].outcome is Outcome.UNKNOWN
    assert readiness.outcome is Outcome.UNKNOWN and readiness.failed() == ()


def test_the_setup_is_read_from_the_stack_config():
    config = {
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "bulk", "tlsPolicy": "REQUIRE"}],
        "ses-domains:domains": [{"domain": DOMAIN, "mailFrom": "bounce", "configurationSet": "bulk",
                                 "dmarc": {"policy": "none"}, "applicationListUnsubscribe": True}],
    }
    spec = read_stack_config(lambda k: config.get(f"ses-domains:{k}"), lambda k: config.get(f"aws:{k}"))
    domain = spec.domains[0]
    reading = IdentityReading(DOMAIN, status=identity())
    plan = DomainPlan(domain, domain_records(domain, spec.region, reading), reading, (), "--nameserver")
    setup = sending_setup(plan, spec, None)
    assert setup == SendingSetup(DOMAIN, KEY, MAIL_FROM, True, None, "bulk", "ses-domains:configurationSets[0]",
                                 "REQUIRE", None, 0, True)


def test_application_list_unsubscribe_is_true_or_false_under_its_key():
    from ses_domains.config.errors import ConfigError
    from tests.test_sending_domain_args import problems_of, read

    config = {"ses-domains:domains": [{"domain": DOMAIN, "applicationListUnsubscribe": "yes"}]}
    with pytest.raises(ConfigError) as raised:
        read_stack_config(lambda k: config.get(f"ses-domains:{k}"), {"region": "eu-west-1"}.get)
    assert [str(p) for p in raised.value.problems] == [
        "ses-domains:domains[0].applicationListUnsubscribe: must be true or false, got 'yes'"]
    assert problems_of(domain=DOMAIN, application_list_unsubscribe="yes") == [
        "application_list_unsubscribe: must be true or false, got 'yes'"]
    assert read(domain=DOMAIN, application_list_unsubscribe=True).spec.application_list_unsubscribe is True
