"""What the hosted zones hold now at the names the stack will write, and what to do about it.

Before any resource is declared, every zone the stack writes to is read once with pulumi-aws's
``aws:route53/getRecords`` invoke: the provider's own credentials, region and assumed role, and
mockable like any invoke. (terraform-provider-aws's ``aws_route53_records`` data source pages
through ``ListResourceRecordSets`` for the whole zone and keeps the record sets whose name, as
Route 53 returns it (fully qualified, trailing dot), matches ``name_regex``: one listing per zone,
so one invoke per zone with every name of that zone in the regex.)

A record set at a name and type the stack writes (or a CNAME there, or anything at a CNAME's
name: DNS allows a CNAME nowhere near other data) is one of:

- the stack's own: listed in the ``domains`` output of the stack's last update (see
  ``deploy.own_records``); declaring it again is an update;
- foreign: with ``existingRecords: stop`` (the default) the program stops, naming the record,
  what it holds now and the three ways on; with ``existingRecords: adopt`` the record is declared
  with ``allow_overwrite`` (Route 53 UPSERT) and preview says what it held and what it becomes.

Easy DKIM names exist only once SES has made the identity's tokens. They are looked up in SES
(``aws:sesv2/getEmailIdentity``) only for a domain whose zone already has CNAMEs under
``_domainkey.<domain>``: a new identity gets fresh random tokens, which nothing can hold yet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

import pulumi_aws as aws

from ses_domains.config.domain_names import is_within
from ses_domains.config.errors import Problem
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.model import DnsRecord
from ses_domains.records.route53_values import presentation_value, record_name

GetRecords = Callable[..., Any]
GetEmailIdentity = Callable[..., Any]
GET_RECORDS = "aws:route53/getRecords:getRecords"

STOP, ADOPT = "stop", "adopt"
POLICIES = (STOP, ADOPT)
NEVER = "never"
"""A record set the stack never takes over, whatever ``existingRecords`` says: a domain's own MX
(``receive``) holds someone's mail."""


@dataclass(frozen=True)
class LiveRecordSet:
    """A record set as the zone holds it now (values in presentation text)."""

    name: str
    type: str
    values: tuple[str, ...]
    ttl: Optional[int] = None
    alias_target: Optional[str] = None
    set_identifier: Optional[str] = None

    def describe(self) -> str:
        if self.alias_target:
            return f"{self.type} {self.name} (an alias to {self.alias_target})"
        held = ", ".join(f'"{v}"' if self.type == "TXT" else v for v in self.values) or "no values"
        routing = f", routing set {self.set_identifier}" if self.set_identifier else ""
        return f"{self.type} {self.name} = {held} (TTL {self.ttl}{routing})"


@dataclass(frozen=True)
class PlannedRecord:
    """A record set the stack is about to declare, with where it comes from in the config."""

    record: DnsRecord
    zone: HostedZone
    key: str
    """The config key that makes the stack write it (``ses-domains:domains[0].dmarc``)."""
    policy: str = STOP
    """The domain's ``existingRecords``."""
    undo: str = "change the config so that the stack does not write it"
    """What to change in the config instead (per role: remove dmarc, another mailFrom...)."""

    @property
    def where(self) -> tuple[str, str]:
        return (self.record.name, self.record.type)


@dataclass(frozen=True)
class Collision:
    planned: PlannedRecord
    live: tuple[LiveRecordSet, ...]


@dataclass(frozen=True)
class Decision:
    adopted: frozenset[tuple[str, str]] = frozenset()
    """(name, type) of the record sets to declare with ``allow_overwrite``."""
    notices: tuple[str, ...] = ()
    """What preview says about them."""
    problems: tuple[Problem, ...] = ()
    """The foreign record sets that stop the program, each under the key that wants the name."""
    owned: frozenset[tuple[str, str]] = frozenset()
    """(name, type) of the planned record sets the zone holds already as the stack's own."""


@dataclass
class ZoneContents:
    """The record sets of one zone at the names asked for, by name."""

    zone: HostedZone
    by_name: dict[str, list[LiveRecordSet]] = field(default_factory=dict)

    def at(self, name: str) -> list[LiveRecordSet]:
        return self.by_name.get(name, [])

    def names_under(self, suffix: str) -> list[LiveRecordSet]:
        return [s for name, sets in self.by_name.items() if name.endswith("." + suffix) for s in sets]


