"""What the apex SPF resource does in Route 53 (imported by its provider only when it runs).

Each write is one change batch that DELETEs the record set exactly as it was read and CREATEs
the new one: Route 53 applies a batch all or nothing, and a DELETE whose values no longer match
fails, so a change someone made between the read and the write is never lost (the batch fails
with ``InvalidChangeBatch`` and the next ``pulumi up`` merges into the new values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ses_domains.engine.ses.client import AwsSettings, make_aws_client
from ses_domains.records.route53_values import presentation_value, record_name, route53_txt
from ses_domains.records.spf import merge_spf, unmerge_spf


class ApexSpfError(Exception):
    """Route 53 refused a change; the message says what to do."""


@dataclass(frozen=True)
class TxtSet:
    values: tuple[str, ...]
    ttl: int
    raw: tuple[str, ...]
    """The values exactly as Route 53 returned them (a DELETE must match them)."""


ROUTE53_ATTEMPTS = 3
"""Route 53 answers PriorRequestNotComplete and throttling while a zone is busy: a few tries,
each bounded by the client's timeouts, so a write ends in about two minutes at most."""


def route53_client(props: Mapping[str, Any]) -> Any:
    aws = props.get("aws") or {}
    settings = AwsSettings(region=aws.get("region"), profile=aws.get("profile"))
    return make_aws_client(settings, "route53", attempts=ROUTE53_ATTEMPTS)


def read_txt(client: Any, zone_id: str, name: str) -> Optional[TxtSet]:
    answer = client.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=name, StartRecordType="TXT", MaxItems="1"
    )
    for item in answer.get("ResourceRecordSets", []):
        if record_name(item["Name"]) == name and item["Type"] == "TXT" and "ResourceRecords" in item:
            raw = tuple(r["Value"] for r in item["ResourceRecords"])
            return TxtSet(tuple(presentation_value("TXT", v) for v in raw), int(item.get("TTL", 300)), raw)
    return None


def merge(props: Mapping[str, Any], olds: Optional[Mapping[str, Any]], client: Any = None) -> dict:
    """Create or update: the live set with the wanted includes in its SPF string; includes the
    stack added before and no longer wants are taken out again."""
    client = client or route53_client(props)
    zone_id, name, includes = props["zoneId"], props["name"], list(props["includes"])
    live = read_txt(client, zone_id, name)
    values = live.values if live else ()
    if olds:
        dropped = [target for target in olds.get("added") or [] if target not in includes]
        values = unmerge_spf(values, dropped, created=False)
        kept = [target for target in olds.get("added") or [] if target in includes]
        restore, created = olds.get("restore"), bool(olds.get("created"))
    else:
        kept = []
        restore = {"values": list(live.values), "ttl": live.ttl} if live else None
        created = False
    merged = merge_spf(values, includes)
    created = created or (not olds and merged.spf_before is None)
    ttl = live.ttl if live else int(props["ttl"])
    if not live or tuple(live.values) != merged.values:
        _replace(client, zone_id, name, live, merged.values, ttl)
    return {
        **props,
        "written": list(merged.values),
        "added": kept + [t for t in merged.added if t not in kept],
        "created": created,
        "restore": restore,
    }


def restore(props: Mapping[str, Any], client: Any = None) -> None:
    """Delete: what was there before when nobody changed the set since; otherwise only the terms
    the stack added come out, and everyone else's later changes stay."""
    client = client or route53_client(props)
    zone_id, name = props["zoneId"], props["name"]
    live = read_txt(client, zone_id, name)
    if live is None:
        return
    before = props.get("restore")
    if list(live.values) == list(props.get("written") or []):
        target = tuple(before["values"]) if before else ()
        ttl = int(before["ttl"]) if before else live.ttl
    else:
        target = unmerge_spf(live.values, props.get("added") or [], bool(props.get("created")))
        ttl = live.ttl
    if target != live.values or ttl != live.ttl:
        _replace(client, zone_id, name, live, target, ttl)


def _replace(client: Any, zone_id: str, name: str, live: Optional[TxtSet], values: tuple[str, ...], ttl: int) -> None:
    changes = []
    if live:
        changes.append({"Action": "DELETE", "ResourceRecordSet": {
            "Name": name, "Type": "TXT", "TTL": live.ttl, "ResourceRecords": [{"Value": v} for v in live.raw]}})
    if values:
        changes.append({"Action": "CREATE", "ResourceRecordSet": {
            "Name": name, "Type": "TXT", "TTL": ttl, "ResourceRecords": [{"Value": route53_txt(v)} for v in values]}})
    if not changes:
        return
    try:
        client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
            "Comment": "ses-domains: apex SPF", "Changes": changes})
    except Exception as error:  # botocore's ClientError, imported with boto3 only here
        raise ApexSpfError(
            f"Route 53 refused to change the TXT record set {name} in zone {zone_id} ({error}); if someone changed it "
            "meanwhile, run pulumi up again: the merge starts from what is there now"
        ) from None
