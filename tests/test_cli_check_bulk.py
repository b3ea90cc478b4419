"""``ses-domains check``'s bulk-sender readiness, end to end: a domain with every option bulk senders
need, served by Knot (a primary and a secondary), SES's answers from the stand-in, the account's
reputation rates from moto's CloudWatch; ``--require bulk-sender`` turns a failed requirement into
exit 1."""

from __future__ import annotations

import json

import pytest

from ses_domains.engine.bulk_sender import REQUIREMENTS
from tests import cli_dns
from tests.cli_dns import BULK, BULK_SET, stack_config
from tests.cli_fixtures import aws_env, moto_server, route53_url, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.cli_status_aws import next_hour, put_rates
from tests.conftest import _require_knot
from tests.fake_ses import SesState
from tests.test_cli_status import every_4_hours


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("cli-bulk-dns"), primary_address="127.0.0.81",
                                secondary_address="127.0.0.82", domains=(BULK,))
    yield world
    world.stop()


@pytest.fixture
def verified(ses, route53_url):
    """SES says the identity is verified, MAIL FROM too; CloudWatch (moto, emptied) has low rates."""
    ses.script(BULK, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{BULK}",
               configuration_set=BULK_SET)
    put_rates(route53_url, cli_dns.REGION, "Reputation.BounceRate", every_4_hours(next_hour(), [0.02, 0.011]))
    put_rates(route53_url, cli_dns.REGION, "Reputation.ComplaintRate", every_4_hours(next_hour(), [0.0004, 0.0002]))
    return ses


def check(capsys, tmp_path, world, *extra, tls_policy="REQUIRE"):
    write_stack(tmp_path, "dev", stack_config((BULK,), tls_policy=tls_policy))
    return run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options, *extra)


def requirements(out: str) -> dict[str, dict]:
    domain = json.loads(out)["domains"][0]
    return {r["requirement"]: r for r in domain["bulk_sender"]["requirements"]}


def test_a_healthy_every_option_domain_meets_every_requirement(capsys, tmp_path, world, aws_env, verified):
    code, out, err = check(capsys, tmp_path, world, "--require", "bulk-sender")
    assert code == 0, out + err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "bulk sender: ready" in lines
    for name in REQUIREMENTS:
        assert any(line.startswith(f"pass {name}: ") for line in lines), name
    flat = " ".join(out.split())
    assert f"pass SPF: bounce.{BULK} passes, aligned with {BULK} (relaxed)" in flat
    assert f"pass DKIM: signs with d={BULK}, aligned (strict); a 2048-bit key" in flat
    assert f"pass DMARC: p=reject at _dmarc.{BULK}" in flat
    assert f"pass TLS: configuration set {BULK_SET} requires TLS" in flat
    assert "pass complaint rate: 0.02 %, under 0.30 %" in flat and "pass bounce rate: 1.10 %, under 5.00 %" in flat
    assert "bulk sender: 1 ready, 0 not ready, 0 not known (required: a fail is a problem)" in flat

    code, out, err = check(capsys, tmp_path, world, "--require", "bulk-sender", "--json")
    assert code == 0, out + err
    assert json.loads(out)["required"] == ["bulk-sender"]
    found = requirements(out)
    assert list(found) == list(REQUIREMENTS)
    assert {r["outcome"] for r in found.values()} == {"pass"}


def test_dmarc_removed_from_dns_fails_and_names_dmarc(capsys, tmp_path, world, aws_env, verified):
    name = f"_dmarc.{BULK}."
    line = next(line for line in cli_dns._expected_lines(BULK) if line.startswith(f"{name} "))
    world.primary.update(BULK, delete=[(name, "TXT")])
    try:
        cli_dns.wait_in_sync(world.primary, world.secondary, BULK)
        code, out, err = check(capsys, tmp_path, world, "--require", "bulk-sender")
        assert code == 1, out + err
        flat = " ".join(out.split())
        assert f"fail DMARC: no DMARC record (TXT) at _dmarc.{BULK}" in flat
        assert "bulk sender: not ready (1 fail)" in flat
        code, out, _ = check(capsys, tmp_path, world, "--require", "bulk-sender", "--json")
        assert code == 1
        assert [n for n, r in requirements(out).items() if r["outcome"] == "fail"] == ["DMARC"]
    finally:
        world.primary.update(BULK, add=[(name, 300, "TXT", line.split(" TXT ", 1)[1])])
        cli_dns.wait_in_sync(world.primary, world.secondary, BULK)


def test_a_failed_requirement_is_a_problem_only_when_required(capsys, tmp_path, world, aws_env, verified):
    code, out, err = check(capsys, tmp_path, world, tls_policy="OPTIONAL")
    assert code == 0, out + err  # DNS and SES are all good: readiness is reported, not required
    flat = " ".join(out.split())
    assert f"fail TLS: configuration set {BULK_SET} has tlsPolicy OPTIONAL" in flat
    assert "to change: set ses-domains:configurationSets[0].tlsPolicy to REQUIRE" in flat
    assert "(not required: --require bulk-sender)" in flat
    code, out, err = check(capsys, tmp_path, world, "--require", "bulk-sender", tls_policy="OPTIONAL")
    assert code == 1, out + err
    assert out.rstrip().endswith("problems found")


def test_rates_cloudwatch_cannot_give_are_unknown_and_not_a_fail(capsys, tmp_path, world, aws_env, verified,
                                                                monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:9")  # nothing listens there
    code, out, err = check(capsys, tmp_path, world, "--require", "bulk-sender", "--json")
    assert code == 0, out + err
    found = requirements(out)
    for name in ("complaint rate", "bounce rate"):
        assert found[name]["outcome"] == "unknown"
        assert found[name]["found"].startswith("not read: CloudWatch GetMetricData in eu-west-1")
    assert json.loads(out)["domains"][0]["bulk_sender"]["outcome"] == "unknown"
