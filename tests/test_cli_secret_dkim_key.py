"""A BYODKIM private key kept as a stack secret (``privateKey: {secure: ...}``, as the README says)
does not stop any subcommand: none of them signs mail, the selector is plain and the public key is
whatever DNS publishes at the selector (SES's DKIM status says whether it is the right one)."""

from __future__ import annotations

import io
import json

import pytest

from ses_domains.cli.colours import Palette
from ses_domains.cli.console import Console
from ses_domains.cli.main import main
from tests import cli_dns
from tests.cli_aws import AWS_VARIABLES_TO_CLEAR, aws_environment
from tests.cli_dns import BYODKIM, BYODKIM_SELECTOR, stack_config
from tests.cli_fixtures import aws_env, moto_server, route53_url, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_status_aws import PRODUCTION
from tests.conftest import _require_knot
from tests.dkim_test_keys import private_pem
from tests.fake_ses import SesState
from tests.sesv2_standin import Sesv2StandIn
from tests.test_cli_status import aws, status_ses  # noqa: F401 (fixtures)

SELECTOR_HOST = f"{BYODKIM_SELECTOR}._domainkey.{BYODKIM}"
SECRET = {"secure": "v1:c2VjcmV0IGtleSB0ZXh0IG5vYm9keSBjYW4gcmVhZA=="}


def secret_key_config(**dkim) -> dict:
    config = stack_config((BYODKIM,))
    config["ses-domains:domains"][0]["dkim"] = {"selector": BYODKIM_SELECTOR, "privateKey": SECRET, **dkim}
    return config


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("cli-dns-byodkim"), domains=(BYODKIM,),
                                primary_address="127.0.0.71", secondary_address="127.0.0.72")
    yield world
    world.stop()


@pytest.fixture
def verified(ses):
    # As SES answers for a BYODKIM identity: origin EXTERNAL (the check compares it with the config).
    ses.script(BYODKIM, SesState(dkim="SUCCESS", mail_from="SUCCESS", origin="EXTERNAL"),
               mail_from_domain=f"bounce.{BYODKIM}")
    return ses


def no_secret_talk(err: str) -> None:
    assert "EncryptedValue" not in err and "must be an RSA private key" not in err and "Traceback" not in err


def test_records_show_the_selector_and_say_the_key_is_a_secret(capsys, tmp_path, aws_env, verified):
    write_stack(tmp_path, "dev", secret_key_config())
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path), "--format", "json")
    assert code == 0, err
    no_secret_talk(err)
    records = json.loads(out)["domains"][0]["records"]
    dkim = next(r for r in records if r["name"] == SELECTOR_HOST)
    assert dkim["type"] == "TXT" and dkim["values"] == ["v=DKIM1; k=rsa; p=<public key of the secret privateKey>"]
    assert (f"The DKIM public key of {BYODKIM} is shown as <public key of the secret privateKey> because "
            "dkim.privateKey is a stack secret (secure:)") in err


def test_check_confirms_the_key_the_selector_publishes(capsys, tmp_path, world, aws_env, verified):
    write_stack(tmp_path, "dev", secret_key_config())
    code, out, err = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options, "--json")
    assert code == 0, out + err
    no_secret_talk(err)
    (domain,) = json.loads(out)["domains"]
    dkim = next(r for r in domain["records"] if r["name"] == SELECTOR_HOST)
    assert dkim["status"] == "ok"
    assert all(s["served"][0].startswith("v=DKIM1; k=rsa; p=MII") for s in dkim["servers"])
    # bulk-sender readiness reads the key's length from the record the selector serves
    readiness = {r["requirement"]: r for r in domain["bulk_sender"]["requirements"]}
    assert readiness["DKIM"]["outcome"] == "pass" and readiness["DKIM"]["found"].endswith("a 2048-bit key")


def test_check_still_finds_a_missing_key_record(capsys, tmp_path, world, aws_env, verified):
    """The secret key's record is held only by a DKIM key record at the selector: another selector
    (nothing served there) is reported, so the check is not a formality."""
    write_stack(tmp_path, "dev", secret_key_config(selector="s2030z"))
    code, out, err = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options, "--json")
    assert code == 1, out + err
    (domain,) = json.loads(out)["domains"]
    dkim = next(r for r in domain["records"] if r["name"] == f"s2030z._domainkey.{BYODKIM}")
    assert dkim["status"] != "ok"


def test_wait_ends_once_verified(capsys, tmp_path, world, aws_env, verified):
    write_stack(tmp_path, "dev", secret_key_config())
    code, out, err = run(capsys, "wait", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options,
                         "--timeout", "60s")
    assert code == 0, out + err
    no_secret_talk(err)


def test_iam_policy_names_the_selector_record(capsys, tmp_path, monkeypatch):
    config = secret_key_config()
    config["ses-domains:domains"][0]["zone"] = "Z0123456789ABCDEFGHIJ"
    write_stack(tmp_path, "dev", config)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    code, out, err = run(capsys, "iam-policy", "--stack", "dev", "-C", str(tmp_path), "--account-id", "123456789012")
    assert code == 0, err
    no_secret_talk(err)
    assert SELECTOR_HOST in out


def test_status_reads_the_identity(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    aws.ses.script(BYODKIM, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{BYODKIM}")
    write_stack(tmp_path, "dev", secret_key_config())
    out, err = io.StringIO(), io.StringIO()
    code = main(["status", "--stack", "dev", "-C", str(tmp_path)], Console(out, err, Palette(False), Palette(False)))
    assert code == 0, out.getvalue() + err.getvalue()
    no_secret_talk(err.getvalue())
    assert any(line.split()[:3] == [BYODKIM, "domain", "verified"] for line in out.getvalue().splitlines())


def test_send_test_sends(capsys, tmp_path, monkeypatch):
    stand_in = Sesv2StandIn()
    try:
        stand_in.state.identities[BYODKIM] = True
        stand_in.state.production_access = True
        for name in AWS_VARIABLES_TO_CLEAR:
            monkeypatch.delenv(name, raising=False)
        for name, value in aws_environment(stand_in.url).items():
            monkeypatch.setenv(name, value)
        write_stack(tmp_path, "dev", secret_key_config())
        code, out, err = run(capsys, "send-test", "--stack", "dev", "-C", str(tmp_path),
                             "--from", f"hello@{BYODKIM}", "--to", "you@example.org")
    finally:
        stand_in.close()
    assert code == 0, err
    no_secret_talk(err)
    assert stand_in.invalid == []


def test_a_plain_key_that_is_broken_is_still_refused(capsys, tmp_path, aws_env):
    """Only the secret is left alone: a plain key is read and judged, as before."""
    config = secret_key_config()
    config["ses-domains:domains"][0]["dkim"]["privateKey"] = private_pem(2048, name=BYODKIM)[:200]
    write_stack(tmp_path, "dev", config)
    code, _, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2 and "ses-domains:domains[0].dkim.privateKey" in err
