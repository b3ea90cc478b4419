"""Finding the Route 53 hosted zone of each domain before anything is declared.

The lookups are invokes of the AWS provider's data sources (``aws:route53/getZone``, and
``getZones`` / ``getRecords``), answered by the stack's own provider: zones are read with exactly
the credentials, profile, assumed role and endpoints that will write the records, and the program
needs no AWS SDK of its own. Each invoke is synchronous and its failure is caught here, so every
zone problem is reported next to the config key that caused it, at preview, before any resource
is declared. The zone's name servers are kept: they are the ones the verifier asks.

Which zone:
- ``zone`` left out: the closest enclosing public hosted zone, found by walking up the labels of
  the domain (``a.sub.example.com``, ``sub.example.com``, ``example.com``), as lego's zone finder
  does with SOA queries.
- ``zone`` given (by name or id): that zone; but when a public zone of a name between the domain
  and it exists in the account and the given zone delegates it (NS records at its name), records
  written in the given zone would be invisible behind the delegation: preview stops, naming the
  closer zone. An undelegated closer zone only earns a warning.

Cost: each name is asked once (one invoke per distinct name, cached for every domain and tracking
domain). The provider answers ``getZone`` by name by listing every hosted zone of the account
(``ListHostedZones``, 100 per page) and then reading the one found, so walking the names of
hundreds of domains costs hundreds of invokes and Route 53 calls (Route 53 allows 5 requests a
second per account). When there are more names to try than zones in the account, the directory
instead lists the zone ids once (``getZones``) and reads each zone by id: for 500 subdomains of one
zone that is 2 invokes instead of 501.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Union

import pulumi
import pulumi_aws as aws

from ses_domains.config.domain_names import enclosing_names, is_within
from ses_domains.config.domains import DomainSpec, ZoneRef
from ses_domains.config.errors import Problems
from ses_domains.config.stack import StackSpec

GetZone = Callable[..., Any]
"""``aws.route53.get_zone``, or anything with its keyword arguments and result attributes."""
GetZones = Callable[..., Any]
"""``aws.route53.get_zones``: the ids of every hosted zone of the account (public and private)."""
GetRecords = Callable[..., Any]
"""``aws.route53.get_records``: the record sets of a zone whose name matches ``name_regex``."""

NOT_FOUND = "no matching Route 53 Hosted Zone found"
"""The provider's words when no zone matches a ``getZone`` by name (terraform-provider-aws
``SingularDataSourceFindError``): that name simply has no zone, which is not a failure."""


@dataclass(frozen=True)
class HostedZone:
    zone_id: str
    name: str
    name_servers: tuple[str, ...]
    private: bool = False
    read_later: Optional[pulumi.Output["HostedZone"]] = field(default=None, compare=False, repr=False)
    """A zone whose id is known only once the engine resolves it (a zone created in the same run):
    ``zone_id`` is that ``Output``, ``name`` and ``name_servers`` are empty, and this is the zone as
    read once its id is known."""


def with_zone(value: pulumi.Output, zone: HostedZone, combine: Callable[[Any, HostedZone], Any]) -> pulumi.Output:
    """``combine(value, zone)`` once ``value`` is known, with the zone as read (see ``read_later``)."""
    if zone.read_later is None:
        return value.apply(lambda known: combine(known, zone))
    return pulumi.Output.all(value, zone.read_later).apply(lambda both: combine(both[0], both[1]))


@dataclass(frozen=True)
class ZoneApi:
    """The provider's Route 53 data sources (tests pass stand-ins)."""

    get_zone: GetZone = aws.route53.get_zone
    get_zones: GetZones = aws.route53.get_zones
    get_records: GetRecords = aws.route53.get_records


class ZoneNotUsable(Exception):
    """The zone of a domain cannot be used; the message says why and what to do."""


