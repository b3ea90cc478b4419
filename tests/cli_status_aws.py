"""AWS for the ``status`` command's tests, on loopback: the SESv2 stand-in of ``tests.cli_aws`` that
also answers ``GetAccount`` (each answer validated against the SESv2 model, as botocore's Stubber
validates), and reputation data put into moto's CloudWatch."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any, Optional, Sequence

import boto3
import botocore.session
from botocore.validate import validate_parameters

from tests.cli_aws import SesStandIn, _epoch_times
from tests.fake_ses import check_enums

_ACCOUNT_PATH = "/v2/email/account"
_RECOMMENDATIONS_PATH = "/v2/email/vdm/recommendations"

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
    """``GetEmailIdentity`` as scripted on the base stand-in, ``GetAccount`` answering ``account``,
    and ``ListRecommendations`` answering ``recommendations`` ``page_size`` at a time (each request
    validated against the model's input shape and recorded in ``recommendation_requests``, each
    answer against its output shape); ``recommendations = None`` answers AccessDenied."""

    def __init__(self, address: str = "127.0.0.1"):
        super().__init__(address)
        self.account: Optional[dict[str, Any]] = None
        self.recommendations: Optional[list[dict[str, Any]]] = []
        self.page_size = 100
        self.recommendation_requests: list[dict[str, Any]] = []
        model = botocore.session.get_session().get_service_model("sesv2")
        self.account_shape = model.operation_model("GetAccount").output_shape
        self.recommendations_input = model.operation_model("ListRecommendations").input_shape
        self.recommendations_output = model.operation_model("ListRecommendations").output_shape

    def set_recommendations(self, items: Optional[list[dict[str, Any]]], page_size: int = 100) -> None:
        if items is not None:
            validate_parameters({"Recommendations": items}, self.recommendations_output)
            check_enums(self.recommendations_output, {"Recommendations": items})
        with self.lock:
            self.recommendations = items
            self.page_size = page_size

    def set_account(self, answer: Optional[dict[str, Any]]) -> None:
        if answer is not None:
            validate_parameters(answer, self.account_shape)
            check_enums(self.account_shape, answer)
        with self.lock:
            self.account = answer

    def reset(self) -> None:
        super().reset()
        self.set_account(None)
        self.set_recommendations([])
        with self.lock:
            self.recommendation_requests.clear()

    def _list_recommendations(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        params = json.loads(request.rfile.read(length) or b"{}")
        validate_parameters(params, self.recommendations_input)
        check_enums(self.recommendations_input, params)
        if self.refused_as_throttled(request):
            return
        with self.lock:
            self.requests.append("ListRecommendations")
            self.recommendation_requests.append(params)
            items, size = self.recommendations, self.page_size
        if items is None:
            return self._send(request, 403, {"message": "not authorized to perform ses:ListRecommendations"},
                              "AccessDeniedException")
        wanted = [item for item in items
                  if all(_matches(item, key, value) for key, value in (params.get("Filter") or {}).items())]
        start = int(params.get("NextToken") or 0)
        size = min(size, params.get("PageSize") or size)
        answer: dict[str, Any] = {"Recommendations": wanted[start:start + size]}
        if start + size < len(wanted):
            answer["NextToken"] = str(start + size)
        validate_parameters(answer, self.recommendations_output)
        self._send(request, 200, _epoch_times(answer))

    def _answer(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == _RECOMMENDATIONS_PATH and request.command == "POST":
            return self._list_recommendations(request)
        if path != _ACCOUNT_PATH:
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


def _matches(item: dict[str, Any], key: str, value: str) -> bool:
    field = {"TYPE": "Type", "IMPACT": "Impact", "STATUS": "Status", "RESOURCE_ARN": "ResourceArn"}[key]
    return item.get(field) == value


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=5).read()


def put_rates(cloudwatch_url: str, region: str, metric: str,
              points: Sequence[tuple[datetime, float]], dimensions: Optional[dict[str, str]] = None) -> None:
    """Readings of ``metric`` (``Reputation.BounceRate``, ``Send``...) in AWS/SES, as SES publishes
    them (with ``dimensions``, as an event destination or a set's reputation metrics add them)."""
    client = boto3.client("cloudwatch", region_name=region, endpoint_url=cloudwatch_url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    extra = {"Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]} if dimensions else {}
    data = [{"MetricName": metric, "Timestamp": moment, "Value": value, **extra} for moment, value in points]
    for start in range(0, len(data), 500):
        client.put_metric_data(Namespace="AWS/SES", MetricData=data[start:start + 500])


def next_hour(now: Optional[datetime] = None) -> datetime:
    """Where the command's window ends (the next full hour)."""
    now = now or datetime.now(timezone.utc)
    hour = now.replace(minute=0, second=0, microsecond=0)
    return hour if hour == now else hour + timedelta(hours=1)
