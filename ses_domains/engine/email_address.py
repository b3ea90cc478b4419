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
from ses_domains.engine.ses.errors import SesApiError, SesError, SesIdentityNotFound
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.status import FAILED, IdentityStatus, Verdict

LOOK_TIMEOUT_S = 20.0
"""How long one look at an address may take (connect, read and retries together)."""
MAX_CONCURRENT = 32
"""Addresses read at once (each read blocks a thread; a waiting thread mostly sleeps). A wait's
deadline counts from its start, so every waited-for address should get a thread at once."""


def judge_address(status: IdentityStatus) -> Verdict:
    """Verified once SES may send from it; FAILED is final (the link expired); else waiting."""
    if status.verified_for_sending:
        return Verdict.VERIFIED
    if status.verification_status == FAILED:
        return Verdict.FAILED
    return Verdict.WAITING


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _result(job: AddressJob, status: IdentityStatus, before: Optional[AddressResult]) -> AddressResult:
    verdict = judge_address(status)
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
    """Poll SES until ``job.address`` is verified, SES gave up, or ``job.timeout_s`` passed; the
    last poll is made at the deadline, never after, and each call gets the time left. Never
    raises for SES's errors: a result that is not verified says why."""
    options = options or WaitOptions(timeout=job.timeout_s)
    started = clock()
    deadline = started + options.timeout
    polls = retries = 0
    last: Optional[AddressResult] = None
    last_error: Optional[SesApiError] = None
    while True:
        budget = max(deadline - clock(), options.min_call_timeout)
        try:
            status = reader.read_identity(job.address, timeout_s=budget)
        except SesApiError as error:
            if not error.retryable:
                return AddressResult(job.address, False, str(error), failed=True)
            last_error = error
            delay = options.retry.delay(retries, rand())
            retries += 1
        else:
            retries = 0
            polls += 1
            last = _result(job, status, None)
            on_answer(last)
            if last.verified or last.failed:
                return last
            delay = options.poll.delay(polls - 1, rand())
        remaining = deadline - clock()
        if remaining <= 0:
            waited = round(clock() - started)
            if last is None:
                return AddressResult(job.address, False, f"no answer from SES about {job.address} in {waited}s "
                                                         f"(last error: {last_error})", failed=True)
            return replace(last, failed=True, message=(
                f"{job.address} did not click the link SES sent within {waited}s (VerificationStatus "
                f"{last.verification_status or 'unknown'}): click it and run pulumi up again, or raise timeout"
            ))
        sleep(min(delay, remaining))


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
