"""The real program under Pulumi mocks: the exact resources and records each config declares."""

from __future__ import annotations

import subprocess
import sys

from tests.pulumi_program import PROGRAM, ROOT, dkim_tokens, run_program, stack_config

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
RECORD = "aws:route53/record:Record"
COMPONENT = "ses-domains:index:SendingDomain"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
SIGNING = "pulumi-python:dynamic/ses-domains:DkimSigningOrigin"
FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
CONFIGURATION_SET_RESOURCES = [
    ("ses-domains:index:ConfigurationSet", "transactional"),
    ("aws:sesv2/configurationSet:ConfigurationSet", "transactional"),
    ("aws:sns/topic:Topic", "transactional-topic-ses-prod-bounces-and-complaints"),
    ("aws:sns/topicPolicy:TopicPolicy", "transactional-topic-ses-prod-bounces-and-complaints"),
    ("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "transactional-bounces-and-complaints"),
    ("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "transactional-metrics"),
]


def dkim_expectations(domain: str, zone_id: str, ttl: int) -> dict:
    return {
        (f"{token}._domainkey.{domain}", "CNAME"): {
            "zoneId": zone_id,
            "name": f"{token}._domainkey.{domain}",
            "type": "CNAME",
            "ttl": ttl,
            "records": [f"{token}.dkim.amazonses.com"],
            "allowOverwrite": False,
        }
        for token in dkim_tokens(domain)
    }


def record_inputs(run) -> dict:
    return {key: declared.inputs for key, declared in run.records().items()}


def test_prod_stack_declares_every_resource_of_an_apex_and_a_subdomain_identity():
    run = run_program(stack_config("prod"), stack="prod")

    assert sorted((r.type, r.name) for r in run.mocks.resources) == sorted(
        [(COMPONENT, "example.com"), (COMPONENT, "news.example.org"), (VERIFICATION, "verification")]
        + [(IDENTITY, "example.com"), (IDENTITY, "news.example.org")]
        + [(MAIL_FROM, "example.com-mail-from"), (MAIL_FROM, "news.example.org-mail-from")]
        + [(FEEDBACK, "example.com-feedback"), (FEEDBACK, "news.example.org-feedback")]
        + [(SIGNING, "example.com-dkim-signing"), (SIGNING, "news.example.org-dkim-signing")]
        + [(RECORD, f"{d}-{s}") for d in ("example.com", "news.example.org")
           for s in ("dkim-1", "dkim-2", "dkim-3", "mail-from-mx", "mail-from-spf", "dmarc")]
        + CONFIGURATION_SET_RESOURCES
    )
    # Every child hangs under its component (parent=self): 2 identities, 2 MAIL FROM settings,
    # 2 feedback settings, 2 DKIM signing steps and 12 records under SendingDomain; all but the component itself under
    # ConfigurationSet (tests/test_program_configuration_sets.py checks those in detail).
    assert len([urn for urn in run.urns if "SendingDomain$" in urn]) == 20
    assert len([urn for urn in run.urns if "ConfigurationSet$" in urn]) == len(CONFIGURATION_SET_RESOURCES) - 1
    identities = {r.inputs["emailIdentity"]: r.inputs for r in run.of_type(IDENTITY)}
    assert identities == {
        "example.com": {
            "emailIdentity": "example.com",
            "configurationSetName": "transactional",
            "dkimSigningAttributes": {"nextSigningKeyLength": "RSA_2048_BIT"},
        },
        "news.example.org": {
            "emailIdentity": "news.example.org",
            "dkimSigningAttributes": {"nextSigningKeyLength": "RSA_2048_BIT"},
        },
    }
    mail_from = {r.inputs["emailIdentity"]: r.inputs for r in run.of_type(MAIL_FROM)}
    assert mail_from == {
        "example.com": {
            "emailIdentity": "example.com",
            "mailFromDomain": "bounce.example.com",
            "behaviorOnMxFailure": "REJECT_MESSAGE",
        },
        "news.example.org": {
            "emailIdentity": "news.example.org",
            "mailFromDomain": "mail.news.example.org",
            "behaviorOnMxFailure": "USE_DEFAULT_VALUE",
        },
    }

    assert sorted((r.inputs["emailIdentity"], r.inputs["emailForwardingEnabled"]) for r in run.of_type(FEEDBACK)) == [
        ("example.com", False), ("news.example.org", True)]

    def static(zone_id, name, type_, value):
        return {(name, type_): {"zoneId": zone_id, "name": name, "type": type_, "ttl": 1800,
                                "records": [value], "allowOverwrite": False}}

    expected = {
        **dkim_expectations("example.com", run.zone_ids["example.com"], 1800),
        **static(run.zone_ids["example.com"], "bounce.example.com", "MX", "10 feedback-smtp.eu-west-1.amazonses.com"),
        **static(run.zone_ids["example.com"], "bounce.example.com", "TXT", "v=spf1 include:amazonses.com ~all"),
        **static(run.zone_ids["example.com"], "_dmarc.example.com", "TXT",
                 "v=DMARC1; p=quarantine; sp=reject; adkim=r; aspf=r; rua=mailto:dmarc-reports@example.com"),
        **dkim_expectations("news.example.org", run.zone_ids["example.org"], 1800),
        **static(run.zone_ids["example.org"], "mail.news.example.org", "MX", "10 feedback-smtp.eu-west-1.amazonses.com"),
        **static(run.zone_ids["example.org"], "mail.news.example.org", "TXT", "v=spf1 include:amazonses.com ~all"),
        **static(run.zone_ids["example.org"], "_dmarc.news.example.org", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@example.org"),
    }
    assert record_inputs(run) == expected


def test_prod_stack_exports_the_identity_arn_and_every_record_it_manages():
    run = run_program(stack_config("prod"), stack="prod")

    exported = run.outputs["domains"]
    assert set(exported) == {"example.com", "news.example.org"}
    news = exported["news.example.org"]
    assert news["identityArn"] == "arn:aws:ses:eu-west-1:123456789012:identity/news.example.org"
    tokens = dkim_tokens("news.example.org")
    assert news["records"] == [
        {"name": f"{t}._domainkey.news.example.org", "type": "CNAME", "values": [f"{t}.dkim.amazonses.com"],
         "ttl": 1800, "zone": "example.org"}
        for t in tokens
    ] + [
        {"name": "mail.news.example.org", "type": "MX", "values": ["10 feedback-smtp.eu-west-1.amazonses.com"],
         "ttl": 1800, "zone": "example.org"},
        {"name": "mail.news.example.org", "type": "TXT", "values": ["v=spf1 include:amazonses.com ~all"],
         "ttl": 1800, "zone": "example.org"},
        {"name": "_dmarc.news.example.org", "type": "TXT", "values": ["v=DMARC1; p=reject; rua=mailto:dmarc@example.org"],
         "ttl": 1800, "zone": "example.org"},
    ]
    # Every exported record is one that is declared, with the same values.
    declared = record_inputs(run)
    for domain_outputs in exported.values():
        for record in domain_outputs["records"]:
            assert declared[(record["name"], record["type"])]["records"] == record["values"]


def test_dev_stack_puts_a_subdomain_identity_in_its_parent_zone_with_its_ttl():
    run = run_program(stack_config("dev"), stack="dev")

    records = record_inputs(run)
    assert set(records) == set(dkim_expectations("dev.example.com", run.zone_ids["example.com"], 300)) | {
        ("bounce.dev.example.com", "MX"),
        ("bounce.dev.example.com", "TXT"),
        ("_dmarc.dev.example.com", "TXT"),
    }
    assert {r["zoneId"] for r in records.values()} == {run.zone_ids["example.com"]}
    assert {r["ttl"] for r in records.values()} == {300}
    assert records[("_dmarc.dev.example.com", "TXT")]["records"] == [
        "v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"
    ]


def test_a_domain_without_mail_from_or_dmarc_gets_only_the_identity_and_dkim():
    run = run_program({"aws:region": "us-east-1", "ses-domains:domains": [{"domain": "example.net"}]})

    assert sorted((r.type, r.name) for r in run.mocks.resources) == sorted(
        [(COMPONENT, "example.net"), (IDENTITY, "example.net"), (VERIFICATION, "verification"),
         (FEEDBACK, "example.net-feedback"), (SIGNING, "example.net-dkim-signing")]
        + [(RECORD, f"example.net-dkim-{i}") for i in (1, 2, 3)]
    )
    assert record_inputs(run) == dkim_expectations("example.net", run.zone_ids["example.net"], 1800)
    assert [r["type"] for r in run.outputs["domains"]["example.net"]["records"]] == ["CNAME"] * 3


def test_mail_from_mx_points_at_the_identity_region_and_key_length_is_honoured():
    run = run_program({
        "aws:region": "ap-southeast-2",
        "ses-domains:domains": [{"domain": "mail.example.com", "zone": "example.com", "mailFrom": "bounce",
                                 "dkim": {"keyLength": "RSA_1024_BIT"}}],
    })

    assert run.records()[("bounce.mail.example.com", "MX")].inputs["records"] == [
        "10 feedback-smtp.ap-southeast-2.amazonses.com"
    ]
    assert run.of_type(IDENTITY)[0].inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_1024_BIT"}


def test_zone_given_by_id_and_names_normalized():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "Mail.Example.ORG.", "zone": "<zone-id:example.org>", "mailFrom": "Bounce"}],
    })

    assert run.of_type(IDENTITY)[0].inputs["emailIdentity"] == "mail.example.org"
    assert {r.inputs["zoneId"] for r in run.of_type(RECORD)} == {run.zone_ids["example.org"]}
    assert ("bounce.mail.example.org", "MX") in run.records()


