"""Drift in CI: ``pulumi preview --refresh --expect-no-changes`` per stack.

What Pulumi does for the verification step: the refresh calls the provider's ``read`` with the
stored state, then the preview calls ``diff`` with the refreshed state as ``olds`` and the
program's inputs as ``news``. ``--expect-no-changes`` fails the command when that diff has
changes. So: healthy domains must diff clean, a regression must show as a change (which the next
``pulumi up`` verifies again), and a nameserver or SES that cannot be reached must not.
"""

from __future__ import annotations

import pytest

from ses_domains.deploy import provider_ops
from ses_domains.deploy.verification import VerificationProvider
from tests.dns_servers import wait_in_sync
from tests.fake_ses import THROTTLED, FakeSes, SesState
from tests.test_verification_provider import ZONE, A, B, props, publish, records_of, servers, unpublish  # noqa: F401

VERIFIED_AT = "2026-01-01T00:00:00+00:00"


@pytest.fixture
def fake_ses(monkeypatch):
    fake = FakeSes()
    monkeypatch.setattr(provider_ops, "ses_reader", lambda settings: fake.reader())
    return fake


def deployed(servers, **domains) -> tuple[dict, dict]:
    """The stored state after a successful ``pulumi up`` and the inputs the program declares now
    (once the secondary serves what was published on the primary)."""
    wait_in_sync(*servers, ZONE)
    inputs = props(servers, **domains)
    state = {**inputs, "results": {d: {"verified": True, "stage": "ses", "verifiedAt": VERIFIED_AT} for d in domains}}
    return state, inputs


def preview_refresh(state: dict, inputs: dict) -> tuple[dict, bool]:
    provider = VerificationProvider()
    refreshed = provider.read("ses-domains-verification", state).outs
    return refreshed, provider.diff("ses-domains-verification", refreshed, inputs).changes


def test_healthy_domains_show_no_changes(servers, fake_ses):
    records = records_of(A)
    publish(servers[0], A, records)
    fake_ses.script(A, SesState(dkim="SUCCESS", mail_from="SUCCESS"))
    state, inputs = deployed(servers, **{A: (records, True, 60)})

    refreshed, changes = preview_refresh(state, inputs)

    assert refreshed["results"][A]["verified"] is True, refreshed["results"][A]
    assert changes is False
    assert refreshed["results"][A]["verifiedAt"] == VERIFIED_AT, "a re-check keeps when it first verified"
    fake_ses.assert_all_consumed()


def test_a_record_gone_from_a_nameserver_is_a_change(servers, fake_ses):
    records = records_of(B, mail_from=False)
    publish(servers[0], B, records)
    unpublish(servers[0], records[:1])
    state, inputs = deployed(servers, **{B: (records, False, 60)})

    refreshed, changes = preview_refresh(state, inputs)

    assert changes is True
    result = refreshed["results"][B]
    assert result["verified"] is False and result["stage"] == "dns"
    assert f"CNAME {records[0]['name']}" in result["error"]


def test_an_unreachable_nameserver_is_could_not_check_not_drift(servers, fake_ses, blackhole_server):
    records = records_of(A)
    publish(servers[0], A, records)
    state, inputs = deployed(servers, **{A: (records, True, 60)})
    for entry in (state, inputs):
        entry["domains"][A]["nameservers"].append(blackhole_server.endpoint)

    refreshed, changes = preview_refresh(state, inputs)

    assert changes is False
    result = refreshed["results"][A]
    assert result["verified"] is True and result["verifiedAt"] == VERIFIED_AT
    assert blackhole_server.endpoint in result["unchecked"]


def test_ses_unreachable_is_could_not_check_and_a_failed_status_is_drift(servers, fake_ses):
    records = records_of(A)
    publish(servers[0], A, records)
    state, inputs = deployed(servers, **{A: (records, True, 60)})

    fake_ses.script(A, THROTTLED)
    refreshed, changes = preview_refresh(state, inputs)
    assert changes is False
    assert refreshed["results"][A]["verified"] is True and "TooManyRequests" in refreshed["results"][A]["unchecked"]

    fake_ses.script(A, SesState(dkim="SUCCESS", mail_from="FAILED"))
    refreshed, changes = preview_refresh(refreshed, inputs)
    assert changes is True
    assert "MAIL FROM" in refreshed["results"][A]["error"]
