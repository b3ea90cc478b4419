"""Email address identities: whether their owner clicked the link SES mailed them.

An address identity has nothing in DNS: SES mails the address a link on create and the identity
is verified for sending once it is clicked (``VerifiedForSendingStatus``). The link expires
after 24 hours, and SES then reports ``VerificationStatus`` FAILED until the identity is made
again. So an address is only read from SES: looked at once (:func:`look_at_address`: what the
verification step reports without holding ``pulumi up``, and what a refresh stores), or polled
until verified, failed, or its deadline (:func:`wait_for_address`, for ``wait: true``).

Jobs in, results out (``engine.address_job``). No Pulumi here.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Mapping, Optional, Sequence

from ses_domains.engine.address_job import AddressJob, AddressResult

from ses_domains.engine.ses.client import SesReader
from ses_domains.engine.ses.errors import (
    SesApiError,
    SesError,
    SesIdentityNotFound,
    SesVerificationFailed,
    SesVerificationTimeout,
)
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.status import IdentityStatus, Verdict, judge_address
from ses_domains.engine.ses.wait import IdentityTarget, ProgressEvent, wait_for_identity

LOOK_TIMEOUT_S = 20.0
"""How long one look at an address may take (connect, read and retries together)."""
MAX_CONCURRENT = 32
"""Addresses read at once (each read blocks a thread; a waiting thread mostly sleeps). A wait's
deadline counts from its start, so every waited-for address should get a thread at once."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _result(job: AddressJob, status: IdentityStatus, before: Optional[AddressResult]) -> AddressResult:
    verdict = judge_address(status).verdict
    address = job.address
    if verdict is Verdict.VERIFIED:
        since = before.verified_at if before is not None and before.verified else None
        return AddressResult(address, True, f"{address} is verified: its owner clicked the link SES sent",
                             status.verification_status, since or _now())
    if verdict is Verdict.FAILED:
        return AddressResult(
            address, False,
            f"SES stopped waiting for {address} to click its link (VerificationStatus FAILED: the link expires "
            "after 24 hours); have SES send a new one by making the identity again: pulumi up --replace with the "
            "URN of its aws:sesv2/emailIdentity:EmailIdentity",
            status.verification_status, failed=True,
        )
    follow = ("pulumi up waits for it" if job.wait
              else "pulumi up does not wait for it (wait: true would); the link expires after 24 hours")
    return AddressResult(
        address, False,
        f"waiting for {address} to click the link SES sent (VerificationStatus "
        f"{status.verification_status or 'unknown'}); {follow}",
        status.verification_status,
    )


def look_at_address(
    reader: SesReader, job: AddressJob, before: Optional[AddressResult] = None, *, timeout_s: float = LOOK_TIMEOUT_S
) -> AddressResult:
    """One ``GetEmailIdentity``: verified, waiting or failed. SES that cannot be asked leaves the
    previous result as it was, marked ``unchecked``; an identity SES does not have is failed."""
    try:
        status = reader.read_identity(job.address, timeout_s=timeout_s)
    except SesIdentityNotFound as error:
        return AddressResult(job.address, False, str(error), failed=True)
    except SesError as error:
        previous = before or AddressResult(job.address, False, "not read from SES yet")
        return replace(previous, unchecked=str(error))
    return _result(job, status, before)


def wait_for_address(
    reader: SesReader,
    job: AddressJob,
    *,
    options: Optional[WaitOptions] = None,
    on_answer: Callable[[AddressResult], None] = lambda _result: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> AddressResult:
    """Poll SES until ``job.address`` is verified, SES gave up, or ``job.timeout_s`` passed: the
    domains' wait (``wait_for_identity``) with an address's judgement. Never raises for SES's
    errors: a result that is not verified says why."""

    def answered(event: ProgressEvent) -> None:
        assert event.status is not None
        on_answer(_result(job, event.status, None))

    try:
        done = wait_for_identity(
            reader, IdentityTarget(job.address, email_address=True), options=options or WaitOptions(timeout=job.timeout_s),
            on_progress=answered, clock=clock, sleep=sleep, rand=rand,
        )
    except SesVerificationFailed as failed:
        return _result(job, failed.status, None)
    except SesVerificationTimeout as timeout:
        waited = round(timeout.elapsed)
        if timeout.status is None:
            return AddressResult(job.address, False, f"no answer from SES about {job.address} in {waited}s "
                                                     f"(last error: {timeout.last_error})", failed=True)
        return replace(_result(job, timeout.status, None), failed=True, message=(
            f"{job.address} did not click the link SES sent within {waited}s (VerificationStatus "
            f"{timeout.status.verification_status or 'unknown'}): click it and run pulumi up again, or raise timeout"
        ))
    except SesApiError as error:
        return AddressResult(job.address, False, str(error), failed=True)
    return _result(job, done.status, None)


def run_addresses(
    jobs: Sequence[AddressJob],
    reader: SesReader,
    previous: Mapping[str, AddressResult] = {},
    *,
    wait: bool = True,
    on_answer: Callable[[AddressResult], None] = lambda _result: None,
) -> list[AddressResult]:
    """Every job at once, results in order: a ``wait`` job is waited for (when ``wait``), any
    other looked at once."""

    def one(job: AddressJob) -> AddressResult:
        if wait and job.wait:
            return wait_for_address(reader, job, on_answer=on_answer)
        result = look_at_address(reader, job, previous.get(job.address))
        on_answer(result)
        return result

    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT, len(jobs)), thread_name_prefix="ses-address") as pool:
        return list(pool.map(one, jobs))
