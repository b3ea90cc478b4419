"""Replica regions and the global endpoint in the real program under Pulumi's mocks: identities in
their regions with their own records and MAIL FROM, what the verification step is given per
region, the multi-region endpoint, and what preview refuses (under the key, declaring nothing)."""

from __future__ import annotations

import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from tests.dkim_test_keys import private_pem
from tests.pulumi_program import RecordingMocks, dkim_tokens, run_program
from tests.test_config_cases import run_failing

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
ENDPOINT = "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"
KEY_STEP = "pulumi-python:dynamic/ses-domains:DkimKeyPublished"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
D = "ses-domains:domains"
G = "ses-domains:globalEndpoint"


def two_regions(**domain) -> dict:
    return {"aws:region": "eu-west-1", D: [{"domain": "example.com", "mailFrom": "bounce",
                                            "dmarc": {"policy": "none", "rua": "dmarc@example.com"}, **domain}]}


def identity_in(run, region: str):
    (identity,) = [r for r in run.of_type(IDENTITY) if (r.inputs.get("region") or "eu-west-1") == region]
    return identity


def urn_of(run, type_token: str, name: str) -> str:
    return next(urn for urn in run.urns if urn.endswith(f"{type_token}::{name}"))


def test_a_replica_is_an_identity_in_its_region_with_its_own_dkim_records_and_mail_from():
    run = run_program(two_regions(replicaRegions=["us-east-1", "eu-south-1"], configurationSet=None))

    assert sorted(r.inputs.get("region", "") for r in run.of_type(IDENTITY)) == ["", "eu-south-1", "us-east-1"]
    for region, dkim_domain in (("us-east-1", "dkim.amazonses.com"), ("eu-south-1", "dkim.eu-south-1.amazonses.com")):
        replica = identity_in(run, region)
        assert replica.inputs["emailIdentity"] == "example.com"
        assert replica.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
        assert "configurationSetName" not in replica.inputs
        for token in dkim_tokens("example.com", region):
            record = run.records()[(f"{token}._domainkey.example.com", "CNAME")]
            assert record.inputs["records"] == [f"{token}.{dkim_domain}"]
        # MAIL FROM: a name of its own whose MX names the region's own feedback endpoint.
        name = f"{region}.bounce.example.com"
        assert run.records()[(name, "MX")].inputs["records"] == [f"10 feedback-smtp.{region}.amazonses.com"]
        assert run.records()[(name, "TXT")].inputs["records"] == ["v=spf1 include:amazonses.com ~all"]
        (mail_from,) = [r for r in run.of_type(MAIL_FROM) if r.inputs.get("region") == region]
        assert mail_from.inputs["mailFromDomain"] == name
    # The stack region's identity is unchanged; DMARC is the domain's, written once.
    assert run.records()[("bounce.example.com", "MX")].inputs["records"] == ["10 feedback-smtp.eu-west-1.amazonses.com"]
    assert sum(1 for name, kind in run.records() if name == "_dmarc.example.com") == 1
    assert len([key for key in run.records() if key[1] == "CNAME"]) == 9
    # SES's default feedback forwarding for a replica: nothing declared that could turn it off.
    assert [r.inputs.get("region") for r in run.of_type(FEEDBACK)] == [None]
    exported = run.outputs["domains"]["example.com"]
    assert exported["replicas"]["us-east-1"]["identityArn"] == "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    assert ("us-east-1.bounce.example.com", "MX") in {(r["name"], r["type"]) for r in exported["records"]}


def test_the_replica_s_records_and_mail_from_wait_for_its_identity_and_verification_for_all():
    run = run_program(two_regions(replicaRegions=["us-east-1"]))

    replica_urn = urn_of(run, IDENTITY, "example.com-us-east-1")
    for index in (1, 2, 3):
        assert replica_urn in run.dependencies[f"example.com-us-east-1-dkim-{index}"]
    assert replica_urn in run.dependencies["example.com-us-east-1-mail-from"]
    waited = set(run.dependencies["verification"])
    assert replica_urn in waited
    assert urn_of(run, "aws:route53/record:Record", "example.com-us-east-1-mail-from-mx") in waited
    assert urn_of(run, MAIL_FROM, "example.com-us-east-1-mail-from") in waited


def test_the_verification_step_gets_one_job_per_region():
    run = run_program(two_regions(replicaRegions=["us-east-1"]))

    (step,) = run.of_type(VERIFICATION)
    jobs = step.inputs["domains"]
    assert set(jobs) == {"example.com", "example.com (us-east-1)"}
    assert "region" not in jobs["example.com"], "the stack region's job keeps the shape old stacks stored"
    replica = jobs["example.com (us-east-1)"]
    assert (replica["domain"], replica["region"]) == ("example.com", "us-east-1")
    names = {(r["name"], r["type"]): r["values"] for r in replica["records"]}
    tokens = dkim_tokens("example.com", "us-east-1")
    assert names == {
        **{(f"{t}._domainkey.example.com", "CNAME"): [f"{t}.dkim.amazonses.com"] for t in tokens},
        ("us-east-1.bounce.example.com", "MX"): ["10 feedback-smtp.us-east-1.amazonses.com"],
        ("us-east-1.bounce.example.com", "TXT"): ["v=spf1 include:amazonses.com ~all"],
    }
    assert replica["mailFromRequired"] is True


