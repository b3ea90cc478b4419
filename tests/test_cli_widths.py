"""The command's tables fit 100 columns: ``check``, ``records`` and ``status`` for the example
stacks (Pulumi.dev.yaml, Pulumi.prod.yaml), the every-option stack and a long domain name, against
Knot servers serving the example stacks' records, with DKIM tokens as long as SES's (32 characters).
Long names are shortened in the middle (the JSON keeps them whole); long text wraps onto indented
lines."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ses_domains.cli.stack_file import load_stack
from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.cli.stack_records import stack_records
from ses_domains.engine.ses.status import parse_identity
from tests import fake_ses
from tests import cli_dns
from tests.cli_fixtures import aws_env, moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_terminal import ROOT
from tests.conftest import _require_knot
from tests.dns_servers import start_primary_and_secondary, wait_in_sync, zone_lines, zone_text
from tests.every_option import every_option_config
from tests.fake_ses import SesState

WIDTH = 100
EXAMPLE_STACKS = ("dev", "prod")
LONG_DOMAIN = "transactional-notifications.customer-communications.eu-central.example.com"


def ses_like_tokens(domain: str) -> list[str]:
    """Three 32-character DKIM tokens, as SES gives them (base32, lower case), fixed per domain."""
    return [base64.b32encode(hashlib.sha256(f"{domain}/{n}".encode()).digest()).decode().lower()[:32]
            for n in range(1, 4)]


@pytest.fixture(autouse=True)
def long_tokens(monkeypatch):
    monkeypatch.setattr(fake_ses, "tokens_for", ses_like_tokens)


def _reading(domain: str) -> IdentityReading:
    response = fake_ses.build_response(domain, SesState(dkim="SUCCESS"))
    response["DkimAttributes"]["Tokens"] = ses_like_tokens(domain)
    return IdentityReading(domain, status=parse_identity(domain, response))


def long_domain_config() -> dict:
    return {"aws:region": "eu-west-1", "ses-domains:domains": [{
        "domain": LONG_DOMAIN, "zone": "example.com", "mailFrom": "bounce",
        "dmarc": {"policy": "quarantine", "rua": [f"mailto:dmarc-reports@{LONG_DOMAIN}"]}}]}


def every_option_project(directory: Path) -> Path:
    """The every-option stack as a project: its templates beside it, a made-up id for its zone id."""
    config = every_option_config()
    for domain in config["ses-domains:domains"]:
        if str(domain.get("zone", "")).startswith("<zone-id:"):
            domain["zone"] = "Z0EXAMPLEORG1234567"
    write_stack(directory, "every", config)
    shutil.copytree(ROOT / "tests" / "stacks" / "templates", directory / "tests" / "stacks" / "templates")
    return directory


def _zones(projects: list[tuple[Path, str]]) -> dict[str, str]:
    """Every record the projects' stacks need, in the zones they name, plus what SPF and DMARC look up."""
    lines: dict[str, list[str]] = {}
    for directory, stack in projects:
        spec = load_stack(directory, stack).spec
        for entry in stack_records(spec, {d.domain: _reading(d.domain) for d in spec.domains}):
            for record in entry.records:
                lines.setdefault(entry.zone, []).extend(zone_lines(record))
    zones = cli_dns._zones(())
    zones.update({zone: zone_text(zone, "\n".join(dict.fromkeys(body)) + "\n") for zone, body in lines.items()})
    return zones


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    long_project = tmp_path_factory.mktemp("long-domain")
    write_stack(long_project, "long", long_domain_config())
    zones = _zones([(ROOT, "dev"), (ROOT, "prod"), (long_project, "long")])
    primary, secondary = start_primary_and_secondary(tmp_path_factory.mktemp("widths-dns"), zones,
                                                     primary_address="127.0.0.57", secondary_address="127.0.0.58")
    try:
        for zone in zones:
            secondary.wait_serving(zone)
            wait_in_sync(primary, secondary, zone)
        yield {"servers": ["--nameserver", primary.endpoint, "--nameserver", secondary.endpoint],
               "long": long_project}
    finally:
        secondary.stop()
        primary.stop()


def _script_verified(ses, directory: Path, stack: str, state: SesState = SesState(dkim="SUCCESS", mail_from="SUCCESS")):
    for domain in load_stack(directory, stack).spec.domains:
        mail_from = domain.mail_from
        ses.script(domain.domain, state, mail_from_domain=str(mail_from) if mail_from else None)


def too_wide(text: str) -> list[str]:
    return [line for line in text.splitlines() if len(line) > WIDTH]


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_dump(capsys, world, aws_env, ses, stack):
    _script_verified(ses, ROOT, stack)
    code, out, err = run(capsys, "check", "--stack", stack, "-C", str(ROOT), *world["servers"])
    print(out, err)
    open(f"/tmp/cliout_check_{stack}.txt", "w").write(out + err)
