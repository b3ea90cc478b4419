"""Ctrl-C ends ``wait``, ``check``, ``status`` and ``send-test`` at once with exit 130, in every
phase, on a terminal (a real ^C typed into the command's controlling pseudo-terminal) and piped
(``kill -INT``).

Each command runs as a real process against stand-ins that never answer the call it is making
when it is interrupted (SES, CloudWatch or a nameserver), with a ``--timeout`` far longer than the
test: so an end by the deadline would print a normal report and exit 1 or 2, not 130 with the one
"interrupted" line; how fast it ended is held to twice the 1 s it is allowed (``tests.wall_clock``).
"""

from __future__ import annotations

import itertools
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from tests import cli_dns
from tests.cli_aws import aws_environment
from tests.cli_dns import HEALTHY, WRONG_DKIM, stack_config
from tests.cli_fixtures import moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_terminal import command_env
from tests.conftest import _require_knot
from tests.dns_servers import BlackholeServer
from tests.fake_ses import SesState, build_response
from tests.ses_http_standin import Connection, SesStandin, answer, silent
from tests.sesv2_standin import Sesv2StandIn
from tests.wall_clock import assert_no_hang, no_hang_limit

pytestmark = pytest.mark.timeout(120)

ENDS_WITHIN_S = 1.0
"""What the command is allowed between Ctrl-C and its end."""
LONG = "600s"
"""Every command's --timeout: an end by the deadline would come far too late to pass."""
MODES = ["piped", "terminal"]

# Typed into a pseudo-terminal, ^C reaches the process only if the terminal is its controlling one.
_WITH_CONTROLLING_TERMINAL = (
    "import fcntl, os, sys, termios; os.setsid(); fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'ses_domains.cli', *sys.argv[1:]])"
)


