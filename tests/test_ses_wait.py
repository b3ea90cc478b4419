"""The SES waiter against a Stubber-backed fake SESv2, in virtual time."""

from __future__ import annotations

import threading

from botocore.exceptions import EndpointConnectionError
import pytest

from ses_domains.engine.ses.client import SesReader
from ses_domains.engine.ses.errors import (
    SesApiError,
    SesIdentityNotFound,
    SesUnreachable,
    SesVerificationError,
    SesVerificationFailed,
    SesVerificationTimeout,
    StuckCheck,
)
from ses_domains.engine.ses.policy import Backoff, WaitOptions
from ses_domains.engine.ses.status import Verdict
from ses_domains.engine.ses.wait import IdentityTarget, wait_for_identity
from tests.fake_ses import ACCESS_DENIED, NOT_FOUND, THROTTLED, ApiError, FakeSes, SesState, VirtualClock

DOMAIN = "example.com"
# No jitter (rand() == 0), so delays are exact: polls 2, 4, 8, 16, 30, 30 ...; retries 1, 2, 4 ...
NO_JITTER = lambda: 0.0  # noqa: E731


def wait(reader, target, *, clock=None, options=WaitOptions(), rand=NO_JITTER):
    """Run the waiter in virtual time; returns (result or raised error, progress events, clock)."""
    clock = clock or VirtualClock()
    events = []
    try:
        outcome = wait_for_identity(
            reader,
            target,
            options=options,
            on_progress=events.append,
            clock=clock.monotonic,
            sleep=clock.sleep,
            rand=rand,
        )
    except Exception as err:  # noqa: BLE001 - returned for the test to inspect
        outcome = err
    return outcome, events, clock


def summary(events):
    return [(e.dkim_status, e.mail_from_status, e.verified_for_sending, e.elapsed, e.verdict) for e in events]


def test_not_started_then_pending_then_success():
    fake = FakeSes()
    fake.script(DOMAIN, SesState("NOT_STARTED"), SesState("PENDING"), SesState("SUCCESS"))

    result, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert summary(events) == [
        ("NOT_STARTED", None, False, 0.0, Verdict.WAITING),
        ("PENDING", None, False, 2.0, Verdict.WAITING),
        ("SUCCESS", None, True, 6.0, Verdict.VERIFIED),
    ]
    assert [e.poll for e in events] == [1, 2, 3]
    assert {e.domain for e in events} == {DOMAIN}
    assert result.domain == DOMAIN
    assert result.status.dkim_status == "SUCCESS" and result.status.verified_for_sending
    assert (result.elapsed, result.polls, result.retries) == (6.0, 3, 0)
    assert clock.sleeps == [2.0, 4.0]
    fake.assert_all_consumed()


def test_dkim_success_but_mail_from_pending_keeps_waiting():
    fake = FakeSes()
    fake.script(
        DOMAIN,
        SesState("SUCCESS", mail_from="PENDING"),
        SesState("SUCCESS", mail_from="PENDING"),
        SesState("SUCCESS", mail_from="SUCCESS"),
    )

    result, events, _ = wait(fake.reader(), IdentityTarget(DOMAIN, mail_from_required=True))

    assert [(e.dkim_status, e.mail_from_status, e.verdict) for e in events] == [
        ("SUCCESS", "PENDING", Verdict.WAITING),
        ("SUCCESS", "PENDING", Verdict.WAITING),
        ("SUCCESS", "SUCCESS", Verdict.VERIFIED),
    ]
    assert result.polls == 3 and result.status.mail_from_domain == f"bounce.{DOMAIN}"
    fake.assert_all_consumed()


@pytest.mark.parametrize("mail_from", ["PENDING", "TEMPORARY_FAILURE", "FAILED", None])
def test_mail_from_status_is_ignored_when_not_required(mail_from):
    fake = FakeSes()
    fake.script(DOMAIN, SesState("SUCCESS", mail_from=mail_from))

    result, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN, mail_from_required=False))

    assert result.polls == 1 and events[0].verdict is Verdict.VERIFIED
    assert clock.sleeps == []
    fake.assert_all_consumed()


def test_dkim_success_is_not_enough_while_not_verified_for_sending():
    fake = FakeSes()
    fake.script(DOMAIN, SesState("SUCCESS", verified=False), SesState("SUCCESS", verified=True))

    result, events, _ = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert [e.verdict for e in events] == [Verdict.WAITING, Verdict.VERIFIED]
    assert result.polls == 2
    fake.assert_all_consumed()


