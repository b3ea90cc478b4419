"""For each domain of the stack: its records (DKIM tokens from SES) and the nameservers to ask.

Nameservers, first found wins: ``--nameserver``, the domain's ``verify.nameservers``, the
delegation set of its Route 53 hosted zone. Route 53 is asked only when needed, once per zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from ses_domains.cli.aws_clients import make_client
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError
from ses_domains.cli.ses_identities import IdentityReading, read_identities
from ses_domains.cli.stack_file import LoadedStack, load_stack
from ses_domains.cli.stack_records import DomainRecords, domain_records
from ses_domains.cli.zone_nameservers import ZoneLookupError, zone_nameservers
from ses_domains.config.domains import DomainSpec
from ses_domains.config.stack import StackSpec

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

    @property
    def domain(self) -> str:
        return self.spec.domain


def plan_domains(
    spec: StackSpec,
    readings: dict[str, IdentityReading],
    override: Sequence[str],
    route53_client: Callable[[], Any],
) -> list[DomainPlan]:
    """``route53_client`` makes the Route 53 client (called at most once, only when a zone is needed)."""
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
    return plans


def plan_stack(directory: Any, stack: str, override: Sequence[str], console: Console) -> tuple[LoadedStack, list[DomainPlan]]:
    """What ``check`` and ``wait`` start from: the stack file read, SES asked for every identity's
    DKIM tokens, and each domain's nameservers chosen."""
    loaded = load_stack(directory, stack)
    spec = loaded.spec
    console.warnings(spec.warnings)
    settings = loaded.aws_settings
    readings = read_identities(settings, [d.domain for d in spec.domains])
    return loaded, plan_domains(spec, readings, override, lambda: make_client(settings, "route53"))
