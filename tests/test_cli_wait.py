"""``ses-domains wait`` against Knot and the SES stand-in: exit 0 once verified, 1 at the deadline
or when SES fails for good, 2 when it cannot start; the live line on a terminal, lines in a pipe."""

from __future__ import annotations

import json
import time

import pytest

from ses_domains.cli.progress import ERASE_TO_END
from tests import cli_dns
from tests.cli_aws import aws_environment
from tests.cli_dns import BYODKIM, HEALTHY, WRONG_DKIM, stack_config
from tests.cli_fixtures import aws_env, moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_terminal import command_env, run_on_terminal, run_piped
from tests.conftest import _require_knot
from tests.dns_servers import BlackholeServer
from tests.fake_ses import SesState, tokens_for
from tests.wall_clock import assert_no_hang, assert_rate_at_most, assert_took_at_least, stopwatch


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("cli-wait-dns"), primary_address="127.0.0.53",
                                secondary_address="127.0.0.54", domains=(HEALTHY, WRONG_DKIM, BYODKIM))
    yield world
    world.stop()


def wait(capsys, tmp_path, world, domains, *extra):
    write_stack(tmp_path, "dev", stack_config(domains))
    return run(capsys, "wait", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options, *extra)


def test_exit_0_once_verified(capsys, tmp_path, world, aws_env, ses):
    ses.script(HEALTHY, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{HEALTHY}")
    code, out, err = wait(capsys, tmp_path, world, (HEALTHY,), "--timeout", "30s")
    assert code == 0, out + err
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"verified      {HEALTHY}: DNS ") and "on 2 nameservers" in last


def test_a_byodkim_identity_with_no_tokens_from_ses_is_waited_for(capsys, tmp_path, world, aws_env, ses):
    ses.script(BYODKIM, SesState(dkim="SUCCESS", mail_from="SUCCESS", origin="EXTERNAL"),
               mail_from_domain=f"bounce.{BYODKIM}")
    code, out, err = wait(capsys, tmp_path, world, (BYODKIM,), "--timeout", "30s")
    assert code == 0, out + err
    assert "no DKIM tokens" not in out + err
    assert out.strip().splitlines()[-1].startswith(f"verified      {BYODKIM}: DNS ")


def test_exit_1_at_the_deadline_while_ses_is_pending(capsys, tmp_path, world, aws_env, ses):
    ses.script(HEALTHY, SesState(dkim="PENDING", mail_from="PENDING"), mail_from_domain=f"bounce.{HEALTHY}")
    started = time.monotonic()
    code, out, _ = wait(capsys, tmp_path, world, (HEALTHY,), "--timeout", "3s")
    elapsed = time.monotonic() - started
    assert code == 1
    assert f"not verified  {HEALTHY}: stopped at SES, once DNS was ready after " in out
    assert "DKIM status PENDING" in out
    assert_took_at_least(elapsed, 2.5)
    assert_no_hang(elapsed, 3.0)  # --timeout 3s


def test_exit_1_at_the_deadline_while_a_record_is_missing(capsys, tmp_path, world, aws_env, ses):
    ses.script(WRONG_DKIM, SesState(dkim="PENDING", mail_from="PENDING"), mail_from_domain=f"bounce.{WRONG_DKIM}")
    code, out, _ = wait(capsys, tmp_path, world, (WRONG_DKIM,), "-t", "2")
    assert code == 1
    assert f"not verified  {WRONG_DKIM}: stopped at DNS after " in out and "on 2 nameservers (" in out
    assert "missing" in out and "_domainkey.dkim.test" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert ses.requests == [WRONG_DKIM]  # the token read only: SES is not polled before DNS is ready


def test_exit_1_when_ses_fails_for_good(capsys, tmp_path, world, aws_env, ses):
    ses.script(HEALTHY, SesState(dkim="FAILED", mail_from="SUCCESS", error_type="TYPE_NOT_FOUND"),
               mail_from_domain=f"bounce.{HEALTHY}")
    started = time.monotonic()
    code, out, _ = wait(capsys, tmp_path, world, (HEALTHY,), "--timeout", "5m")
    assert code == 1
    assert_no_hang(time.monotonic() - started, 2.5, "stopping at SES's FAILED (not at the 5 m deadline)")
    assert "FAILED" in out and "TYPE_NOT_FOUND" in out


def test_exit_2_when_the_identity_does_not_exist(capsys, tmp_path, world, aws_env, ses):
    code, out, err = wait(capsys, tmp_path, world, (HEALTHY,))
    assert code == 2 and out == ""
    assert "cannot start the wait:" in err
    assert f"{HEALTHY}: cannot read its DKIM tokens from SES: SES has no identity {HEALTHY}" in err


