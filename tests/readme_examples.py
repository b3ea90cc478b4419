"""The README's examples of the command, printed by the command itself for the committed stacks
(Pulumi.dev.yaml, Pulumi.prod.yaml), against the stand-ins the command's tests use: Knot serving
the dev stack's records (with one fault, so the example shows a problem), the SESv2 stand-in and
moto's CloudWatch.

    python -m tests.readme_examples           # exit 1 with a diff when README.md differs
    python -m tests.readme_examples --write   # rewrite README.md's examples

An example sits in README.md between ``<!-- example: NAME -->`` and ``<!-- /example -->``. What
cannot be the same from run to run is replaced: the loopback servers' ports (``NAMESERVERS``).
"""

from __future__ import annotations

import argparse
import difflib
import io
import logging
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
REGENERATE = "python -m tests.readme_examples --write"
BLOCK = re.compile(r"<!-- example: (?P<name>[^>]+?) -->\n(?P<body>.*?)<!-- /example -->\n", re.S)

PRIMARY, SECONDARY = "127.0.0.71", "127.0.0.72"
NAMESERVERS = (f"{PRIMARY}:5353", f"{SECONDARY}:5353")
"""How the README shows the two Knot servers, which listen on whatever port was free."""

DEV_DOMAIN = "dev.example.com"
REGION = "eu-west-1"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class World:
    project: Path
    nameservers: tuple[str, ...]
    """The Knot servers' real endpoints, in the order of ``NAMESERVERS``."""

    def run(self, argv: list[str], *, terminal: bool = False, expect: int) -> str:
        """``ses-domains ARGV`` in this process, stdout as the README shows it."""
        from ses_domains.cli.colours import Palette
        from ses_domains.cli.console import Console
        from ses_domains.cli.main import main

        out, err = (_Terminal() if terminal else io.StringIO()), io.StringIO()
        code = main([*argv, "-C", str(self.project)], Console(out, err, Palette(False), Palette(False)))
        text = out.getvalue()
        if code != expect:
            raise AssertionError(f"ses-domains {' '.join(argv)} exited {code}, not {expect}:\n{text}{err.getvalue()}")
        for real, shown in zip(self.nameservers, NAMESERVERS):
            text = text.replace(real, shown)
        return text


@dataclass(frozen=True)
class Example:
    name: str
    shown: str
    """The command line as the README shows it."""
    make: Callable[[World], str]

    def block(self, world: World) -> str:
        return f"```\n$ {self.shown}\n{self.make(world)}```\n"


def _records(world: World) -> str:
    return world.run(["records", "--stack", "dev"], expect=0)


def _check(world: World) -> str:
    options = [option for endpoint in world.nameservers for option in ("--nameserver", endpoint)]
    return world.run(["check", "--stack", "dev", *options], expect=1)


def _status(world: World) -> str:
    # What is shown is the report, not a deadline: the stand-ins answer in this process, and on a
    # busy machine they may take longer than a real command's 8 s per call.
    from ses_domains.cli import status_command

    patience = status_command.CALL_TIMEOUT_S
    status_command.CALL_TIMEOUT_S = 60.0
    try:
        return world.run(["status", "--stack", "prod", "--timeout", "120s"], terminal=True, expect=1)
    finally:
        status_command.CALL_TIMEOUT_S = patience


EXAMPLES = (
    Example("records dev", "ses-domains records --stack dev", _records),
    Example("check dev", f"ses-domains check --stack dev --nameserver {NAMESERVERS[0]} --nameserver {NAMESERVERS[1]}",
            _check),
    Example("status prod", "ses-domains status --stack prod", _status),
)


