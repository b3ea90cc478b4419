"""GetAccount as the commands see it: the Stubber checks each answer against SESv2's model."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ses_domains.engine.ses.account import SesAccountUnavailable, read_account
from tests.cli_status_aws import SANDBOX as ACCOUNT_IN_SANDBOX

SANDBOX = {**ACCOUNT_IN_SANDBOX, "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE"]}}


def _client():
    return boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")


def test_a_sandbox_account():
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("get_account", SANDBOX, {})
        account = read_account(client)
    assert account.in_sandbox and account.sending_enabled and account.region == "eu-west-1"
    assert (account.quota.max_24_hour_send, account.quota.sent_last_24_hours, account.quota.max_send_rate) == (200, 3, 1)
    assert account.suppressed_reasons == ("BOUNCE",) and account.enforcement_status == "HEALTHY"


def test_a_production_account_with_vdm_and_a_review():
    client = _client()
    answer = {**SANDBOX, "ProductionAccessEnabled": True, "EnforcementStatus": "PROBATION",
              "VdmAttributes": {"VdmEnabled": "ENABLED"},
              "Details": {"MailType": "TRANSACTIONAL", "WebsiteURL": "https://example.com",
                          "ReviewDetails": {"Status": "GRANTED", "CaseId": "1"}}}
    with Stubber(client) as stub:
        stub.add_response("get_account", answer, {})
        account = read_account(client)
    assert not account.in_sandbox and account.vdm_enabled is True
    assert (account.enforcement_status, account.review_status) == ("PROBATION", "GRANTED")


def test_denied_says_which_permission():
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("get_account", "AccessDeniedException", "not allowed")
        with pytest.raises(SesAccountUnavailable, match="ses:GetAccount"):
            read_account(client)
