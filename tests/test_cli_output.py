"""The command's output conventions: ``--version``, one ``--output`` (and the older spellings kept
as its aliases), no cursor control or colour for a dumb terminal, and the live line naming what a
wait still lacks."""

from __future__ import annotations

import io
import json
from importlib import metadata

import pytest

from ses_domains.cli import version
from ses_domains.cli.awaited import awaited
from ses_domains.cli.console import Console
from ses_domains.cli.main import build_parser
from ses_domains.cli.progress import ERASE_TO_END, ProgressLine
from ses_domains.engine.dns.judge import PairState
from ses_domains.engine.dns.wait import PairStatus
from ses_domains.records.model import DnsRecord
from tests.cli_aws import aws_environment
from tests.cli_fixtures import aws_env, moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_terminal import ROOT, command_env, run_on_terminal, run_piped
from tests.fake_ses import SesState


def _pyproject_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_version_prints_the_package_version(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0 and err == ""
    assert out == f"ses-domains {version.package_version()}\n"


def test_version_falls_back_to_pyproject_without_package_metadata(monkeypatch, tmp_path):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert version.package_version() == _pyproject_version()
    assert version.package_version(tmp_path / "absent.toml") == "unknown"


def test_version_in_a_subprocess(tmp_path):
    done = run_piped(["--version"], command_env({}), tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("ses-domains ") and done.stdout.split()[1][0].isdigit()


@pytest.mark.parametrize("argv, expected", [
    (["check"], "table"),
    (["check", "--output", "json"], "json"),
    (["check", "-o", "json"], "json"),
    (["check", "--json"], "json"),
    (["status"], "table"),
    (["status", "-o", "json"], "json"),
    (["status", "--json"], "json"),
    (["records"], "table"),
    (["records", "-o", "zone"], "zone"),
    (["records", "--output", "json"], "json"),
    (["records", "--format", "zone"], "zone"),
    (["records", "-f", "json"], "json"),
    (["wait"], "table"),
    (["wait", "--output", "json"], "json"),
    (["wait", "-o", "json"], "json"),
])
def test_one_output_option_and_its_aliases(argv, expected):
    args = build_parser().parse_args([*argv, "--stack", "dev"])
    assert args.output == expected


@pytest.mark.parametrize("extra, expected", [([], "table"), (["-o", "json"], "json"), (["--output", "json"], "json")])
def test_send_test_takes_the_output_option_too(extra, expected):
    args = build_parser().parse_args(["send-test", "--stack", "dev", "--from", "a@example.com", "--to",
                                      "b@example.com", *extra])
    assert args.output == expected


@pytest.mark.parametrize("argv", [["check", "-o", "zone"], ["status", "-o", "zone"], ["wait", "-o", "zone"],
                                  ["records", "-o", "yaml"], ["wait", "--json"]])
def test_an_output_a_subcommand_cannot_give_is_a_usage_error(capsys, argv):
    code, out, err = run(capsys, *argv, "--stack", "dev")
    assert code == 2 and out == ""
    assert "usage: ses-domains" in err


def test_records_output_json_and_zone_match_their_aliases(capsys, tmp_path, aws_env, ses):
    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})
    ses.script("example.com", SesState(dkim="SUCCESS"))
    outputs = {}
    for argv in (["-o", "json"], ["--format", "json"], ["--output", "zone"], ["-f", "zone"]):
        code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path), *argv)
        assert code == 0, err
        outputs[tuple(argv)] = out
    assert outputs[("-o", "json")] == outputs[("--format", "json")]
    assert json.loads(outputs[("-o", "json")])["domains"][0]["domain"] == "example.com"
    assert outputs[("--output", "zone")] == outputs[("-f", "zone")]
    assert "examplecomtok1._domainkey.example.com. 1800 IN CNAME examplecomtok1.dkim.amazonses.com." in (
        outputs[("--output", "zone")].splitlines())


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_dumb_terminal_gets_no_colour_and_no_live_line():
    console = Console.for_streams(Terminal(), Terminal(), {"TERM": "dumb"})
    assert not console.palette.enabled and not console.err_palette.enabled
    assert not console.live_lines(console.out)
    console = Console.for_streams(Terminal(), io.StringIO(), {"TERM": "xterm"})
    assert console.palette.enabled and console.live_lines(console.out)
    assert not console.live_lines(console.err)  # a pipe


