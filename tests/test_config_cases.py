"""The config cases of issue 9: each gets a clear error under its key, or is accepted where the
README allows it. Every test runs the real program under Pulumi's mocks."""

from __future__ import annotations

import math
import re

import pytest
import pulumi

from tests.pulumi_program import RecordingMocks, run_program

D = "ses-domains:domains"
C = "ses-domains:configurationSets"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"


def run_failing(config: dict, **zones) -> str:
    mocks = RecordingMocks()
    config = {"aws:region": "eu-west-1", **config}
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, mocks=mocks, **zones)
    message = str(raised.value)
    assert message.startswith("the stack config has"), message
    assert "Traceback" not in message
    assert mocks.resources == [], "a resource was declared despite a config error"
    return message


def run_ok(config: dict, **zones):
    return run_program({"aws:region": "eu-west-1", **config}, **zones)


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


# ------------------------------------------------------------------ keys of the ses-domains: namespace

def test_a_typo_of_domains_is_an_unknown_key_with_a_suggestion():
    message = run_failing({"ses-domains:domain": [{"domain": "example.com"}]})
    from ses_domains.config.stack import PROJECT_KEYS

    assert PROJECT_KEYS[0] == "domains"
    assert ("ses-domains:domain: unknown key; did you mean 'domains'? (this program reads "
            + ", ".join(f"ses-domains:{key}" for key in PROJECT_KEYS) + ")") in message
    assert f"{D}: is required" in message


@pytest.mark.parametrize("key, hint", [
    ("configurationSet", "; did you mean 'configurationSets'?"),
    ("Domains", "; did you mean 'domains'?"),
    ("region", " (this program reads"),
])
def test_any_unknown_key_of_the_namespace_is_reported(key, hint):
    message = run_failing({D: [{"domain": "example.com"}], f"ses-domains:{key}": "x"})
    assert f"ses-domains:{key}: unknown key{hint}" in message


# ------------------------------------------------------------------ aws:region and aws:profile

def test_a_region_unknown_to_botocore_is_refused_with_the_ses_regions():
    message = run_failing({"aws:region": "xx-nowhere-9", D: [{"domain": "example.com"}]})
    assert re.search(r"aws:region: xx-nowhere-9 is not a region where SES is offered: botocore [\d.]+'s endpoint "
                     r"data has no such region \(upgrade botocore if the region is new\); SES regions: af-south-1, ",
                     message), message
    assert "eu-west-1" in message


def test_a_misspelt_region_gets_a_suggestion():
    message = run_failing({"aws:region": "eu-wset-1", D: [{"domain": "example.com"}]})
    assert "aws:region: eu-wset-1 is not a region where SES is offered" in message
    assert message.rstrip().endswith("did you mean eu-west-1?")


def test_a_region_without_ses_is_refused():
    message = run_failing({"aws:region": "cn-north-1", D: [{"domain": "example.com"}]})
    assert re.search(r"aws:region: cn-north-1 is an AWS region, but SES is not offered there \(botocore [\d.]+'s "
                     r"endpoint data\); SES regions: ", message), message


def test_a_region_with_its_own_dkim_domain_is_accepted():
    run = run_ok({"aws:region": "eu-south-1", D: [{"domain": "example.com"}]})
    assert len(run.of_type(IDENTITY)) == 1


def test_a_profile_named_null_is_kept_not_dropped():
    message = run_failing({"aws:profile": "null", D: [{"domain": "example.com"}]})
    assert "aws:profile: AWS profile 'null' (aws:profile) is not in ~/.aws/config" in message


# ------------------------------------------------------------------ domains

def test_a_domain_whose_dkim_names_exceed_253_characters_is_refused():
    domain = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 14]) + ".com"
    assert len(domain) == 210
    message = run_failing({D: [{"domain": domain}]})
    assert (f"{D}[0].domain: {domain} is 210 characters: its DKIM records <token>._domainkey.{domain} would be 254, "
            "over DNS's 253; an Easy DKIM identity can have at most 209 characters") in message
    message = run_failing({D: [{"domain": domain[1:]}]})
    assert "DKIM records" not in message, "209 characters fit"