def test_internationalized_domain_is_declared_in_its_ascii_form():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "bücher.example.com", "zone": "example.com"}],
    })

    assert run.of_type(IDENTITY)[0].inputs["emailIdentity"] == "xn--bcher-kva.example.com"
    assert all(name.endswith("._domainkey.xn--bcher-kva.example.com") for name, _ in run.records())


def test_a_dmarc_value_longer_than_one_txt_string_is_split_for_route53():
    rua = [f"mailto:dmarc-reports-{i:02d}@example.com" for i in range(10)]
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "example.com", "dmarc": {"policy": "reject", "rua": rua}}],
    })

    full = "v=DMARC1; p=reject; rua=" + ",".join(rua)
    assert len(full) > 255
    written = run.records()[("_dmarc.example.com", "TXT")].inputs["records"]
    assert written == [full[:255] + '""' + full[255:]]
    exported = [r for r in run.outputs["domains"]["example.com"]["records"] if r["name"] == "_dmarc.example.com"]
    assert exported[0]["values"] == [full]


def test_full_dmarc_tags_in_stable_order_and_warnings_for_pct_and_foreign_report_domain():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{
            "domain": "example.com",
            "dmarc": {"rua": "reports@dmarc-vendor.example.net", "ruf": ["mailto:f@example.com!10m"],
                      "aspf": "s", "adkim": "s", "pct": 50, "failureOptions": "1:d",
                      "nonexistentPolicy": "reject", "subdomainPolicy": "quarantine", "policy": "none"},
        }],
    })

    assert run.records()[("_dmarc.example.com", "TXT")].inputs["records"] == [
        "v=DMARC1; p=none; sp=quarantine; np=reject; adkim=s; aspf=s; pct=50; t=y; fo=1:d; "
        "rua=mailto:reports@dmarc-vendor.example.net; ruf=mailto:f@example.com!10m"
    ]  # pct below 100 writes RFC 9989's t=y too
    warnings = [r.getMessage() for r in run.logs if r.levelname == "WARNING"]
    assert any("ses-domains:domains[0].dmarc.pct" in w for w in warnings), warnings
    assert any("example.com._report._dmarc.dmarc-vendor.example.net" in w for w in warnings), warnings


def test_the_program_itself_loads_no_aws_sdk_and_no_dns_engine():
    """Zones are read through the AWS provider's getZone and the DNS and SES engine runs only in
    the verification provider: the program's imports pull in neither boto3 nor dnspython, which
    would add a few hundred milliseconds to every preview."""
    script = (
        "import ast, importlib, sys\n"
        f"tree = ast.parse(open({str(PROGRAM)!r}).read())\n"
        "for node in tree.body:\n"
        "    if isinstance(node, ast.ImportFrom): importlib.import_module(node.module)\n"
        "    elif isinstance(node, ast.Import): [importlib.import_module(a.name) for a in node.names]\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'dns', 'moto'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