def test_a_dumb_pseudo_terminal_gets_no_escape_sequences(tmp_path, ses):
    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})
    ses.script("example.com", SesState(dkim="SUCCESS"))
    code, out, err = run_on_terminal(["records", "--stack", "dev"],
                                     command_env({**aws_environment(ses.url), "TERM": "dumb"}), tmp_path)
    assert code == 0, err
    assert "example.com" in out and "\x1b" not in out


def _pair(name: str, rdtype: str, server: str, state: PairState) -> PairStatus:
    return PairStatus("example.com", DnsRecord(name, rdtype, ("v",), 300), server, state)


def test_what_is_awaited_names_each_record_and_server():
    head, items = awaited([
        _pair("_dmarc.example.com", "TXT", "ns2", PairState.TIMEOUT),
        _pair("a._domainkey.example.com", "CNAME", "ns1", PairState.MISSING),
        _pair("a._domainkey.example.com", "CNAME", "ns2", PairState.WRONG),
        _pair("b._domainkey.example.com", "CNAME", "ns1", PairState.MISSING),
        _pair("b._domainkey.example.com", "CNAME", "ns2", PairState.MISSING),
        _pair("bounce.example.com", "MX", "ns1", PairState.UNCHECKED),
    ])
    assert head == "waiting for 4 records"
    assert items == (
        "_dmarc.example.com TXT on ns2 (silent)",
        "a._domainkey.example.com CNAME on ns1 (missing) and ns2 (wrong)",
        "b._domainkey.example.com CNAME on ns1 and ns2 (missing)",
        "bounce.example.com MX on ns1 (no answer yet)",
    )


def test_a_server_that_answers_nothing_is_named_once():
    head, items = awaited([
        _pair("_dmarc.example.com", "TXT", "ns3", PairState.TIMEOUT),
        _pair("a._domainkey.example.com", "CNAME", "ns1", PairState.MISSING),
        _pair("a._domainkey.example.com", "CNAME", "ns3", PairState.TIMEOUT),
        _pair("a._domainkey.example.com", "CNAME", "ns4", PairState.NETWORK_ERROR),
    ])
    assert head == "waiting for 2 records (ns3 silent, ns4 unreachable)"
    assert items == ("a._domainkey.example.com CNAME on ns1 (missing)",)


def _drawn(stream: io.StringIO) -> str:
    return stream.getvalue().rsplit("\r", 1)[1].removesuffix(ERASE_TO_END)


def test_the_live_line_lists_as_many_awaited_records_as_fit_and_counts_the_rest():
    items = [f"r{n}.example.com TXT on ns2 (silent)" for n in range(6)]
    stream = Terminal()
    line = ProgressLine(stream, live=True, clock=lambda: 100.0, width=lambda: 100, ticker=False)
    line.update("example.com", "waiting for 6 records", items)
    drawn = _drawn(stream)
    assert len(drawn) <= 99
    assert drawn.startswith("[  0.0s] example.com: waiting for 6 records: r0.example.com TXT on ns2 (silent), ")
    shown = drawn.count("(silent)")
    assert 1 <= shown < 6 and drawn.endswith(f"… +{6 - shown} more")

    wide = Terminal()
    line = ProgressLine(wide, live=True, clock=lambda: 100.0, width=lambda: 400, ticker=False)
    line.update("example.com", "waiting for 6 records", items)
    assert _drawn(wide).count("(silent)") == 6 and "more" not in _drawn(wide)


def test_two_domains_share_the_live_line_and_each_keeps_its_count():
    stream, now = Terminal(), [100.0]
    line = ProgressLine(stream, live=True, clock=lambda: now[0], width=lambda: 120, ticker=False)
    line.update("a.example.com", "waiting for 4 records", [f"r{n}.a.example.com TXT on ns1 (missing)" for n in range(4)])
    now[0] += 1
    line.update("b.example.com", "waiting for 1 record", ["_dmarc.b.example.com TXT on ns2 (silent)"])
    drawn = _drawn(stream)
    assert len(drawn) <= 119
    assert "a.example.com: waiting for 4 records" in drawn and "b.example.com: waiting for 1 record" in drawn
    assert "more" in drawn


def test_plain_progress_lines_list_at_most_ten_awaited_records():
    stream = io.StringIO()
    line = ProgressLine(stream, live=False)
    line.update("example.com", "DNS 0/12 ready; waiting for 12 records", [f"r{n} TXT on ns1 (missing)" for n in range(12)])
    assert stream.getvalue() == (
        "example.com: DNS 0/12 ready; waiting for 12 records: "
        + ", ".join(f"r{n} TXT on ns1 (missing)" for n in range(10)) + ", … +2 more\n"
    )
