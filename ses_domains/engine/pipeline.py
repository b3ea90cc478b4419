"""Verifying sending domains end to end: every record on every authoritative server, then SES.

Each domain runs its own pipeline, all at once: as soon as one domain's records are visible
everywhere its SES polling starts, while slower domains are still waiting for DNS, so a stack
waits as long as its slowest domain, never the sum. DNS waits share one transport (one set of
sockets); SES waits run in threads (boto3 is blocking).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from ses_domains.records.model import DnsRecord
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DnsProgress, DomainTarget, wait_for_records
from ses_domains.engine.ses.errors import SesVerificationError
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.wait import IdentityTarget, ProgressEvent, wait_for_identity

ProgressLine = Callable[[str], None]


@dataclass(frozen=True)
class DomainJob:
    """One domain to verify: what must be in DNS, where to look, and how long to wait."""

    domain: str
    records: tuple[DnsRecord, ...]
    nameservers: tuple[str, ...]
    mail_from_required: bool
    timeout_s: float


@dataclass(frozen=True)
class DomainOutcome:
    """What happened to one domain; plain data, the shape the Pulumi resource stores."""

    domain: str
    verified: bool
    stage: str
    """``dns`` or ``ses``: where the pipeline stopped (``ses`` once verified)."""
    dns_seconds: Optional[float] = None
    dns_queries: int = 0
    ses_seconds: Optional[float] = None
    ses_status: dict[str, Any] = field(default_factory=dict)
    verified_at: Optional[str] = None
    error: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "stage": self.stage,
            "dnsSeconds": self.dns_seconds,
            "dnsQueries": self.dns_queries,
            "sesSeconds": self.ses_seconds,
            "sesStatus": self.ses_status,
            "verifiedAt": self.verified_at,
            "error": self.error,
        }


async def verify_domains(
    jobs: list[DomainJob],
    ses_client_for: Callable[[str], Any],
    *,
    progress: ProgressLine = lambda line: None,
    progress_every_s: float = 10.0,
    ses_options: Optional[Callable[[float], WaitOptions]] = None,
    ses_sleep: Callable[[float], None] = time.sleep,
) -> list[DomainOutcome]:
    """Verify every job concurrently; never raises for a domain that fails (see ``error``)."""
    transport = DnsTransport()
    reporter = _Reporter(progress, progress_every_s)
    try:
        return list(
            await asyncio.gather(
                *(_verify_one(job, ses_client_for, transport, reporter, ses_options, ses_sleep) for job in jobs)
            )
        )
    finally:
        await transport.aclose()


async def _verify_one(
    job: DomainJob,
    ses_client_for: Callable[[str], Any],
    transport: DnsTransport,
    reporter: "_Reporter",
    ses_options: Optional[Callable[[float], WaitOptions]],
    ses_sleep: Callable[[float], None],
) -> DomainOutcome:
    started = time.monotonic()
    reporter.say(job.domain, f"checking {len(job.records)} records on {len(job.nameservers)} nameservers")
    report = await wait_for_records(
        [DomainTarget(job.domain, job.records, job.nameservers)],
        deadline_s=job.timeout_s,
        transport=transport,
        on_progress=lambda p: reporter.dns(job.domain, p),
    )
    dns_seconds = round(report.elapsed_s, 3)
    if not report.ready:
        reporter.say(job.domain, "DNS not ready", force=True)
        return DomainOutcome(job.domain, False, "dns", dns_seconds, report.queries_sent, error=report.describe())
    reporter.say(
        job.domain,
        f"DNS ready on every nameserver after {dns_seconds:.1f}s ({report.queries_sent} queries); polling SES",
        force=True,
    )
    remaining = max(1.0, job.timeout_s - (time.monotonic() - started))
    options = ses_options(remaining) if ses_options else WaitOptions(timeout=remaining)
    try:
        result = await asyncio.to_thread(
            wait_for_identity,
            ses_client_for(job.domain),
            IdentityTarget(job.domain, mail_from_required=job.mail_from_required),
            options=options,
            on_progress=lambda event: reporter.ses(event),
            sleep=ses_sleep,
        )
    except SesVerificationError as error:
        status = getattr(error, "status", None)
        reporter.say(job.domain, "SES verification did not succeed", force=True)
        return DomainOutcome(
            job.domain, False, "ses", dns_seconds, report.queries_sent,
            ses_status=status.as_dict() if status is not None else {}, error=str(error),
        )
    reporter.say(job.domain, f"verified for sending after {time.monotonic() - started:.1f}s", force=True)
    return DomainOutcome(
        job.domain, True, "ses", dns_seconds, report.queries_sent,
        ses_seconds=round(result.elapsed, 3),
        ses_status=result.status.as_dict(),
        verified_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


class _Reporter:
    """Progress lines, at most one per domain every ``every_s`` seconds unless forced."""

    def __init__(self, emit: ProgressLine, every_s: float):
        self.emit = emit
        self.every_s = every_s
        self.last: dict[str, float] = {}

    def say(self, domain: str, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last.get(domain, float("-inf")) >= self.every_s:
            self.last[domain] = now
            self.emit(f"{domain}: {text}")

    def dns(self, domain: str, progress: DnsProgress) -> None:
        self.say(
            domain,
            f"DNS {progress.ready_pairs}/{progress.total_pairs} record checks ready "
            f"({progress.elapsed_s:.1f}s, {progress.queries_sent} queries)",
        )

    def ses(self, event: ProgressEvent) -> None:
        mail_from = f", MAIL FROM {event.mail_from_status}" if event.mail_from_status else ""
        self.say(
            event.domain,
            f"SES DKIM {event.dkim_status}{mail_from}, verified for sending: "
            f"{'yes' if event.verified_for_sending else 'no'} (poll {event.poll}, {event.elapsed:.0f}s)",
        )
