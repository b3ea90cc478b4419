"""Which tracking CNAMEs the stack writes, and where: one decision, used by the configuration sets
that declare them and by the preflight that checks their names for foreign records first.

A tracking domain's CNAME is written only into a hosted zone the stack already uses (one of its
domains' zones, the closest), once per tracking domain, and only with httpsPolicy OPTIONAL: HTTPS
tracking needs a CloudFront distribution in front of the SES endpoint, which the name must then
point at instead. Otherwise a warning says which record to create.
"""

from __future__ import annotations

from dataclasses import dataclass

from ses_domains.config.domain_names import is_within
from ses_domains.config.domains import DEFAULT_TTL
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import tracking_endpoint
from ses_domains.records.tracking import tracking_cname


@dataclass(frozen=True)
class TrackingRecord:
    record: DnsRecord
    zone: HostedZone
    key: str
    """The config key that makes the stack write it (``...configurationSets[0].trackingDomain``)."""


@dataclass(frozen=True)
class TrackingPlan:
    records: dict[str, TrackingRecord]
    """By configuration set name: the sets that write their tracking CNAME."""
    warnings: tuple[str, ...]


def plan_tracking_records(stack: StackSpec, zones: dict[str, HostedZone]) -> TrackingPlan:
    records: dict[str, TrackingRecord] = {}
    warnings: list[str] = []
    written: set[str] = set()
    for spec in stack.configuration_sets:
        domain = spec.tracking_domain
        if not domain or domain in written:
            continue
        key, endpoint = f"{spec.key}.trackingDomain", tracking_endpoint(stack.region)
        if spec.https_policy != "OPTIONAL":
            warnings.append(
                f"{key}: httpsPolicy {spec.https_policy} needs HTTPS on {domain}: put a CloudFront distribution "
                f"(with an ACM certificate for {domain} in us-east-1) in front of {endpoint} and point {domain} "
                "at it; the stack does not write this record (see Custom tracking domain in the README)"
            )
            continue
        candidates = [z for z in {z.zone_id: z for z in zones.values()}.values() if is_within(domain, z.name)]
        if not candidates:
            warnings.append(
                f"{key}: {domain} is in none of this stack's hosted zones; create the record yourself: "
                f"{domain} CNAME {endpoint}"
            )
            continue
        zone = max(candidates, key=lambda z: len(z.name))
        records[spec.name] = TrackingRecord(tracking_cname(domain, stack.region, DEFAULT_TTL), zone, key)
        written.add(domain)
    return TrackingPlan(records, tuple(warnings))
