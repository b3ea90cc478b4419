"""Everything the program must know about the zones' current records before it declares anything.

One pass over the stack, after the zone lookups: which record sets the stack will write (with
the config key that wants each), what the zones hold there now, which of those are foreign
(stop, or adopt when asked), the apex SPF merges and the DMARC report authorizations the stack
writes in its own zones. Every problem of every domain is gathered and raised at once, as a
``ConfigError``, so that the program stops before the first resource.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

import pulumi_aws as aws

from ses_domains.config.domain_names import is_within
from ses_domains.config.domains import DomainSpec, report_authorization_warning
from ses_domains.config.errors import ConfigError, Problem
from ses_domains.config.route53_writes import BATCHED_MODES
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.existing_records import (
    NEVER,
    GetEmailIdentity,
    GetRecords,
    PlannedRecord,
    ZoneContents,
    collisions,
    decide,
    dkim_names_in_ses,
    dkim_suffix,
    read_zone,
    zone_for,
)
from ses_domains.deploy.own_records import ReadOnce, read_own_records
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.dkim import EasyDkim
from ses_domains.records.inbound import inbound_mx
from ses_domains.records.dmarc import REPORT_AUTHORIZATION_VALUE, report_authorization_record, report_domains
from ses_domains.records.model import DnsRecord
from ses_domains.records.plan import dkim_strategy, static_records
from ses_domains.records.replicas import replica_dkim_records, replica_static_records

if TYPE_CHECKING:
    from ses_domains.records.spf import SpfMerge

_UNDO = {
    "mail-from-mx": ("mailFrom", "set mailFrom to a name that has no records yet, or remove mailFrom"),
    "mail-from-spf": ("mailFrom", "set mailFrom to a name that has no records yet, or remove mailFrom"),
    "dmarc": ("dmarc", "remove dmarc from this domain (the stack then leaves _dmarc alone)"),
    "bimi": ("bimi", "remove bimi from this domain (the stack then leaves _bimi alone), or set bimi.selector "
                     "to a selector whose name is free"),
}


@dataclass(frozen=True)
class ApexSpfPlan:
    zone: HostedZone
    name: str
    includes: tuple[str, ...]
    merge: SpfMerge
    ttl: int


@dataclass(frozen=True)
class ReportAuthorization:
    """A DMARC report authorization the stack writes, in the report domain's zone."""

    record: DnsRecord
    zone: HostedZone
    key: str
    warning: str
    """The config's warning for this report domain, which no longer applies."""


@dataclass(frozen=True)
class Preflight:
    adopted: frozenset[tuple[str, str]] = frozenset()
    notices: tuple[str, ...] = ()
    apex_spf: dict[str, ApexSpfPlan] = field(default_factory=dict)
    report_authorizations: dict[str, tuple[ReportAuthorization, ...]] = field(default_factory=dict)
    needless_warnings: frozenset[str] = frozenset()
    """Config warnings that no longer apply: the authorization records the stack writes, or that exist."""
    owned: frozenset[tuple[str, str]] = frozenset()
    """(name, type) of the record sets the stack writes that the zones hold already as its own."""


