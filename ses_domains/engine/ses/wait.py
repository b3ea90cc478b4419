"""Poll SESv2 ``GetEmailIdentity`` until a domain identity is verified, has failed, or time is up.

SES checks DNS on its own schedule, so after the records are visible it can still take minutes.
The waiter polls fast at first and backs off to a cap, retries throttling and transient AWS
errors with exponential backoff and jitter, stops at its own deadline (Pulumi's custom timeouts
do not reach dynamic providers), and on timeout names the status that is stuck and since when.

Clock, sleep and randomness are parameters so that tests run in virtual time. No Pulumi here.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from botocore.exceptions import ClientError, HTTPClientError, NoCredentialsError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ses_domains.engine.ses.status import (
    IdentityStatus,
    UnmetCheck,
    Verdict,
    describe_verification_info,
    explain_error_type,
    judge,
    parse_identity,
)

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Random = Callable[[], float]


@dataclass(frozen=True)
class Backoff:
    """Exponential delays: ``initial * factor**attempt``, at most ``cap`` seconds.

    ``jitter`` is the fraction by which a delay may be shortened at random (0.1 keeps concurrent
    pollers from marching in step; 0.5 is "equal jitter", the usual choice after throttling).
    Jitter only shortens, so the cap is a true upper bound.
    """

    initial: float
    factor: float
    cap: float
    jitter: float = 0.0

    def delay(self, attempt: int, rand: float) -> float:
        """Delay before try ``attempt + 1``; ``rand`` is a uniform sample in [0, 1)."""
        base = min(self.cap, self.initial * self.factor**attempt)
        return base * (1.0 - self.jitter * rand)


@dataclass(frozen=True)
class WaitOptions:
    """How long and how often to poll.

    ``poll`` paces polls that got an answer; ``retry`` paces retries after throttling or a
    transient error (its attempt counter resets at the next answer).
    """

    timeout: float = 45 * 60.0
    poll: Backoff = Backoff(initial=2.0, factor=2.0, cap=30.0, jitter=0.1)
    retry: Backoff = Backoff(initial=1.0, factor=2.0, cap=30.0, jitter=0.5)


@dataclass(frozen=True)
class IdentityTarget:
    """A domain identity to wait for; ``mail_from_required`` when a MAIL FROM domain is set up."""

    domain: str
    mail_from_required: bool = False


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to the progress callback after every answered poll."""

    domain: str
    dkim_status: str | None
    mail_from_status: str | None
    verified_for_sending: bool
    elapsed: float
    verdict: Verdict
    poll: int


@dataclass(frozen=True)
class VerificationResult:
    domain: str
    status: IdentityStatus
    elapsed: float
    polls: int
    retries: int


@dataclass(frozen=True)
class StuckCheck:
    """A condition still unmet at the deadline, in ``status`` since ``since`` s into the wait."""

    check: str
    status: str
    since: float


class SesVerificationError(Exception):
    """Base of every error the waiter raises; ``domain`` says which identity."""

    def __init__(self, domain: str, message: str):
        super().__init__(message)
        self.domain = domain


class SesVerificationFailed(SesVerificationError):
    """SES reported FAILED: terminal, the setup must be redone."""

    def __init__(self, domain: str, message: str, status: IdentityStatus, elapsed: float):
        super().__init__(domain, message)
        self.status = status
        self.elapsed = elapsed


class SesVerificationTimeout(SesVerificationError):
    """The deadline passed; ``stuck`` names what was still unmet (empty if SES never answered)."""

    def __init__(
        self,
        domain: str,
        message: str,
        status: IdentityStatus | None,
        stuck: tuple[StuckCheck, ...],
        elapsed: float,
    ):
        super().__init__(domain, message)
        self.status = status
        self.stuck = stuck
        self.elapsed = elapsed


class SesApiError(SesVerificationError):
    """An AWS error other than "not found"; ``retryable`` for throttling and transient faults."""

    def __init__(self, domain: str, message: str, code: str, retryable: bool):
        super().__init__(domain, message)
        self.code = code
        self.retryable = retryable


class SesIdentityNotFound(SesApiError):
    """SES has no such identity in the client's region."""

    def __init__(self, domain: str, message: str, region: str | None):
        super().__init__(domain, message, code="NotFoundException", retryable=False)
        self.region = region


_THROTTLING_CODES = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
_TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "InternalFailure", "ServiceUnavailable"}
)