def test_mail_from_at_another_identity_is_refused():
    message = run_failing({D: [{"domain": "example.com", "mailFrom": "mail"},
                               {"domain": "mail.example.com", "zone": "example.com"}]})
    assert (f"{D}[0].mailFrom: mail.example.com is the identity of {D}[1]: this domain's MAIL FROM MX and SPF "
            "records would be written at that identity's own name; choose a name no identity of the stack uses, "
            "such as bounce.example.com") in message


@pytest.mark.parametrize("entry, expected", [
    ("not a host!", "'not a host!' is not a host name: labels of 1 to 63 letters, digits and inner hyphens"),
    ("999.1.1.1", "'999.1.1.1' is not a valid IPv4 address (four numbers from 0 to 255)"),
    ("udp://1.2.3.4", "'udp://1.2.3.4' is written as a URL (udp://): give the server alone, such as 1.2.3.4"),
    ("udp://1.2.3.4:53", "'udp://1.2.3.4:53' is written as a URL (udp://)"),
    ("[1.2.3.4]:53", "'1.2.3.4' in '[1.2.3.4]:53' is not an IPv6 address"),
])
def test_bad_nameservers_are_refused_at_preview_with_what_is_wrong(entry, expected):
    message = run_failing({D: [{"domain": "example.com", "verify": {"nameservers": ["ns1.example.net", entry]}}]})
    assert f"{D}[0].verify.nameservers[1]: {expected}" in message
    assert "IPv6 nameserver" not in message and "bad port" not in message


def test_failure_options_written_as_a_yaml_integer_are_accepted():
    run = run_ok({D: [{"domain": "example.com", "dmarc": {"policy": "reject", "failureOptions": 1}}]})
    assert run.records()[("_dmarc.example.com", "TXT")].inputs["records"] == ["v=DMARC1; p=reject; fo=1"]
    message = run_failing({D: [{"domain": "example.com", "dmarc": {"policy": "reject", "failureOptions": 2}}]})
    assert f"{D}[0].dmarc.failureOptions: must be 0, 1, d or s, joined by ':' (such as 1:d), got '2'" in message


def test_a_verify_timeout_given_as_a_string_of_seconds_is_accepted():
    run = run_ok({D: [{"domain": "example.com", "verify": {"timeout": "600"}}]})
    assert run.of_type(VERIFICATION)[0].inputs["domains"]["example.com"]["timeoutSeconds"] == 600


def test_a_dmarc_record_over_route53s_limit_is_refused_with_its_length():
    rua = [f"mailto:dmarc-aggregate-reports-{i:03d}@reports.example.com" for i in range(80)]
    message = run_failing({D: [{"domain": "example.com", "dmarc": {"policy": "none", "rua": rua}}]})
    value = "v=DMARC1; p=none; rua=" + ",".join(rua)
    # Split into strings of 255, joined by "" and wrapped in quotes: two characters per string.
    stored = len(value) + 2 * math.ceil(len(value) / 255)
    assert stored > 4000
    assert (f"{D}[0].dmarc: the DMARC record of example.com would be {stored:,} characters as Route 53 stores it, "
            "over its 4,000-character limit for a value: list fewer rua/ruf addresses (80 given)") in message


def test_a_dmarc_record_just_under_the_limit_is_written():
    rua = [f"mailto:r{i:02d}@example.com" for i in range(20)]
    run = run_ok({D: [{"domain": "example.com", "dmarc": {"policy": "none", "rua": rua}}]})
    assert ("_dmarc.example.com", "TXT") in run.records()


def test_odd_but_accepted_settings_warn():
    run = run_ok({D: [{"domain": "example.com", "dkim": {"keyLength": "RSA_1024_BIT"}, "dmarc": {"policy": "none"},
                       "verify": {"enabled": False, "timeout": "5m"}}]})
    found = warnings(run)
    assert any(w.startswith(f"{D}[0].dkim.keyLength: RSA_1024_BIT is weaker") for w in found), found
    assert any(w.startswith(f"{D}[0].dmarc: policy none without rua asks receivers to do nothing") for w in found), found
    assert any(w.startswith(f"{D}[0].verify.enabled: false, so pulumi up does not wait") for w in found), found