def preflight(
    stack: StackSpec,
    zones: dict[str, HostedZone],
    *,
    get_records: GetRecords = aws.route53.get_records,
    get_email_identity: GetEmailIdentity = aws.sesv2.get_email_identity,
    owns: Optional[Callable[[str, str], bool]] = None,
) -> Preflight:
    problems: list[Problem] = []
    stack_zones = {zone.zone_id: zone for zone in zones.values()}
    planned: list[PlannedRecord] = []
    wanted_authorizations: dict[str, list[ReportAuthorization]] = defaultdict(list)
    for spec in stack.domains:
        zone = zones[spec.domain]
        for role, record in static_records(spec, stack.region).items():
            where, undo = _UNDO[role]
            planned.append(PlannedRecord(record, zone, f"{spec.key}.{where}", spec.existing_records, undo))
        for index, region in enumerate(spec.replica_regions):
            for record in replica_static_records(spec, region).values():
                planned.append(PlannedRecord(
                    record, zone, f"{spec.key}.replicaRegions[{index}]", spec.existing_records,
                    "remove this region from replicaRegions, or set mailFrom to a name whose region names are free",
                ))
        if spec.receive is not None:
            planned.append(PlannedRecord(
                inbound_mx(spec.domain, stack.region, spec.ttl), zone, f"{spec.key}.receive", NEVER,
                f"receive on a name of its own (a domain entry for a subdomain such as inbound.{spec.domain}, "
                "with receive), or remove receive",
            ))
        for authorization in _report_authorizations(spec, zone, stack_zones.values()):
            wanted_authorizations[spec.domain].append(authorization)
            planned.append(PlannedRecord(
                authorization.record, authorization.zone, authorization.key, spec.existing_records,
                "send the reports to an address whose domain publishes the authorization itself",
            ))

    if stack.configuration_sets:
        # Imported for a stack with configuration sets only: a stack of plain domains does not pay for it.
        from ses_domains.deploy.tracking_records import plan_tracking_records

        tracked = plan_tracking_records(stack, zones).records.values()
    else:
        tracked = ()
    for tracking in tracked:
        planned.append(PlannedRecord(
            tracking.record, tracking.zone, tracking.key, undo="choose a trackingDomain that has no record yet",
        ))

    names: dict[str, set[str]] = defaultdict(set)
    under: dict[str, set[str]] = defaultdict(set)
    key_of_zone: dict[str, str] = {}
    for plan in planned:
        names[plan.zone.zone_id].add(plan.record.name)
    for spec in stack.domains:
        zone_id = zones[spec.domain].zone_id
        under[zone_id].add(dkim_suffix(spec.domain))
        key_of_zone.setdefault(zone_id, f"{spec.key}.zone")
        if spec.apex_spf is not None:
            names[zone_id].add(spec.domain)

    contents: dict[str, ZoneContents] = {}
    for zone_id in sorted(set(names) | set(under)):
        try:
            contents[zone_id] = read_zone(stack_zones[zone_id], names[zone_id], under[zone_id], get_records)
        # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
        except Exception as error:  # noqa: BLE001
            problems.append(Problem(
                key_of_zone.get(zone_id, "ses-domains:domains"),
                f"could not list the records of the zone {stack_zones[zone_id].name} ({zone_id}) to check for "
                f"records the stack would overwrite (AWS provider: {' '.join(str(error).split())}); the stack's "
                "credentials need route53:ListResourceRecordSets",
            ))
    if problems:
        raise ConfigError(problems)

    for spec in stack.domains:
        zone = zones[spec.domain]
        dkim = dkim_strategy(spec, stack.region)
        if not isinstance(dkim, EasyDkim):
            # BYODKIM: the selectors' TXT names are the user's, known now.
            for record in dkim.records(spec.domain, (), spec.ttl):
                planned.append(PlannedRecord(
                    record, zone, f"{spec.key}.dkim", spec.existing_records,
                    "choose another dkim.selector (a name with no record yet)",
                ))
        elif contents[zone.zone_id].names_under(dkim_suffix(spec.domain)):
            tokens = dkim_names_in_ses(spec.domain, get_email_identity)
            for record in dkim.records(spec.domain, tokens or (), spec.ttl):
                planned.append(PlannedRecord(
                    record, zone, f"{spec.key}.domain", spec.existing_records,
                    "remove this domain from the config (the names are the DKIM tokens SES holds for its identity)",
                ))
            for index, region in enumerate(spec.replica_regions):
                tokens = dkim_names_in_ses(
                    spec.domain, lambda region=region, **kwargs: get_email_identity(region=region, **kwargs)
                )
                for record in replica_dkim_records(spec, region, tokens or ()):
                    planned.append(PlannedRecord(
                        record, zone, f"{spec.key}.replicaRegions[{index}]", spec.existing_records,
                        f"remove {region} from replicaRegions (the names are the DKIM tokens SES holds for its "
                        f"identity in {region})",
                    ))

    # An authorization that the report domain already publishes needs no writing.
    already = {
        plan.record.name for plan in planned
        if plan.record.values == (REPORT_AUTHORIZATION_VALUE,) and plan.key.endswith((".rua", ".ruf"))
        and any(live.type == "TXT" and REPORT_AUTHORIZATION_VALUE in live.values
                for live in contents[plan.zone.zone_id].at(plan.record.name))
    }
    planned = [plan for plan in planned if plan.record.name not in already]
    decision = decide(collisions(planned, contents), owns or ReadOnce(read_own_records).owns,
                      as_planned_is_own=stack.route53_writes in BATCHED_MODES)
    problems.extend(decision.problems)

    apex_spf: dict[str, ApexSpfPlan] = {}
    for spec in stack.domains:
        if spec.apex_spf is None:
            continue
        zone = zones[spec.domain]
        plan = _apex_spf(spec, zone, contents[zone.zone_id], problems)
        if plan:
            apex_spf[spec.domain] = plan
    if problems:
        raise ConfigError(problems)

    authorizations = {
        domain: tuple(a for a in found if a.record.name not in already)
        for domain, found in wanted_authorizations.items()
    }
    return Preflight(
        adopted=decision.adopted,
        notices=decision.notices,
        apex_spf=apex_spf,
        report_authorizations={domain: found for domain, found in authorizations.items() if found},
        needless_warnings=frozenset(a.warning for found in wanted_authorizations.values() for a in found),
        owned=decision.owned,
    )


