"""SES throttling: every SES read of the command is paced by a shared token bucket and retried
after throttling, with backoff and jitter, until the command's deadline.

The bucket and the retry run on a fake clock here; the commands run against the SESv2 stand-in
throttling its first requests (``throttle_next``) or every request past a rate (``limit_rate``)."""

from __future__ import annotations

import json

import pytest

from ses_domains.cli import ses_identities
from ses_domains.engine.ses.errors import SesApiError, SesThrottled, SesUnreachable
from ses_domains.engine.ses.pacing import RetryCount, TokenBucket, retry_throttling
from ses_domains.engine.ses.policy import Backoff
from tests import cli_dns
from tests.cli_dns import HEALTHY, stack_config
from tests.cli_fixtures import aws_env, moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.conftest import _require_knot
from tests.fake_clock import FakeClock
from tests.fake_ses import SesState, tokens_for


def throttling(domain: str = "example.com") -> SesApiError:
    return SesApiError(domain, f"SES throttled GetEmailIdentity({domain}): TooManyRequestsException",
                       "TooManyRequestsException", True, throttled=True)


# ---------------------------------------------------------------- the bucket and the retry


def test_a_burst_passes_at_once_then_calls_are_spaced_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(10.0, 5, max_rate_per_s=10.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert bucket.acquire(deadline=100.0)
    assert clock.sleeps == []
    assert bucket.acquire(deadline=100.0)
    assert clock.sleeps == [pytest.approx(0.1)]
    clock.sleeps.clear()
    for _ in range(10):
        assert bucket.acquire(deadline=100.0)
    assert sum(clock.sleeps) == pytest.approx(1.0)  # ten more calls: one second at 10 a second


def test_a_token_that_would_come_after_the_deadline_is_not_taken():
    clock = FakeClock()
    bucket = TokenBucket(1.0, 1, max_rate_per_s=1.0, clock=clock, sleep=clock.sleep)
    assert bucket.acquire(deadline=10.0)
    assert not bucket.acquire(deadline=0.5)  # the next token comes at 1 s
    assert clock.sleeps == []
    assert bucket.acquire(deadline=10.0)  # the refused call took nothing: still 1 s away
    assert clock.sleeps == [pytest.approx(1.0)]


def test_throttling_halves_the_rate_once_per_burst_down_to_a_floor():
    clock = FakeClock()
    bucket = TokenBucket(20.0, 20, min_rate_per_s=8.0, increase_per_s=0.0, clock=clock, sleep=clock.sleep)
    for _ in range(16):  # sixteen threads' calls throttled at once: one cut
        bucket.throttled()
    assert bucket.rate_per_s == 10.0 and bucket.throttles == 16
    assert bucket.acquire(deadline=100.0)  # what was saved up is gone: a tenth of a second at 10 a second
    assert clock.sleeps == [pytest.approx(0.1)]
    clock.now += 1.0
    bucket.throttled()
    assert bucket.rate_per_s == 8.0  # 5 would be below the floor


def test_the_rate_rises_while_ses_does_not_push_back_up_to_its_maximum():
    clock = FakeClock()
    bucket = TokenBucket(50.0, 50, max_rate_per_s=200.0, increase_per_s=10.0, clock=clock, sleep=clock.sleep)
    clock.now += 3.0
    bucket.acquire(deadline=100.0)
    assert bucket.rate_per_s == pytest.approx(80.0)
    bucket.throttled()
    assert bucket.rate_per_s == pytest.approx(40.0)
    clock.now += 100.0
    bucket.acquire(deadline=1000.0)
    assert bucket.rate_per_s == 200.0


def test_throttled_calls_are_retried_with_backoff_until_one_passes():
    clock = FakeClock()
    answers = [throttling(), throttling(), throttling(), "status"]
    budgets = []

    def call(left: float):
        budgets.append(left)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    count = RetryCount()
    bucket = TokenBucket(10.0, 10, max_rate_per_s=10.0, clock=clock, sleep=clock.sleep)
    value = retry_throttling(call, what="GetEmailIdentity(example.com)", deadline=10.0, bucket=bucket,
                             backoff=Backoff(initial=0.2, factor=2.0, cap=5.0, jitter=0.5), count=count,
                             clock=clock, sleep=clock.sleep, rand=lambda: 0.0)
    assert value == "status"
    assert count.retries == 3 and bucket.throttles == 3
    backoffs = [s for s in clock.sleeps if s >= 0.2 - 1e-9]
    assert backoffs[:3] == [pytest.approx(0.2), pytest.approx(0.4), pytest.approx(0.8)]
    assert budgets[0] == 10.0 and all(b < 10.0 for b in budgets[1:])  # each call gets the time left


def test_a_permanent_throttle_ends_at_the_deadline_with_a_plain_message():
    clock = FakeClock()

    def call(left: float):
        raise throttling()

    with pytest.raises(SesThrottled) as raised:
        retry_throttling(call, what="GetEmailIdentity(example.com)", deadline=5.0, clock=clock,
                         sleep=clock.sleep, rand=lambda: 0.0)
    assert clock.now <= 5.0  # never slept past the deadline
    message = str(raised.value)
    assert message.startswith("SES kept throttling GetEmailIdentity(example.com) (")
    assert "until the time allowed ran out" in message
    assert "\n" not in message and "Traceback" not in message


def test_a_last_try_that_runs_out_of_time_after_throttling_still_says_throttling():
    """Throttled, then the last try gets no answer in the little time left (a busy SES, a busy
    machine): the message says SES kept throttling, and what the last try got."""
    clock = FakeClock()
    answers = iter([throttling(), throttling()])

    def call(left: float):
        answer = next(answers, None)
        if answer is not None:
            raise answer
        clock.now += left
        raise SesUnreachable("example.com", f"SES did not answer GetEmailIdentity(example.com) within {left:.1f}s.",
                             "ReadTimeout", "http://ses")

    with pytest.raises(SesThrottled) as raised:
        retry_throttling(call, what="GetEmailIdentity(example.com)", deadline=5.0, clock=clock,
                         sleep=clock.sleep, rand=lambda: 0.0)
    message = str(raised.value)
    assert message.startswith("SES kept throttling GetEmailIdentity(example.com) (3 tries in ")
    assert "(the last try: SES did not answer GetEmailIdentity(example.com) within" in message


def test_an_unreachable_ses_at_the_first_try_is_the_caller_s():
    clock = FakeClock()

    def call(left: float):
        raise SesUnreachable("example.com", "SES is unreachable", "ConnectTimeout", "http://ses")

    with pytest.raises(SesUnreachable):
        retry_throttling(call, what="x", deadline=5.0, clock=clock, sleep=clock.sleep)


def test_the_first_try_goes_even_at_the_deadline():
    """The caller bounds the call; a read that starts late is its "no answer", not throttling."""
    clock = FakeClock()
    clock.now = 10.0
    bucket = TokenBucket(10.0, 10, max_rate_per_s=10.0, clock=clock, sleep=clock.sleep)
    assert retry_throttling(lambda left: ("called", left), what="x", deadline=5.0, bucket=bucket,
                            clock=clock, sleep=clock.sleep) == ("called", 0.0)


def test_other_errors_are_the_caller_s():
    clock = FakeClock()
    calls = []

    def call(left: float):
        calls.append(left)
        raise SesApiError("example.com", "Access denied", "AccessDeniedException", False)

    with pytest.raises(SesApiError, match="Access denied"):
        retry_throttling(call, what="x", deadline=5.0, clock=clock, sleep=clock.sleep)
    assert len(calls) == 1 and clock.sleeps == []


# ---------------------------------------------------------------- the commands


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("throttling-dns"), primary_address="127.0.0.61",
                                secondary_address="127.0.0.62", domains=(HEALTHY,))
    yield world
    world.stop()