def test_a_byodkim_replica_gets_the_same_key_as_a_secret_after_the_key_is_published_and_adds_no_record():
    run = run_program(two_regions(replicaRegions=["us-east-1"],
                                  dkim={"selector": "s2026a", "privateKey": private_pem(2048, "pkcs8", name="replica")}))

    replica = identity_in(run, "us-east-1")
    assert is_rpc_secret(replica.inputs["dkimSigningAttributes"])
    attributes = unwrap_rpc_secret(replica.inputs["dkimSigningAttributes"])
    primary = unwrap_rpc_secret(identity_in(run, "eu-west-1").inputs["dkimSigningAttributes"])
    assert attributes == primary and attributes["domainSigningSelector"] == "s2026a"
    assert urn_of(run, KEY_STEP, "example.com-dkim-key-published") in run.dependencies["example.com-us-east-1"]
    assert [key for key in run.records() if key[0].endswith("._domainkey.example.com")] == [
        ("s2026a._domainkey.example.com", "TXT")]
    (step,) = run.of_type(VERIFICATION)
    replica_records = step.inputs["domains"]["example.com (us-east-1)"]["records"]
    assert ("s2026a._domainkey.example.com", "TXT") in {(r["name"], r["type"]) for r in replica_records}


def test_the_global_endpoint_is_declared_in_its_primary_region_after_every_identity():
    config = two_regions(replicaRegions=["us-east-1"])
    config[D].append({"domain": "example.org", "replicaRegions": ["us-east-1"]})
    config[G] = {"name": "example-global", "regions": ["us-east-1", "eu-west-1"]}
    run = run_program(config)

    (endpoint,) = run.of_type(ENDPOINT)
    assert endpoint.inputs["endpointName"] == "example-global"
    assert endpoint.inputs["region"] == "us-east-1"
    assert endpoint.inputs["details"] == {"routesDetails": {"region": "eu-west-1"}}
    waited = set(run.dependencies["global-endpoint"])
    for name in ("example.com", "example.com-us-east-1", "example.org", "example.org-us-east-1"):
        assert urn_of(run, IDENTITY, name) in waited
    assert run.outputs["globalEndpoint"]["regions"] == ["us-east-1", "eu-west-1"]
    assert run.outputs["globalEndpoint"]["name"] == "example-global"


REFUSED = {
    "the stack's own region": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-1", "eu-west-1"]}]},
        f"{D}[0].replicaRegions[1]: eu-west-1 is the stack's own region",
    ),
    "a region twice": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-1", "us-east-1"]}]},
        f"{D}[0].replicaRegions[1]: us-east-1 is listed twice",
    ),
    "not a region": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-one"]}]},
        f"{D}[0].replicaRegions[0]: must be an AWS region such as us-east-1, got 'us-east-one'",
    ),
    "a region without SES": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-esat-1"]}]},
        f"{D}[0].replicaRegions[0]: us-esat-1 is not a region where SES is offered",
    ),
    "a domain outside the endpoint's regions": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-1"]}, {"domain": "example.org"}],
         G: {"name": "global", "regions": ["eu-west-1", "us-east-1"]}},
        f"{D}[1].replicaRegions: {G} sends through eu-west-1 and us-east-1, but example.org has no identity in "
        "us-east-1",
    ),
    "an endpoint whose primary is a region the domains are not in": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-1"]}],
         G: {"name": "global", "regions": ["us-west-2", "us-east-1"]}},
        f"{D}[0].replicaRegions: {G} sends through us-west-2 and us-east-1, but example.com has no identity in "
        "us-west-2",
    ),
    "an endpoint name SES refuses": (
        {D: [{"domain": "example.com", "replicaRegions": ["us-east-1"]}],
         G: {"name": "global.endpoint", "regions": ["eu-west-1", "us-east-1"]}},
        f"{G}.name: must be 1 to 64 letters, digits, '_' and '-'",
    ),
    "one region": (
        {D: [{"domain": "example.com"}], G: {"name": "global", "regions": ["eu-west-1"]}},
        f"{G}.regions: must be a list of two SES regions, [primary, secondary]",
    ),
    "the same region twice": (
        {D: [{"domain": "example.com"}], G: {"name": "global", "regions": ["eu-west-1", "eu-west-1"]}},
        f"{G}.regions[1]: eu-west-1 is listed twice",
    ),
    "a typo in the endpoint": (
        {D: [{"domain": "example.com"}], G: {"name": "global", "region": ["eu-west-1", "us-east-1"]}},
        f"{G}.region: unknown key; did you mean 'regions'?",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_regions_are_refused_at_preview_under_their_key(case):
    config, expected = REFUSED[case]
    assert expected in run_failing(config)


def test_a_replica_mail_from_name_that_a_zone_holds_already_is_foreign():
    def prepare(route53, zone_ids):
        route53.change_resource_record_sets(HostedZoneId=zone_ids["example.com"], ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": "us-east-1.bounce.example.com", "Type": "MX", "TTL": 300,
                "ResourceRecords": [{"Value": "10 mx.elsewhere.example.net"}]}}]})

    mocks = RecordingMocks()
    with pytest.raises(Exception) as raised:
        run_program(two_regions(replicaRegions=["us-east-1"]), mocks=mocks, prepare=prepare)
    message = str(raised.value)
    assert f"{D}[0].replicaRegions[0]" in message and "us-east-1.bounce.example.com" in message
    assert [r for r in mocks.resources if r.type == IDENTITY] == []
