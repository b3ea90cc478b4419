"""Every error the SES side of the engine raises, under one root, ``SesError``.

Callers catch ``SesVerificationError`` for "this domain's SES step did not succeed" (its ``domain``
says which) and ``AwsSettingsError`` for "no AWS session can be built from the stack's settings".
botocore's own exceptions never leave the SES package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ses_domains.engine.ses.status import IdentityStatus


THROTTLING_CODES = frozenset({
    "TooManyRequestsException", "ThrottlingException", "Throttling", "ThrottledException", "RequestThrottled",
    "RequestThrottledException", "RequestLimitExceeded", "SlowDown",
})


def is_throttling(code: str, http_status: int = 0) -> bool:
    """Whether an AWS error answer says "too many requests"."""
    return code in THROTTLING_CODES or http_status == 429


class SesError(Exception):
    """Root of every error of the SES side."""


class AwsSettingsError(SesError):
    """The AWS settings cannot produce a session (unknown profile, no region)."""


class SesVerificationError(SesError):
    """Something about one identity went wrong; ``domain`` says which."""

    def __init__(self, domain: str, message: str):
        super().__init__(message)
        self.domain = domain


class SesApiError(SesVerificationError):
    """A ``GetEmailIdentity`` call failed; ``retryable`` for throttling and transient faults,
    ``throttled`` for throttling alone."""

    def __init__(self, domain: str, message: str, code: str, retryable: bool, *, throttled: bool = False):
        super().__init__(domain, message)
        self.code = code
        self.retryable = retryable
        self.throttled = throttled


class SesThrottled(SesApiError):
    """SES throttled a call every time it was tried until the caller's deadline. ``domain``
    names what was read (an identity, or the account)."""

    def __init__(self, what: str, message: str):
        super().__init__(what, message, code="Throttling", retryable=True, throttled=False)


class SesIdentityNotFound(SesApiError):
    """SES has no such identity in the client's region."""

    def __init__(self, domain: str, message: str, region: str | None):
        super().__init__(domain, message, code="NotFoundException", retryable=False)
        self.region = region


class SesUnreachable(SesApiError):
    """No usable answer from the SES endpoint: refused, reset, silent past the call's timeout, or
    an answer that is not SES's (garbage bytes, a body that is no ``GetEmailIdentity`` response).
    Retryable: the next call may get through."""

    def __init__(self, domain: str, message: str, code: str, endpoint: str | None):
        super().__init__(domain, message, code=code, retryable=True)
        self.endpoint = endpoint


class SesVerificationFailed(SesVerificationError):
    """SES reported FAILED: terminal, the setup must be redone."""

    def __init__(self, domain: str, message: str, status: IdentityStatus, elapsed: float):
        super().__init__(domain, message)
        self.status = status
        self.elapsed = elapsed


@dataclass(frozen=True)
class StuckCheck:
    """A condition still unmet at the deadline, in ``status`` since ``since`` s into the wait."""

    check: str
    status: str
    since: float


class SesVerificationTimeout(SesVerificationError):
    """The deadline passed. ``status`` is SES's last answer (``None`` if it never answered),
    ``stuck`` names what was still unmet, ``last_error`` is the error of the last call if it
    failed (e.g. ``SesUnreachable``)."""

    def __init__(
        self,
        domain: str,
        message: str,
        status: IdentityStatus | None,
        stuck: tuple[StuckCheck, ...],
        elapsed: float,
        last_error: SesApiError | None = None,
    ):
        super().__init__(domain, message)
        self.status = status
        self.stuck = stuck
        self.elapsed = elapsed
        self.last_error = last_error