def test_temporary_failure_keeps_polling_and_recovers():
    fake = FakeSes()
    fake.script(
        DOMAIN,
        SesState("PENDING", mail_from="PENDING"),
        SesState("TEMPORARY_FAILURE", mail_from="TEMPORARY_FAILURE", error_type="DNS_SERVER_ERROR"),
        SesState("TEMPORARY_FAILURE", mail_from="SUCCESS", error_type="DNS_SERVER_ERROR"),
        SesState("SUCCESS", mail_from="SUCCESS"),
    )

    result, events, _ = wait(fake.reader(), IdentityTarget(DOMAIN, mail_from_required=True))

    assert [(e.dkim_status, e.mail_from_status, e.verdict) for e in events] == [
        ("PENDING", "PENDING", Verdict.WAITING),
        ("TEMPORARY_FAILURE", "TEMPORARY_FAILURE", Verdict.WAITING),
        ("TEMPORARY_FAILURE", "SUCCESS", Verdict.WAITING),
        ("SUCCESS", "SUCCESS", Verdict.VERIFIED),
    ]
    assert result.polls == 4
    fake.assert_all_consumed()


@pytest.mark.parametrize(
    "error_type, meaning",
    [
        ("TYPE_NOT_FOUND", "DKIM CNAME records are missing"),
        ("HOST_NOT_FOUND", "NXDOMAIN"),
        ("INVALID_VALUE", "point elsewhere"),
        ("SERVICE_ERROR", "internal error"),
        ("DNS_SERVER_ERROR", "SERVFAIL"),
    ],
)
def test_dkim_failed_is_terminal_and_explained(error_type, meaning):
    fake = FakeSes()
    fake.script(DOMAIN, SesState("PENDING"), SesState("FAILED", error_type=error_type))

    err, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert isinstance(err, SesVerificationFailed)
    message = str(err)
    assert error_type in message and meaning in message
    assert "recreating the SES identity" in message  # how to start over
    assert f"examplecomtok1._domainkey.{DOMAIN} CNAME examplecomtok1.dkim.amazonses.com" in message
    assert "last checked 2024-05-01T12:05:00+00:00" in message  # VerificationInfo shown
    assert "ns-1.awsdns-01.org" in message  # the SOA SES saw
    assert "VerificationStatus: FAILED" in message
    assert err.domain == DOMAIN and err.status.verification_info.error_type == error_type
    assert events[-1].verdict is Verdict.FAILED
    assert clock.sleeps == [2.0]  # no sleep, no poll after FAILED
    fake.assert_all_consumed()


def test_required_mail_from_failed_is_terminal_and_explained():
    fake = FakeSes()
    fake.script(
        DOMAIN,
        SesState("SUCCESS", mail_from="FAILED"),
        mail_from_domain=f"mail.{DOMAIN}",
    )

    err, _, _ = wait(fake.reader(), IdentityTarget(DOMAIN, mail_from_required=True))

    assert isinstance(err, SesVerificationFailed)
    assert f"MAIL FROM verification of mail.{DOMAIN} FAILED" in str(err)
    assert "feedback-smtp" in str(err) and "setting the MAIL FROM domain again" in str(err)
    assert "DKIM verification" not in str(err)  # DKIM succeeded: not blamed
    fake.assert_all_consumed()


@pytest.mark.parametrize(
    "error",
    [
        THROTTLED,
        ApiError("ThrottlingException", 400, "Rate exceeded"),
        ApiError("InternalFailure", 500, "oops"),
    ],
)
def test_throttling_and_transient_errors_are_retried_with_backoff(error):
    fake = FakeSes()
    fake.script(DOMAIN, SesState("PENDING"), error, error, SesState("SUCCESS"))

    result, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert result.status.dkim_status == "SUCCESS"
    assert (result.polls, result.retries) == (2, 2)
    # poll delay after the first answer, then exponential retry delays 1 s, 2 s
    assert clock.sleeps == [2.0, 1.0, 2.0]
    assert [e.poll for e in events] == [1, 2]
    fake.assert_all_consumed()


def test_retry_jitter_shortens_delays_by_at_most_half():
    fake = FakeSes()
    fake.script(DOMAIN, THROTTLED, THROTTLED, THROTTLED, SesState("SUCCESS"))

    result, _, clock = wait(fake.reader(), IdentityTarget(DOMAIN), rand=lambda: 0.999)

    assert result.retries == 3
    assert clock.sleeps == pytest.approx([0.5005, 1.001, 2.002])
    fake.assert_all_consumed()


