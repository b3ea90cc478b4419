"""The verification resource's provider against real Knot servers and a Stubber-validated SES.

What a user sees: ``pulumi up`` waits and prints progress until every record is on every
authoritative server and SES says verified; it fails with the record and server at fault;
``pulumi preview --refresh`` turns a domain whose records or SES status regressed to not verified.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from ses_domains.deploy.verification import VerificationProvider
from ses_domains.deploy import provider_ops as stack_run
from ses_domains.deploy.provider_ops import VerificationFailed
from ses_domains.engine.job import VerificationJob
from ses_domains.engine.ses.status import dkim_zone_mismatch, parse_identity
from ses_domains.records.model import DnsRecord
from tests.conftest import _require_knot
from tests.dns_servers import start_primary_and_secondary, wait_in_sync, zone_text
from tests.fake_ses import FakeSes, SesState, build_response, tokens_for
from tests.wall_clock import assert_no_hang

ZONE = "verify.test"
A = f"a.{ZONE}"
B = f"b.{ZONE}"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    _require_knot()
    primary, secondary = start_primary_and_secondary(
        tmp_path_factory.mktemp("knot"), {ZONE: zone_text(ZONE)},
        primary_address="127.0.0.31", secondary_address="127.0.0.32",
    )
    yield primary, secondary
    secondary.stop()
    primary.stop()


def records_of(domain: str, mail_from: bool = True) -> list[dict]:
    records = [
        {"name": f"{t}._domainkey.{domain}", "type": "CNAME", "values": [f"{t}.dkim.amazonses.com"], "ttl": 60}
        for t in tokens_for(domain)
    ]
    if mail_from:
        records += [
            {"name": f"bounce.{domain}", "type": "MX", "values": ["10 feedback-smtp.eu-west-1.amazonses.com"], "ttl": 60},
            {"name": f"bounce.{domain}", "type": "TXT", "values": ["v=spf1 include:amazonses.com ~all"], "ttl": 60},
        ]
    return records


def zone_file_value(record_type: str, value: str) -> str:
    return f'"{value}"' if record_type == "TXT" else value + "."


def publish(primary, domain: str, records: list[dict]) -> None:
    primary.update(ZONE, replace=[
        (r["name"] + ".", r["ttl"], r["type"], *(zone_file_value(r["type"], v) for v in r["values"])) for r in records
    ])


def unpublish(primary, records: list[dict]) -> None:
    primary.update(ZONE, delete=[(r["name"] + ".", r["type"]) for r in records])


def props(servers, **domains) -> dict:
    primary, secondary = servers
    return {
        "aws": {"region": "eu-west-1", "profile": None},
        "domains": {
            domain: VerificationJob(
                domain,
                tuple(DnsRecord(r["name"], r["type"], tuple(r["values"]), r["ttl"]) for r in records),
                (primary.endpoint, secondary.endpoint),
                mail_from,
                timeout,
            ).to_props()
            for domain, (records, mail_from, timeout) in domains.items()
        },
        "results": None,
    }


@pytest.fixture
def fake_ses(monkeypatch):
    fake = FakeSes()
    monkeypatch.setattr(stack_run, "ses_reader", lambda settings: fake.reader())
    return fake


def test_create_waits_for_dns_then_ses_and_reports_when_it_verified(servers, fake_ses, capsys):
    primary, _ = servers
    records = records_of(A)
    publish(primary, A, records)
    fake_ses.script(A, SesState(dkim="PENDING", mail_from="PENDING"), SesState(dkim="SUCCESS", mail_from="SUCCESS"))

    result = VerificationProvider().create(props(servers, **{A: (records, True, 60)}))

    outcome = result.outs["results"][A]
    assert outcome["verified"] is True
    assert outcome["verifiedAt"]
    assert outcome["dnsQueries"] >= len(records) * 2
    assert outcome["sesStatus"]["dkim_status"] == "SUCCESS"
    assert outcome["sesStatus"]["mail_from_status"] == "SUCCESS"
    assert outcome["sesStatus"]["verified_for_sending"] is True
    fake_ses.assert_all_consumed()
    printed = capsys.readouterr().out
    assert f"ses-domains verify: {A}: DNS ready on every nameserver" in printed
    assert f"ses-domains verify: {A}: verified for sending" in printed


def test_create_fails_naming_the_wrong_record_and_the_server(servers, fake_ses):
    primary, _ = servers
    records = records_of(B, mail_from=False)
    wrong = [dict(records[0], values=["elsewhere.example.net"])] + records[1:]
    publish(primary, B, wrong)

    with pytest.raises(VerificationFailed) as raised:
        VerificationProvider().create(props(servers, **{B: (records, False, 2)}))

    message = str(raised.value)
    assert "1 of 1 domain(s) not verified" in message
    assert f"CNAME {records[0]['name']} on {servers[0].endpoint}: wrong" in message
    assert "elsewhere.example.net" in message
    unpublish(primary, wrong)


def test_update_verifies_only_what_changed_or_was_not_verified(servers, fake_ses):
    primary, _ = servers
    a_records, b_records = records_of(A), records_of(B, mail_from=False)
    publish(primary, A, a_records)
    publish(primary, B, b_records)
    olds = props(servers, **{A: (a_records, True, 60)})
    olds["results"] = {A: {"verified": True, "stage": "ses", "verifiedAt": "2026-01-01T00:00:00+00:00"}}
    news = props(servers, **{A: (a_records, True, 60), B: (b_records, False, 60)})
    fake_ses.script(B, SesState(dkim="SUCCESS"))  # no answers scripted for A: asking SES about A fails

    diff = VerificationProvider().diff("id", olds, news)
    result = VerificationProvider().update("id", olds, news)

    assert diff.changes is True
    assert result.outs["results"][A]["verifiedAt"] == "2026-01-01T00:00:00+00:00"
    assert result.outs["results"][B]["verified"] is True
    fake_ses.assert_all_consumed()


def test_diff_is_empty_when_nothing_to_check_changed_and_all_verified(servers):
    records = records_of(A)
    olds = props(servers, **{A: (records, True, 60)})
    olds["results"] = {A: {"verified": True}}
    same = props(servers, **{A: (records, True, 60)})
    assert VerificationProvider().diff("id", olds, same).changes is False

    olds["results"] = {A: {"verified": False}}
    assert VerificationProvider().diff("id", olds, same).changes is True

    olds = props(servers, **{A: (records, True, 60), B: (records_of(B), True, 60)})
    olds["results"] = {A: {"verified": True}, B: {"verified": True}}
    assert VerificationProvider().diff("id", olds, same).changes is True, "a domain removed from the stack"


def test_refresh_shows_a_regressed_ses_status_and_a_record_gone_from_dns(servers, fake_ses):
    primary, _ = servers
    a_records, b_records = records_of(A), records_of(B, mail_from=False)
    publish(primary, A, a_records)
    publish(primary, B, b_records)
    state = props(servers, **{A: (a_records, True, 60), B: (b_records, False, 60)})
    state["results"] = {d: {"verified": True, "stage": "ses", "verifiedAt": "2026-01-01T00:00:00+00:00"} for d in (A, B)}
    fake_ses.script(A, SesState(dkim="SUCCESS", mail_from="FAILED"))
    unpublish(primary, b_records[:1])
    wait_in_sync(*servers, ZONE)

    read = VerificationProvider().read("id", state)

    a, b = read.outs["results"][A], read.outs["results"][B]
    assert a["verified"] is False and a["stage"] == "ses"
    assert "MAIL FROM" in a["error"] and "FAILED" in a["error"]
    assert b["verified"] is False and b["stage"] == "dns"
    assert f"CNAME {b_records[0]['name']}" in b["error"]
    assert VerificationProvider().diff("id", read.outs, state).changes is True
    fake_ses.assert_all_consumed()


def test_the_provider_is_pickled_by_reference_and_holds_no_client():
    serialized = serialize_provider(VerificationProvider())
    script = (
        "import base64, sys, dill\n"
        "provider = dill.loads(base64.b64decode(sys.argv[1]))\n"
        "print(type(provider).__module__ + '.' + type(provider).__qualname__)\n"
        "print(sorted(vars(provider)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, serialized], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == ["ses_domains.deploy.verification.VerificationProvider", "[]"]
    assert b"boto" not in __import__("base64").b64decode(serialized)


# A region with its own DKIM domain: SES signs from dkim.eu-central-2.amazonses.com
# (GetEmailIdentity's DkimAttributes.SigningHostedZone) while these CNAMEs point at the global one.
REGIONAL_ZONE = "dkim.eu-central-2.amazonses.com"


def test_create_stops_at_once_when_the_cnames_point_at_another_dkim_domain_than_ses_uses(servers, fake_ses):
    primary, _ = servers
    records = records_of(A, mail_from=False)
    publish(primary, A, records)
    fake_ses.script(A, SesState(dkim="PENDING"), dkim_hosted_zone=REGIONAL_ZONE)

    started = time.monotonic()
    with pytest.raises(VerificationFailed) as raised:
        VerificationProvider().create(props(servers, **{A: (records, False, 600)}))

    assert_no_hang(time.monotonic() - started, 2.5, "stopping at once (not waiting for the 600 s deadline)")
    message = str(raised.value)
    assert f"SES signs this identity from {REGIONAL_ZONE}" in message
    assert "point into dkim.amazonses.com" in message
    for token in tokens_for(A):
        assert f"{token}._domainkey.{A} CNAME {token}.dkim.amazonses.com to {token}.{REGIONAL_ZONE}" in message
    fake_ses.assert_all_consumed()
    unpublish(primary, records)


def test_refresh_names_a_dkim_domain_mismatch(servers, fake_ses):
    primary, _ = servers
    records = records_of(B, mail_from=False)
    publish(primary, B, records)
    wait_in_sync(*servers, ZONE)
    state = props(servers, **{B: (records, False, 60)})
    state["results"] = {B: {"verified": False, "stage": "ses"}}
    fake_ses.script(B, SesState(dkim="PENDING"), dkim_hosted_zone=REGIONAL_ZONE)

    result = VerificationProvider().read("id", state).outs["results"][B]

    assert result["verified"] is False and result["stage"] == "ses"
    assert f"SES signs this identity from {REGIONAL_ZONE}" in result["error"]
    unpublish(primary, records)


def test_dkim_zone_mismatch_is_only_about_easy_dkim_cnames_ses_has_not_found():
    records = tuple(DnsRecord(r["name"], r["type"], tuple(r["values"]), r["ttl"]) for r in records_of(A))

    def status(**changes):
        response = build_response(A, SesState(dkim=changes.pop("dkim", "PENDING")),
                                  dkim_hosted_zone=changes.pop("zone", REGIONAL_ZONE))
        response["DkimAttributes"].update(changes)
        return parse_identity(A, response)

    assert dkim_zone_mismatch(status(), records)
    assert dkim_zone_mismatch(status(zone="dkim.amazonses.com"), records) is None
    assert dkim_zone_mismatch(status(zone="DKIM.amazonses.com."), records) is None
    assert dkim_zone_mismatch(status(SigningAttributesOrigin="EXTERNAL"), records) is None
    without_zone = status()
    assert dkim_zone_mismatch(replace(without_zone, dkim_hosted_zone=None), records) is None
    # MX and TXT records are not DKIM records; CNAMEs of other tokens are another problem.
    assert dkim_zone_mismatch(status(), records[3:]) is None
    other_tokens = tuple(replace(r, values=("elsewhere.example.net",)) for r in records[:3])
    assert dkim_zone_mismatch(status(), other_tokens) is None
