"""AWS for the ``status`` command's tests, on loopback: the SESv2 stand-in of ``tests.cli_aws`` that
also answers ``GetAccount`` (each answer validated against the SESv2 model, as botocore's Stubber
validates), and reputation data put into moto's CloudWatch."""

from __future__ import annotations

import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any, Optional, Sequence

import boto3
import botocore.session
from botocore.validate import validate_parameters

from tests.cli_aws import SesStandIn
from tests.fake_ses import check_enums

_ACCOUNT_PATH = "/v2/email/account"

SANDBOX = {
    "DedicatedIpAutoWarmupEnabled": True,
    "EnforcementStatus": "HEALTHY",
    "ProductionAccessEnabled": False,
    "SendQuota": {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 3.0},
    "SendingEnabled": True,
    "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
}
PRODUCTION = {
    **SANDBOX,
    "ProductionAccessEnabled": True,
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 1234.0},
    "Details": {"MailType": "TRANSACTIONAL", "WebsiteURL": "https://example.com",
                "ReviewDetails": {"Status": "GRANTED", "CaseId": "1234"}},
}


class AccountSesStandIn(SesStandIn):
    """``GetEmailIdentity`` as scripted on the base stand-in, and ``GetAccount`` answering ``account``."""

    def __init__(self, address: str = "127.0.0.1"):
        super().__init__(address)
        self.account: Optional[dict[str, Any]] = None
        model = botocore.session.get_session().get_service_model("sesv2")
        self.account_shape = model.operation_model("GetAccount").output_shape

    def set_account(self, answer: Optional[dict[str, Any]]) -> None:
        if answer is not None:
            validate_parameters(answer, self.account_shape)
            check_enums(self.account_shape, answer)
        with self.lock:
            self.account = answer

    def reset(self) -> None:
        super().reset()
        self.set_account(None)

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.split("?", 1)[0] != _ACCOUNT_PATH:
            return super()._answer(request)
        if self.refused_as_throttled(request):
            return
        with self.lock:
            self.requests.append("GetAccount")
            account = self.account
        if account is None:
            return self._send(request, 403, {"message": "not authorized to perform ses:GetAccount"},
                              "AccessDeniedException")
        self._send(request, 200, account)


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=5).read()


def put_rates(cloudwatch_url: str, region: str, metric: str,
              points: Sequence[tuple[datetime, float]]) -> None:
    """Readings of ``metric`` (``Reputation.BounceRate``...) in AWS/SES, as SES publishes them."""
    client = boto3.client("cloudwatch", region_name=region, endpoint_url=cloudwatch_url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    data = [{"MetricName": metric, "Timestamp": moment, "Value": value} for moment, value in points]
    for start in range(0, len(data), 500):
        client.put_metric_data(Namespace="AWS/SES", MetricData=data[start:start + 500])


def next_hour(now: Optional[datetime] = None) -> datetime:
    """Where the command's window ends (the next full hour)."""
    now = now or datetime.now(timezone.utc)
    hour = now.replace(minute=0, second=0, microsecond=0)
    return hour if hour == now else hour + timedelta(hours=1)