def test_backoff_grows_then_stays_at_cap():
    backoff = Backoff(initial=2.0, factor=2.0, cap=30.0, jitter=0.1)
    assert [backoff.delay(n, 0.0) for n in range(7)] == [2, 4, 8, 16, 30, 30, 30]
    assert backoff.delay(10, 0.5) == pytest.approx(28.5)
    assert all(27.0 <= backoff.delay(50, r) <= 30.0 for r in (0.0, 0.3, 0.999))


def test_missing_identity_is_a_clear_error_without_retry():
    fake = FakeSes()
    fake.script(DOMAIN, NOT_FOUND)

    err, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert isinstance(err, SesIdentityNotFound)
    assert err.region == "eu-west-1" and not err.retryable
    assert DOMAIN in str(err) and "eu-west-1" in str(err) and "aws:region" in str(err)
    assert events == [] and clock.sleeps == []
    fake.assert_all_consumed()


def test_access_denied_is_a_clear_error_without_retry():
    fake = FakeSes()
    fake.script(DOMAIN, ACCESS_DENIED)

    err, _, clock = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert isinstance(err, SesApiError) and not isinstance(err, SesIdentityNotFound)
    assert err.code == "AccessDeniedException" and not err.retryable
    assert "ses:GetEmailIdentity" in str(err)
    assert clock.sleeps == []
    fake.assert_all_consumed()


def test_deadline_names_the_stuck_status_and_since_when():
    # Polls at 0, 2, 6, 14, 30 s; the next delay (30 s) is cut to the 20 s left: last poll at 50 s.
    fake = FakeSes()
    pending = SesState("PENDING")
    temp = SesState("TEMPORARY_FAILURE", error_type="HOST_NOT_FOUND")
    fake.script(DOMAIN, pending, pending, pending, temp, temp, temp)

    err, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN), options=WaitOptions(timeout=50.0))

    assert isinstance(err, SesVerificationTimeout)
    assert clock.sleeps == [2.0, 4.0, 8.0, 16.0, 20.0]
    assert clock.monotonic() == 50.0 and err.elapsed == 50.0
    assert len(events) == 6
    assert err.stuck == (
        StuckCheck("DKIM status", "TEMPORARY_FAILURE", 14.0),
        StuckCheck("VerifiedForSendingStatus", "false", 0.0),
    )
    message = str(err)
    assert "still not verified after 50s" in message
    assert "DKIM status TEMPORARY_FAILURE for 36s (since 14s into the wait)" in message
    assert "HOST_NOT_FOUND" in message and "NXDOMAIN" in message
    assert "last checked 2024-05-01T12:05:00+00:00" in message
    fake.assert_all_consumed()


def test_deadline_with_required_mail_from_never_configured():
    fake = FakeSes()
    fake.script(DOMAIN, SesState("SUCCESS"), SesState("SUCCESS"))

    err, _, _ = wait(
        fake.reader(), IdentityTarget(DOMAIN, mail_from_required=True), options=WaitOptions(timeout=2.0)
    )

    assert isinstance(err, SesVerificationTimeout)
    assert err.stuck == (StuckCheck("MAIL FROM status", "NOT_CONFIGURED", 0.0),)
    assert "MAIL FROM status NOT_CONFIGURED for 2s" in str(err)
    fake.assert_all_consumed()


def test_deadline_while_only_throttled_says_ses_never_answered():
    fake = FakeSes()
    fake.script(DOMAIN, THROTTLED, THROTTLED, THROTTLED)

    err, events, clock = wait(fake.reader(), IdentityTarget(DOMAIN), options=WaitOptions(timeout=3.0))

    assert isinstance(err, SesVerificationTimeout)
    assert err.status is None and events == []
    assert clock.sleeps == [1.0, 2.0]
    assert "no answer from SES" in str(err) and "TooManyRequestsException" in str(err)
    fake.assert_all_consumed()


def wait_in_threads(reader, targets):
    """One waiter thread per target, sharing ``reader`` (as the pipeline runs them), in virtual
    time that moves on once every waiter not yet done is asleep; returns outcomes, events, clock."""
    outcomes, events = {}, []
    clock = VirtualClock(parties=lambda: len(targets) - len(outcomes))

    def run(target):
        try:
            outcomes[target.domain] = wait_for_identity(
                reader, target, on_progress=events.append, clock=clock.monotonic, sleep=clock.sleep, rand=NO_JITTER
            )
        except SesVerificationError as err:
            outcomes[target.domain] = err

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return outcomes, events, clock


