"""A fake SESv2 ``GetEmailIdentity`` and a virtual clock, for testing the SES waiter offline.

``FakeSes`` gives every identity its own real boto3 ``sesv2`` client wrapped in botocore's
``Stubber``: each request is checked against ``expected_params`` and each scripted answer is
validated against the real SESv2 service model (the fake additionally checks enum values, which
``Stubber`` does not). One client per identity keeps the scripts independent when several
identities are polled from several threads, since a ``Stubber`` answers strictly in order.
``FakeSes.reader()`` is a real ``SesReader`` whose client factory hands out a client that routes
each call to the identity's stubbed client, and records the timeout every call was given.

``VirtualClock`` lets threaded waiters sleep in virtual time: time jumps to the earliest wake-up
once every thread that still has work is asleep, so a test of a 20-minute wait takes milliseconds
and "three waits at once take as long as the slowest" can be asserted exactly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import boto3
from botocore.stub import Stubber

from ses_domains.engine.ses.client import CallTimeouts, SesReader
from ses_domains.engine.ses.status import DEFAULT_DKIM_HOSTED_ZONE, IdentityStatus

REGION = "eu-west-1"
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class SesState:
    """One scripted ``GetEmailIdentity`` answer.

    ``mail_from=None`` means no custom MAIL FROM domain is configured. ``verified`` and
    ``verification_status`` default to what real SES reports for the DKIM status.
    """

    dkim: str = "PENDING"
    mail_from: str | None = None
    verified: bool | None = None
    verification_status: str | None = None
    error_type: str | None = None
    origin: str = "AWS_SES"
    """``SigningAttributesOrigin``; with ``EXTERNAL`` (BYODKIM) the answer has ``"Tokens": []``, as the
    SES guide's own GetEmailIdentity example of a BYODKIM identity does."""


@dataclass(frozen=True)
class ApiError:
    """A scripted error answer, e.g. throttling or a missing identity."""

    code: str
    http_status: int
    message: str = ""


THROTTLED = ApiError("TooManyRequestsException", 429, "Too many requests")
NOT_FOUND = ApiError("NotFoundException", 404, "Email identity not found")
ACCESS_DENIED = ApiError("AccessDeniedException", 403, "not authorized to perform ses:GetEmailIdentity")


def make_client() -> Any:
    return boto3.client(
        "sesv2", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )


def tokens_for(domain: str) -> list[str]:
    stem = domain.replace(".", "")
    return [f"{stem}tok{i}" for i in range(1, 4)]


def build_response(
    domain: str,
    state: SesState,
    *,
    mail_from_domain: str | None = None,
    dkim_hosted_zone: str = DEFAULT_DKIM_HOSTED_ZONE,
    configuration_set: str | None = "default",
) -> dict[str, Any]:
    """A complete ``GetEmailIdentity`` response for ``state``, shaped like real SES's
    (``configuration_set=None``: the identity has no default configuration set)."""
    verified = state.verified if state.verified is not None else state.dkim == "SUCCESS"
    response: dict[str, Any] = {
        "IdentityType": "DOMAIN",
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": verified,
        "DkimAttributes": {
            "SigningEnabled": True,
            "Status": state.dkim,
            "Tokens": tokens_for(domain) if state.origin == "AWS_SES" else [],
            "SigningAttributesOrigin": state.origin,
            "SigningHostedZone": dkim_hosted_zone,
            "NextSigningKeyLength": "RSA_2048_BIT",
            "CurrentSigningKeyLength": "RSA_2048_BIT",
            "LastKeyGenerationTimestamp": T0,
        },
        "Policies": {},
        "Tags": [{"Key": "managed-by", "Value": "ses-domains"}],
        "VerificationStatus": state.verification_status or state.dkim,
        "VerificationInfo": {
            "LastCheckedTimestamp": T0 + timedelta(minutes=5),
            "SOARecord": {
                "PrimaryNameServer": "ns-1.awsdns-01.org",
                "AdminEmail": "awsdns-hostmaster.amazon.com",
                "SerialNumber": 1,
            },
        },
    }
    if configuration_set is not None:
        response["ConfigurationSetName"] = configuration_set
    if verified:
        response["VerificationInfo"]["LastSuccessTimestamp"] = T0 + timedelta(minutes=5)
    if state.error_type is not None:
        response["VerificationInfo"]["ErrorType"] = state.error_type
    if state.mail_from is not None:
        response["MailFromAttributes"] = {
            "MailFromDomain": mail_from_domain or f"bounce.{domain}",
            "MailFromDomainStatus": state.mail_from,
            "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
        }
    return response


