"""Talking to SES: AWS settings, sessions, SESv2 clients, and one bounded ``GetEmailIdentity`` call.

The waiter must talk to the same account and region as the Pulumi AWS provider, so it is built
from the stack's ``aws:region`` and optional ``aws:profile``: a user never configures credentials
twice. Without a profile, boto3's default chain applies (environment variables, shared files,
SSO, instance role), which is also what the Pulumi AWS provider uses. boto3 also honours
``AWS_ENDPOINT_URL_SESV2`` (and ``AWS_ENDPOINT_URL``), which points every client here elsewhere.

``AwsSettings`` is plain, picklable data: a dynamic provider holds it and builds a ``SesReader``
inside each method, never a client.

Every call ends within the time it is given, whatever the endpoint does. botocore's own retries
are off (one policy, the waiter's, decides what to retry and when); each client's connect and
read timeouts fit the call's budget (one client per rounded-up budget, made when first needed);
and ``SesReader`` gives up on a call that is still running at its budget (an endpoint trickling
bytes defeats socket timeouts, which count per read).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    TokenRetrievalError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.parsers import ResponseParserError

from ses_domains.engine.deadline import Background, DeadlinePassed
from ses_domains.engine.ses.errors import (
    AwsSettingsError,
    is_throttling,
    SesApiError,
    SesError,
    SesIdentityNotFound,
    SesUnreachable,
)
from ses_domains.engine.ses.pacing import TokenBucket, ses_read_bucket_of, shared_bucket
from ses_domains.engine.ses.status import IdentityStatus, parse_identity


@dataclass(frozen=True)
class AwsSettings:
    """Where the stack's AWS resources live: ``aws:region`` and, optionally, ``aws:profile``."""

    region: str | None
    profile: str | None = None


def make_session(settings: AwsSettings) -> boto3.session.Session:
    """A boto3 session for ``settings``; raises ``AwsSettingsError`` with the fix to apply."""
    try:
        session = boto3.session.Session(
            profile_name=settings.profile or None,
            region_name=settings.region or None,
        )
    except ProfileNotFound as err:
        raise AwsSettingsError(
            f"AWS profile {settings.profile!r} (aws:profile) is not in ~/.aws/config or "
            "~/.aws/credentials: fix `pulumi config set aws:profile ...` or remove it."
        ) from err
    if not session.region_name:
        raise AwsSettingsError(
            "No AWS region: set `pulumi config set aws:region <region>` (SES identities are "
            "regional, the waiter must ask the region that holds them)."
        )
    return session


@dataclass(frozen=True)
class CallTimeouts:
    """A client's socket timeouts: to connect, and for each read of the answer."""

    connect_s: float
    read_s: float

    @classmethod
    def within(cls, budget_s: float) -> CallTimeouts:
        """Timeouts for a call that has ``budget_s`` seconds: the budget rounded up to a whole
        second (so a wait needs few clients), capped. The caller enforces the exact budget."""
        whole = float(max(1, math.ceil(budget_s)))
        return cls(connect_s=min(whole, CONNECT_TIMEOUT_CAP_S), read_s=min(whole, READ_TIMEOUT_CAP_S))


CONNECT_TIMEOUT_CAP_S = 10.0
READ_TIMEOUT_CAP_S = 30.0
DEFAULT_TIMEOUTS = CallTimeouts(CONNECT_TIMEOUT_CAP_S, READ_TIMEOUT_CAP_S)


def make_sesv2_client(
    settings: AwsSettings,
    timeouts: CallTimeouts = DEFAULT_TIMEOUTS,
    *,
    session: boto3.session.Session | None = None,
) -> Any:
    """A ``sesv2`` client for ``settings`` with ``timeouts`` and no retries of its own.

    Thread-safe once made: one client can serve many waiting threads.
    """
    return make_aws_client(settings, "sesv2", timeouts, session=session)


def make_aws_client(
    settings: AwsSettings,
    service: str,
    timeouts: CallTimeouts = DEFAULT_TIMEOUTS,
    *,
    attempts: int = 1,
    session: boto3.session.Session | None = None,
) -> Any:
    """A client whose every call ends within ``attempts`` x (connect + read timeout), whatever the
    endpoint does: botocore's defaults (60 s reads, several retries) would not."""
    session = session or make_session(settings)
    config = Config(
        connect_timeout=timeouts.connect_s,
        read_timeout=timeouts.read_s,
        retries={"mode": "standard", "total_max_attempts": attempts},
        user_agent_extra="ses-domains",
    )
    return session.client(service, config=config)


ClientFactory = Callable[[CallTimeouts], Any]
"""Gives a ``sesv2`` client (or a stand-in with ``get_email_identity`` and ``meta``) for timeouts."""


class Sesv2Clients:
    """The ``ClientFactory`` of one AWS session: a client per ``CallTimeouts``, made when first
    asked for and kept. Thread-safe (a boto3 session is not, so making clients is serialised)."""

    def __init__(self, settings: AwsSettings):
        self._settings = settings
        self._session = make_session(settings)
        self._clients: dict[CallTimeouts, Any] = {}
        self._lock = threading.Lock()

    @property
    def region(self) -> str | None:
        return self._session.region_name

    def __call__(self, timeouts: CallTimeouts) -> Any:
        with self._lock:
            client = self._clients.get(timeouts)
            if client is None:
                client = make_sesv2_client(self._settings, timeouts, session=self._session)
                self._clients[timeouts] = client
            return client


