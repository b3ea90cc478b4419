"""The verification step the program declares: what it will check, where, and after what."""

from __future__ import annotations

import pytest
import pulumi

from tests.pulumi_program import dkim_tokens, run_program

VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
D = "ses-domains:domains"


def verification_of(run):
    declared = run.of_type(VERIFICATION)
    assert len(declared) == 1
    return declared[0]


def test_one_verification_for_the_stack_lists_every_record_of_every_domain():
    # aws:profile is not set here: moto's fake credentials come from the environment.
    run = run_program({
        "aws:region": "eu-west-1",
        D: [
            {"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "reject"}},
            {"domain": "news.example.org", "zone": "example.org", "ttl": 300,
             "verify": {"timeout": "90s", "nameservers": ["127.0.0.2:5300", "[::1]:5301", "NS1.example.net."]}},
        ],
    })

    inputs = verification_of(run).inputs
    assert inputs["aws"]["region"] == "eu-west-1" and inputs["aws"].get("profile") is None
    domains = inputs["domains"]
    assert set(domains) == {"example.com", "news.example.org"}

    apex = domains["example.com"]
    tokens = dkim_tokens("example.com")
    assert apex["records"] == [
        {"name": f"{t}._domainkey.example.com", "type": "CNAME", "values": [f"{t}.dkim.amazonses.com"], "ttl": 1800}
        for t in tokens
    ] + [
        {"name": "bounce.example.com", "type": "MX", "values": ["10 feedback-smtp.eu-west-1.amazonses.com"], "ttl": 1800},
        {"name": "bounce.example.com", "type": "TXT", "values": ["v=spf1 include:amazonses.com ~all"], "ttl": 1800},
        {"name": "_dmarc.example.com", "type": "TXT", "values": ["v=DMARC1; p=reject"], "ttl": 1800},
    ]
    assert apex["mailFromRequired"] is True
    assert apex["timeoutSeconds"] == 1200
    # Default nameservers: the hosted zone's own delegation set, as Route 53 reports it.
    assert len(apex["nameservers"]) == 4 and all(".awsdns-" in ns for ns in apex["nameservers"])

    news = domains["news.example.org"]
    assert news["nameservers"] == ["127.0.0.2:5300", "[::1]:5301", "ns1.example.net"]
    assert news["mailFromRequired"] is False
    assert news["timeoutSeconds"] == 90
    assert [r["type"] for r in news["records"]] == ["CNAME"] * 3
    assert {r["ttl"] for r in news["records"]} == {300}
    infos = [r.getMessage() for r in run.logs if r.levelname == "INFO"]
    assert any("pulumi up waits until 2 domain(s) verify: example.com, news.example.org" in m for m in infos), infos


def test_verification_starts_only_after_every_record_and_mail_from_setting_exists():
    run = run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", "mailFrom": "bounce"}]})

    dependencies = run.dependencies["verification"]
    published = [urn for urn in run.urns
                 if "aws:route53/record:Record" in urn or "EmailIdentityMailFromAttributes" in urn]
    assert len(published) == 6
    assert set(published) <= set(dependencies)
    # Besides them, only the identity (its DKIM tokens feed the expected records) and the step that
    # makes SES sign as declared (deploy/dkim_signing_origin.py): SES is read once it signs so.
    assert sorted(urn for urn in dependencies if urn not in published) == sorted(
        urn for urn in run.urns
        if urn.endswith("EmailIdentity::example.com") or urn.endswith("DkimSigningOrigin::example.com-dkim-signing")
    )


def test_a_domain_with_verify_disabled_is_left_out_and_none_enabled_means_no_step():
    run = run_program({"aws:region": "eu-west-1", D: [
        {"domain": "example.com", "verify": {"enabled": False}},
        {"domain": "example.net"},
    ]})
    assert set(verification_of(run).inputs["domains"]) == {"example.net"}

    run = run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", "verify": {"enabled": False}}]})
    assert run.of_type(VERIFICATION) == []
    assert "verification" not in run.outputs


@pytest.mark.parametrize("verify, expected", [
    ({"timeout": "20 minutes"}, f"{D}[0].verify.timeout: must be a duration such as 90s, 20m or 1h, got '20 minutes'"),
    ({"timeout": "1s"}, f"{D}[0].verify.timeout: must be from 10s to 259200s, got '1s'"),
    ({"timeout": "100h"}, f"{D}[0].verify.timeout: must be from 10s to 259200s"),
    ({"enabled": "yes"}, f"{D}[0].verify.enabled: must be true or false, got 'yes'"),
    ({"nameservers": ["127.0.0.1:99999"]}, f"{D}[0].verify.nameservers[0]: bad port in nameserver"),
    ({"nameservers": ["ns1.example.net", 53]}, f"{D}[0].verify.nameservers[1]: must be a host name or address"),
    ({"nameservers": ["[::1"]}, f"{D}[0].verify.nameservers[0]: unbalanced '['"),
    ({"timout": "5m"}, f"{D}[0].verify.timout: unknown key; did you mean 'timeout'?"),
])
def test_bad_verify_settings_are_reported_with_their_key(verify, expected):
    from tests.pulumi_program import RecordingMocks

    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", "verify": verify}]}, mocks=mocks)
    assert expected in str(raised.value)
    assert mocks.resources == []