# ------------------------------------------------------------------ configuration sets

def test_configuration_set_names_written_as_yaml_integers_are_accepted():
    run = run_ok({
        C: [{"name": 2024, "eventDestinations": [{"name": 7, "events": ["BOUNCE"], "sns": {"topic": 2024}}]}],
        D: [{"domain": "example.com", "configurationSet": 2024}],
    })
    assert set(run.outputs["configurationSets"]) == {"2024"}
    assert run.of_type(IDENTITY)[0].inputs["configurationSetName"] == "2024"
    assert set(run.outputs["configurationSets"]["2024"]["eventDestinations"]) == {"7"}


def test_a_referenced_set_with_its_own_error_is_not_also_missing():
    message = run_failing({C: [{"name": "cs", "maxDeliverySeconds": 10}],
                           D: [{"domain": "example.com", "configurationSet": "cs", "feedbackForwarding": False}]})
    assert f"{C}[0].maxDeliverySeconds: must be from 300 to 50400, got 10" in message
    assert "there is no configuration set" not in message
    assert "feedbackForwarding" not in message
    assert message.startswith("the stack config has a problem:")


def test_sets_sharing_a_tracking_domain_with_http_and_https_are_refused():
    message = run_failing({C: [{"name": "a", "trackingDomain": "click.example.com"},
                               {"name": "b", "trackingDomain": "click.example.com", "httpsPolicy": "REQUIRE"}],
                           D: [{"domain": "example.com"}]})
    assert (f"{C}[1].httpsPolicy: the tracking domain click.example.com is used with httpsPolicy REQUIRE here and "
            f"OPTIONAL by {C}[0]: one name is either a CNAME to SES's tracking endpoint (HTTP, OPTIONAL) or a "
            "CloudFront distribution in front of it (HTTPS, REQUIRE or REQUIRE_OPEN_ONLY)") in message


def test_sets_sharing_a_tracking_domain_behind_https_are_accepted():
    run = run_ok({C: [{"name": "a", "trackingDomain": "click.example.com", "httpsPolicy": "REQUIRE"},
                      {"name": "b", "trackingDomain": "click.example.com", "httpsPolicy": "REQUIRE_OPEN_ONLY"}],
                  D: [{"domain": "example.com"}]})
    assert set(run.outputs["configurationSets"]) == {"a", "b"}


def cloudwatch_set(**dimension):
    return [{"name": "cs", "eventDestinations": [{"name": "m", "events": ["SEND"], "cloudwatch": {"dimensions": [
        {"source": "MESSAGE_TAG", "default": "none", **dimension}]}}]}]


DIMENSION = f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0]"


@pytest.mark.parametrize("dimension, key", [
    ({"name": "campaign.id"}, "name"),
    ({"name": "team@example"}, "name"),
    ({"name": "n" * 256}, "name"),
    ({"name": "campaign", "default": "a.b"}, "default"),
    ({"name": "campaign", "default": "x" * 256}, "default"),
])
def test_cloudwatch_dimensions_follow_sesv2s_rule(dimension, key):
    message = run_failing({C: cloudwatch_set(**dimension), D: [{"domain": "example.com"}]})
    what = "dimension name" if key == "name" else "default value"
    assert f"{DIMENSION}.{key}: " in message and f"is not a valid {what}: SESv2 allows letters, digits, _ and -, " \
        "at most 255 characters" in message


@pytest.mark.parametrize("name", ["n" * 255, "campaign_id-2", "ses:configuration-set", "ses:from-domain"])
def test_cloudwatch_dimension_names_sesv2_accepts(name):
    run = run_ok({C: cloudwatch_set(name=name), D: [{"domain": "example.com"}]})
    assert run.outputs["configurationSets"]["cs"]["eventDestinations"]["m"]["sink"] == "cloudwatch"
