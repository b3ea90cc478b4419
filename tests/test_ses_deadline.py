"""Every SES call ends by its deadline, whatever the endpoint does: real HTTP against a stand-in
SES on loopback (tests/ses_http_standin.py), reached through ``AWS_ENDPOINT_URL_SESV2``."""

from __future__ import annotations

import time

import pytest

from ses_domains.engine.ses.client import AwsSettings, SesReader, make_sesv2_client
from ses_domains.engine.ses.errors import SesUnreachable, SesVerificationTimeout
from ses_domains.engine.ses.policy import WaitOptions
from ses_domains.engine.ses.wait import IdentityTarget, wait_for_identity
from tests.fake_ses import SesState, build_response
from tests.ses_http_standin import SesStandin, answer, garbage, not_ses, silent, slow, throttle, trickle
from tests.wall_clock import assert_no_hang

DOMAIN = "example.com"
SETTINGS = AwsSettings(region="eu-west-1")
NO_JITTER = lambda: 0.0  # noqa: E731
# How far past its deadline a wait may return: the poll at the deadline has this much.
SLACK = WaitOptions().min_call_timeout + 0.3


@pytest.fixture
def standin(tmp_path, monkeypatch):
    """A stand-in SES that every client made here talks to, with throwaway credentials."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "empty"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "empty"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    server = SesStandin(silent)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", server.url)
    yield server
    server.close()


class SleepOnlyClock:
    """Time that moves only when the waiter sleeps: its poll schedule (0 s, 1 s, the deadline) no
    longer depends on how fast a busy machine runs each real HTTP read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, duration: float) -> None:
        self.now += duration


def timed_wait(deadline_s: float, *, virtual: bool = False, **options):
    """``wait_for_identity`` against the stand-in; returns (result or raised error, real seconds
    taken). ``virtual``: the waiter's own clock moves only when it sleeps."""
    reader = SesReader.from_settings(SETTINGS)
    timing = {}
    if virtual:
        clock = SleepOnlyClock()
        timing = {"clock": clock, "sleep": clock.sleep}
    started = time.monotonic()
    try:
        outcome = wait_for_identity(
            reader,
            IdentityTarget(DOMAIN),
            options=WaitOptions(timeout=deadline_s, **options),
            rand=NO_JITTER,
            **timing,
        )
    except SesVerificationTimeout as err:
        outcome = err
    return outcome, time.monotonic() - started


def test_client_factory_honours_aws_endpoint_url_sesv2(standin):
    standin.behaviour = answer(build_response(DOMAIN, SesState("SUCCESS"), dkim_hosted_zone="dkim.ap-south-2.amazonses.com"))

    client = make_sesv2_client(SETTINGS)
    status = SesReader.from_settings(SETTINGS).read_identity(DOMAIN, timeout_s=10.0)

    assert client.meta.endpoint_url == standin.url
    assert standin.requests == [f"GET /v2/email/identities/{DOMAIN} HTTP/1.1"]
    assert status.dkim_status == "SUCCESS" and status.verified_for_sending
    assert status.dkim_hosted_zone == "dkim.ap-south-2.amazonses.com"


def test_wait_succeeds_over_real_http(standin):
    standin.behaviour = answer(build_response(DOMAIN, SesState("SUCCESS", mail_from="SUCCESS")))

    result, _ = timed_wait(3.0)

    assert result.status.dkim_status == "SUCCESS" and result.polls == 1


def test_silent_endpoint_ends_a_3s_wait_at_its_deadline_naming_ses_unreachable(standin):
    standin.behaviour = silent

    err, took = timed_wait(3.0)

    assert isinstance(err, SesVerificationTimeout)
    assert_no_hang(took, 3.0 + SLACK)
    assert isinstance(err.last_error, SesUnreachable)
    assert f"SES is unreachable at {standin.url}" in str(err) and "no answer from SES in 3s" in str(err)


def test_endpoint_answering_after_the_deadline_does_not_hold_the_wait(standin):
    standin.behaviour = slow(5.0, build_response(DOMAIN, SesState("SUCCESS")))

    err, took = timed_wait(1.5)

    assert isinstance(err, SesVerificationTimeout) and err.status is None
    assert_no_hang(took, 1.5 + SLACK)
    assert f"SES is unreachable at {standin.url}" in str(err)


def test_garbage_bytes_are_retried_until_the_deadline(standin):
    standin.behaviour = garbage

    err, took = timed_wait(1.5, virtual=True)

    assert isinstance(err, SesVerificationTimeout)
    assert_no_hang(took, 1.5 + SLACK)
    assert standin.request_count() == 3  # at 0 s, 1 s (retry), 1.5 s (the deadline): no hidden retries
    assert isinstance(err.last_error, SesUnreachable) and err.last_error.code == "ConnectionClosedError"
    assert f"SES is unreachable at {standin.url}" in str(err)


def test_an_answer_that_is_not_ses_is_named_as_such(standin):
    standin.behaviour = not_ses

    with pytest.raises(SesUnreachable) as raised:
        SesReader.from_settings(SETTINGS).read_identity(DOMAIN, timeout_s=10.0)

    assert raised.value.code == "BadAnswer" and raised.value.retryable
    assert "is not SES's" in str(raised.value) and "AWS_ENDPOINT_URL_SESV2" in str(raised.value)


def test_throttling_is_retried_by_the_waiter_alone_within_the_deadline(standin):
    standin.behaviour = throttle

    err, took = timed_wait(1.5, virtual=True)

    assert isinstance(err, SesVerificationTimeout) and err.status is None
    assert_no_hang(took, 1.5 + SLACK)
    assert standin.request_count() == 3  # botocore adds no retries of its own
    assert err.last_error.code == "TooManyRequestsException"
    assert "no answer from SES" in str(err) and "unreachable" not in str(err)


@pytest.mark.parametrize("behaviour", [silent, trickle(0.1)], ids=["silent", "trickle"])
def test_a_single_read_ends_at_its_timeout(standin, behaviour):
    standin.behaviour = behaviour
    reader = SesReader.from_settings(SETTINGS)

    started = time.monotonic()
    with pytest.raises(SesUnreachable) as raised:
        reader.read_identity(DOMAIN, timeout_s=0.6)
    took = time.monotonic() - started

    assert_no_hang(took, 0.6)
    assert raised.value.endpoint == standin.url and DOMAIN in str(raised.value)
