"""What a person sees on a terminal versus what a pipe gets: the progress line, colours, NO_COLOR;
and the command run as ``python -m ses_domains.cli`` in a subprocess."""

from __future__ import annotations

import io
import time

from ses_domains.cli.colours import Palette, colours_wanted
from ses_domains.cli.progress import ERASE_TO_END, ProgressLine
from tests.cli_aws import aws_environment
from tests.cli_fixtures import moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_terminal import command_env, run_on_terminal, run_piped
from tests.fake_ses import SesState, tokens_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_live_line_is_rewritten_in_place_at_most_four_times_a_second():
    stream, clock = Terminal(), Clock()
    line = ProgressLine(stream, live=True, clock=clock, width=lambda: 80, ticker=False)
    line.update("a.com", "DNS 1/6")
    clock.now += 0.1
    line.update("a.com", "DNS 2/6")  # too soon: kept for the next draw
    clock.now += 0.2
    line.update("b.com", "DNS 0/6")
    assert stream.getvalue() == (
        f"\r[  0.0s] a.com: DNS 1/6{ERASE_TO_END}"
        f"\r[  0.3s] a.com: DNS 2/6 | b.com: DNS 0/6{ERASE_TO_END}"
    )
    assert "\n" not in stream.getvalue()


def test_a_permanent_line_goes_above_the_live_line_and_close_erases_it():
    stream, clock = Terminal(), Clock()
    line = ProgressLine(stream, live=True, clock=clock, width=lambda: 80, ticker=False)
    line.update("a.com", "DNS 1/6")
    stream.truncate(0), stream.seek(0)
    line.print("a.com: DNS ready")
    assert stream.getvalue() == f"\r{ERASE_TO_END}a.com: DNS ready\n\r[  0.0s] a.com: DNS 1/6{ERASE_TO_END}"
    stream.truncate(0), stream.seek(0)
    line.close()
    assert stream.getvalue() == f"\r{ERASE_TO_END}"


def test_the_live_line_fits_the_terminal():
    stream, clock = Terminal(), Clock()
    line = ProgressLine(stream, live=True, clock=clock, width=lambda: 30, ticker=False)
    line.update("a-long-domain-name.example.com", "DNS 1/6 record checks ready")
    drawn = stream.getvalue()[1:-len(ERASE_TO_END)]
    assert len(drawn) == 29 and drawn.endswith("…")


def test_the_ticker_draws_news_that_came_too_soon():
    stream = Terminal()
    line = ProgressLine(stream, live=True, width=lambda: 80, max_rate=20)
    line.update("a.com", "DNS 1/6")
    line.update("a.com", "DNS 2/6")  # within 50 ms of the first draw
    time.sleep(0.2)
    line.close()
    assert "a.com: DNS 2/6" in stream.getvalue()
    assert stream.getvalue().endswith(f"\r{ERASE_TO_END}")


def test_plain_lines_when_not_a_terminal():
    stream, clock = io.StringIO(), Clock()
    line = ProgressLine(stream, live=False, clock=clock)
    line.update("a.com", "DNS 1/6")
    line.update("a.com", "DNS 2/6")
    line.print("a.com: verified")
    line.close()
    assert stream.getvalue() == "a.com: DNS 1/6\na.com: DNS 2/6\na.com: verified\n"


def test_colours_only_on_a_terminal_and_never_with_no_color():
    assert colours_wanted(Terminal(), {"TERM": "xterm"})
    assert not colours_wanted(io.StringIO(), {"TERM": "xterm"})
    assert not colours_wanted(Terminal(), {"TERM": "xterm", "NO_COLOR": "1"})
    assert not colours_wanted(Terminal(), {"TERM": "dumb"})
    assert colours_wanted(Terminal(), {"TERM": "xterm", "NO_COLOR": ""})  # empty: not set (no-color.org)
    assert Palette(True).bad("wrong") == "\x1b[31mwrong\x1b[0m" and Palette(False).bad("wrong") == "wrong"


def _project(tmp_path, ses):
    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})
    ses.script("example.com", SesState(dkim="SUCCESS"))
    return tmp_path


def test_as_a_module_in_a_subprocess_piped(tmp_path, ses):
    project = _project(tmp_path, ses)
    done = run_piped(["records", "--stack", "dev", "--format", "zone"], command_env(aws_environment(ses.url)), project)
    assert done.returncode == 0, done.stderr
    token = tokens_for("example.com")[0]
    assert f"{token}._domainkey.example.com. 1800 IN CNAME {token}.dkim.amazonses.com." in done.stdout
    assert "\x1b[" not in done.stdout and done.stderr == ""


def test_colours_on_a_pseudo_terminal_unless_no_color(tmp_path, ses):
    project = _project(tmp_path, ses)
    code, out, err = run_on_terminal(["records", "--stack", "dev"], command_env(aws_environment(ses.url)), project)
    assert code == 0, err
    assert "\x1b[1mexample.com\x1b[0m" in out
    ses.script("example.com", SesState(dkim="SUCCESS"))
    code, out, err = run_on_terminal(["records", "--stack", "dev"],
                                     command_env({**aws_environment(ses.url), "NO_COLOR": "1"}), project)
    assert code == 0, err
    assert "example.com" in out and "\x1b[" not in out


def test_a_user_mistake_in_a_subprocess_ends_without_a_traceback(tmp_path, ses):
    done = run_piped(["wait", "--stack", "nope", "--timeout", "soon"], command_env(aws_environment(ses.url)), tmp_path)
    assert done.returncode == 2
    assert "argument --timeout/-t: 'soon' is not a duration" in done.stderr
    (tmp_path / "Pulumi.yaml").write_text("name: ses-domains\nruntime: python\n")
    done = run_piped(["records", "--stack", "nope"], command_env(aws_environment(ses.url)), tmp_path)
    assert done.returncode == 2
    assert "no stack file Pulumi.nope.yaml" in done.stderr and "Traceback" not in done.stderr