class Running:
    """``ses-domains ARGV`` in a process of its own: stdout and stdin a pipe and /dev/null, or both
    the process's controlling pseudo-terminal; stderr a pipe."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, mode: str):
        self.mode = mode
        self.out = b""
        self.leader = None
        if mode == "terminal":
            import pty

            self.leader, follower = pty.openpty()
            self.process = subprocess.Popen([sys.executable, "-c", _WITH_CONTROLLING_TERMINAL, *argv], env=env,
                                            cwd=cwd, stdin=follower, stdout=follower, stderr=subprocess.PIPE)
            os.close(follower)
            self.reading = self.leader
        else:
            self.process = subprocess.Popen([sys.executable, "-m", "ses_domains.cli", *argv], env=env, cwd=cwd,
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.reading = self.process.stdout.fileno()
        self.interrupted_at: float | None = None

    def _read(self, wait_s: float) -> None:
        ready, _, _ = select.select([self.reading], [], [], wait_s)
        if ready:
            try:
                self.out += os.read(self.reading, 65536)
            except OSError:  # the terminal closed: the command has ended
                time.sleep(wait_s)

    def wait_until(self, reached: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
        """Reads stdout until ``reached()``; fails if the command ends first or it takes ``timeout_s``."""
        give_up = time.monotonic() + timeout_s
        while not reached():
            if self.process.poll() is not None:
                self._read(0)
                pytest.fail(f"the command ended ({self.process.returncode}) before {what}: "
                            f"{self.out.decode(errors='replace')}{self.process.stderr.read().decode()}")
            if time.monotonic() > give_up:
                self.process.kill()
                pytest.fail(f"{what} did not happen within {timeout_s}s")
            self._read(0.05)

    def interrupt(self) -> None:
        self.interrupted_at = time.monotonic()
        if self.mode == "terminal":
            os.write(self.leader, b"\x03")  # the terminal's line discipline sends SIGINT
        else:
            self.process.send_signal(signal.SIGINT)

    def finish(self) -> tuple[int, str, str, float]:
        """Exit code, stdout, stderr and the seconds from the interrupt to the end."""
        give_up = time.monotonic() + no_hang_limit(ENDS_WITHIN_S)
        while self.process.poll() is None and time.monotonic() < give_up:
            self._read(0.02)
        ended_at = time.monotonic()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._read(0)
        if self.leader is not None:
            os.close(self.leader)
        else:
            self.out += self.process.stdout.read()
            self.process.stdout.close()
        err = self.process.stderr.read().decode()
        self.process.stderr.close()
        return self.process.returncode, self.out.decode(errors="replace"), err, ended_at - self.interrupted_at


def assert_interrupted(running: Running, note: str | None = None) -> str:
    code, out, err, took = running.finish()
    assert code == 130, out + err
    line = "ses-domains: interrupted" + (f"; {note}" if note else "")
    assert err.splitlines()[-1] == line, err
    assert "Traceback" not in err
    assert_no_hang(took, ENDS_WITHIN_S, "ending after Ctrl-C")
    return out


# ---------------------------------------------------------------- wait: the DNS and the SES phase


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("cli-interrupt-dns"), primary_address="127.0.0.91",
                                secondary_address="127.0.0.92", domains=(HEALTHY, WRONG_DKIM))
    yield world
    world.stop()


def answers_once_then_silent(response: dict) -> Callable[[Connection], bool]:
    """The DKIM tokens' read is answered; every read after it (the wait's SES poll) never is."""
    reply, calls = answer(response), itertools.count()

    def behave(conn: Connection) -> bool:
        return reply(conn) if next(calls) == 0 else silent(conn)

    return behave


@pytest.mark.parametrize("mode", MODES)
def test_ctrl_c_ends_wait_while_it_polls_a_silent_ses(tmp_path, world, mode):
    pending = build_response(HEALTHY, SesState(dkim="PENDING", mail_from="PENDING"),
                             mail_from_domain=f"bounce.{HEALTHY}")
    quiet = SesStandin(answers_once_then_silent(pending))
    try:
        write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
        running = Running(["wait", "--stack", "dev", "-t", LONG, *world.nameserver_options],
                          command_env(aws_environment(quiet.url)), tmp_path, mode)
        running.wait_until(lambda: quiet.request_count() >= 2, "the SES poll")
        running.interrupt()
        out = assert_interrupted(running)
    finally:
        quiet.close()
    assert f"{HEALTHY}: DNS ready on every nameserver" in out  # it was past DNS, polling SES
    assert "verified" not in out.replace(f"{HEALTHY}: DNS ready", "")  # no report: it did not reach its end


@pytest.mark.parametrize("mode", MODES)
def test_ctrl_c_ends_wait_while_it_polls_dns(tmp_path, world, ses, mode):  # noqa: F811
    ses.script(WRONG_DKIM, SesState(dkim="PENDING", mail_from="PENDING"), mail_from_domain=f"bounce.{WRONG_DKIM}")
    write_stack(tmp_path, "dev", stack_config((WRONG_DKIM,)))
    running = Running(["wait", "--stack", "dev", "-t", LONG, *world.nameserver_options],
                      command_env(aws_environment(ses.url)), tmp_path, mode)
    running.wait_until(lambda: b"checking 6 records" in running.out, "the DNS wait")
    running.interrupt()
    out = assert_interrupted(running)
    assert "not verified" not in out and ses.requests == [WRONG_DKIM]  # still at DNS: SES not polled


# ---------------------------------------------------------------- check: a nameserver that never answers


@pytest.mark.parametrize("mode", MODES)
def test_ctrl_c_ends_check_while_a_nameserver_is_silent(tmp_path, ses, mode):  # noqa: F811
    dead = BlackholeServer("127.0.0.93")
    try:
        write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
        running = Running(["check", "--stack", "dev", "--nameserver", dead.endpoint],
                          command_env(aws_environment(ses.url)), tmp_path, mode)
        running.wait_until(lambda: dead.received >= 1, "the first question to the nameserver")
        running.interrupt()
        out = assert_interrupted(running)
    finally:
        dead.close()
    assert "could not check" not in out  # no report: the check did not reach its end


# ---------------------------------------------------------------- status and send-test: SES never answers


@pytest.mark.parametrize("mode", MODES)
def test_ctrl_c_ends_status_while_ses_is_silent(tmp_path, mode):
    quiet = SesStandin(silent)
    try:
        write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
        env = command_env({**aws_environment(quiet.url), "AWS_ENDPOINT_URL_CLOUDWATCH": quiet.url})
        running = Running(["status", "--stack", "dev", "--timeout", LONG], env, tmp_path, mode)
        running.wait_until(lambda: quiet.request_count() >= 1, "the first SES read")
        running.interrupt()
        out = assert_interrupted(running)
    finally:
        quiet.close()
    assert "could not check" not in out


@pytest.fixture
def sesv2():
    stand_in = Sesv2StandIn()
    stand_in.state.identities["good.test"] = True
    stand_in.state.production_access = True
    yield stand_in
    stand_in.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("silent_on, note", [
    ("GetAccount", "nothing was sent"),
    ("SendEmail", "SendEmail had been called, so the message may or may not have been sent"),
])
def test_ctrl_c_ends_send_test_and_says_whether_the_message_may_have_gone(tmp_path, sesv2, mode, silent_on, note):
    sesv2.state.silent_on.add(silent_on)
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    running = Running(["send-test", "--stack", "dev", "--from", f"hello@{HEALTHY}", "--to", "you@example.org",
                       "--timeout", LONG], command_env(aws_environment(sesv2.url)), tmp_path, mode)
    running.wait_until(lambda: silent_on in sesv2.operations(), f"the call of {silent_on}")
    running.interrupt()
    out = assert_interrupted(running, note)
    assert out.strip() in ("", "^C")  # no message id