def names_regex(names: Iterable[str], under: Iterable[str] = ()) -> str:
    """A regex (RE2 and Python alike) matching the exact names, and any one label below each of
    ``under``, in Route 53's fully qualified form."""
    alternatives = [name.replace(".", r"\.") for name in sorted(set(names))]
    alternatives += [r"[^.]+\." + suffix.replace(".", r"\.") for suffix in sorted(set(under))]
    return "(?i)^(?:" + "|".join(alternatives) + r")\.?$"


def read_zone(
    zone: HostedZone, names: Iterable[str], under: Iterable[str] = (), get_records: GetRecords = aws.route53.get_records
) -> ZoneContents:
    """The record sets at ``names`` (and one label below each of ``under``) in ``zone``.

    A failed invoke (permissions, throttling) is the provider's own exception: the caller reports
    it next to the config key that chose the zone.
    """
    answer = get_records(zone_id=zone.zone_id, name_regex=names_regex(names, under))
    contents = ZoneContents(zone)
    for item in _field(answer, "resource_record_sets") or []:
        live = _live_record_set(item)
        contents.by_name.setdefault(live.name, []).append(live)
    return contents


def collisions(planned: Iterable[PlannedRecord], zones: dict[str, ZoneContents]) -> list[Collision]:
    """The planned record sets that meet a live record set: the same name and type, or a CNAME
    on either side of a shared name."""
    found = []
    for plan in planned:
        contents = zones.get(plan.zone.zone_id)
        if contents is None:
            continue
        record = plan.record
        hit = tuple(
            live for live in contents.at(record.name)
            if live.type == record.type or live.type == "CNAME" or record.type == "CNAME"
        )
        if hit:
            found.append(Collision(plan, hit))
    return found


def decide(found: Iterable[Collision], owns: Callable[[str, str], bool], *, as_planned_is_own: bool = False) -> Decision:
    """Which foreign record sets stop the program, and which are adopted.

    ``owns(name, type)``: whether the stack's last update manages that record set. Only the
    stack's own record set at exactly the planned name and type counts as its own: a CNAME the
    stack wrote cannot turn into a TXT record by an update, Route 53 would refuse it.

    ``as_planned_is_own`` (``route53Writes: batched``): a plain record set holding exactly the
    TTL and values the stack writes there is taken as the stack's own as it is, with a notice.
    The zone's resource writes nothing for it, so nothing of anyone's changes; it is how a
    ``pulumi up`` interrupted between two change batches finds the sets it wrote (the stack's
    last outputs do not list them). A set with any other value stays foreign.
    """
    problems: list[Problem] = []
    adopted: set[tuple[str, str]] = set()
    notices: list[str] = []
    owned: set[tuple[str, str]] = set()
    for collision in found:
        plan = collision.planned
        foreign = [live for live in collision.live if not owns(live.name, live.type)]
        if as_planned_is_own:
            as_planned = [live for live in foreign if _holds_as_planned(live, plan.record)]
            for live in as_planned:
                notices.append(_as_planned_notice(plan, live))
            foreign = [live for live in foreign if live not in as_planned]
        if any(live.type == plan.record.type for live in collision.live if live not in foreign):
            owned.add(plan.where)
        if not foreign:
            continue
        same = [live for live in foreign if live.type == plan.record.type and not live.alias_target and not live.set_identifier]
        other = [live for live in foreign if live not in same]
        if plan.policy == ADOPT and same and not other:
            adopted.add(plan.where)
            notices.append(_adoption_notice(plan, same[0]))
            continue
        message = _conflict_message(plan, foreign, adoptable=not other and plan.policy != NEVER)
        if as_planned_is_own and same:
            message += _INTERRUPTED_HINT
        problems.append(Problem(plan.key, message))
    return Decision(frozenset(adopted), tuple(notices), tuple(problems), frozenset(owned))


def dkim_names_in_ses(domain: str, get_email_identity: GetEmailIdentity = aws.sesv2.get_email_identity) -> Optional[tuple[str, ...]]:
    """The Easy DKIM tokens SES holds for ``domain`` now, or ``None`` when SES has no such identity
    (or cannot say: the stack then creates the identity, and SES gives it fresh random tokens)."""
    try:
        answer = get_email_identity(email_identity=domain)
    # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
    except Exception:  # noqa: BLE001
        return None
    attributes = _field(answer, "dkim_signing_attributes") or []
    tokens = [token for item in attributes for token in (_field(item, "tokens") or [])]
    return tuple(tokens) or None


