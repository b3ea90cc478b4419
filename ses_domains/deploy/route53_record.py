"""Declaring a record set in Route 53, the one way every component of the stack does it."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ses_domains.records.model import DnsRecord
from ses_domains.records.route53 import route53_values
from ses_domains.deploy.zones import HostedZone


def declare_record(
    name: str,
    zone: HostedZone,
    parent: pulumi.Resource,
    *,
    record_name: pulumi.Input[str],
    record_type: str,
    ttl: int,
    values: pulumi.Input[list[str]],
) -> aws.route53.Record:
    # Never allow_overwrite: Route 53's CREATE fails on an existing record set instead of
    # silently replacing what another owner put there.
    return aws.route53.Record(
        name,
        zone_id=zone.zone_id,
        name=record_name,
        type=record_type,
        ttl=ttl,
        records=values,
        allow_overwrite=False,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def declare_known_record(name: str, zone: HostedZone, parent: pulumi.Resource, record: DnsRecord) -> aws.route53.Record:
    """A record whose name and values are known before anything is created."""
    return declare_record(
        name, zone, parent,
        record_name=record.name, record_type=record.type, ttl=record.ttl, values=route53_values(record),
    )


def record_output(record: DnsRecord, zone: HostedZone) -> dict:
    """A record as the stack exports it: what a user would type into a DNS console."""
    return {
        "name": record.name,
        "type": record.type,
        "values": list(record.values),
        "ttl": record.ttl,
        "zone": zone.name,
    }