def test_exit_2_without_credentials(capsys, tmp_path, world, aws_env, ses, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    code, _, err = wait(capsys, tmp_path, world, (HEALTHY,))
    assert code == 2 and "no AWS credentials found" in err and "Traceback" not in err


def test_a_bad_duration_is_a_usage_error(capsys, tmp_path, world, aws_env):
    code, out, err = wait(capsys, tmp_path, world, (HEALTHY,), "--timeout", "10 minutes")
    assert code == 2 and out == ""
    assert "'10 minutes' is not a duration: write it as 90s, 20m, 1h30m or a number of seconds" in err


def _pending_then_verified(ses):
    """The token read, one poll PENDING, then SUCCESS (SES's first poll interval is 2 s)."""
    pending = SesState(dkim="PENDING", mail_from="PENDING")
    ses.script(HEALTHY, pending, pending, SesState(dkim="SUCCESS", mail_from="SUCCESS"),
               mail_from_domain=f"bounce.{HEALTHY}")


def test_the_progress_line_on_a_terminal(tmp_path, world, ses):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    _pending_then_verified(ses)
    with stopwatch() as watch:
        code, out, err = run_on_terminal(["wait", "--stack", "dev", "-t", "60", *world.nameserver_options],
                                         command_env(aws_environment(ses.url)), tmp_path)
    assert code == 0, out + err
    assert f"\r[" in out and ERASE_TO_END in out
    redraws = out.count("\r[")
    assert redraws >= 4  # rewritten in place while SES is polled (its first poll comes 2 s after the read)
    assert_rate_at_most(redraws, 4, watch.elapsed, "redraws")  # at most 4 a second
    assert "[  1." in out  # its clock moved
    assert f"{HEALTHY}: DNS ready on every nameserver" in out  # a milestone stays as a line of its own
    assert "\x1b[32mverified\x1b[0m" in out


def test_plain_lines_when_piped(tmp_path, world, ses):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    _pending_then_verified(ses)
    done = run_piped(["wait", "--stack", "dev", "-t", "60", *world.nameserver_options],
                     command_env(aws_environment(ses.url)), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\r" not in done.stdout and "\x1b[" not in done.stdout
    lines = done.stdout.splitlines()
    assert lines[0] == f"{HEALTHY}: checking 6 records on 2 nameservers"
    assert any(line.startswith(f"{HEALTHY}: DNS ready on every nameserver") for line in lines)
    assert lines[-1].startswith(f"verified      {HEALTHY}")


def test_output_json_when_verified(tmp_path, world, ses):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    ses.script(HEALTHY, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{HEALTHY}")
    done = run_piped(["wait", "--stack", "dev", "-t", "30", "-o", "json", *world.nameserver_options],
                     command_env(aws_environment(ses.url)), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)  # the progress went to stderr
    assert f"{HEALTHY}: DNS ready on every nameserver" in done.stderr
    assert document["verdict"] == "verified" and document["stack"] == "dev"
    [domain] = document["domains"]
    assert domain["domain"] == HEALTHY and domain["region"] == "eu-west-1" and domain["verified"] is True
    assert domain["stopped_at"] is None and domain["waiting_for"] == [] and domain["error"] is None
    assert domain["nameservers"] == [world.primary.endpoint, world.secondary.endpoint]
    assert domain["ses"]["dkim_status"] == "SUCCESS" and domain["verified_at"]


def test_output_json_names_what_was_missing_at_the_deadline(capsys, tmp_path, world, aws_env, ses):
    ses.script(WRONG_DKIM, SesState(dkim="PENDING", mail_from="PENDING"), mail_from_domain=f"bounce.{WRONG_DKIM}")
    code, out, err = wait(capsys, tmp_path, world, (WRONG_DKIM,), "-t", "2", "--output", "json")
    assert code == 1
    document = json.loads(out)
    assert document["verdict"] == "not verified"
    [domain] = document["domains"]
    assert domain["verified"] is False and domain["stopped_at"] == "dns"
    first, second, _ = tokens_for(WRONG_DKIM)
    awaited = {(p["name"], p["nameserver"]): p for p in domain["waiting_for"]}
    assert set(awaited) == {(f"{name}._domainkey.{WRONG_DKIM}", server) for name in (first, second)
                            for server in (world.primary.endpoint, world.secondary.endpoint)}
    wrong = awaited[(f"{first}._domainkey.{WRONG_DKIM}", world.primary.endpoint)]
    assert wrong["state"] == "wrong" and wrong["type"] == "CNAME"
    assert wrong["expected"] == [f"{first}.dkim.amazonses.com"] and wrong["found"] == [f"other{first}.dkim.amazonses.com"]
    assert awaited[(f"{second}._domainkey.{WRONG_DKIM}", world.secondary.endpoint)]["state"] == "missing"


def test_the_live_line_names_the_records_still_missing_and_the_silent_server(tmp_path, world, ses):
    silent = BlackholeServer("127.0.0.55")
    try:
        write_stack(tmp_path, "dev", stack_config((WRONG_DKIM,)))
        ses.script(WRONG_DKIM, SesState(dkim="PENDING"), mail_from_domain=f"bounce.{WRONG_DKIM}")
        code, out, err = run_on_terminal(
            ["wait", "--stack", "dev", "-t", "5", *world.nameserver_options, "--nameserver", silent.endpoint],
            command_env(aws_environment(ses.url)), tmp_path)
    finally:
        silent.close()
    assert code == 1, out + err
    drawn = [part.split(ERASE_TO_END)[0] for part in out.split("\r[")[1:]]
    assert drawn and all(len(line) + 1 <= 199 for line in drawn)  # "[" was split off; COLUMNS is 200
    first = tokens_for(WRONG_DKIM)[0]
    # The silent server is named once; then the records the others lack, as many as fit, and a count.
    assert any(line.endswith(f"] {WRONG_DKIM}: waiting for 6 records ({silent.endpoint} silent): {first}._domainkey."
                             f"{WRONG_DKIM} CNAME on {world.primary.endpoint} and {world.secondary.endpoint} (wrong), "
                             "… +1 more") for line in drawn)


def test_a_dumb_terminal_gets_plain_lines(tmp_path, world, ses):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    _pending_then_verified(ses)
    code, out, err = run_on_terminal(["wait", "--stack", "dev", "-t", "60", *world.nameserver_options],
                                     command_env({**aws_environment(ses.url), "TERM": "dumb"}), tmp_path)
    assert code == 0, out + err
    assert "\x1b" not in out and "\r[" not in out  # no colour, no erase, no line rewritten in place
    lines = out.replace("\r\n", "\n").splitlines()
    assert lines[0] == f"{HEALTHY}: checking 6 records on 2 nameservers"
    assert lines[-1].startswith(f"verified      {HEALTHY}")