def check_enums(shape: Any, value: Any, path: str = "") -> None:
    """Assert that every enum value in ``value`` is one the SESv2 model allows."""
    if shape.type_name == "structure":
        for key, member in shape.members.items():
            if key in value:
                check_enums(member, value[key], f"{path}.{key}")
    elif shape.type_name == "list":
        for item in value:
            check_enums(shape.member, item, path)
    elif getattr(shape, "enum", None):
        assert value in shape.enum, f"{path}={value!r} is not one of {shape.enum}"


class _ScriptedIdentity:
    """One identity: a client whose stubber answers the identity's script in order."""

    def __init__(self, domain: str, answers: list[Any], mail_from_domain: str | None, dkim_hosted_zone: str):
        self.domain = domain
        self.client = make_client()
        self.stubber = Stubber(self.client)
        output_shape = self.client.meta.service_model.operation_model("GetEmailIdentity").output_shape
        expected = {"EmailIdentity": domain}
        for answer in answers:
            if isinstance(answer, ApiError):
                self.stubber.add_client_error(
                    "get_email_identity",
                    service_error_code=answer.code,
                    service_message=answer.message,
                    http_status_code=answer.http_status,
                    expected_params=expected,
                )
            else:
                response = build_response(
                    domain, answer, mail_from_domain=mail_from_domain, dkim_hosted_zone=dkim_hosted_zone
                )
                check_enums(output_shape, response)
                self.stubber.add_response("get_email_identity", response, expected)
        self.stubber.activate()


class FakeSes:
    """Scripted SES identities, each answered by its own stubbed ``sesv2`` client."""

    def __init__(self) -> None:
        self._identities: dict[str, _ScriptedIdentity] = {}
        self.routing_client = _RoutingClient(self)

    def script(
        self,
        domain: str,
        *answers: SesState | ApiError,
        mail_from_domain: str | None = None,
        dkim_hosted_zone: str = DEFAULT_DKIM_HOSTED_ZONE,
    ) -> Any:
        """Queue ``answers`` for ``domain`` in order; returns the identity's client."""
        identity = _ScriptedIdentity(domain, list(answers), mail_from_domain, dkim_hosted_zone)
        self._identities[domain] = identity
        return identity.client

    def client(self, domain: str) -> Any:
        return self._identities[domain].client

    def reader(self) -> "RecordingReader":
        """A ``SesReader`` over every scripted identity."""
        return RecordingReader(lambda _timeouts: self.routing_client)

    def assert_all_consumed(self) -> None:
        for identity in self._identities.values():
            identity.stubber.assert_no_pending_responses()


class _RoutingClient:
    """Looks like a ``sesv2`` client to ``SesReader``: each call goes to its identity's client."""

    def __init__(self, fake: FakeSes):
        self._fake = fake
        self.meta = make_client().meta

    def get_email_identity(self, **params: Any) -> Any:
        return self._fake.client(params["EmailIdentity"]).get_email_identity(**params)


class RecordingReader(SesReader):
    """A ``SesReader`` that records the timeout of every call, in order (thread-safe)."""

    def __init__(self, client_factory: Callable[[CallTimeouts], Any]):
        super().__init__(client_factory)
        self._lock = threading.Lock()
        self.timeouts: list[float] = []

    def read_identity(self, domain: str, *, timeout_s: float) -> IdentityStatus:
        with self._lock:
            self.timeouts.append(timeout_s)
        return super().read_identity(domain, timeout_s=timeout_s)


class VirtualClock:
    """A monotonic clock plus ``sleep`` in virtual time, safe to share between threads.

    ``parties()`` says how many threads still have work (e.g. waiters without an outcome yet);
    time advances to the earliest wake-up only when that many threads are asleep. With the
    default (one party) every ``sleep`` simply advances time. A stall (a thread died without finishing) fails after ``real_timeout`` s.
    """

    def __init__(self, parties: Callable[[], int] = lambda: 1, real_timeout: float = 5.0):
        self._parties = parties
        self._real_timeout = real_timeout
        self._now = 0.0
        self._cond = threading.Condition()
        self._wakeups: list[float] = []
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._cond:
            return self._now

    def sleep(self, delay: float) -> None:
        assert delay >= 0, f"negative sleep {delay}"
        give_up = time.monotonic() + self._real_timeout
        with self._cond:
            self.sleeps.append(delay)
            wake = self._now + delay
            self._wakeups.append(wake)
            try:
                while self._now < wake:
                    earliest = min(self._wakeups)
                    if earliest > self._now and len(self._wakeups) >= self._parties():
                        self._now = earliest
                        self._cond.notify_all()
                        continue
                    if time.monotonic() > give_up:
                        raise AssertionError("virtual clock stalled: a waiter never slept again")
                    # Someone due has not woken yet, or parties() changed without notice (a
                    # waiter finished): let other threads run, re-check soon.
                    self._cond.wait(timeout=0.002)
            finally:
                self._wakeups.remove(wake)
