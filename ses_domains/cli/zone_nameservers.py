"""The authoritative nameservers of a domain's hosted zone, from Route 53 (its delegation set)."""

from __future__ import annotations

from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from ses_domains.config.domain_names import enclosing_names
from ses_domains.config.domains import ZoneRef


class ZoneLookupError(Exception):
    """Route 53 could not say which nameservers serve the zone; the message says why and what to do."""


class _NoSuchZone(ZoneLookupError):
    """No public hosted zone of that name (the closest-zone walk tries the next one up)."""


def zone_nameservers(route53: Any, zone: ZoneRef) -> tuple[str, ...]:
    """The zone's delegation set: by id, or the one public hosted zone of that name; with ``zone``
    left out, the closest enclosing public hosted zone of the domain (as the program finds it)."""
    answer = _asking_route53(zone, lambda: route53.get_hosted_zone(Id=_zone_id(route53, zone)))
    nameservers = tuple(answer.get("DelegationSet", {}).get("NameServers", ()))
    if not nameservers:
        raise ZoneLookupError(f"Route 53 lists no nameservers for zone {zone} (a private zone?): give --nameserver")
    return tuple(ns.rstrip(".").lower() for ns in nameservers)


def zone_id(route53: Any, zone: ZoneRef) -> str:
    """The id of the zone (``Z...``): as given, or found by name the way ``zone_nameservers`` finds it."""
    return _asking_route53(zone, lambda: _zone_id(route53, zone)).rsplit("/", 1)[-1]


def _zone_id(route53: Any, zone: ZoneRef) -> str:
    if zone.zone_id:
        return zone.zone_id
    if zone.given:
        return _public_zone_id(route53, zone.name or "")
    return _closest_public_zone_id(route53, zone.name or "")


def _asking_route53(zone: ZoneRef, ask: Callable[[], Any]) -> Any:
    """``ask()``, its failures as ``ZoneLookupError`` saying what to do."""
    try:
        return ask()
    except NoCredentialsError:
        raise ZoneLookupError(
            f"no AWS credentials to ask Route 53 for the nameservers of {zone}: set aws:profile or AWS "
            "credentials, or give --nameserver"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise ZoneLookupError(f"Route 53 refused to describe zone {zone}: {code} {error.response.get('Error', {}).get('Message', '')}".rstrip()) from None
    except BotoCoreError as error:
        raise ZoneLookupError(f"cannot reach Route 53 for zone {zone}: {error}") from None


def _public_zone_id(route53: Any, name: str) -> str:
    wanted = name.rstrip(".").lower() + "."
    found = []
    answer = route53.list_hosted_zones_by_name(DNSName=wanted)
    for hosted in answer.get("HostedZones", []):
        if hosted["Name"].lower() == wanted and not hosted.get("Config", {}).get("PrivateZone", False):
            found.append(hosted["Id"])
    if not found:
        raise _NoSuchZone(f"Route 53 has no public hosted zone {name} in this account")
    if len(found) > 1:
        raise ZoneLookupError(
            f"Route 53 has {len(found)} public hosted zones named {name}: set the domain's zone to the id of "
            f"the one in use ({', '.join(z.rsplit('/', 1)[-1] for z in found)})"
        )
    return found[0]


def _closest_public_zone_id(route53: Any, domain: str) -> str:
    names = enclosing_names(domain)
    for name in names:
        try:
            return _public_zone_id(route53, name)
        except _NoSuchZone:
            continue
    raise ZoneLookupError(f"Route 53 has no public hosted zone holding {domain} in this account "
                          f"(looked for {', '.join(names)})")
