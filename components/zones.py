"""Finding the Route 53 hosted zone of each domain before anything is declared.

The lookups use the Route 53 API directly (boto3, with the stack's ``aws:region`` and
``aws:profile``) rather than a ``getZone`` invoke: a failed invoke ends a Pulumi program with the
provider's traceback, while a lookup here lets a missing zone, a private zone or a zone id whose
zone cannot hold the domain be reported next to the config key that named it, at preview, before
any resource is declared. The zone's delegation set is kept: its name servers are the ones the
verifier asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .config.domain_names import is_within
from .config.domains import DomainSpec, ZoneRef
from .config.errors import Problems


@dataclass(frozen=True)
class HostedZone:
    zone_id: str
    name: str
    name_servers: tuple[str, ...]


class ZoneNotUsable(Exception):
    """The zone named in the config cannot be used; the message says why and what to do."""


def lookup_zones(domains: tuple[DomainSpec, ...], route53: Any) -> dict[str, HostedZone]:
    """The hosted zone of each domain, keyed by domain; one lookup per distinct zone."""
    problems = Problems()
    found: dict[ZoneRef, HostedZone | ZoneNotUsable] = {}
    result: dict[str, HostedZone] = {}
    for spec in domains:
        if spec.zone not in found:
            try:
                found[spec.zone] = find_zone(route53, spec.zone)
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


def find_zone(route53: Any, ref: ZoneRef) -> HostedZone:
    try:
        zone_id = ref.zone_id or _public_zone_id_by_name(route53, ref.name or "")
        answer = route53.get_hosted_zone(Id=zone_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchHostedZone", "InvalidInput"):
            raise ZoneNotUsable(f"there is no Route 53 hosted zone with the id {ref.zone_id}") from None
        raise ZoneNotUsable(f"Route 53 refused to read the zone {ref} ({code}: {_message(error)})") from None
    except BotoCoreError as error:
        raise ZoneNotUsable(f"could not read the zone {ref} from Route 53 ({error})") from None
    zone = answer["HostedZone"]
    if zone.get("Config", {}).get("PrivateZone"):
        raise ZoneNotUsable(f"the zone {ref} is private: SES verifies records in public DNS; give a public zone")
    return HostedZone(
        zone_id=zone["Id"].rsplit("/", 1)[-1],
        name=zone["Name"].rstrip(".").lower(),
        name_servers=tuple(answer.get("DelegationSet", {}).get("NameServers", ())),
    )


def _public_zone_id_by_name(route53: Any, name: str) -> str:
    answer = route53.list_hosted_zones_by_name(DNSName=name, MaxItems="100")
    matches = [
        zone
        for zone in answer.get("HostedZones", [])
        if zone["Name"].rstrip(".").lower() == name and not zone.get("Config", {}).get("PrivateZone")
    ]
    if not matches:
        raise ZoneNotUsable(
            f"this AWS account has no public Route 53 hosted zone named {name}; "
            "set zone to the name or id of the public hosted zone that holds this domain"
        )
    if len(matches) > 1:
        ids = ", ".join(zone["Id"].rsplit("/", 1)[-1] for zone in matches)
        raise ZoneNotUsable(f"{len(matches)} public hosted zones are named {name} ({ids}): set zone to the id of the one to use")
    return matches[0]["Id"]


def _message(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Message", "") or str(error)


def route53_client(region: str, profile: str | None) -> Any:
    """A Route 53 client with the stack's own AWS settings; a bad profile is a config error."""
    from .config.errors import ConfigError, Problem
    from .verification.aws_session import AwsSettings, AwsSettingsError, make_session

    try:
        return make_session(AwsSettings(region=region, profile=profile)).client("route53")
    except AwsSettingsError as error:
        raise ConfigError([Problem("aws:profile", str(error))]) from None