def test_three_domains_at_once_on_one_reader_take_as_long_as_the_slowest():
    fake = FakeSes()
    pending, success = SesState("PENDING"), SesState("SUCCESS")
    fake.script("a.example", success)  # verified at 0 s
    fake.script("b.example", pending, pending, pending, success)  # at 14 s
    fake.script("c.example", pending, pending, pending, pending, success)  # at 30 s
    targets = [IdentityTarget(d) for d in ("a.example", "b.example", "c.example")]

    outcomes, events, clock = wait_in_threads(fake.reader(), targets)

    assert {d: r.elapsed for d, r in outcomes.items()} == {
        "a.example": 0.0,
        "b.example": 14.0,
        "c.example": 30.0,
    }
    assert clock.monotonic() == 30.0  # the slowest; one after another would take 44 s
    assert [e.elapsed for e in events if e.domain == "c.example"] == [0.0, 2.0, 6.0, 14.0, 30.0]
    fake.assert_all_consumed()


def test_several_domains_on_one_reader_fail_each_without_stopping_the_others():
    fake = FakeSes()
    fake.script("ok.example", SesState("PENDING"), SesState("SUCCESS"))
    fake.script("bad.example", SesState("FAILED", error_type="TYPE_NOT_FOUND"))
    fake.script("gone.example", NOT_FOUND)
    targets = [IdentityTarget(d) for d in ("ok.example", "bad.example", "gone.example")]

    outcomes, _, _ = wait_in_threads(fake.reader(), targets)

    assert outcomes["ok.example"].status.dkim_status == "SUCCESS"
    assert isinstance(outcomes["bad.example"], SesVerificationFailed)
    assert isinstance(outcomes["gone.example"], SesIdentityNotFound)
    assert {outcomes[d].domain for d in ("bad.example", "gone.example")} == {"bad.example", "gone.example"}
    fake.assert_all_consumed()


class _NetworkFailsFirst:
    """Wraps a stubbed client; its first call fails as if the endpoint were unreachable."""

    def __init__(self, client):
        self.meta = client.meta
        self._client = client
        self.failures = 1

    def get_email_identity(self, **params):
        if self.failures:
            self.failures -= 1
            raise EndpointConnectionError(endpoint_url="https://email.eu-west-1.amazonaws.com")
        return self._client.get_email_identity(**params)


def test_connection_errors_are_retried():
    fake = FakeSes()
    client = _NetworkFailsFirst(fake.script(DOMAIN, SesState("SUCCESS")))

    result, _, clock = wait(SesReader(lambda _timeouts: client), IdentityTarget(DOMAIN))

    assert (result.polls, result.retries) == (1, 1) and clock.sleeps == [1.0]
    fake.assert_all_consumed()


def test_every_call_gets_the_time_left_and_the_poll_at_the_deadline_a_minimum():
    # Polls at 0, 2, 6, 14, 30 and 50 s (the deadline), as in the test above.
    fake = FakeSes()
    fake.script(DOMAIN, *[SesState("PENDING")] * 6)
    reader = fake.reader()

    err, _, _ = wait(reader, IdentityTarget(DOMAIN), options=WaitOptions(timeout=50.0, min_call_timeout=0.25))

    assert isinstance(err, SesVerificationTimeout)
    assert reader.timeouts == [50.0, 48.0, 44.0, 36.0, 20.0, 0.25]
    fake.assert_all_consumed()


def test_region_specific_dkim_host_is_what_a_failure_asks_for():
    fake = FakeSes()
    fake.script(
        DOMAIN, SesState("FAILED", error_type="INVALID_VALUE"), dkim_hosted_zone="dkim.af-south-1.amazonses.com"
    )

    err, _, _ = wait(fake.reader(), IdentityTarget(DOMAIN))

    assert isinstance(err, SesVerificationFailed)
    assert f"examplecomtok1._domainkey.{DOMAIN} CNAME examplecomtok1.dkim.af-south-1.amazonses.com" in str(err)
    assert "tok1.dkim.amazonses.com" not in str(err)
    assert err.status.dkim_hosted_zone == "dkim.af-south-1.amazonses.com"
    fake.assert_all_consumed()


def test_deadline_while_unreachable_names_the_endpoint():
    fake = FakeSes()

    class Refusing:
        meta = fake.routing_client.meta

        def get_email_identity(self, **params):
            raise EndpointConnectionError(endpoint_url=self.meta.endpoint_url)

    err, events, clock = wait(SesReader(lambda _timeouts: Refusing()), IdentityTarget(DOMAIN), options=WaitOptions(timeout=3.0))

    assert isinstance(err, SesVerificationTimeout) and err.status is None and events == []
    assert isinstance(err.last_error, SesUnreachable)
    assert clock.sleeps == [1.0, 2.0]
    assert "SES is unreachable at https://email.eu-west-1.amazonaws.com" in str(err)
    assert "no answer from SES in 3s (3 failed calls" in str(err)
