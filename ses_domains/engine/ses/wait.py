"""Poll SES until a domain identity is verified, has failed, or time is up.

SES checks DNS on its own schedule, so after the records are visible it can still take minutes.
The waiter polls fast at first and backs off to a cap (``WaitOptions.poll``), retries throttling,
transient AWS errors and an unreachable endpoint with exponential backoff and jitter
(``WaitOptions.retry``), gives every call the time left until its deadline (Pulumi's custom
timeouts do not reach dynamic providers), and on timeout names the status that is stuck and
since when, or that SES never answered.

Clock, sleep and randomness are parameters so that tests run in virtual time. No Pulumi here.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ses_domains.engine.ses.client import SesReader
from ses_domains.engine.ses.errors import (
    SesApiError,
    SesUnreachable,
    SesVerificationFailed,
    SesVerificationTimeout,
    StuckCheck,
)
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.status import (
    IdentityStatus,
    UnmetCheck,
    Verdict,
    describe_verification_info,
    explain_error_type,
    judge,
    judge_address,
)

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Random = Callable[[], float]


@dataclass(frozen=True)
class IdentityTarget:
    """An identity to wait for: a domain (``mail_from_required`` when a MAIL FROM domain is set
    up), or an email address (``email_address``: only its owner's click is waited for)."""

    domain: str
    mail_from_required: bool = False
    email_address: bool = False


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
    status: IdentityStatus | None = None
    """SES's whole answer."""


@dataclass(frozen=True)
class VerificationResult:
    domain: str
    status: IdentityStatus
    elapsed: float
    polls: int
    retries: int


def wait_for_identity(
    reader: SesReader,
    target: IdentityTarget,
    *,
    options: WaitOptions = WaitOptions(),
    on_progress: Callable[[ProgressEvent], None] | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    rand: Random = random.random,
) -> VerificationResult:
    """Block until ``target`` is verified and return how it went.

    Raises ``SesVerificationFailed`` (SES said FAILED), ``SesVerificationTimeout`` (the deadline,
    ``options.timeout`` after the start, passed; ``last_error`` is a ``SesUnreachable`` when the
    endpoint stopped answering) or a non-retryable ``SesApiError`` (``SesIdentityNotFound``,
    access denied, no credentials). The last poll happens at the deadline, never after, and the
    wait returns at most ``options.min_call_timeout`` after it.
    """
    poller = _Poller(target, clock())
    deadline = poller.started + options.timeout
    while True:
        budget = max(deadline - clock(), options.min_call_timeout)
        try:
            status = reader.read_identity(target.domain, timeout_s=budget)
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
        judgement = (judge_address(status) if self.target.email_address
                     else judge(status, mail_from_required=self.target.mail_from_required))
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
                    status=status,
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
        last_error = self.last_retry_error if self.consecutive_retries else None
        if self.last_status is None:
            unreachable = isinstance(last_error, SesUnreachable)
            where = f"SES is unreachable at {last_error.endpoint}: " if unreachable else ""
            message = (
                f"SES identity {domain}: {where}no answer from SES in {_duration(elapsed)} "
                f"({self.retries} failed calls; last error: {last_error})."
            )
            return SesVerificationTimeout(domain, message, None, stuck, elapsed, last_error)
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
        return SesVerificationTimeout(domain, " ".join(parts), self.last_status, stuck, elapsed, last_error)


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"
