"""The records of a domain's identity in a replica region (``replicaRegions``).

- DKIM: Easy DKIM gives the replica identity three tokens of its own, whose CNAMEs point into
  the replica region's DKIM domain; a BYODKIM key is the same in every region (same selector,
  same TXT record), so a replica adds no DKIM record.
- MAIL FROM: the bounce MX must name the feedback endpoint of the identity's own region, and one
  name holds one MX record set. The replica's MAIL FROM domain is therefore a name of its own,
  ``<region>.<mailFrom>`` (``us-east-1.bounce.example.com``), with its MX and SPF records.
- DMARC belongs to the domain, not to an identity: it is written once, with the stack region's
  records.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol, Sequence

from ses_domains.records.inbound import inbound_mx
from ses_domains.records.mail_from import mail_from_mx, mail_from_spf
from ses_domains.records.model import DnsRecord
from ses_domains.records.plan import DomainRecordsSpec, dkim_strategy, static_records


class ReplicatedDomainRecordsSpec(DomainRecordsSpec, Protocol):
    """A domain's spec with its replica regions and receiving (``config.domains.DomainSpec`` is one)."""

    @property
    def replica_regions(self) -> tuple[str, ...]: ...
    @property
    def receive(self) -> Optional[Any]: ...


def replica_mail_from(mail_from: Optional[str], region: str) -> Optional[str]:
    """The MAIL FROM domain of the identity in ``region`` (``None`` without ``mailFrom``)."""
    return f"{region}.{mail_from}" if mail_from else None


def replica_static_records(spec: DomainRecordsSpec, region: str) -> dict[str, DnsRecord]:
    """The replica's records known before SES answers, keyed by role (``mail-from-mx``, ``mail-from-spf``)."""
    name = replica_mail_from(spec.mail_from, region)
    if name is None:
        return {}
    return {"mail-from-mx": mail_from_mx(name, region, spec.ttl), "mail-from-spf": mail_from_spf(name, spec.ttl)}


def replica_dkim_records(spec: DomainRecordsSpec, region: str, dkim_tokens: Sequence[str]) -> tuple[DnsRecord, ...]:
    """Easy DKIM: the replica's own three CNAMEs; BYODKIM: the key's TXT records (the same as the
    stack region's: they are checked again for this identity, never written twice)."""
    return dkim_strategy(spec, region).records(spec.domain, dkim_tokens, spec.ttl)


def replica_records(spec: DomainRecordsSpec, region: str, dkim_tokens: Sequence[str]) -> tuple[DnsRecord, ...]:
    """What the identity in ``region`` needs served: its DKIM records, then its MAIL FROM ones."""
    return replica_dkim_records(spec, region, dkim_tokens) + tuple(replica_static_records(spec, region).values())


def replica_written_records(spec: DomainRecordsSpec, region: str, dkim_tokens: Sequence[str]) -> tuple[DnsRecord, ...]:
    """The record sets the replica adds to the zone: Easy DKIM's own CNAMEs and its MAIL FROM records."""
    dkim = replica_dkim_records(spec, region, dkim_tokens) if spec.byodkim is None else ()
    return dkim + tuple(replica_static_records(spec, region).values())


def every_static_record(spec: ReplicatedDomainRecordsSpec, stack_region: str) -> list[DnsRecord]:
    """Every record the domain writes that is known from the config: the stack region's static
    records, then each replica's MAIL FROM records, then the receiving MX (for checks that one
    record set has one writer)."""
    records = list(static_records(spec, stack_region).values())
    for region in spec.replica_regions:
        records.extend(replica_static_records(spec, region).values())
    if spec.receive is not None:
        records.append(inbound_mx(spec.domain, stack_region, spec.ttl))
    return records
