"""The SES account in one region, as SESv2 ``GetAccount`` reports it: parse (pure) and one bounded read.

Used where the account decides what a command may do (the sandbox lets mail go only to verified
identities) and where it is shown (``ses-domains status``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError

from ses_domains.engine.ses.errors import SesError, is_throttling


class SesAccountUnavailable(SesError):
    """``GetAccount`` gave no usable answer (refused, denied, silent past the client's timeouts,
    or an answer that is not SES's); the message says which and what to do. ``throttled``: SES
    said "too many requests" (worth asking again later)."""

    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


@dataclass(frozen=True)
class SendQuota:
    max_24_hour_send: float
    """Messages a day; -1 means unlimited."""
    sent_last_24_hours: float
    max_send_rate: float
    """Messages a second."""


@dataclass(frozen=True)
class AccountStatus:
    region: str
    production_access: bool
    """False: the account is in the sandbox, and mail goes only to verified identities."""
    sending_enabled: bool
    enforcement_status: str
    """SES's word: HEALTHY, PROBATION or SHUTDOWN."""
    quota: SendQuota
    suppressed_reasons: tuple[str, ...] = ()
    vdm_enabled: Optional[bool] = None
    review_status: Optional[str] = None
    """The production-access request's review: PENDING, FAILED, GRANTED, DENIED (absent if none)."""

    @property
    def in_sandbox(self) -> bool:
        return not self.production_access


def parse_account(response: Mapping[str, Any], region: str) -> AccountStatus:
    """``GetAccount``'s answer as plain data; absent fields take SES's defaults for a new account."""
    quota = response.get("SendQuota") or {}
    vdm = response.get("VdmAttributes") or {}
    review = (response.get("Details") or {}).get("ReviewDetails") or {}
    return AccountStatus(
        region=region,
        production_access=bool(response.get("ProductionAccessEnabled", False)),
        sending_enabled=bool(response.get("SendingEnabled", False)),
        enforcement_status=str(response.get("EnforcementStatus") or "UNKNOWN"),
        quota=SendQuota(
            max_24_hour_send=float(quota.get("Max24HourSend", 0.0)),
            sent_last_24_hours=float(quota.get("SentLast24Hours", 0.0)),
            max_send_rate=float(quota.get("MaxSendRate", 0.0)),
        ),
        suppressed_reasons=tuple((response.get("SuppressionAttributes") or {}).get("SuppressedReasons") or ()),
        vdm_enabled=(vdm.get("VdmEnabled") == "ENABLED") if vdm.get("VdmEnabled") else None,
        review_status=review.get("Status"),
    )


def read_account(client: Any) -> AccountStatus:
    """One ``GetAccount`` call on a bounded ``sesv2`` client (``cli.aws_clients.make_client`` or
    ``engine.ses.client.make_aws_client``); ``SesAccountUnavailable`` when it gives no answer."""
    region = client.meta.region_name or ""
    try:
        response = client.get_account()
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "Unknown")
        hint = (
            ": the credentials may not call ses:GetAccount" if code in ("AccessDeniedException", "AccessDenied")
            else ""
        )
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        raise SesAccountUnavailable(
            f"SES GetAccount in {region} failed: {code}: {error.get('Message', '')}{hint}",
            throttled=is_throttling(code, status),
        ) from None
    except BotoCoreError as err:
        raise SesAccountUnavailable(f"SES GetAccount in {region} got no usable answer: {err}") from None
    if not isinstance(response, Mapping) or "SendQuota" not in response and "ProductionAccessEnabled" not in response:
        raise SesAccountUnavailable(f"SES GetAccount in {region} answered with something that is not an account")
    return parse_account(response, region)