def _report_authorizations(spec: DomainSpec, zone: HostedZone, stack_zones) -> list[ReportAuthorization]:
    if spec.dmarc is None:
        return []
    found = []
    for report_domain in report_domains(spec.dmarc):
        if is_within(report_domain, zone.name) or is_within(spec.domain, report_domain):
            continue
        target = zone_for(report_domain, stack_zones)
        if target is None:
            continue
        tag = "rua" if any(report_domain in uri for uri in spec.dmarc.rua) else "ruf"
        found.append(ReportAuthorization(
            report_authorization_record(spec.domain, report_domain, spec.ttl), target, f"{spec.key}.dmarc.{tag}",
            report_authorization_warning(spec.key, spec.domain, report_domain),
        ))
    return found


def _apex_spf(spec: DomainSpec, zone: HostedZone, contents: ZoneContents, problems: list[Problem]) -> Optional[ApexSpfPlan]:
    key = f"{spec.key}.spf"
    live = contents.at(spec.domain)
    blocking = [s for s in live if s.type == "CNAME" or (s.type == "TXT" and (s.alias_target or s.set_identifier))]
    if blocking:
        problems.append(Problem(key, f"the zone {zone.name} has {blocking[0].describe()}: the SPF merge needs a plain "
                                     "TXT record set there; remove spf or fix the record by hand"))
        return None
    # Imported for a domain that merges its apex SPF only: a plain domain does not pay for it.
    from ses_domains.records.spf import SpfMergeError, apex_includes, merge_spf

    txt = next((s for s in live if s.type == "TXT"), None)
    includes = apex_includes(spec.apex_spf.include)
    try:
        merge = merge_spf(txt.values if txt else (), includes)
    except SpfMergeError as error:
        problems.append(Problem(key, f"the TXT record {spec.domain} in zone {zone.name} {error}"))
        return None
    return ApexSpfPlan(zone, spec.domain, includes, merge, (txt.ttl if txt and txt.ttl else spec.ttl))


def apex_spf_notice(key: str, plan: ApexSpfPlan) -> str:
    """What preview says about an apex SPF merge."""
    merge = plan.merge
    others = len(merge.values) - 1
    was = f"was {merge.spf_before!r}" if merge.spf_before else "there was none"
    change = f"becomes {merge.spf_after!r} ({was})" if merge.changed else f"already has every include: {merge.spf_after!r}"
    return (
        f"{key}.spf: the SPF string of {plan.name} {change}; the {others} other TXT value{'s' if others != 1 else ''} "
        f"stay{'s' if others == 1 else ''}; pulumi destroy puts back what was there before"
    )
