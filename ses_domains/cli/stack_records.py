"""The records a stack needs, per domain, with a placeholder wherever a value needs SES and SES
could not be asked (the DKIM tokens exist only once the identity does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.config.domains import DEFAULT_TTL, DomainSpec
from ses_domains.config.stack import StackSpec
from ses_domains.records.dkim import EasyDkim
from ses_domains.records.inbound import inbound_mx
from ses_domains.records.model import DnsRecord
from ses_domains.records.plan import domain_records as planned_records
from ses_domains.records.tracking import tracking_cname

PLACEHOLDERS = EasyDkim.PLACEHOLDER_TOKENS


def is_placeholder(record: DnsRecord) -> bool:
    return any(token in record.name or any(token in value for value in record.values) for token in PLACEHOLDERS)


@dataclass(frozen=True)
class DomainRecords:
    """One domain: the zone its records go to and the records, DKIM first."""

    domain: str
    zone: Optional[str]
    """The zone the stack names (by name or id); ``None`` when it names none and the program takes
    the closest enclosing public hosted zone, which only Route 53 knows."""
    records: tuple[DnsRecord, ...]
    dkim_from_ses: bool
    why_placeholders: Optional[str] = None
    """Why SES could not give the DKIM tokens (set exactly when ``dkim_from_ses`` is false)."""

    @property
    def zone_words(self) -> str:
        """``zone example.com``, or what the program does when the stack names no zone."""
        return f"zone {self.zone}" if self.zone else "the closest enclosing public hosted zone"


def named_zone(spec: DomainSpec) -> Optional[str]:
    return str(spec.zone) if spec.zone.given else None


def domain_records(spec: DomainSpec, region: str, reading: IdentityReading) -> DomainRecords:
    """The records SES verifies, then the receiving MX (``receive``), which SES does not verify."""
    receiving = (inbound_mx(spec.domain, region, spec.ttl),) if spec.receive is not None else ()
    tokens = reading.dkim_tokens
    if tokens or spec.byodkim is not None:
        # BYODKIM's record is the selector and key from the config: SES's Tokens may well be [].
        return DomainRecords(spec.domain, named_zone(spec), planned_records(spec, region, tokens) + receiving, True)
    why = reading.problem or f"SES returned no DKIM tokens for {spec.domain}"
    return DomainRecords(
        spec.domain, named_zone(spec), planned_records(spec, region, PLACEHOLDERS) + receiving, False, why
    )


def stack_records(spec: StackSpec, readings: dict[str, IdentityReading]) -> list[DomainRecords]:
    return [domain_records(domain, spec.region, readings[domain.domain]) for domain in spec.domains]


def tracking_records(spec: StackSpec) -> list[DnsRecord]:
    """The CNAME of each custom tracking domain served over HTTP (``httpsPolicy: OPTIONAL``); an HTTPS
    tracking domain points at a CloudFront distribution of your own instead."""
    return [
        tracking_cname(configuration_set.tracking_domain, spec.region, DEFAULT_TTL)
        for configuration_set in spec.configuration_sets
        if configuration_set.tracking_domain and configuration_set.https_policy == "OPTIONAL"
    ]
