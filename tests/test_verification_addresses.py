"""Email addresses in the verification step, against a Stubber-validated SES (GetEmailIdentity of
an EMAIL_ADDRESS identity): reported as waiting for the owner's click without holding or failing
``pulumi up``, waited for only with ``wait: true``, read again on refresh."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from ses_domains.deploy import address_verification
from ses_domains.deploy import provider_ops
from ses_domains.deploy.provider_ops import VerificationFailed
from ses_domains.deploy.verification import VerificationProvider
from ses_domains.engine.address_job import AddressJob
from ses_domains.engine.email_address import wait_for_address
from ses_domains.engine.ses.policy import Backoff, WaitOptions
from tests.fake_ses import NOT_FOUND, THROTTLED, ApiError, RecordingReader, VirtualClock, check_enums, make_client

OPS = "ops@example.org"
ALERTS = "Alerts@example.net"
PENDING = ("PENDING", False)
SUCCESS = ("SUCCESS", True)
FAILED = ("FAILED", False)


def address_response(status: str, verified: bool) -> dict[str, Any]:
    """GetEmailIdentity of an address, shaped like SES's: no DNS, no MAIL FROM."""
    return {
        "IdentityType": "EMAIL_ADDRESS",
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": verified,
        "VerificationStatus": status,
        "DkimAttributes": {"SigningEnabled": False, "Status": "NOT_STARTED", "Tokens": [],
                           "SigningAttributesOrigin": "AWS_SES"},
        "Policies": {},
        "Tags": [],
    }