def dkim_suffix(domain: str) -> str:
    return f"_domainkey.{domain}"


def zones_of(records: Iterable[PlannedRecord]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for plan in records:
        names[plan.zone.zone_id].add(plan.record.name)
    return names


def zone_for(name: str, zones: Iterable[HostedZone]) -> Optional[HostedZone]:
    """The most specific of ``zones`` that can hold ``name``."""
    holding = [zone for zone in zones if is_within(name, zone.name)]
    return max(holding, key=lambda zone: len(zone.name)) if holding else None


def _conflict_message(plan: PlannedRecord, foreign: list[LiveRecordSet], *, adoptable: bool) -> str:
    record = plan.record
    held = "; ".join(live.describe() for live in foreign)
    wants = ", ".join(f'"{v}"' if record.type == "TXT" else v for v in record.values)
    if plan.policy == NEVER:
        choices = ("move that mail first, then remove the record from the zone yourself (the stack never adopts it, "
                   "whatever existingRecords says: it routes someone's mail), or ")
    elif adoptable:
        choices = (
            "adopt it (existingRecords: adopt on this domain: pulumi up replaces its values with the stack's and the "
            "stack manages it from then on), remove it from the zone, or "
        )
    else:
        choices = (
            "remove it from the zone (it cannot be adopted: "
            + ("a CNAME cannot share its name with other records" if any(l.type == "CNAME" or record.type == "CNAME" for l in foreign)
               else "alias and routing-policy record sets are not the stack's kind")
            + "), or "
        )
    return (
        f"the zone {plan.zone.name} ({plan.zone.zone_id}) already has {held}, which this stack did not create; "
        f"it would write {record.type} {record.name} = {wants}. Choose: {choices}{plan.undo}"
    )


_INTERRUPTED_HINT = (". If a pulumi up of this stack that stopped midway wrote it with an earlier config, pulumi up "
                    "once with that config, then change it")


def _holds_as_planned(live: LiveRecordSet, record: DnsRecord) -> bool:
    return (live.type == record.type and not live.alias_target and not live.set_identifier
            and live.ttl == record.ttl and sorted(live.values) == sorted(record.values))


def _as_planned_notice(plan: PlannedRecord, live: LiveRecordSet) -> str:
    return (
        f"{plan.key}: {live.describe()} in zone {plan.zone.name} holds exactly what the stack writes there; the "
        "stack takes it as its own without writing it (an interrupted pulumi up of this stack leaves such record "
        "sets) and manages it from then on; pulumi destroy deletes it"
    )


def _adoption_notice(plan: PlannedRecord, live: LiveRecordSet) -> str:
    record = plan.record
    wants = ", ".join(f'"{v}"' if record.type == "TXT" else v for v in record.values)
    return (
        f"{plan.key}: adopting {live.describe()} in zone {plan.zone.name}: pulumi up replaces it with {wants} "
        f"(TTL {record.ttl}) and the stack manages it from then on; pulumi destroy deletes it"
    )


def _live_record_set(item: Any) -> LiveRecordSet:
    record_type = str(_field(item, "type") or "").upper()
    alias = _field(item, "alias_target")
    alias_name = _field(alias, "dns_name") if alias else None
    values = tuple(
        presentation_value(record_type, str(_field(r, "value")))
        for r in (_field(item, "resource_records") or [])
    )
    return LiveRecordSet(
        name=record_name(str(_field(item, "name"))),
        type=record_type,
        values=values,
        ttl=_field(item, "ttl"),
        alias_target=str(alias_name).rstrip(".") if alias_name else None,
        set_identifier=_field(item, "set_identifier") or None,
    )


def _field(item: Any, name: str) -> Any:
    """A field of an invoke result: typed results have attributes, nested values may be dicts
    in either case style."""
    if item is None:
        return None
    if isinstance(getattr(type(item), name, None), property):
        return getattr(item, name)
    if isinstance(item, dict):
        if name in item:
            return item[name]
        head, *rest = name.split("_")
        return item.get(head + "".join(part.title() for part in rest))
    return getattr(item, name, None)
