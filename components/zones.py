"""Finding the Route 53 hosted zone of each domain before anything is declared.

The lookups are data-source invokes: they run during ``pulumi preview`` too, so a zone that does
not exist, or a zone id whose zone cannot hold the domain, is reported before any resource is
declared, next to the config key that named it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from .config.domain_names import is_within
from .config.domains import DomainSpec, ZoneRef
from .config.errors import Problems


@dataclass(frozen=True)
class HostedZone:
    zone_id: str
    name: str
    name_servers: tuple[str, ...]


def lookup_zones(domains: tuple[DomainSpec, ...]) -> dict[str, HostedZone]:
    """The hosted zone of each domain, keyed by domain; one lookup per distinct zone."""
    problems = Problems()
    found: dict[ZoneRef, HostedZone] = {}
    failed: set[ZoneRef] = set()
    result: dict[str, HostedZone] = {}
    for spec in domains:
        if spec.zone not in found and spec.zone not in failed:
            try:
                found[spec.zone] = _lookup(spec.zone)
            except Exception as error:  # the provider's own message says why (not found, access denied)
                failed.add(spec.zone)
                problems.add(
                    f"{spec.key}.zone",
                    f"no public Route 53 hosted zone {spec.zone} could be read ({_first_line(error)}); "
                    "set zone to the name or id of the public hosted zone that holds this domain",
                )
                continue
        zone = found.get(spec.zone)
        if zone is None:
            continue
        if not is_within(spec.domain, zone.name):
            problems.add(
                f"{spec.key}.zone",
                f"the zone {spec.zone} is {zone.name}, which cannot hold records of {spec.domain}",
            )
            continue
        result[spec.domain] = zone
    problems.raise_if_any()
    return result


def _lookup(ref: ZoneRef) -> HostedZone:
    if ref.zone_id:
        answer = aws.route53.get_zone(zone_id=ref.zone_id)
    else:
        answer = aws.route53.get_zone(name=ref.name, private_zone=False)
    return HostedZone(
        zone_id=answer.zone_id,
        name=answer.name.rstrip(".").lower(),
        name_servers=tuple(answer.name_servers or ()),
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
