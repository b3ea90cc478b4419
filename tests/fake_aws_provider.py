"""The AWS provider's ``aws:route53/getZone`` data source, answered from moto's Route 53.

Under Pulumi's mocks an invoke reaches ``Mocks.call``. This follows the provider's documented
filters (``zone_id``, or ``name`` with ``private_zone``; exactly one zone must match) and fails
the way the engine reports a failed provider call: a gRPC error whose details carry the provider's
message, which the Pulumi runtime turns into an exception the program can catch.
"""

from __future__ import annotations

from typing import Any

import grpc
from botocore.exceptions import ClientError

GET_ZONE = "aws:route53/getZone:getZone"


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
