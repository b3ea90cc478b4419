"""Reading and judging SESv2 GetEmailIdentity answers (pure), and the one-shot reader."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from ses_domains.engine.ses.client import read_identity_status
from ses_domains.engine.ses.errors import SesApiError, SesIdentityNotFound
from ses_domains.engine.ses.status import (
    IdentityStatus,
    UnmetCheck,
    Verdict,
    expected_dkim_records,
    explain_error_type,
    judge,
    parse_identity,
)
from tests.fake_ses import NOT_FOUND, THROTTLED, FakeSes, SesState, build_response

DOMAIN = "example.com"


def status(**state) -> IdentityStatus:
    mail_from_domain = state.pop("mail_from_domain", None)
    zone = {"dkim_hosted_zone": state.pop("dkim_hosted_zone")} if "dkim_hosted_zone" in state else {}
    response = build_response(DOMAIN, SesState(**state), mail_from_domain=mail_from_domain, **zone)
    return parse_identity(DOMAIN, response)


def test_parse_reads_every_field_of_a_full_answer():
    parsed = status(dkim="TEMPORARY_FAILURE", mail_from="PENDING", error_type="DNS_SERVER_ERROR")

    assert parsed.domain == DOMAIN and parsed.identity_type == "DOMAIN"
    assert parsed.dkim_status == "TEMPORARY_FAILURE" and parsed.dkim_signing_enabled is True
    assert parsed.dkim_tokens == ("examplecomtok1", "examplecomtok2", "examplecomtok3")
    assert parsed.dkim_origin == "AWS_SES" and parsed.dkim_hosted_zone == "dkim.amazonses.com"
    assert (parsed.mail_from_domain, parsed.mail_from_status) == (f"bounce.{DOMAIN}", "PENDING")
    assert parsed.behavior_on_mx_failure == "USE_DEFAULT_VALUE"
    assert parsed.verified_for_sending is False
    assert parsed.verification_status == "TEMPORARY_FAILURE"
    info = parsed.verification_info
    assert info.error_type == "DNS_SERVER_ERROR"
    assert info.last_checked == datetime(2024, 5, 1, 12, 5, tzinfo=timezone.utc)
    assert info.last_success is None
    assert (info.soa.primary_name_server, info.soa.serial_number) == ("ns-1.awsdns-01.org", 1)


def test_parse_tolerates_a_minimal_answer():
    parsed = parse_identity(DOMAIN, {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": False})

    assert parsed.dkim_status is None and parsed.dkim_tokens == () and parsed.dkim_hosted_zone is None
    assert parsed.mail_from_domain is None and parsed.mail_from_status is None
    assert parsed.verification_info is None and parsed.verification_status is None
    assert judge(parsed, mail_from_required=False).unmet == (
        UnmetCheck("DKIM status", "MISSING"),
        UnmetCheck("VerifiedForSendingStatus", "false"),
    )


def test_expected_dkim_records_point_into_the_hosted_zone_ses_names():
    regional = status(dkim="FAILED", dkim_hosted_zone="dkim.il-central-1.amazonses.com")

    assert expected_dkim_records(regional) == [
        f"examplecomtok{i}._domainkey.{DOMAIN} CNAME examplecomtok{i}.dkim.il-central-1.amazonses.com"
        for i in (1, 2, 3)
    ]
    assert "examplecomtok1.dkim.il-central-1.amazonses.com" in judge(regional, mail_from_required=False).failure_message


def test_expected_dkim_records_without_a_hosted_zone_use_the_global_dkim_host():
    parsed = parse_identity(
        DOMAIN, {"VerifiedForSendingStatus": False, "DkimAttributes": {"Status": "FAILED", "Tokens": ["t1"]}}
    )

    assert expected_dkim_records(parsed) == [f"t1._domainkey.{DOMAIN} CNAME t1.dkim.amazonses.com"]


def test_expected_dkim_record_of_byodkim_is_a_txt_at_the_selector():
    parsed = parse_identity(
        DOMAIN,
        {
            "VerifiedForSendingStatus": False,
            "DkimAttributes": {"Status": "FAILED", "Tokens": ["sel2024"], "SigningAttributesOrigin": "EXTERNAL"},
        },
    )

    assert expected_dkim_records(parsed) == [f"sel2024._domainkey.{DOMAIN} TXT v=DKIM1; k=rsa; p=<your public key>"]


def test_as_dict_is_json_safe():
    as_dict = status(dkim="SUCCESS", mail_from="SUCCESS").as_dict()

    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["verification_info"]["last_success"] == "2024-05-01T12:05:00+00:00"
    assert as_dict["dkim_tokens"][0] == "examplecomtok1"
    assert as_dict["dkim_hosted_zone"] == "dkim.amazonses.com"


@pytest.mark.parametrize(
    "state, mail_from_required, verdict, unmet",
    [
        (dict(dkim="SUCCESS"), False, Verdict.VERIFIED, ()),
        (dict(dkim="SUCCESS", mail_from="SUCCESS"), True, Verdict.VERIFIED, ()),
        (dict(dkim="SUCCESS", mail_from="FAILED"), False, Verdict.VERIFIED, ()),
        (dict(dkim="PENDING"), False, Verdict.WAITING, ("DKIM status PENDING", "VerifiedForSendingStatus false")),
        (dict(dkim="SUCCESS", verified=False), False, Verdict.WAITING, ("VerifiedForSendingStatus false",)),
        (dict(dkim="SUCCESS", mail_from="TEMPORARY_FAILURE"), True, Verdict.WAITING, ("MAIL FROM status TEMPORARY_FAILURE",)),
        (dict(dkim="SUCCESS"), True, Verdict.WAITING, ("MAIL FROM status NOT_CONFIGURED",)),
        (dict(dkim="FAILED"), False, Verdict.FAILED, ("DKIM status FAILED", "VerifiedForSendingStatus false")),
        (dict(dkim="SUCCESS", mail_from="FAILED"), True, Verdict.FAILED, ("MAIL FROM status FAILED",)),
        (dict(dkim="PENDING", verification_status="FAILED"), False, Verdict.FAILED, ("DKIM status PENDING", "VerifiedForSendingStatus false")),
    ],
)
def test_judge(state, mail_from_required, verdict, unmet):
    judgement = judge(status(**state), mail_from_required=mail_from_required)

    assert judgement.verdict is verdict
    assert tuple(str(u) for u in judgement.unmet) == unmet
    assert (judgement.failure_message is not None) == (verdict is Verdict.FAILED)


def test_a_status_unknown_to_this_tool_means_wait_and_is_shown():
    parsed = parse_identity(
        DOMAIN,
        {"VerifiedForSendingStatus": False, "DkimAttributes": {"Status": "SOMETHING_NEW"}},
    )

    assert judge(parsed, mail_from_required=False).unmet[0] == UnmetCheck("DKIM status", "SOMETHING_NEW")


def test_error_types_outside_the_documented_five_are_still_explained():
    assert "replicat" in explain_error_type("REPLICATION_ACCESS_DENIED")
    assert "does not know" in explain_error_type("BRAND_NEW_ERROR")
    assert explain_error_type(None) == "SES gave no error type"


def test_read_identity_status_is_one_call():
    fake = FakeSes()
    client = fake.script(DOMAIN, SesState("SUCCESS", mail_from="FAILED"))

    read = read_identity_status(client, DOMAIN)

    assert (read.dkim_status, read.mail_from_status, read.verified_for_sending) == ("SUCCESS", "FAILED", True)
    fake.assert_all_consumed()


def test_read_identity_status_translates_errors_without_retrying():
    fake = FakeSes()
    client = fake.script(DOMAIN, NOT_FOUND, THROTTLED)

    with pytest.raises(SesIdentityNotFound):
        read_identity_status(client, DOMAIN)
    with pytest.raises(SesApiError) as throttled:
        read_identity_status(client, DOMAIN)
    assert throttled.value.retryable and throttled.value.code == "TooManyRequestsException"
    fake.assert_all_consumed()


def test_fake_rejects_a_status_ses_does_not_have():
    with pytest.raises(AssertionError, match="SUCCEEDED"):
        FakeSes().script(DOMAIN, SesState("SUCCEEDED"))
