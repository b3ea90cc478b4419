"""Records already in a zone before the program runs (moto's Route 53, which the fake AWS
provider's ``getRecords`` reads), the SES identities that already exist, and the stack's own
last outputs as a StackReference to it reads them."""

from __future__ import annotations

from typing import Any, Iterable

from ses_domains.records.route53_values import route53_txt

GET_EMAIL_IDENTITY = "aws:sesv2/getEmailIdentity:getEmailIdentity"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def put_record(route53: Any, zone_id: str, name: str, record_type: str, values: Iterable[str], ttl: int = 300) -> None:
    """Writes a record set into moto's zone; TXT values are given as presentation text."""
    wire = [route53_txt(v) if record_type == "TXT" else v for v in values]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT",
        "ResourceRecordSet": {"Name": name, "Type": record_type, "TTL": ttl,
                              "ResourceRecords": [{"Value": v} for v in wire]},
    }]})


def record_sets(route53: Any, zone_id: str) -> dict[tuple[str, str], list[str]]:
    """Every record set of the zone but SOA and NS, by (name without dot, type), raw values."""
    found = {}
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
        for item in page["ResourceRecordSets"]:
            if item["Type"] not in ("SOA", "NS"):
                found[(item["Name"].rstrip("."), item["Type"])] = [r["Value"] for r in item.get("ResourceRecords", [])]
    return found


def stack_reference_state(stack_outputs: dict) -> dict:
    """What reading a StackReference gives: the referenced stack's outputs."""
    return {"outputs": stack_outputs, "secretOutputNames": []}


def get_email_identity(identities: dict[str, list[str]], args: dict) -> dict:
    """``aws:sesv2/getEmailIdentity`` for the identities SES already has (domain, or
    ``<domain>@<region>`` for another region, -> DKIM tokens); any other fails as the provider does
    for a missing identity."""
    from tests.fake_aws_provider import ProviderError

    domain = args["emailIdentity"]
    # An identity in another region than the provider's (a replica) is keyed "<domain>@<region>".
    key = f"{domain}@{args['region']}" if args.get("region") else domain
    if key not in identities:
        raise ProviderError(GET_EMAIL_IDENTITY, f"reading SESV2 Email Identity ({domain}): couldn't find resource")
    return {
        "emailIdentity": domain,
        "arn": f"arn:aws:ses:{args.get('region') or 'eu-west-1'}:123456789012:identity/{domain}",
        "dkimSigningAttributes": [{"tokens": identities[key], "status": "SUCCESS", "signingAttributesOrigin": "AWS_SES"}],
    }
