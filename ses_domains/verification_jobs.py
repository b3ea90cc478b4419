"""From a domain's config to the engine's jobs: the one place both the program and the command
turn a ``DomainSpec`` and its DKIM tokens into what must be verified, and where."""

from __future__ import annotations

from typing import Sequence

from ses_domains.config.domains import DomainSpec
from ses_domains.engine.job import VerificationJob
from ses_domains.records.plan import domain_records
from ses_domains.records.replicas import replica_records


def job_for_domain(
    spec: DomainSpec, region: str, dkim_tokens: Sequence[str], zone_nameservers: Sequence[str]
) -> VerificationJob:
    """The identity in the stack's ``region``."""
    return _job(spec, domain_records(spec, region, dkim_tokens), zone_nameservers, None)


def job_for_replica(
    spec: DomainSpec, region: str, dkim_tokens: Sequence[str], zone_nameservers: Sequence[str]
) -> VerificationJob:
    """The identity in the replica ``region``: its own DKIM and MAIL FROM records, read from SES there."""
    return _job(spec, replica_records(spec, region, dkim_tokens), zone_nameservers, region)


def _job(spec: DomainSpec, records, zone_nameservers: Sequence[str], region) -> VerificationJob:
    """``verify.nameservers`` when given, else the hosted zone's own."""
    return VerificationJob(
        domain=spec.domain,
        records=tuple(records),
        nameservers=tuple(spec.verify.nameservers or zone_nameservers),
        mail_from_required=bool(spec.mail_from),
        timeout_s=spec.verify.timeout_s,
        region=region,
    )
