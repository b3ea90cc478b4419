"""Every user mistake stops the program before any resource is declared, naming the key."""

from __future__ import annotations

import re

import pytest
import pulumi

from tests.pulumi_program import RecordingMocks, run_program

D = "ses-domains:domains"


def run_failing(domains, region="eu-west-1", profile=None, **zones):
    mocks = RecordingMocks()
    config = {D: domains} if domains is not None else {}
    if region:
        config["aws:region"] = region
    if profile:
        config["aws:profile"] = profile
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, mocks=mocks, **zones)
    assert str(raised.value).startswith("the stack config has"), raised.value
    assert mocks.resources == [], "a resource was declared despite a config error"
    return str(raised.value)


CASES = {
    "missing domain": ([{"zone": "example.com"}], f"{D}[0].domain: is required"),
    "domain not a string": ([{"domain": 42}], f"{D}[0].domain: must be a domain name"),
    "single label": ([{"domain": "localhost"}], f"{D}[0].domain: 'localhost' must have at least two labels"),
    "bad characters": ([{"domain": "exa_mple.com"}], "labels may hold only letters, digits and inner hyphens"),
    "leading hyphen": ([{"domain": "-a.example.com"}], "has the label '-a'"),
    "empty label": ([{"domain": "a..example.com"}], "has an empty label"),
    "label too long": ([{"domain": "a" * 64 + ".example.com"}], "label longer than 63 characters"),
    "name too long": ([{"domain": ".".join(["a" * 60] * 5) + ".com"}], "longer than 253 characters"),
    "white space": ([{"domain": " example.com"}], "contains white space"),
    "numeric tld": ([{"domain": "10.0.0.1"}], "all-numeric label"),
    "two trailing dots": ([{"domain": "example.com.."}], "has an empty label"),
    "bad idn": ([{"domain": "a\u200db.example.com"}], "is not a valid internationalized domain name"),
    "bad punycode": ([{"domain": "xn--zz.example.com"}], "invalid punycode label"),
    "zone not containing the domain": (
        [{"domain": "news.example.org", "zone": "example.com"}],
        f"{D}[0].zone: the zone example.com cannot hold records of news.example.org",
    ),
    "zone that does not exist": (
        [{"domain": "example.io"}],
        f"{D}[0].zone: no public Route 53 hosted zone holds example.io: looked for example.io "
        "(AWS provider: invocation of aws:route53/getZone:getZone returned an error: "
        "invoking aws:route53/getZone:getZone: 1 error occurred: * no matching Route 53 Hosted Zone found); "
        "create the hosted zone, or set zone to the name or id of the public hosted zone that holds this domain",
    ),
    "zone named that does not exist": (
        [{"domain": "a.example.com", "zone": "a.example.com"}],
        f"{D}[0].zone: could not find the public Route 53 hosted zone named a.example.com (AWS provider: "
        "invocation of aws:route53/getZone:getZone returned an error: invoking aws:route53/getZone:getZone: "
        "1 error occurred: * no matching Route 53 Hosted Zone found)",
    ),
    "zone id of another zone": (
        [{"domain": "example.com", "zone": "<zone-id:example.org>"}],
        "is example.org, which cannot hold records of example.com",
    ),
    "zone id that does not exist": (
        [{"domain": "example.com", "zone": "Z0123456789NOPE"}],
        f"{D}[0].zone: could not read the Route 53 hosted zone with the id Z0123456789NOPE (AWS provider: ",
    ),
    "mail from equal to the domain": (
        [{"domain": "example.com", "mailFrom": "example.com"}],
        f"{D}[0].mailFrom: must be a subdomain of example.com, not the domain itself",
    ),
    "mail from outside the domain": (
        [{"domain": "example.com", "mailFrom": "bounce.example.org"}],
        f"{D}[0].mailFrom: bounce.example.org is not under example.com",
    ),
    "mail from malformed": ([{"domain": "example.com", "mailFrom": "bo unce"}], f"{D}[0].mailFrom: 'bo unce.example.com' contains white space"),
    "mx failure without mail from": (
        [{"domain": "example.com", "mailFromOnMxFailure": "REJECT_MESSAGE"}],
        f"{D}[0].mailFromOnMxFailure: applies only with mailFrom",
    ),
    "unknown mx failure behavior": (
        [{"domain": "example.com", "mailFrom": "b", "mailFromOnMxFailure": "BOUNCE"}],
        f"{D}[0].mailFromOnMxFailure: must be one of USE_DEFAULT_VALUE, REJECT_MESSAGE, got 'BOUNCE'",
    ),
    "unknown key length": (
        [{"domain": "example.com", "dkim": {"keyLength": "RSA_4096_BIT"}}],
        f"{D}[0].dkim.keyLength: must be one of RSA_2048_BIT, RSA_1024_BIT, got 'RSA_4096_BIT'",
    ),
    "dmarc without policy": ([{"domain": "example.com", "dmarc": {"rua": ["a@example.com"]}}], f"{D}[0].dmarc.policy: is required: one of none, quarantine, reject"),
    "unknown dmarc policy": ([{"domain": "example.com", "dmarc": {"policy": "block"}}], f"{D}[0].dmarc.policy: must be one of none, quarantine, reject, got 'block'"),
    "unknown alignment": ([{"domain": "example.com", "dmarc": {"policy": "none", "adkim": "strict"}}], f"{D}[0].dmarc.adkim: must be one of r, s, got 'strict'"),
    "malformed rua": ([{"domain": "example.com", "dmarc": {"policy": "none", "rua": ["mailto:reports"]}}], f"{D}[0].dmarc.rua[0]: 'mailto:reports' is not a mailbox"),
    "rua with a bad domain": ([{"domain": "example.com", "dmarc": {"policy": "none", "rua": ["a@exa mple.com"]}}], f"{D}[0].dmarc.rua[0]: 'a@exa mple.com' has a bad domain"),
    "malformed ruf": ([{"domain": "example.com", "dmarc": {"policy": "none", "ruf": ["ok@example.com", "x@y@"]}}], f"{D}[0].dmarc.ruf[1]:"),
    "comma in a report address": ([{"domain": "example.com", "dmarc": {"policy": "none", "rua": ["a,b@example.com"]}}], f"{D}[0].dmarc.rua[0]: 'a,b@example.com' is not a mailbox"),
    "pct out of range": ([{"domain": "example.com", "dmarc": {"policy": "none", "pct": 150}}], f"{D}[0].dmarc.pct: must be from 0 to 100, got 150"),
    "bad failure options": ([{"domain": "example.com", "dmarc": {"policy": "none", "failureOptions": "2"}}], f"{D}[0].dmarc.failureOptions: must be 0, 1, d or s"),
    "duplicate domains": (
        [{"domain": "example.com"}, {"domain": "Example.com."}],
        f"{D}[1].domain: example.com is already declared at {D}[0]",
    ),
    "two entries writing one record set": (
        [{"domain": "example.com", "mailFrom": "mail"}, {"domain": "a.example.com", "mailFrom": "mail.example.com"}],
        "is not under a.example.com",
    ),
    "typo in a key": ([{"domain": "example.com", "mailfrom": "bounce"}], f"{D}[0].mailfrom: unknown key; did you mean 'mailFrom'?"),
    "typo in a dmarc key": ([{"domain": "example.com", "dmarc": {"policy": "none", "ruaa": []}}], f"{D}[0].dmarc.ruaa: unknown key; did you mean 'rua'?"),
    "typo in a dkim key": ([{"domain": "example.com", "dkim": {"keylength": "RSA_1024_BIT"}}], f"{D}[0].dkim.keylength: unknown key"),
    "ttl out of range": ([{"domain": "example.com", "ttl": 5}], f"{D}[0].ttl: must be from 60 to 172800, got 5"),
    "ttl not a number": ([{"domain": "example.com", "ttl": "1h"}], f"{D}[0].ttl: must be a whole number"),
    "entry not a mapping": (["example.com"], f"{D}[0]: must be a mapping of keys"),
    "domains not a list": ({"domain": "example.com"}, f"{D}: must be a non-empty list"),
    "domains empty": ([], f"{D}: must be a non-empty list"),
    "domains missing": (None, f"{D}: is required"),
}


