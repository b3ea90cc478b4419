"""Verifying sending domains end to end: every record on every authoritative server, then SES.

One pipeline, two ways to run it:

- :func:`verify_domains` waits: each domain runs its own DNS-then-SES pipeline, all at once. As
  soon as one domain's records are visible everywhere its SES polling starts, while slower domains
  are still waiting for DNS, so a stack waits as long as its slowest domain, never the sum.
  ``pulumi up`` (the verification step) and ``ses-domains wait`` use it.
- :func:`check_domains` looks once: one DNS round for every domain, then one SES read each. Refresh
  (``pulumi preview --refresh``) and ``ses-domains check`` use it. A server or SES that cannot be
  reached makes the domain "could not check", never "regressed": its verified state stays as the
  look before found it.

DNS waits share one transport (one set of sockets); SES calls run in threads (boto3 blocks).

A job is one identity: a domain in the stack's region, or in a replica region (``job.region``).
Jobs, progress and results are labelled by ``job.key``; each job reads SES in its own region
through ``ses``: one reader for every job, or a function giving the reader of a region
(``None`` for the stack's own).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping, Optional, Sequence, Union

from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DnsProgress, DomainTarget, PairStatus, check_once, wait_for_records
from ses_domains.engine.job import DomainResult, Stage, VerificationJob
from ses_domains.engine.ses.client import SesReader
from ses_domains.engine.ses.errors import SesError, SesIdentityNotFound, SesVerificationFailed
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.status import SUCCESS, IdentityStatus, dkim_zone_mismatch, judge, signing_mismatch
from ses_domains.engine.ses.wait import IdentityTarget, ProgressEvent, wait_for_identity

SES_READ_TIMEOUT_S = 20.0
"""How long one look at SES may take during a check (connect, read and retries together)."""


@dataclass(frozen=True)
class Progress:
    """One progress line about one domain; ``milestone`` for a step done (DNS ready, verified,
    failed), which a throttled display never drops."""

    domain: str
    text: str
    milestone: bool = False
    waiting: tuple[PairStatus, ...] = ()
    """While DNS is awaited: each record not yet confirmed on a server, and what that server said."""

    def __str__(self) -> str:
        return f"{self.domain}: {self.text}"


ProgressSink = Callable[[Progress], None]
SesReaders = Union[SesReader, Callable[[Optional[str]], SesReader]]
"""One reader for every job, or the reader of a region (``None``: the stack's own)."""


def reader_for(ses: SesReaders, region: Optional[str]) -> SesReader:
    return ses if hasattr(ses, "read_identity") else ses(region)


def _ignore(_progress: Progress) -> None:
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _target(job: VerificationJob) -> DomainTarget:
    return DomainTarget(job.key, job.records, job.nameservers)


async def verify_domains(
    jobs: Sequence[VerificationJob],
    ses: SesReaders,
    *,
    progress: ProgressSink = _ignore,
    progress_every_s: float = 10.0,
    ses_options: Optional[Callable[[float], WaitOptions]] = None,
    ses_sleep: Callable[[float], None] = time.sleep,
) -> list[DomainResult]:
    """Verify every job concurrently, each within its own ``timeout_s``; never raises for a
    domain that fails (see ``DomainResult.error``)."""
    transport = DnsTransport()
    reporter = _Reporter(progress, progress_every_s)
    try:
        return list(
            await asyncio.gather(
                *(_verify_one(job, ses, transport, reporter, ses_options, ses_sleep) for job in jobs)
            )
        )
    finally:
        await transport.aclose()


async def _verify_one(
    job: VerificationJob,
    ses: SesReaders,
    transport: DnsTransport,
    reporter: "_Reporter",
    ses_options: Optional[Callable[[float], WaitOptions]],
    ses_sleep: Callable[[float], None],
) -> DomainResult:
    started = time.monotonic()
    label = job.key
    reporter.say(label, f"checking {len(job.records)} records on {len(job.nameservers)} nameservers")
    report = await wait_for_records(
        [_target(job)],
        deadline_s=job.timeout_s,
        transport=transport,
        on_progress=lambda p: reporter.dns(label, p),
    )
    dns_seconds = round(report.elapsed_s, 3)
    if not report.ready:
        reporter.say(label, "DNS not ready", milestone=True)
        return DomainResult(job.domain, False, Stage.DNS, dns_seconds, report.queries_sent, error=report.describe(),
                            region=job.region, dns_problems=report.problems)
    reporter.say(
        label,
        f"DNS ready on every nameserver after {dns_seconds:.1f}s ({report.queries_sent} queries); polling SES",
        milestone=True,
    )
    remaining = max(1.0, job.timeout_s - (time.monotonic() - started))
    options = ses_options(remaining) if ses_options else WaitOptions(timeout=remaining)
    try:
        verified = await asyncio.to_thread(
            wait_for_identity,
            _DkimZoneGuard(reader_for(ses, job.region), job),
            IdentityTarget(job.domain, mail_from_required=job.mail_from_required),
            options=options,
            on_progress=lambda event: reporter.ses(label, event),
            sleep=ses_sleep,
        )
    except SesError as error:
        status = getattr(error, "status", None)
        reporter.say(label, "SES verification did not succeed", milestone=True)
        return DomainResult(
            job.domain, False, Stage.SES, dns_seconds, report.queries_sent,
            ses_status=status.as_dict() if status is not None else {}, error=str(error), region=job.region,
        )
    reporter.say(label, f"verified for sending after {time.monotonic() - started:.1f}s", milestone=True)
    return DomainResult(
        job.domain, True, Stage.SES, dns_seconds, report.queries_sent,
        ses_seconds=round(verified.elapsed, 3),
        ses_status=verified.status.as_dict(),
        verified_at=_now(),
        region=job.region,
    )


async def check_domains(
    jobs: Sequence[VerificationJob],
    ses: SesReaders,
    previous: Mapping[str, DomainResult] = {},
    *,
    ses_timeout_s: float = SES_READ_TIMEOUT_S,
) -> list[DomainResult]:
    """One look at every job: what a refresh stores, beside what the look before found.

    A domain whose records are all served and whose SES status is verified is verified (since
    the earlier ``verified_at`` if it already was); a record missing or wrong, or an SES status no
    longer verified, makes it not verified; a server or SES that could not be asked leaves the
    previous result as it was, marked ``unchecked``. ``previous`` is keyed by ``job.key``.
    """
    started = time.monotonic()
    report = await check_once([_target(job) for job in jobs])
    dns_seconds = round(time.monotonic() - started, 3)
    return list(await asyncio.gather(*(
        _check_one(job, report.domain(job.key), reader_for(ses, job.region), previous.get(job.key), dns_seconds,
                   ses_timeout_s)
        for job in jobs
    )))


async def _check_one(job, dns, ses, before, dns_seconds, ses_timeout_s) -> DomainResult:
    before = before or DomainResult(job.domain, False, Stage.DNS, region=job.region)
    queries = sum(p.queries for p in dns.pairs)
    problems = [p for p in dns.pairs if not p.ready]
    unreachable = [p for p in problems if p.state.could_not_check]
    if unreachable:
        return before.could_not_check("\n".join(p.describe() for p in unreachable))
    if problems:
        return DomainResult(job.domain, False, Stage.DNS, dns_seconds, queries,
                            error="\n".join(p.describe() for p in problems), region=job.region)
    try:
        status = await asyncio.to_thread(ses.read_identity, job.domain, timeout_s=ses_timeout_s)
    except SesIdentityNotFound as error:
        return DomainResult(job.domain, False, Stage.SES, dns_seconds, queries, error=str(error), region=job.region)
    except SesError as error:
        return before.could_not_check(str(error))
    mismatch = _mismatch(status, job)
    if mismatch:
        return DomainResult(job.domain, False, Stage.SES, dns_seconds, queries, ses_status=status.as_dict(),
                            error=mismatch, region=job.region)
    judgement = judge(status, mail_from_required=job.mail_from_required)
    if judgement.unmet:
        return DomainResult(job.domain, False, Stage.SES, dns_seconds, queries, ses_status=status.as_dict(),
                            error="; ".join(str(u) for u in judgement.unmet), region=job.region)
    return DomainResult(job.domain, True, Stage.SES, dns_seconds, queries, ses_status=status.as_dict(),
                        verified_at=before.verified_at if before.verified else _now(), region=job.region)


def run_verify(jobs: Sequence[VerificationJob], ses: SesReaders, **options) -> list[DomainResult]:
    """Blocking :func:`verify_domains` (its own event loop)."""
    return asyncio.run(verify_domains(jobs, ses, **options))


def run_check(jobs: Sequence[VerificationJob], ses: SesReaders, previous: Mapping[str, DomainResult] = {},
              **options) -> list[DomainResult]:
    """Blocking :func:`check_domains` (its own event loop)."""
    return asyncio.run(check_domains(jobs, ses, previous, **options))


def _mismatch(status: IdentityStatus, job: VerificationJob) -> Optional[str]:
    """SES signing otherwise than the stack declares (origin, selector) is final; a DKIM domain
    mismatch matters only while SES has not found the keys."""
    signing = signing_mismatch(status, job.records)
    if signing or status.dkim_status == SUCCESS:
        return signing
    return dkim_zone_mismatch(status, job.records)


class _DkimZoneGuard:
    """The SES reader the wait polls through: an answer whose ``SigningHostedZone`` shows that the
    published DKIM CNAMEs can never verify ends the wait at once (``SesVerificationFailed``, which
    the poll loop does not retry) instead of at its deadline."""

    def __init__(self, reader: SesReader, job: VerificationJob):
        self._reader = reader
        self._job = job

    def read_identity(self, domain: str, *, timeout_s: float) -> IdentityStatus:
        status = self._reader.read_identity(domain, timeout_s=timeout_s)
        mismatch = _mismatch(status, self._job)
        if mismatch:
            raise SesVerificationFailed(domain, mismatch, status, 0.0)
        return status


class _Reporter:
    """Progress to a sink: at most one line per domain every ``every_s`` seconds, milestones always."""

    def __init__(self, sink: ProgressSink, every_s: float):
        self.sink = sink
        self.every_s = every_s
        self.last: dict[str, float] = {}

    def say(self, domain: str, text: str, *, milestone: bool = False,
            waiting: tuple[PairStatus, ...] = ()) -> None:
        now = time.monotonic()
        if milestone or now - self.last.get(domain, float("-inf")) >= self.every_s:
            self.last[domain] = now
            self.sink(Progress(domain, text, milestone, waiting))

    def dns(self, domain: str, progress: DnsProgress) -> None:
        self.say(
            domain,
            f"DNS {progress.ready_pairs}/{progress.total_pairs} record checks ready "
            f"({progress.elapsed_s:.1f}s, {progress.queries_sent} queries)",
            waiting=progress.waiting,
        )

    def ses(self, label: str, event: ProgressEvent) -> None:
        mail_from = f", MAIL FROM {event.mail_from_status}" if event.mail_from_status else ""
        self.say(
            label,
            f"SES DKIM {event.dkim_status}{mail_from}, verified for sending: "
            f"{'yes' if event.verified_for_sending else 'no'} (poll {event.poll}, {event.elapsed:.0f}s)",
        )
