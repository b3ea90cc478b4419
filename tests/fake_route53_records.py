"""The AWS provider's ``aws:route53/getRecords`` data source, answered from moto's Route 53, and
the helpers tests use to put records in a zone before the program runs.

terraform-provider-aws (``internal/service/route53/records_data_source.go``) pages through
``ListResourceRecordSets`` for the whole zone and keeps the record sets whose name, exactly as
Route 53 returns it (fully qualified, with its trailing dot), matches ``name_regex``; the answer is
the record sets as the API gives them (values in zone-file form, TXT quoted), snake_case in the
schema and camelCase on the wire, which is what ``Mocks.call`` returns.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from ses_domains.records.route53_values import route53_txt

GET_RECORDS = "aws:route53/getRecords:getRecords"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


def get_records(route53: Any, args: dict) -> dict:
    zone_id = args["zoneId"]
    pattern = re.compile(args["nameRegex"]) if args.get("nameRegex") else None
    found = []
    for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
        for item in page["ResourceRecordSets"]:
            if pattern is None or pattern.search(item["Name"]):
                found.append(_wire(item))
    return {"id": zone_id, "zoneId": zone_id, "nameRegex": args.get("nameRegex"), "resourceRecordSets": found}


def _wire(item: dict) -> dict:
    alias = item.get("AliasTarget")
    return {
        "name": item["Name"],
        "type": item["Type"],
        "ttl": item.get("TTL", 0),
        "resourceRecords": [{"value": r["Value"]} for r in item.get("ResourceRecords", [])],
        "setIdentifier": item.get("SetIdentifier", ""),
        "aliasTarget": {"dnsName": alias["DNSName"], "hostedZoneId": alias["HostedZoneId"],
                        "evaluateTargetHealth": alias["EvaluateTargetHealth"]} if alias else None,
    }


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
