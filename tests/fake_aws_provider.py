"""The AWS provider's Route 53 data sources the program invokes (``getZone``, ``getZones``,
``getRecords``), answered from moto's Route 53.

Under Pulumi's mocks an invoke reaches ``Mocks.call``. This follows the provider's source
(terraform-provider-aws ``internal/service/route53/zone_data_source.go``, ``zones_data_source.go``,
``records_data_source.go``): ``getZone`` by ``zone_id``, or by ``name`` with ``private_zone``
after listing every zone (exactly one must match); ``getZones`` lists every zone id; ``getRecords``
lists a zone's record sets filtered by a regular expression on their names. A failure comes back
the way the engine reports a failed provider call: a gRPC error whose details carry the provider's
message, which the Pulumi runtime turns into an exception the program can catch.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import grpc
from botocore.exceptions import ClientError

GET_ZONE = "aws:route53/getZone:getZone"
GET_ZONES = "aws:route53/getZones:getZones"
GET_RECORDS = "aws:route53/getRecords:getRecords"


class ProviderError(grpc.RpcError):
    """A failed provider call, as the resource monitor returns it to the language runtime."""

    def __init__(self, token: str, message: str):
        super().__init__(message)
        self._details = f"invocation of {token} returned an error: invoking {token}: 1 error occurred:\n\t* {message}\n\n"

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNKNOWN

    def details(self) -> str:
        return self._details


def get_zone(route53: Any, args: dict) -> dict:
    if args.get("zoneId"):
        try:
            answer = route53.get_hosted_zone(Id=args["zoneId"])
        except ClientError:
            raise ProviderError(GET_ZONE, f"reading Route 53 Hosted Zone ({args['zoneId']}): couldn't find resource") from None
        return _result(answer)
    wanted = _normalize(args.get("name") or "")
    private = bool(args.get("privateZone"))
    matches = [
        zone["Id"]
        for page in route53.get_paginator("list_hosted_zones").paginate()
        for zone in page["HostedZones"]
        if (not wanted or _normalize(zone["Name"]) == wanted)
        and zone.get("Config", {}).get("PrivateZone", False) == private
    ]
    if not matches:
        raise ProviderError(GET_ZONE, "no matching Route 53 Hosted Zone found")
    if len(matches) > 1:
        raise ProviderError(
            GET_ZONE, "multiple Route 53 Hosted Zones matched; use additional constraints to reduce matches to a single Route 53 Hosted Zone"
        )
    return _result(route53.get_hosted_zone(Id=matches[0]))


def _result(answer: dict) -> dict:
    zone = answer["HostedZone"]
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    name_servers = answer.get("DelegationSet", {}).get("NameServers", [])
    return {
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "callerReference": zone.get("CallerReference", ""),
        "comment": zone.get("Config", {}).get("Comment", ""),
        "id": zone_id,
        "name": _normalize(zone["Name"]),
        "nameServers": name_servers,
        "primaryNameServer": name_servers[0] if name_servers else "",
        "privateZone": zone.get("Config", {}).get("PrivateZone", False),
        "resourceRecordSetCount": zone.get("ResourceRecordSetCount", 0),
        "tags": {},
        "zoneId": zone_id,
    }


def _normalize(name: str) -> str:
    return name.rstrip(".").lower()


def get_zones(route53: Any, args: dict) -> dict:
    """``aws:route53/getZones``: the id of every hosted zone, public and private, with no filter
    (terraform-provider-aws ``zones_data_source.go``: ``ListHostedZones``, every page)."""
    ids = [
        zone["Id"].rsplit("/", 1)[-1]
        for page in route53.get_paginator("list_hosted_zones").paginate()
        for zone in page["HostedZones"]
    ]
    return {"id": "us-east-1", "ids": ids}


def get_records(route53: Any, args: dict) -> dict:
    """``aws:route53/getRecords``: the record sets of ``zoneId`` whose name (as Route 53 returns it,
    with the trailing dot) matches ``nameRegex`` (``records_data_source.go``)."""
    zone_id = args.get("zoneId") or ""
    pattern = re.compile(args["nameRegex"]) if args.get("nameRegex") else None
    try:
        pages = list(route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id))
    except ClientError as error:
        raise ProviderError(GET_RECORDS, f"listing Route 53 Records ({zone_id}): {error}") from None
    record_sets = [
        {
            "name": record["Name"],
            "type": record["Type"],
            "ttl": record.get("TTL", 0),
            "resourceRecords": [{"value": value["Value"]} for value in record.get("ResourceRecords", [])],
        }
        for page in pages
        for record in page["ResourceRecordSets"]
        if pattern is None or pattern.search(record["Name"])
    ]
    return {"nameRegex": args.get("nameRegex"), "resourceRecordSets": record_sets, "zoneId": zone_id}


def answer(route53: Any, token: str, args: dict) -> Optional[dict]:
    """The answer to any Route 53 invoke the program makes; ``None`` for other tokens."""
    handler = TOKENS.get(token)
    return handler(route53, args) if handler else None


TOKENS = {GET_ZONE: get_zone, GET_ZONES: get_zones, GET_RECORDS: get_records}
"""The Route 53 invokes the program makes, and how the fake answers each."""