@dataclass
class ZoneDirectory:
    """The account's public hosted zones as the provider sees them; each name, id and delegation
    is asked once."""

    api: ZoneApi = field(default_factory=ZoneApi)
    invokes: int = field(default=0, init=False)
    """Invokes made so far (each is one provider call, and one or more Route 53 requests)."""
    _by_name: dict[str, Union[HostedZone, ZoneNotUsable, str]] = field(default_factory=dict, init=False, repr=False)
    """A zone, a failure, or why there is no public zone of that name."""
    _by_id: dict[str, Union[HostedZone, ZoneNotUsable]] = field(default_factory=dict, init=False, repr=False)
    _delegations: dict[tuple[str, str], Union[bool, ZoneNotUsable]] = field(default_factory=dict, init=False, repr=False)
    _listed: Optional[dict[str, list[HostedZone]]] = field(default=None, init=False, repr=False)
    """Every public zone of the account by name, once the whole account has been read."""

    def prefetch(self, names: Iterable[str]) -> None:
        """Reads every zone of the account by id when that takes fewer invokes than asking each name.

        One ``getZones`` tells how many zones there are; it is made only when there are at least
        two names to try, so a one-domain stack costs the single ``getZone`` it always did."""
        names = set(names)
        if len(names) < 2:
            return
        try:
            ids = self._invoke(self.api.get_zones).ids
        except Exception:  # noqa: BLE001  # any failure: ask name by name, as without a listing
            return
        if ids is None or len(ids) >= len(names):
            return
        listed: dict[str, list[HostedZone]] = {}
        for zone_id in ids:
            try:
                zone = self.by_id(zone_id)
            except ZoneNotUsable:
                return
            if not zone.private:
                listed.setdefault(zone.name, []).append(zone)
        self._listed = listed

    def public_zone(self, name: str) -> Optional[HostedZone]:
        """The public zone named ``name``; ``None`` when there is none; ``ZoneNotUsable`` when
        several share the name or the provider fails."""
        if self._listed is not None:
            matches = self._listed.get(name, [])
            if len(matches) > 1:
                ids = ", ".join(zone.zone_id for zone in matches)
                raise ZoneNotUsable(
                    f"several public Route 53 hosted zones are named {name} ({ids}): set zone to the id of the one "
                    "that holds this domain"
                )
            return matches[0] if matches else None
        if name not in self._by_name:
            try:
                self._by_name[name] = _hosted_zone(self._invoke(self.api.get_zone, name=name, private_zone=False))
            # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
            except Exception as error:  # noqa: BLE001
                message = _provider_message(error)
                self._by_name[name] = (
                    f"AWS provider: {message}"
                    if NOT_FOUND in message
                    else ZoneNotUsable(
                        f"could not find the public Route 53 hosted zone named {name} (AWS provider: {message}); set "
                        "zone to the name of a public hosted zone in this account that holds this domain, or to its "
                        "id when several zones share the name, and check that the stack's AWS credentials may read it"
                    )
                )
        found = self._by_name[name]
        if isinstance(found, ZoneNotUsable):
            raise found
        return found if isinstance(found, HostedZone) else None

    def why_missing(self, name: str) -> str:
        """Why ``public_zone(name)`` is ``None``, in words for a message."""
        if self._listed is not None:
            count = self._zone_count()
            return f"no public zone of that name in the account ({count} hosted zone{'' if count == 1 else 's'})"
        found = self._by_name.get(name)
        return found if isinstance(found, str) else "not looked up"

    def by_id(self, zone_id: str) -> HostedZone:
        return self._remember(
            self._by_id, zone_id,
            lambda: _hosted_zone(self._invoke(self.api.get_zone, zone_id=zone_id)),
            lambda message: (
                f"could not read the Route 53 hosted zone with the id {zone_id} (AWS provider: {message}); set "
                "zone to the id or name of the public hosted zone that holds this domain, and check that the "
                "stack's AWS credentials may read it"
            ),
        )

    def delegates(self, zone: HostedZone, child: str) -> bool:
        """Whether ``zone`` holds NS records at ``child``: then names under ``child`` are served elsewhere."""
        # Route 53 returns names with a trailing dot; our names are letters, digits, - and dots.
        pattern = "^" + child.replace(".", r"\.") + r"\.$"
        return self._remember(
            self._delegations, (zone.zone_id, child),
            lambda: any(
                _field(record, "type") == "NS"
                for record in (self._invoke(self.api.get_records, zone_id=zone.zone_id, name_regex=pattern)
                               .resource_record_sets or ())
            ),
            lambda message: (
                f"could not read the records of the hosted zone {zone.name} to see whether it delegates {child} "
                f"(AWS provider: {message}); the stack's AWS credentials need route53:ListResourceRecordSets, "
                "which writing records needs too"
            ),
        )

    @staticmethod
    def _remember(cache: dict, key: Any, look_up: Callable[[], Any], failure: Callable[[str], str]) -> Any:
        """One provider invoke per key: its answer, or the ``ZoneNotUsable`` it ended in, is kept
        and given (raised) again to every later caller."""
        if key not in cache:
            try:
                cache[key] = look_up()
            # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
            except Exception as error:  # noqa: BLE001
                cache[key] = ZoneNotUsable(failure(_provider_message(error)))
        found = cache[key]
        if isinstance(found, ZoneNotUsable):
            raise found
        return found

    def _invoke(self, data_source: Callable[..., Any], **arguments: Any) -> Any:
        self.invokes += 1
        return data_source(**arguments)

    def _zone_count(self) -> int:
        return len(self._by_id)


