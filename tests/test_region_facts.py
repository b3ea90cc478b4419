"""The per-region facts table against botocore's list of SES regions, and what it changes in a stack."""

from __future__ import annotations

import json

import boto3
import pytest

from ses_domains.records.regions import DEFAULT_DKIM_DOMAIN, REGION_FACTS
from ses_domains.records.ses import dkim_domain
from tests.pulumi_program import RecordingMocks, refused_at_preview, run_program

CNAME = "aws:route53/record:Record"


def botocore_ses_regions() -> dict[str, str]:
    session = boto3.session.Session()
    return {region: partition for partition in session.get_available_partitions()
            for region in session.get_available_regions("sesv2", partition_name=partition)}


def test_every_region_botocore_offers_ses_in_has_a_row_with_its_partition_and_source():
    regions = botocore_ses_regions()
    missing = sorted(set(regions) - set(REGION_FACTS))
    assert not missing, f"SES regions with no row in ses_domains/records/regions.py: {missing}"
    for region, partition in regions.items():
        row = REGION_FACTS[region]
        assert row.partition == partition, region
        assert "General Reference" in row.source, region
    assert sorted(set(REGION_FACTS) - set(regions)) == []


def test_the_regions_with_their_own_dkim_domain():
    own = sorted(region for region, row in REGION_FACTS.items() if row.own_dkim_domain)
    assert own == ["af-south-1", "ap-northeast-3", "ap-south-2", "ap-southeast-3", "ap-southeast-5", "ca-west-1",
                   "eu-central-2", "eu-south-1", "il-central-1", "me-central-1", "us-gov-east-1"]
    assert dkim_domain("me-central-1") == "dkim.me-central-1.amazonses.com"
    assert dkim_domain("me-south-1") == dkim_domain("us-east-1") == DEFAULT_DKIM_DOMAIN


def test_a_stack_in_me_central_1_points_its_dkim_cnames_at_that_regions_dkim_domain():
    mocks = RecordingMocks()
    run_program({"aws:region": "me-central-1", "ses-domains:domains": [{"domain": "example.com"}]}, mocks=mocks)
    cnames = [r for r in mocks.resources if r.type == CNAME and r.inputs["type"] == "CNAME"]
    assert len(cnames) == 3
    for record in cnames:
        [target] = record.inputs["records"]
        assert target.endswith(".dkim.me-central-1.amazonses.com"), target


def test_a_region_whose_facts_have_no_source_is_refused_with_the_reason():
    message = refused_at_preview({"aws:region": "eusc-de-east-1", "ses-domains:domains": [{"domain": "example.com"}]})
    assert "aws:region: eusc-de-east-1 cannot be deployed to by this version: the AWS European Sovereign Cloud's" in message


@pytest.mark.parametrize("key, config", [
    ("ses-domains:domains[0].replicaRegions[0]",
     {"ses-domains:domains": [{"domain": "example.com", "replicaRegions": ["eu-west-1"]}]}),
    ("ses-domains:globalEndpoint.regions[1]",
     {"ses-domains:domains": [{"domain": "example.com", "replicaRegions": ["us-gov-east-1"]}],
      "ses-domains:globalEndpoint": {"name": "global", "regions": ["us-gov-west-1", "eu-west-1"]}}),
])
def test_a_region_in_another_partition_is_refused_at_preview_under_its_key(key, config):
    message = refused_at_preview({"aws:region": "us-gov-west-1", **config})
    assert (f"{key}: eu-west-1 is in the aws partition and the stack's region us-gov-west-1 in aws-us-gov: "
            "one AWS provider (one set of credentials) reaches only its own partition") in message


def govcloud_every_option_config() -> dict:
    """The every-option stack moved to GovCloud: its regions and ARNs in aws-us-gov, receiving left
    out (SES receives no mail in GovCloud)."""
    import json

    from tests.every_option import every_option_config

    text = json.dumps(every_option_config())
    text = text.replace("arn:aws:", "arn:aws-us-gov:").replace("eu-west-1", "us-gov-west-1")
    text = text.replace("us-east-1", "us-gov-east-1")
    config = json.loads(text)
    for domain in config["ses-domains:domains"]:
        domain.pop("receive", None)
        if isinstance(domain.get("replicaRegions"), list):
            domain["replicaRegions"] = [r for r in domain["replicaRegions"] if r.startswith("us-gov-")]
    return config


def _arns(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("arn:") else [part for part in value.split('"') if part.startswith("arn:")]
    if isinstance(value, dict):
        return [arn for item in value.values() for arn in _arns(item)]
    if isinstance(value, (list, tuple)):
        return [arn for item in value for arn in _arns(item)]
    return []


def test_a_govcloud_stack_writes_every_arn_in_aws_us_gov(tmp_path, capsys):
    from ses_domains.cli.main import main
    from tests.cli_fixtures import write_stack

    config = govcloud_every_option_config()
    run = run_program(config, mocks=RecordingMocks())
    arns = [arn for declared in run.mocks.resources for arn in _arns(declared.inputs)]
    assert len(arns) > 5
    assert [arn for arn in arns if not arn.startswith("arn:aws-us-gov:")] == []

    import shutil
    from pathlib import Path

    from tests.dkim_test_keys import with_test_keys

    shutil.copytree(Path(__file__).parent / "stacks" / "templates", tmp_path / "tests" / "stacks" / "templates")
    write_stack(tmp_path, "gov", with_test_keys({**config, "ses-domains:domains": [
        {**d, "zone": "Z0123456789ABCDEFGHIJ"} for d in config["ses-domains:domains"]]}))
    code = main(["iam-policy", "--stack", "gov", "-C", str(tmp_path), "--account-id", "123456789012"])
    out, err = capsys.readouterr()
    assert code == 0, err
    policy_arns = _arns(json.loads(out))
    assert policy_arns and [arn for arn in policy_arns if not arn.startswith("arn:aws-us-gov:")] == []