@pytest.mark.parametrize("domains, expected", list(CASES.values()), ids=list(CASES))
def test_bad_input_is_reported_with_its_key_before_anything_is_declared(domains, expected):
    message = run_failing(domains)
    assert expected in message


def test_missing_or_malformed_region_is_reported(monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert "aws:region: is required" in run_failing([{"domain": "example.com"}], region=None)
    assert "aws:region: must be an AWS region such as eu-west-1, got 'Ireland'" in run_failing(
        [{"domain": "example.com"}], region="Ireland"
    )


def test_all_problems_are_listed_at_once():
    message = run_failing([{"domain": "example.com", "mailFrom": "example.com", "ttl": 1}, {"domian": "x.com"}])
    assert message.startswith("the stack config has 4 problems:")
    for key in (f"{D}[0].mailFrom", f"{D}[0].ttl", f"{D}[1].domian", f"{D}[1].domain"):
        assert key in message


def test_same_record_set_from_two_entries_is_refused():
    message = run_failing([
        {"domain": "example.com", "mailFrom": "mail.y.example.com"},
        {"domain": "y.example.com", "zone": "example.com", "mailFrom": "mail"},
    ])
    assert f"{D}[1]: its MX record mail.y.example.com is also written by {D}[0]" in message
    assert f"{D}[1]: its TXT record mail.y.example.com is also written by {D}[0]" in message


def test_a_private_zone_is_refused_by_name_and_by_id():
    message = run_failing([{"domain": "internal.example"}], private_zones=("internal.example",))
    assert f"{D}[0].zone: no public Route 53 hosted zone holds internal.example: looked for internal.example" in message
    assert "no matching Route 53 Hosted Zone found" in message
    message = run_failing([{"domain": "internal.example", "zone": "internal.example"}], private_zones=("internal.example",))
    assert f"{D}[0].zone: could not find the public Route 53 hosted zone named internal.example" in message
    message = run_failing([{"domain": "internal.example", "zone": "<zone-id:internal.example>"}],
                          private_zones=("internal.example",))
    assert re.search(rf"{re.escape(D)}\[0\]\.zone: the zone \w+ is private: SES verifies records in public DNS; "
                     "give a public zone", message), message


def test_two_public_zones_of_the_same_name_ask_for_the_zone_id():
    message = run_failing([{"domain": "example.com"}], zones=("example.com", "example.com"))
    assert f"{D}[0].zone: could not find the public Route 53 hosted zone named example.com" in message
    assert "multiple Route 53 Hosted Zones matched" in message
    assert "or to its id when several zones share the name" in message


def test_each_name_is_looked_up_once_through_the_providers_get_zone():
    """news.example.com is asked once: it might be a closer zone than the example.com it names."""
    mocks = RecordingMocks()
    run_program({"aws:region": "eu-west-1", D: [
        {"domain": "example.com"}, {"domain": "news.example.com", "zone": "example.com"},
        {"domain": "example.org", "zone": "<zone-id:example.org>"},
    ]}, mocks=mocks)
    lookups = [{k: v for k, v in args.items() if v is not None} for token, args in mocks.calls
               if token == "aws:route53/getZone:getZone"]
    assert len(lookups) == 3
    assert {"name": "example.com", "privateZone": False} in lookups
    assert {"name": "news.example.com", "privateZone": False} in lookups
    assert any(set(lookup) == {"zoneId"} for lookup in lookups)


def test_an_unknown_aws_profile_is_reported():
    assert "aws:profile: AWS profile 'nope' (aws:profile) is not in ~/.aws/config" in run_failing(
        [{"domain": "example.com"}], profile="nope"
    )
