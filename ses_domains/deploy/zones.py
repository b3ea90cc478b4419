"""Finding the Route 53 hosted zone of each domain before anything is declared.

The lookups are ``aws:route53/getZone`` invokes, answered by the stack's own AWS provider: the
zone is read with exactly the credentials, profile, assumed role and endpoints that will write
its records, and the program needs no AWS SDK of its own. The invoke is synchronous and its
failure is caught here (a failed invoke comes back as an exception the program can handle), so a
missing zone, a private zone or a zone id whose zone cannot hold the domain is reported next to
the config key that named it, at preview, before any resource is declared. The zone's name
servers are kept: they are the ones the verifier asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pulumi_aws as aws

from ses_domains.config.domain_names import is_within
from ses_domains.config.domains import DomainSpec, ZoneRef
from ses_domains.config.errors import Problems

GetZone = Callable[..., Any]
"""``aws.route53.get_zone``, or anything with its keyword arguments and result attributes."""


@dataclass(frozen=True)
class HostedZone:
    zone_id: str
    name: str
    name_servers: tuple[str, ...]


class ZoneNotUsable(Exception):
    """The zone named in the config cannot be used; the message says why and what to do."""


def lookup_zones(domains: tuple[DomainSpec, ...], get_zone: GetZone = aws.route53.get_zone) -> dict[str, HostedZone]:
    """The hosted zone of each domain, keyed by domain; one lookup per distinct zone."""
    problems = Problems()
    found: dict[ZoneRef, HostedZone | ZoneNotUsable] = {}
    result: dict[str, HostedZone] = {}
    for spec in domains:
        if spec.zone not in found:
            try:
                found[spec.zone] = find_zone(spec.zone, get_zone)
            except ZoneNotUsable as error:
                found[spec.zone] = error
        zone = found[spec.zone]
        if isinstance(zone, ZoneNotUsable):
            problems.add(f"{spec.key}.zone", str(zone))
        elif not is_within(spec.domain, zone.name):
            problems.add(
                f"{spec.key}.zone", f"the zone {spec.zone} is {zone.name}, which cannot hold records of {spec.domain}"
            )
        else:
            result[spec.domain] = zone
    problems.raise_if_any()
    return result


def find_zone(ref: ZoneRef, get_zone: GetZone = aws.route53.get_zone) -> HostedZone:
    """The public hosted zone ``ref`` names; ``ZoneNotUsable`` says why it cannot be used."""
    try:
        if ref.zone_id:
            zone = get_zone(zone_id=ref.zone_id)
        else:
            zone = get_zone(name=ref.name, private_zone=False)
    # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
    except Exception as error:  # noqa: BLE001
        if ref.zone_id:
            raise ZoneNotUsable(
                f"could not read the Route 53 hosted zone with the id {ref.zone_id} "
                f"(AWS provider: {_provider_message(error)}); set zone to the id or name of the public hosted "
                "zone that holds this domain, and check that the stack's AWS credentials may read it"
            ) from None
        raise ZoneNotUsable(
            f"could not find the public Route 53 hosted zone named {ref.name} "
            f"(AWS provider: {_provider_message(error)}); set zone to the name of a public hosted zone "
            "in this account that holds this domain, or to its id when several zones share the name, "
            "and check that the stack's AWS credentials may read it"
        ) from None
    if zone.private_zone:
        raise ZoneNotUsable(f"the zone {ref} is private: SES verifies records in public DNS; give a public zone")
    return HostedZone(
        zone_id=zone.zone_id,
        name=zone.name.rstrip(".").lower(),
        name_servers=tuple(zone.name_servers or ()),
    )


def _provider_message(error: Exception) -> str:
    """The provider's words on one line, without the runtime's ``invoke of <token> failed:`` prefix."""
    text = " ".join(str(error).split())
    prefix = "invoke of aws:route53/getZone:getZone failed: "
    return text[len(prefix):] if text.startswith(prefix) else text