def read_identity_status(client: Any, domain: str) -> IdentityStatus:
    """One ``GetEmailIdentity`` call, read into an ``IdentityStatus``; no retry.

    Raises ``SesIdentityNotFound`` or ``SesApiError`` (``retryable`` set for throttling and
    transient faults) instead of botocore's exceptions.
    """
    try:
        response = client.get_email_identity(EmailIdentity=domain)
    except ClientError as err:
        raise _translate_client_error(err, domain, client.meta.region_name) from err
    except (BotoConnectionError, HTTPClientError) as err:
        raise SesApiError(domain, f"Cannot reach SES for {domain}: {err}", "ConnectionError", True) from err
    except NoCredentialsError as err:
        raise SesApiError(
            domain,
            f"No AWS credentials found to read SES identity {domain}: set aws:profile for the "
            "stack or provide credentials in the environment.",
            "NoCredentials",
            False,
        ) from err
    return parse_identity(domain, response)


def _translate_client_error(err: ClientError, domain: str, region: str | None) -> SesApiError:
    error = err.response.get("Error", {})
    code = error.get("Code", "")
    aws_message = error.get("Message", "")
    http_status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code == "NotFoundException":
        return SesIdentityNotFound(
            domain,
            f"SES has no identity {domain} in region {region}: it was deleted, not created yet, "
            "or lives in another region (identities are regional: check aws:region).",
            region,
        )
    if code in _THROTTLING_CODES or http_status == 429:
        return SesApiError(domain, f"SES throttled GetEmailIdentity({domain}): {code}", code, True)
    if code in _TRANSIENT_CODES or http_status >= 500:
        return SesApiError(domain, f"SES transient error for {domain}: {code} {aws_message}", code, True)
    if code in ("AccessDeniedException", "AccessDenied"):
        return SesApiError(
            domain,
            f"Access denied reading SES identity {domain} in {region}: the credentials in use "
            f"need ses:GetEmailIdentity (AWS said: {aws_message}).",
            code,
            False,
        )
    return SesApiError(domain, f"SES GetEmailIdentity({domain}) failed: {code} {aws_message}", code, False)


def wait_for_identity(
    client: Any,
    target: IdentityTarget,
    *,
    options: WaitOptions = WaitOptions(),
    on_progress: Callable[[ProgressEvent], None] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    rand: Random = random.random,
) -> VerificationResult:
    """Block until ``target`` is verified; raise a ``SesVerificationError`` otherwise.

    ``client`` is a boto3 ``sesv2`` client. The last poll happens at the deadline, never after.
    """
    poller = _Poller(target, clock())
    deadline = poller.started + options.timeout
    while True:
        try:
            status = read_identity_status(client, target.domain)
        except SesApiError as err:
            if not err.retryable:
                raise
            delay = options.retry.delay(poller.consecutive_retries, rand())
            poller.record_retry(err)
        else:
            result = poller.record_answer(status, clock(), on_progress)
            if result is not None:
                return result
            delay = options.poll.delay(poller.polls - 1, rand())
        remaining = deadline - clock()
        if remaining <= 0:
            raise poller.timeout(clock())
        sleep(min(delay, remaining))


