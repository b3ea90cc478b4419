"""For each domain of the stack: its records (DKIM tokens from SES) and the nameservers to ask.

Nameservers, first found wins: ``--nameserver``, the domain's ``verify.nameservers``, the
delegation set of its Route 53 hosted zone. Route 53 is asked only when needed, once per zone.

A domain with ``replicaRegions`` has one plan per identity: the stack region's, then each
replica's (its DKIM tokens read from SES in that region, its own DKIM and MAIL FROM records).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Optional, Sequence

from ses_domains.cli.aws_clients import make_client
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError
from ses_domains.cli.ses_identities import IdentityReading, read_identities
from ses_domains.cli.stack_file import LoadedStack, load_stack
from ses_domains.cli.stack_records import PLACEHOLDERS, DomainRecords, domain_records, named_zone
from ses_domains.cli.zone_nameservers import ZoneLookupError, zone_nameservers
from ses_domains.config.domains import DomainSpec
from ses_domains.config.stack import StackSpec
from ses_domains.engine.job import identity_key
from ses_domains.records.replicas import replica_records

FROM_OPTION = "--nameserver"
FROM_CONFIG = "verify.nameservers"
FROM_ROUTE53 = "Route 53 zone"


@dataclass(frozen=True)
class DomainPlan:
    spec: DomainSpec
    records: DomainRecords
    identity: IdentityReading
    nameservers: tuple[str, ...]
    nameserver_source: str
    nameserver_problem: Optional[str] = None
    """Why the nameservers are unknown (``nameservers`` is then empty)."""
    region: Optional[str] = None
    """The replica region of this identity; ``None``: the stack's own."""

    @property
    def domain(self) -> str:
        return self.spec.domain

    @property
    def key(self) -> str:
        """``example.com``, or ``example.com (us-east-1)`` for a replica: how output names the identity."""
        return identity_key(self.spec.domain, self.region)


def replica_domain_records(spec: DomainSpec, region: str, reading: IdentityReading) -> DomainRecords:
    """The records the identity in replica ``region`` needs, with placeholders where SES could not tell."""
    tokens = reading.dkim_tokens
    if tokens or spec.byodkim is not None:
        return DomainRecords(spec.domain, named_zone(spec), replica_records(spec, region, tokens), True)
    why = reading.problem or f"SES in {region} returned no DKIM tokens for {spec.domain}"
    return DomainRecords(spec.domain, named_zone(spec), replica_records(spec, region, PLACEHOLDERS), False, why)


def plan_domains(
    spec: StackSpec,
    readings: dict[str, IdentityReading],
    override: Sequence[str],
    route53_client: Callable[[], Any],
) -> list[DomainPlan]:
    """``route53_client`` makes the Route 53 client (called at most once, only when a zone is needed).
    ``readings`` are keyed as the plans (:func:`identity_key`): a replica without a reading is
    planned as one SES could not be asked about."""
    client: list[Any] = []
    by_zone: dict[str, tuple[tuple[str, ...], Optional[str]]] = {}

    def from_route53(domain: DomainSpec) -> tuple[tuple[str, ...], Optional[str]]:
        key = str(domain.zone)
        if key not in by_zone:
            try:
                if not client:
                    client.append(route53_client())
                by_zone[key] = (zone_nameservers(client[0], domain.zone), None)
            except (ZoneLookupError, CommandError) as error:
                by_zone[key] = ((), str(error))
        return by_zone[key]

    plans = []
    for domain in spec.domains:
        reading = readings[domain.domain]
        records = domain_records(domain, spec.region, reading)
        if override:
            nameservers, source, problem = tuple(override), FROM_OPTION, None
        elif domain.verify.nameservers:
            nameservers, source, problem = domain.verify.nameservers, FROM_CONFIG, None
        else:
            (nameservers, problem), source = from_route53(domain), FROM_ROUTE53
        plans.append(DomainPlan(domain, records, reading, nameservers, source, problem))
        for region in domain.replica_regions:
            replica = readings.get(identity_key(domain.domain, region)) or IdentityReading(
                domain.domain, problem=f"SES in {region} was not asked")
            plans.append(DomainPlan(domain, replica_domain_records(domain, region, replica), replica, nameservers,
                                    source, problem, region))
    return plans


def plan_stack(directory: Any, stack: str, override: Sequence[str], console: Console) -> tuple[LoadedStack, list[DomainPlan]]:
    """What ``check`` and ``wait`` start from: the stack file read, SES asked for every identity's
    DKIM tokens, and each domain's nameservers chosen."""
    loaded = load_stack(directory, stack)
    spec = loaded.spec
    console.warnings(spec.warnings)
    settings = loaded.aws_settings
    readings = read_identities(settings, [d.domain for d in spec.domains])
    for region in dict.fromkeys(region for d in spec.domains for region in d.replica_regions):
        served = [d.domain for d in spec.domains if region in d.replica_regions]
        for domain, reading in read_identities(replace(settings, region=region), served).items():
            readings[identity_key(domain, region)] = reading
    return loaded, plan_domains(spec, readings, override, lambda: make_client(settings, "route53"))