class AddressSes:
    """One stubbed sesv2 client per address, answering its script in order; looks like a client."""

    def __init__(self) -> None:
        self.stubbers: dict[str, Stubber] = {}
        self.clients: dict[str, Any] = {}
        self.meta = make_client().meta

    def script(self, address: str, *answers) -> None:
        client = make_client()
        stubber = Stubber(client)
        shape = client.meta.service_model.operation_model("GetEmailIdentity").output_shape
        for answer in answers:
            if isinstance(answer, ApiError):
                stubber.add_client_error("get_email_identity", service_error_code=answer.code,
                                         service_message=answer.message, http_status_code=answer.http_status,
                                         expected_params={"EmailIdentity": address})
            else:
                response = address_response(*answer)
                check_enums(shape, response)
                stubber.add_response("get_email_identity", response, {"EmailIdentity": address})
        stubber.activate()
        self.stubbers[address], self.clients[address] = stubber, client

    def get_email_identity(self, **params):
        return self.clients[params["EmailIdentity"]].get_email_identity(**params)

    def assert_all_consumed(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def ses(monkeypatch):
    fake = AddressSes()
    reader = RecordingReader(lambda _timeouts: fake)
    fake.reader = reader
    monkeypatch.setattr(provider_ops, "ses_reader", lambda settings: reader)
    return fake


def jobs(*entries) -> dict:
    return {"aws": {"region": "eu-west-1", "profile": None}, "domains": {}, "results": None,
            "addresses": {address: AddressJob(address, wait, timeout).to_props() for address, wait, timeout in entries},
            "addressResults": None}


def test_an_address_not_waited_for_is_read_once_and_reported_as_waiting_for_the_click(ses, capsys):
    ses.script(OPS, PENDING)

    created = VerificationProvider().create(jobs((OPS, False, 1200)))

    result = created.outs["addressResults"][OPS]
    assert result["verified"] is False and result["state"] == "waiting"
    assert result["verificationStatus"] == "PENDING"
    assert result["message"].startswith(f"waiting for {OPS} to click the link SES sent (VerificationStatus PENDING); "
                                        "pulumi up does not wait for it")
    assert created.outs["results"] == {}
    assert len(ses.reader.timeouts) == 1, "looked once, did not poll"
    ses.assert_all_consumed()
    assert f"ses-domains verify: {OPS}: waiting for {OPS} to click the link SES sent" in capsys.readouterr().out


def test_verified_and_expired_links_are_reported_and_only_a_waited_for_address_fails_the_update(ses):
    ses.script(OPS, FAILED)
    ses.script(ALERTS, SUCCESS)

    created = VerificationProvider().create(jobs((OPS, False, 1200), (ALERTS, True, 600)))

    ops, alerts = created.outs["addressResults"][OPS], created.outs["addressResults"][ALERTS]
    assert ops["state"] == "failed" and "the link expires after 24 hours" in ops["message"]
    assert "pulumi up --replace" in ops["message"]
    assert alerts["verified"] is True and alerts["verifiedAt"]
    assert alerts["message"] == f"{ALERTS} is verified: its owner clicked the link SES sent"

    ses.script(ALERTS, FAILED)
    with pytest.raises(VerificationFailed) as raised:
        VerificationProvider().create(jobs((ALERTS, True, 600)))
    assert f"1 email address(es) not verified:\n- {ALERTS}: SES stopped waiting for {ALERTS}" in str(raised.value)
    ses.assert_all_consumed()


def test_an_identity_ses_does_not_have_is_reported_not_raised_unless_waited_for(ses):
    ses.script(OPS, NOT_FOUND)
    created = VerificationProvider().create(jobs((OPS, False, 1200)))
    assert created.outs["addressResults"][OPS]["state"] == "failed"
    assert f"SES has no identity {OPS} in region eu-west-1" in created.outs["addressResults"][OPS]["message"]


def test_diff_runs_the_step_again_for_new_or_waited_for_unverified_addresses_only():
    provider = VerificationProvider()
    olds = jobs((OPS, False, 1200))
    olds["addressResults"] = {OPS: {"verified": False, "state": "waiting", "message": "waiting"}}

    assert provider.diff("id", olds, jobs((OPS, False, 1200))).changes is False, \
        "an address only reported is read again by a refresh, not by every update"
    assert provider.diff("id", olds, jobs((OPS, True, 1200))).changes is True, "now waited for"
    assert provider.diff("id", olds, jobs((OPS, False, 1200), (ALERTS, False, 1200))).changes is True, "added"
    assert provider.diff("id", olds, jobs()).changes is True, "removed"
    olds["addressResults"][OPS] = {"verified": True, "state": "verified", "message": "ok"}
    assert provider.diff("id", olds, jobs((OPS, True, 60))).changes is False, "verified already"


def test_update_reads_the_new_address_and_keeps_a_verified_one(ses):
    olds = jobs((OPS, True, 600))
    olds["addressResults"] = {OPS: {"verified": True, "state": "verified", "message": "ok",
                                    "verifiedAt": "2026-01-01T00:00:00+00:00"}}
    ses.script(ALERTS, PENDING)  # nothing scripted for OPS: reading it would fail

    updated = VerificationProvider().update("id", olds, jobs((OPS, True, 600), (ALERTS, False, 600)))

    assert updated.outs["addressResults"][OPS]["verifiedAt"] == "2026-01-01T00:00:00+00:00"
    assert updated.outs["addressResults"][ALERTS]["state"] == "waiting"
    ses.assert_all_consumed()


def test_refresh_reads_every_address_and_keeps_what_it_could_not_read(ses):
    state = jobs((OPS, False, 600), (ALERTS, True, 600))
    state["addressResults"] = {
        OPS: {"verified": False, "state": "waiting", "message": "waiting"},
        ALERTS: {"verified": True, "state": "verified", "message": "ok", "verifiedAt": "2026-01-01T00:00:00+00:00"},
    }
    ses.script(OPS, SUCCESS)
    ses.script(ALERTS, THROTTLED)

    read = VerificationProvider().read("id", state)

    assert read.outs["addressResults"][OPS]["verified"] is True, "the owner clicked since"
    alerts = read.outs["addressResults"][ALERTS]
    assert alerts["verified"] is True and alerts["verifiedAt"] == "2026-01-01T00:00:00+00:00"
    assert alerts["state"] == "could not check" and "throttled" in alerts["unchecked"]
    ses.assert_all_consumed()


def test_domains_and_addresses_are_verified_together_and_every_failure_is_named(ses):
    def domains_fail():
        raise VerificationFailed("1 of 1 domain(s) not verified:\n- example.com (dns): records missing")

    ses.script(ALERTS, FAILED)
    with pytest.raises(VerificationFailed) as raised:
        address_verification.alongside(domains_fail, jobs((ALERTS, True, 60)), [ALERTS], {}, VerificationFailed)
    message = str(raised.value)
    assert message.startswith("1 of 1 domain(s) not verified:\n- example.com (dns): records missing\n")
    assert f"1 email address(es) not verified:\n- {ALERTS}: SES stopped waiting" in message

    ses.script(OPS, PENDING)
    with pytest.raises(VerificationFailed) as raised:
        address_verification.alongside(domains_fail, jobs((OPS, False, 60)), [OPS], {}, VerificationFailed)
    assert "email address" not in str(raised.value), "an address only reported fails nothing"


# --- the wait, in virtual time -----------------------------------------------------------------


def wait_options(timeout: float) -> WaitOptions:
    return WaitOptions(timeout=timeout, poll=Backoff(initial=10.0, factor=2.0, cap=60.0),
                       retry=Backoff(initial=5.0, factor=2.0, cap=30.0))


def test_a_waited_for_address_is_polled_until_its_owner_clicks():
    ses = AddressSes()
    ses.script(OPS, PENDING, PENDING, SUCCESS)
    clock = VirtualClock()
    seen = []

    result = wait_for_address(RecordingReader(lambda _t: ses), AddressJob(OPS, True, 600),
                              options=wait_options(600), on_answer=seen.append, clock=clock.monotonic,
                              sleep=clock.sleep, rand=lambda: 0.0)

    assert result.verified is True
    assert [r.state for r in seen] == ["waiting", "waiting", "verified"]
    assert clock.sleeps == [10.0, 20.0]
    ses.assert_all_consumed()


def test_a_wait_ends_at_its_deadline_with_what_to_do():
    ses = AddressSes()
    ses.script(OPS, PENDING, THROTTLED, PENDING, PENDING, PENDING)
    clock = VirtualClock()
    reader = RecordingReader(lambda _t: ses)

    result = wait_for_address(reader, AddressJob(OPS, True, 45), options=wait_options(45),
                              clock=clock.monotonic, sleep=clock.sleep, rand=lambda: 0.0)

    assert result.verified is False and result.state == "failed"
    assert result.message == (f"{OPS} did not click the link SES sent within 45s (VerificationStatus PENDING): "
                              "click it and run pulumi up again, or raise timeout")
    assert clock.monotonic() == 45, "the last poll is at the deadline, never after"
    assert reader.timeouts == [45, 35, 30, 10, 0.5], "each call gets the time left, the last its minimum"
    ses.assert_all_consumed()