def lookup_zones(stack: StackSpec, api: Optional[ZoneApi] = None) -> dict[str, HostedZone]:
    """The hosted zone of each domain, keyed by domain; ``ConfigError`` lists every zone problem.

    Tracking domains of configuration sets with HTTP tracking are checked too: a CNAME cannot be
    at a zone apex."""
    directory = ZoneDirectory(api or ZoneApi())
    directory.prefetch(names_to_try(stack))
    problems = Problems()
    warnings: list[str] = []
    result: dict[str, HostedZone] = {}
    for spec in stack.domains:
        try:
            result[spec.domain] = zone_of(spec, directory, warnings)
        except ZoneNotUsable as error:
            problems.add(f"{spec.key}.zone", str(error))
    for configuration_set in stack.configuration_sets:
        tracking = configuration_set.tracking_domain
        if tracking is None or configuration_set.https_policy != "OPTIONAL":
            continue
        try:
            apex = directory.public_zone(tracking)
        except ZoneNotUsable:
            continue
        if apex is not None:
            problems.add(
                f"{configuration_set.key}.trackingDomain",
                f"{tracking} is the apex of the hosted zone {apex.name} ({apex.zone_id}): HTTP tracking needs a "
                f"CNAME at {tracking}, and a zone apex cannot hold one; use a name under it such as "
                f"click.{tracking}, or httpsPolicy REQUIRE behind CloudFront (an alias record may be at the apex)",
            )
    for warning in warnings:
        pulumi.log.warn(warning)
    problems.raise_if_any()
    return result


def names_to_try(stack: StackSpec) -> set[str]:
    """Every zone name the lookups may ask for (zones given by id add theirs once read)."""
    names: set[str] = set()
    for spec in stack.domains:
        if not spec.zone.given:
            names.update(enclosing_names(spec.domain))
        elif spec.zone.name:
            names.update(enclosing_names(spec.domain, spec.zone.name))
    for configuration_set in stack.configuration_sets:
        if configuration_set.tracking_domain and configuration_set.https_policy == "OPTIONAL":
            names.add(configuration_set.tracking_domain)
    return names


def zone_of(spec: DomainSpec, directory: ZoneDirectory, warnings: list[str]) -> HostedZone:
    ref: ZoneRef = spec.zone
    if not ref.given:
        tried = []
        for name in enclosing_names(spec.domain):
            zone = directory.public_zone(name)
            if zone is not None:
                return zone
            tried.append(name)
        raise ZoneNotUsable(
            f"no public Route 53 hosted zone holds {spec.domain}: looked for {', '.join(tried)} "
            f"({directory.why_missing(tried[-1])}); create the hosted zone, or set zone to the name or id of the "
            "public hosted zone that holds this domain, and check that the stack's AWS credentials may read it"
        )
    if ref.zone_id:
        zone = directory.by_id(ref.zone_id)
        if zone.private:
            raise ZoneNotUsable(f"the zone {ref} is private: SES verifies records in public DNS; give a public zone")
        if not is_within(spec.domain, zone.name):
            raise ZoneNotUsable(f"the zone {ref} is {zone.name}, which cannot hold records of {spec.domain}")
    else:
        found = directory.public_zone(ref.name or "")
        if found is None:
            raise ZoneNotUsable(
                f"could not find the public Route 53 hosted zone named {ref.name} ({directory.why_missing(ref.name or '')}); "
                "set zone to the name of a public hosted zone in this account that holds this domain, or to its id, "
                "and check that the stack's AWS credentials may read it"
            )
        zone = found
    _check_closer_zones(spec, zone, directory, warnings)
    return zone


def _check_closer_zones(spec: DomainSpec, zone: HostedZone, directory: ZoneDirectory, warnings: list[str]) -> None:
    """A zone between the domain and the given zone, delegated from it, hides what is written there."""
    for name in enclosing_names(spec.domain, zone.name)[:-1]:
        try:
            closer = directory.public_zone(name)
            which = closer.zone_id if closer else ""
        except ZoneNotUsable:
            closer, which = None, "several zones of that name"
        if not which:
            continue
        if directory.delegates(zone, name):
            raise ZoneNotUsable(
                f"{name} has a public hosted zone of its own ({which}) and {zone.name} delegates it "
                f"(NS records at {name}): records of {spec.domain} written in {zone.name} would be invisible; "
                f"set zone to {name} (or the id of its zone), or leave zone out to use the closest zone"
            )
        warnings.append(
            f"{spec.key}.zone: the account also has a public hosted zone {name} ({which}), closer to "
            f"{spec.domain}, but {zone.name} does not delegate it (no NS records at {name}): the records go "
            f"to {zone.name} as configured; delete {name} if nothing uses it"
        )


def _hosted_zone(zone: Any) -> HostedZone:
    return HostedZone(
        zone_id=zone.zone_id,
        name=zone.name.rstrip(".").lower(),
        name_servers=tuple(zone.name_servers or ()),
        private=bool(zone.private_zone),
    )


def _field(record: Any, name: str) -> Any:
    """A field of a returned record set: a typed result, or a plain dict under some runtimes."""
    return record.get(name) if isinstance(record, dict) else getattr(record, name, None)


def _provider_message(error: Exception) -> str:
    """The provider's words on one line, without the runtime's ``invoke of <token> failed:`` prefix."""
    text = " ".join(str(error).split())
    for token in ("aws:route53/getZone:getZone", "aws:route53/getZones:getZones", "aws:route53/getRecords:getRecords"):
        prefix = f"invoke of {token} failed: "
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