# ---------------------------------------------------------------- the world the examples run in


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    from tests.cli_aws import AWS_VARIABLES_TO_CLEAR

    saved = dict(os.environ)
    for name in AWS_VARIABLES_TO_CLEAR:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _script_aws(ses, cloudwatch_url: str) -> None:
    """dev: its domain verified; prod: example.com verified, news.example.org still pending, a
    production account with one open recommendation and a week of reputation with one complaint spike."""
    from tests.cli_status_aws import PRODUCTION, next_hour, put_rates
    from tests.fake_ses import SesState

    verified = SesState(dkim="SUCCESS", mail_from="SUCCESS")
    ses.script(DEV_DOMAIN, verified, mail_from_domain=f"bounce.{DEV_DOMAIN}", configuration_set="dev-default")
    ses.script("example.com", verified, mail_from_domain="bounce.example.com", configuration_set="transactional")
    ses.script("news.example.org", SesState(dkim="PENDING", mail_from="PENDING"),
               mail_from_domain="mail.news.example.org", configuration_set=None)
    ses.set_account({**PRODUCTION, "SendQuota": {"Max24HourSend": 100000.0, "MaxSendRate": 28.0,
                                                 "SentLast24Hours": 18342.0}})
    ses.set_recommendations([{
        "ResourceArn": f"arn:aws:ses:{REGION}:123456789012:identity/example.com", "Type": "BIMI", "Impact": "LOW",
        "Status": "OPEN", "Description": "example.com has DMARC at enforcement but no BIMI record",
    }])
    bounce = [0.009, 0.010, 0.011, 0.010, 0.012, 0.011, 0.016, 0.017, 0.012, 0.011, 0.010, 0.011, 0.012, 0.013,
              0.018, 0.026, 0.034, 0.031, 0.024, 0.019, 0.016, 0.014, 0.012, 0.011, 0.010, 0.011, 0.010, 0.011,
              0.010, 0.012, 0.011, 0.010, 0.011, 0.010, 0.012, 0.010, 0.011, 0.010, 0.011, 0.010, 0.011, 0.010]
    complaint = [0.0002, 0.0002, 0.0003, 0.0004, 0.0004, 0.0005, 0.0005, 0.0004, 0.0005, 0.0005, 0.0004, 0.0005,
                 0.0005, 0.0005, 0.0006, 0.0007, 0.0009, 0.0011, 0.0008, 0.0007, 0.0006, 0.0005, 0.0005, 0.0004,
                 0.0005, 0.0004, 0.0005, 0.0004, 0.0004, 0.0003, 0.0003, 0.0003, 0.0003, 0.0003, 0.0003, 0.0002,
                 0.0003, 0.0002, 0.0003, 0.0003, 0.0002, 0.0002]
    end = next_hour()

    def every_4_hours(values: list[float]) -> list[tuple[datetime, float]]:
        # In the middle of each 4-hour period: each stays in its period if the hour turns meanwhile.
        return [(end - timedelta(hours=4 * (len(values) - index) - 2), value) for index, value in enumerate(values)]

    put_rates(cloudwatch_url, REGION, "Reputation.BounceRate", every_4_hours(bounce))
    put_rates(cloudwatch_url, REGION, "Reputation.ComplaintRate", every_4_hours(complaint))
    transactional = {"ses:configuration-set": "transactional"}
    put_rates(cloudwatch_url, REGION, "Reputation.BounceRate", every_4_hours(bounce[-12:]), transactional)
    put_rates(cloudwatch_url, REGION, "Reputation.ComplaintRate", every_4_hours(complaint[-12:]), transactional)


def _dev_zone(world: World) -> str:
    """The records ``records --output zone`` gives for the dev stack, with the MAIL FROM MX naming
    SES in another region: the fault the check example reports."""
    text = world.run(["records", "--stack", "dev", "--format", "zone"], expect=0)
    return text.replace("feedback-smtp.eu-west-1.amazonses.com", "feedback-smtp.us-east-1.amazonses.com")


@contextmanager
def world() -> Iterator[World]:
    from moto.server import ThreadedMotoServer

    from tests.cli_aws import aws_environment
    from tests.cli_dns import amazonses_zone
    from tests.cli_status_aws import AccountSesStandIn
    from tests.dns_servers import KNOTD, free_port, start_primary_and_secondary, wait_in_sync, zone_text

    if KNOTD is None:
        raise RuntimeError("knotd not found: the examples need Knot (scripts/setup-dev says how to install it)")
    with tempfile.TemporaryDirectory(prefix="readme-examples-") as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
            shutil.copy(ROOT / name, project / name)
        ses = AccountSesStandIn()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
        moto_port = free_port("127.0.0.1")
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        moto.start()
        try:
            moto_url = f"http://127.0.0.1:{moto_port}"
            env = {**aws_environment(ses.url, moto_url), "AWS_ENDPOINT_URL_CLOUDWATCH": moto_url,
                   "COLUMNS": "100", "LINES": "50", "TERM": "xterm", "NO_COLOR": "1"}
            with _environment(env):
                _script_aws(ses, moto_url)
                zones = {"example.com": zone_text("example.com", _dev_zone(World(project, ()))),
                         "amazonses.com": amazonses_zone()}
                primary, secondary = start_primary_and_secondary(
                    Path(scratch), zones, primary_address=PRIMARY, secondary_address=SECONDARY)
                try:
                    for zone in zones:
                        secondary.wait_serving(zone)
                        wait_in_sync(primary, secondary, zone)
                    yield World(project, (primary.endpoint, secondary.endpoint))
                finally:
                    secondary.stop()
                    primary.stop()
        finally:
            moto.stop()
            ses.close()


# ---------------------------------------------------------------- README.md


def examples_in(text: str) -> dict[str, str]:
    return {match["name"]: match["body"] for match in BLOCK.finditer(text)}


def with_examples(text: str, blocks: dict[str, str]) -> str:
    return BLOCK.sub(lambda m: f"<!-- example: {m['name']} -->\n{blocks.get(m['name'], m['body'])}<!-- /example -->\n",
                     text)


def generate() -> dict[str, str]:
    with world() as w:
        return {example.name: example.block(w) for example in EXAMPLES}


def differences(text: str, blocks: dict[str, str]) -> str:
    """A unified diff from the README's text to the README with ``blocks``; empty when they agree."""
    wanted = with_examples(text, blocks)
    return "".join(difflib.unified_diff(text.splitlines(True), wanted.splitlines(True),
                                        "README.md", "README.md (as the command prints it)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.readme_examples", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's examples")
    args = parser.parse_args(argv)
    text = README.read_text()
    missing = [e.name for e in EXAMPLES if e.name not in examples_in(text)]
    if missing:
        print(f"README.md has no <!-- example: NAME --> block for: {', '.join(missing)}", file=sys.stderr)
        return 2
    blocks = generate()
    diff = differences(text, blocks)
    if args.write:
        if diff:
            README.write_text(with_examples(text, blocks))
        print("README.md examples rewritten" if diff else "README.md examples already up to date")
        return 0
    sys.stdout.write(diff)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
