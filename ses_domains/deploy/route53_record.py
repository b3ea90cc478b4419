"""Declaring a record set in Route 53, the one way every component of the stack does it."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ses_domains.deploy import record_writes
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.model import DnsRecord


def declare_record(
    name: str,
    zone: HostedZone,
    parent: pulumi.Resource,
    record: pulumi.Input[DnsRecord],
    *,
    record_type: str,
    ttl: int,
    adopted: frozenset[tuple[str, str]] = frozenset(),
    aliases: tuple[str, ...] = (),
) -> aws.route53.Record:
    """In ``route53Writes: batched`` the record joins its zone's resource instead, and what is
    returned is an output of that resource (``deploy.record_writes``).

    ``record`` may be known (static records) or an output (DKIM records, whose tokens SES
    gives only once the identity exists); type and TTL are always known, so previews show them.
    ``aliases``: earlier names of the resource (same parent), whose state it takes over.

    ``allow_overwrite`` only for a record set in ``adopted`` (``existingRecords: adopt``, seen and
    announced at preview) or taken over from the zones' resources on the switch back from
    ``batched`` (``RecordWrites.taken_over``): otherwise Route 53's CREATE fails on an existing
    record set instead of silently replacing what another owner put there."""
    record = pulumi.Output.from_input(record)
    writes = record_writes.current()
    if writes.batched:
        return writes.add(name, zone, record, adopted)
    adopted = adopted | writes.taken_over
    return aws.route53.Record(
        name,
        zone_id=zone.zone_id,
        name=record.apply(lambda r: r.name),
        type=record_type,
        ttl=ttl,
        records=record.apply(lambda r: r.route53_values()),
        # An output only when something of this type is adopted: an apply per record costs time.
        allow_overwrite=record.apply(lambda r: (r.name, r.type) in adopted)
        if any(kind == record_type for _, kind in adopted) else False,
        opts=pulumi.ResourceOptions(parent=parent, aliases=_aliases(aliases),
                                    retain_on_delete=True if writes.retained else None),
    )


def declare_known_record(
    name: str, zone: HostedZone, parent: pulumi.Resource, record: DnsRecord, adopted: frozenset[tuple[str, str]] = frozenset(),
    depends_on: Optional[list[pulumi.Resource]] = None, aliases: tuple[str, ...] = (),
) -> aws.route53.Record:
    """A record whose name and values are known before anything is created (after ``depends_on``)."""
    writes = record_writes.current()
    if writes.batched and not depends_on:
        return writes.add(name, zone, pulumi.Output.from_input(record), adopted)
    if not depends_on:  # with depends_on it was a record resource of its own in the zones' mode too
        adopted = adopted | writes.taken_over
    return aws.route53.Record(
        name,
        zone_id=zone.zone_id,
        name=record.name,
        type=record.type,
        ttl=record.ttl,
        records=record.route53_values(),
        allow_overwrite=(record.name, record.type) in adopted,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends_on, aliases=_aliases(aliases),
                                    retain_on_delete=True if writes.retained else None),
    )


def _aliases(names: tuple[str, ...]) -> Optional[list[pulumi.Alias]]:
    """None without aliases: the registration of every other record stays as it was."""
    return [pulumi.Alias(name=alias) for alias in names] or None


def record_output(record: DnsRecord, zone: HostedZone, with_zone_id: bool = False) -> dict:
    """A record as the stack exports it: what a user would type into a DNS console. The public
    components' ``records`` name the zone's id too (``with_zone_id``); the stack's export keeps the
    shape it always had."""
    output = {"name": record.name, "type": record.type, "values": list(record.values), "ttl": record.ttl,
              "zone": zone.name}
    if with_zone_id:
        output["zoneId"] = zone.zone_id
    return output