def ses_read_bucket(settings: AwsSettings) -> TokenBucket:
    """The bucket pacing this process's SES reads in one account (profile) and region."""
    return shared_bucket(("sesv2", settings.profile, settings.region), ses_read_bucket_of)


class SesReader:
    """Reads SES identities, each call bounded by the time it is given. Thread-safe.

    Build it with ``SesReader.from_settings(AwsSettings(region, profile))``: its calls are paced
    by the token bucket every reader of the same account and region shares
    (:func:`~ses_domains.engine.ses.pacing.shared_bucket`). Tests give their own
    ``client_factory`` (and no bucket, or one on their own clock).
    """

    def __init__(self, client_factory: ClientFactory, bucket: TokenBucket | None = None):
        self._client_for = client_factory
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: AwsSettings) -> SesReader:
        """Raises ``AwsSettingsError`` at once when the settings cannot make a session."""
        clients = Sesv2Clients(settings)
        return cls(clients, ses_read_bucket(AwsSettings(clients.region, settings.profile)))

    def read_identity(self, domain: str, *, timeout_s: float) -> IdentityStatus:
        """One ``GetEmailIdentity`` call, returning within ``timeout_s`` seconds; no retry.

        Raises ``SesIdentityNotFound``, ``SesUnreachable`` (no usable answer in time) or
        ``SesApiError`` (``retryable`` for throttling and transient faults; ``throttled`` also
        when the bucket had no token for it in time).
        """
        started = time.monotonic()
        bucket = self.bucket
        if bucket is not None and not bucket.acquire(started + timeout_s):
            raise SesApiError(domain, f"GetEmailIdentity({domain}) waited for its turn past its time: "
                                      "SES is being asked faster than it answers", "Throttling", True,
                              throttled=True)
        timeout_s -= time.monotonic() - started
        try:
            return self._read_once(domain, timeout_s)
        except SesApiError as error:
            if bucket is not None and error.throttled:
                bucket.throttled()
            raise

    def _read_once(self, domain: str, timeout_s: float) -> IdentityStatus:
        started = time.monotonic()
        client = self._client_for(CallTimeouts.within(timeout_s))
        call = Background(lambda: read_identity_status(client, domain), f"ses-read {domain}")
        try:
            return call.result(timeout_s - (time.monotonic() - started))
        except DeadlinePassed:
            endpoint = _endpoint(client)
            raise SesUnreachable(
                domain,
                f"SES at {endpoint} did not answer GetEmailIdentity({domain}) within "
                f"{timeout_s:.1f}s.",
                "NoAnswer",
                endpoint,
            ) from None


_TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "InternalFailure", "ServiceUnavailable"}
)
_CREDENTIAL_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken"}
)
_CREDENTIAL_ERRORS = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    TokenRetrievalError,
)


def read_identity_status(client: Any, domain: str) -> IdentityStatus:
    """One ``GetEmailIdentity`` call on ``client``, read into an ``IdentityStatus``; no retry, and
    no bound but the client's own timeouts (``SesReader.read_identity`` adds one).

    Raises ``SesIdentityNotFound``, ``SesUnreachable`` or ``SesApiError`` instead of botocore's
    exceptions.
    """
    try:
        response = client.get_email_identity(EmailIdentity=domain)
    except ClientError as err:
        raise _translate_client_error(err, domain, client.meta.region_name) from err
    except (BotoConnectionError, HTTPClientError) as err:
        endpoint = _endpoint(client)
        raise SesUnreachable(
            domain, f"Cannot reach SES at {endpoint} for {domain}: {err}", type(err).__name__, endpoint
        ) from err
    except ResponseParserError as err:
        raise _bad_answer(client, domain, f"cannot parse it ({err})") from err
    except _CREDENTIAL_ERRORS as err:
        raise SesApiError(
            domain,
            f"No usable AWS credentials to read SES identity {domain}: set aws:profile for the "
            f"stack or provide credentials in the environment ({err}).",
            "NoCredentials",
            False,
        ) from err
    if "IdentityType" not in response:
        raise _bad_answer(client, domain, "it has no IdentityType, so it is no GetEmailIdentity answer")
    return parse_identity(domain, response)


def _bad_answer(client: Any, domain: str, why: str) -> SesError:
    endpoint = _endpoint(client)
    return SesUnreachable(
        domain,
        f"The answer from {endpoint} to GetEmailIdentity({domain}) is not SES's: {why}. "
        "Is AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL pointing at the wrong place, or a proxy in the way?",
        "BadAnswer",
        endpoint,
    )


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
    if is_throttling(code, http_status):
        return SesApiError(domain, f"SES throttled GetEmailIdentity({domain}): {code}", code, True, throttled=True)
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
    if code in _CREDENTIAL_CODES:
        return SesApiError(
            domain,
            f"AWS rejected the credentials used to read SES identity {domain}: {code} "
            f"{aws_message} (expired session? check aws:profile or the environment).",
            code,
            False,
        )
    return SesApiError(domain, f"SES GetEmailIdentity({domain}) failed: {code} {aws_message}", code, False)


def _endpoint(client: Any) -> str | None:
    return getattr(client.meta, "endpoint_url", None)
