"""The command's tables fit 100 columns: ``check``, ``records`` and ``status`` for the example
stacks (Pulumi.dev.yaml, Pulumi.prod.yaml), the every-option stack and a long domain name, against
Knot servers serving the example stacks' records, with DKIM tokens as long as SES's (32 characters).
Long names are shortened in the middle (the JSON keeps them whole); long text wraps onto indented
lines."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from ses_domains.cli.colours import Palette
from ses_domains.cli.console import Console
from ses_domains.cli.main import main
from ses_domains.cli.stack_file import load_stack
from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.cli.stack_records import stack_records
from ses_domains.engine.ses.status import parse_identity
from tests import cli_dns, fake_ses
from tests.cli_fixtures import aws_env, moto_server, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_terminal import ROOT
from tests.conftest import _require_knot
from tests.dns_servers import start_primary_and_secondary, wait_in_sync, zone_lines, zone_text
from tests.every_option import every_option_config
from tests.cli_status_aws import SANDBOX
from tests.fake_ses import SesState
from tests.test_cli_status import aws as status_aws, status_ses  # noqa: F401 (fixtures)

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
                lines.setdefault(entry.zone or entry.domain, []).extend(zone_lines(record))
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


def flat(text: str) -> str:
    """The text with every run of white space made one space: wrapped lines read as one."""
    return " ".join(text.split())


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_check_of_an_example_stack_fits_100_columns(capsys, world, aws_env, ses, stack):
    _script_verified(ses, ROOT, stack)
    code, out, err = run(capsys, "check", "--stack", stack, "-C", str(ROOT), *world["servers"])
    assert code == 0, out + err
    assert too_wide(out) == []
    spec = load_stack(ROOT, stack).spec
    for domain in spec.domains:
        token = ses_like_tokens(domain.domain)[0]
        row = next(line for line in out.splitlines() if line.startswith("  ok      CNAME  " + token[:6]))
        assert "…" in row and row.split()[2].endswith(f"._domainkey.{domain.domain}")
    assert "rua=mailto:" in out and "warning: " in out  # checkdmarc's warnings are in the table

    code, out, _ = run(capsys, "check", "--stack", stack, "-C", str(ROOT), *world["servers"], "-o", "json")
    names = {r["name"] for d in json.loads(out)["domains"] for r in d["records"]}
    assert {f"{t}._domainkey.{d.domain}" for d in spec.domains for t in ses_like_tokens(d.domain)} <= names


def test_check_of_a_long_domain_name_fits_100_columns(capsys, world, aws_env, ses):
    _script_verified(ses, world["long"], "long")
    code, out, err = run(capsys, "check", "--stack", "long", "-C", str(world["long"]), *world["servers"])
    assert code == 0, out + err
    assert too_wide(out) == []
    assert out.splitlines()[2] == f"{LONG_DOMAIN}  ok"
    assert f"bounce.{LONG_DOMAIN}"[:20] in out


def test_a_failed_ses_verification_is_wrapped_whole(capsys, world, aws_env, ses):
    _script_verified(ses, world["long"], "long", SesState(dkim="FAILED", mail_from="FAILED",
                                                         error_type="DNS_SERVER_ERROR"))
    code, out, _ = run(capsys, "check", "--stack", "long", "-C", str(world["long"]), *world["servers"])
    assert code == 1
    assert too_wide(out) == []
    code, json_out, _ = run(capsys, "check", "--stack", "long", "-C", str(world["long"]), *world["servers"],
                            "--json")
    failure = json.loads(json_out)["domains"][0]["ses_failure"]
    assert len(failure) > 300
    assert "".join(f"problem: {failure}".split()) in "".join(out.split())  # every word, on lines of 100


def test_check_of_the_every_option_stack_fits_100_columns(capsys, tmp_path, world, aws_env, ses):
    project = every_option_project(tmp_path)
    _script_verified(ses, project, "every")
    code, out, err = run(capsys, "check", "--stack", "every", "-C", str(project), *world["servers"])
    assert code in (1, 2), out + err  # its records are not served: problems
    assert "on 127.0.0.57:" in out  # what each server serves instead
    assert "  bulk sender: " in out and "to change: " in out  # readiness, wrapped like the rest
    assert too_wide(out) == []


@pytest.mark.parametrize("stack", [*EXAMPLE_STACKS, "every", "long"])
def test_records_fit_100_columns(capsys, tmp_path, world, aws_env, ses, stack):
    project = {"every": lambda: every_option_project(tmp_path), "long": lambda: world["long"]}.get(stack, lambda: ROOT)()
    _script_verified(ses, project, stack)
    code, out, err = run(capsys, "records", "--stack", stack, "-C", str(project))
    assert code == 0, err
    assert too_wide(out) == []
    code, zone, _ = run(capsys, "records", "--stack", stack, "-C", str(project), "-o", "zone")
    for domain in load_stack(project, stack).spec.domains:
        for token in ses_like_tokens(domain.domain) if domain.byodkim is None else ():
            assert f"{token}._domainkey.{domain.domain}. " in zone  # whole in the zone file


def test_records_with_placeholders_keep_the_tokens_apart(capsys, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    code, out, _ = run(capsys, "records", "--stack", "prod", "-C", str(ROOT))
    assert code == 0 and too_wide(out) == []
    names = [line.split()[0] for line in out.splitlines() if "CNAME" in line]
    assert [name[:12] for name in names[:3]] == ["dkim-token-1", "dkim-token-2", "dkim-token-3"]


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("stack", [*EXAMPLE_STACKS, "every", "long"])
def test_status_fits_100_columns(tmp_path, world, status_aws, stack, terminal):
    project = {"every": lambda: every_option_project(tmp_path), "long": lambda: world["long"]}.get(stack, lambda: ROOT)()
    status_aws.ses.set_account({**SANDBOX, "Details": {"MailType": "MARKETING", "WebsiteURL": "https://example.com",
                                                       "ReviewDetails": {"Status": "PENDING", "CaseId": "7"}}})
    spec = load_stack(project, stack).spec
    for domain in spec.domains:
        mail_from = domain.mail_from
        status_aws.ses.script(domain.domain, SesState(dkim="PENDING", mail_from="PENDING"),
                              mail_from_domain=str(mail_from) if mail_from else None)
    out = io.StringIO() if not terminal else _Terminal()
    err = io.StringIO()
    code = main(["status", "--stack", stack, "-C", str(project)], Console(out, err, Palette(False), Palette(False)))
    assert code in (1, 2), out.getvalue() + err.getvalue()
    assert "Identities" in out.getvalue()
    assert too_wide(out.getvalue()) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True