@pytest.fixture
def verified(ses):
    ses.script(HEALTHY, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{HEALTHY}")
    return ses


def command(capsys, tmp_path, name, *extra, domains=(HEALTHY,)):
    write_stack(tmp_path, "dev", stack_config(domains))
    return run(capsys, name, "--stack", "dev", "-C", str(tmp_path), *extra)


def test_check_goes_on_after_ses_throttles_the_token_read(capsys, tmp_path, world, aws_env, verified):
    verified.throttle_next = 3
    code, out, err = command(capsys, tmp_path, "check", *world.nameserver_options, "--json")
    assert code == 0, out + err
    assert verified.throttled == 3 and verified.requests == [HEALTHY]  # 3 refused, then 1 answered
    domain = json.loads(out)["domains"][0]
    assert domain["verdict"] == "ok" and [r["status"] for r in domain["records"]] == ["ok"] * 6


def test_wait_goes_on_after_ses_throttles_the_token_read(capsys, tmp_path, world, aws_env, verified):
    verified.throttle_next = 3
    code, out, err = command(capsys, tmp_path, "wait", *world.nameserver_options, "--timeout", "30s")
    assert code == 0, out + err
    assert verified.throttled == 3
    assert out.strip().splitlines()[-1].startswith(f"verified      {HEALTHY}")


def test_records_show_the_tokens_after_ses_throttles(capsys, tmp_path, aws_env, verified):
    verified.throttle_next = 2
    code, out, err = command(capsys, tmp_path, "records", "--format", "json")
    assert code == 0, err
    assert verified.throttled == 2
    domain = json.loads(out)["domains"][0]
    assert domain["dkim_tokens_from_ses"] and not any(r["placeholder"] for r in domain["records"])
    assert domain["records"][0]["name"] == f"{tokens_for(HEALTHY)[0]}._domainkey.{HEALTHY}"


def test_a_permanent_throttle_ends_check_at_the_deadline_with_a_plain_message(capsys, tmp_path, world, aws_env,
                                                                             verified, monkeypatch):
    # Room for a retry even when a loaded machine takes seconds over the first call: the backoff
    # before the second try is at most 0.3 s, and a try needs 1 s left to start.
    monkeypatch.setattr(ses_identities, "READS_DEADLINE_S", 12.0)
    verified.throttle_next = 10**9
    code, out, err = command(capsys, tmp_path, "check", *world.nameserver_options, "--json")
    assert code == 2
    assert verified.requests == [] and verified.throttled >= 2  # asked again, not given up at once
    gaps = json.loads(out)["domains"][0]["could_not_check"]
    assert any(f"SES kept throttling GetEmailIdentity({HEALTHY}) (" in gap for gap in gaps), gaps


def test_a_permanent_throttle_stops_wait_before_it_starts(capsys, tmp_path, world, aws_env, verified, monkeypatch):
    monkeypatch.setattr(ses_identities, "READS_DEADLINE_S", 6.0)
    verified.throttle_next = 10**9
    code, out, err = command(capsys, tmp_path, "wait", *world.nameserver_options, "--timeout", "30s")
    assert code == 2 and out == ""
    assert "cannot start the wait:" in err
    assert f"SES kept throttling GetEmailIdentity({HEALTHY}) (" in err and "Traceback" not in err


def test_records_of_300_domains_against_a_rate_limit_read_every_token(capsys, tmp_path, aws_env, ses):
    """SES allows 40 requests a second here, less than the bucket's first pace: it halves its pace
    at the throttling answers, the retries land, and no domain is left with placeholders."""
    domains = tuple(f"d{i}.example.com" for i in range(300))
    for domain in domains:
        ses.script(domain, SesState(dkim="SUCCESS"))
    ses.limit_rate(40.0)
    code, out, err = command(capsys, tmp_path, "records", "--format", "json", domains=domains)
    assert code == 0, err
    assert "shown as dkim-token-N-from-ses" not in err
    assert all(d["dkim_tokens_from_ses"] for d in json.loads(out)["domains"])
    assert sorted(ses.requests) == sorted(domains)  # each answered exactly once
    assert ses.throttled > 0  # the limit was met, and lived with