@dataclass
class _Poller:
    """The memory of one wait: counts, last answer, and since when each unmet check is stuck."""

    target: IdentityTarget
    started: float
    polls: int = 0
    retries: int = 0
    consecutive_retries: int = 0
    last_status: IdentityStatus | None = None
    last_retry_error: SesApiError | None = None
    stuck_since: dict[str, tuple[str, float]] = field(default_factory=dict)

    def record_retry(self, err: SesApiError) -> None:
        self.retries += 1
        self.consecutive_retries += 1
        self.last_retry_error = err

    def record_answer(
        self,
        status: IdentityStatus,
        now: float,
        on_progress: Callable[[ProgressEvent], None] | None,
    ) -> VerificationResult | None:
        """Judge an answer: the result when verified, ``None`` to keep waiting; raise on FAILED."""
        elapsed = now - self.started
        self.polls += 1
        self.consecutive_retries = 0
        self.last_status = status
        judgement = judge(status, mail_from_required=self.target.mail_from_required)
        self._track(judgement.unmet, elapsed)
        if on_progress is not None:
            on_progress(
                ProgressEvent(
                    domain=status.domain,
                    dkim_status=status.dkim_status,
                    mail_from_status=status.mail_from_status,
                    verified_for_sending=status.verified_for_sending,
                    elapsed=elapsed,
                    verdict=judgement.verdict,
                    poll=self.polls,
                )
            )
        if judgement.verdict is Verdict.FAILED:
            raise SesVerificationFailed(
                status.domain, judgement.failure_message or "SES verification failed", status, elapsed
            )
        if judgement.verdict is Verdict.VERIFIED:
            return VerificationResult(status.domain, status, elapsed, self.polls, self.retries)
        return None

    def _track(self, unmet: Iterable[UnmetCheck], elapsed: float) -> None:
        current = {}
        for item in unmet:
            previous = self.stuck_since.get(item.check)
            same = previous is not None and previous[0] == item.status
            current[item.check] = previous if same else (item.status, elapsed)
        self.stuck_since = current

    def timeout(self, now: float) -> SesVerificationTimeout:
        elapsed = now - self.started
        domain = self.target.domain
        stuck = tuple(
            StuckCheck(check, status, since) for check, (status, since) in self.stuck_since.items()
        )
        if self.last_status is None:
            cause = self.last_retry_error
            message = (
                f"SES identity {domain}: no answer from SES in {_duration(elapsed)} "
                f"({self.retries} retries; last error: {cause})."
            )
            return SesVerificationTimeout(domain, message, None, stuck, elapsed)
        parts = [f"SES identity {domain} is still not verified after {_duration(elapsed)}:"]
        parts.append(
            ", ".join(
                f"{s.check} {s.status} for {_duration(elapsed - s.since)}"
                f" (since {_duration(s.since)} into the wait)"
                for s in stuck
            )
            + "."
        )
        info = self.last_status.verification_info
        if info is not None and info.error_type:
            parts.append(f"SES's last check: {explain_error_type(info.error_type)}.")
        described = describe_verification_info(info)
        if described:
            parts.append(described)
        if self.last_status.verification_status is not None:
            parts.append(f"VerificationStatus: {self.last_status.verification_status}.")
        if self.consecutive_retries:
            parts.append(f"The last {self.consecutive_retries} calls failed: {self.last_retry_error}.")
        parts.append(
            "SES keeps checking DNS for up to 72 hours: check the records, then run `pulumi up` "
            "again or raise the timeout."
        )
        return SesVerificationTimeout(domain, " ".join(parts), self.last_status, stuck, elapsed)


@dataclass(frozen=True)
class MultiVerification:
    """Outcome of waiting on several identities: each domain is in exactly one of the two maps."""

    verified: dict[str, VerificationResult]
    errors: dict[str, SesVerificationError]

    def raise_for_errors(self) -> None:
        """Raise an ``ExceptionGroup`` of the per-domain errors, if any."""
        if self.errors:
            total = len(self.errors) + len(self.verified)
            raise ExceptionGroup(
                f"SES verification failed for {len(self.errors)} of {total} domains",
                list(self.errors.values()),
            )


def wait_for_identities(
    client_for: Callable[[IdentityTarget], Any],
    targets: Sequence[IdentityTarget],
    *,
    options: WaitOptions = WaitOptions(),
    on_progress: Callable[[ProgressEvent], None] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    rand: Random = random.random,
    max_workers: int | None = None,
) -> MultiVerification:
    """Wait on every target at once, one thread each: total time is the slowest, not the sum.

    ``client_for(target)`` gives the sesv2 client for a target (boto3 clients are thread-safe,
    so ``lambda _: client`` is fine). ``on_progress`` is called from worker threads. One
    domain's failure does not stop the others; errors other than ``SesVerificationError``
    propagate.
    """
    domains = [t.domain for t in targets]
    if len(set(domains)) != len(domains):
        raise ValueError(f"duplicate domains in targets: {domains}")
    if not targets:
        return MultiVerification({}, {})

    def wait_one(target: IdentityTarget) -> VerificationResult | SesVerificationError:
        try:
            return wait_for_identity(
                client_for(target),
                target,
                options=options,
                on_progress=on_progress,
                clock=clock,
                sleep=sleep,
                rand=rand,
            )
        except SesVerificationError as err:
            return err

    with ThreadPoolExecutor(max_workers=max_workers or len(targets)) as pool:
        outcomes = list(pool.map(wait_one, targets))
    verified = {o.domain: o for o in outcomes if isinstance(o, VerificationResult)}
    errors = {o.domain: o for o in outcomes if isinstance(o, SesVerificationError)}
    return MultiVerification(verified, errors)


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
