"""The SESv2 calls behind ``set_options``' dynamic resources, each within its own deadline.

Imported only when Pulumi calls one of those providers (never by the program, which must not load
boto3). One client per operation, made from the resource's stored ``aws`` settings (the stack's
``aws:region`` and ``aws:profile``), with botocore's retries off: throttling and transient faults
are retried here with backoff until ``OPERATION_DEADLINE_S``, and every call runs on a worker
thread that is abandoned at the deadline, so an endpoint that trickles bytes cannot hold
``pulumi up`` (custom timeouts do not reach dynamic providers).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ses_domains.engine.ses.client import AwsSettings, CallTimeouts, make_sesv2_client
from ses_domains.engine.ses.errors import AwsSettingsError
from ses_domains.engine.ses.policy import Backoff

OPERATION_DEADLINE_S = 120.0
"""How long one create, update, delete or read may take, retries included."""
RETRY = Backoff(initial=1.0, factor=2.0, cap=15.0, jitter=0.5)
_RETRYABLE_CODES = frozenset({
    "TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException",
    "RequestTimeout", "RequestTimeoutException", "InternalFailure", "ServiceUnavailable",
})


class SetOptionsError(Exception):
    """A configuration set option could not be applied; the message says what SES answered and what to do."""


class _NotFound(SetOptionsError):
    """The configuration set does not exist (any more)."""


@dataclass(frozen=True)
class TrackingState:
    """What SES reports for a set's custom tracking domain (``None``: SES's own domain)."""

    tracking_domain: Optional[str]
    https_policy: Optional[str]


def sesv2_client(settings: AwsSettings, timeouts: CallTimeouts) -> Any:
    """A ``sesv2`` client without retries of its own (a test seam)."""
    return make_sesv2_client(settings, timeouts)


def settings_of(props: Mapping[str, Any]) -> AwsSettings:
    aws = props.get("aws") or {}
    return AwsSettings(region=aws.get("region"), profile=aws.get("profile"))


def put_tracking(props: Mapping[str, Any]) -> None:
    """Sets the set's custom tracking domain and HTTPS policy."""
    name, domain = props["configurationSetName"], props["trackingDomain"]
    request = {"ConfigurationSetName": name, "CustomRedirectDomain": domain}
    if props.get("httpsPolicy"):
        request["HttpsPolicy"] = props["httpsPolicy"]
    try:
        _call(settings_of(props), "put_configuration_set_tracking_options", request)
    except _NotFound:
        raise SetOptionsError(f"SES has no configuration set {name} to give the tracking domain {domain}") from None
    except SetOptionsError as error:
        raise SetOptionsError(
            f"SES refused the tracking domain {domain} for configuration set {name}: {error}. SES accepts a "
            f"custom tracking domain only when it, or a parent domain, is an identity verified for sending in "
            f"this account and region; once it is, run `pulumi up` again"
        ) from None


def clear_tracking(props: Mapping[str, Any]) -> None:
    """Back to SES's own tracking domain; a set already gone is fine."""
    try:
        _call(settings_of(props), "put_configuration_set_tracking_options",
              {"ConfigurationSetName": props["configurationSetName"]})
    except _NotFound:
        pass


def read_tracking(props: Mapping[str, Any]) -> Optional[TrackingState]:
    """What SES has now; ``None`` when the set is gone."""
    try:
        answer = _call(settings_of(props), "get_configuration_set",
                       {"ConfigurationSetName": props["configurationSetName"]})
    except _NotFound:
        return None
    tracking = answer.get("TrackingOptions") or {}
    return TrackingState(tracking.get("CustomRedirectDomain"), tracking.get("HttpsPolicy"))


def put_suppression_off(props: Mapping[str, Any]) -> None:
    """An explicit empty ``SuppressedReasons`` list: the set suppresses no address, whatever the
    account-level suppression list settings say."""
    name = props["configurationSetName"]
    try:
        _call(settings_of(props), "put_configuration_set_suppression_options",
              {"ConfigurationSetName": name, "SuppressedReasons": []})
    except _NotFound:
        raise SetOptionsError(f"SES has no configuration set {name} to turn suppression off for") from None


def read_suppressed_reasons(props: Mapping[str, Any]) -> Optional[list[str]]:
    """The set's own reasons, ``None`` when it has none of its own (the account's apply) or is gone."""
    try:
        answer = _call(settings_of(props), "get_configuration_set",
                       {"ConfigurationSetName": props["configurationSetName"]})
    except _NotFound:
        return None
    options = answer.get("SuppressionOptions")
    return None if options is None or "SuppressedReasons" not in options else list(options["SuppressedReasons"])


def _call(
    settings: AwsSettings,
    operation: str,
    request: dict,
    *,
    deadline_s: Optional[float] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """``operation`` with retries of throttling and transient faults, all within ``deadline_s``
    (default ``OPERATION_DEADLINE_S``)."""
    deadline_s = OPERATION_DEADLINE_S if deadline_s is None else deadline_s
    started = clock()
    attempt = 0
    while True:
        remaining = deadline_s - (clock() - started)
        try:
            return _bounded_call(settings, operation, request, remaining)
        except _Retryable as error:
            delay = RETRY.delay(attempt, random.random())
            attempt += 1
            if clock() - started + delay >= deadline_s:
                raise SetOptionsError(
                    f"SES did not complete {_api_name(operation)} within {deadline_s:.0f}s ({error})"
                ) from None
            sleep(delay)


class _Retryable(Exception):
    pass


def _bounded_call(settings: AwsSettings, operation: str, request: dict, budget_s: float) -> dict:
    budget_s = max(budget_s, 1.0)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            client = sesv2_client(settings, CallTimeouts.within(budget_s))
            outcome["answer"] = getattr(client, operation)(**request)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name=f"ses-{operation}", daemon=True)
    worker.start()
    worker.join(budget_s)
    if worker.is_alive():
        raise _Retryable(f"no answer to {_api_name(operation)} within {budget_s:.1f}s")
    error = outcome.get("error")
    if error is None:
        return outcome["answer"]
    if isinstance(error, AwsSettingsError):
        raise SetOptionsError(str(error)) from None
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code == "NotFoundException":
            raise _NotFound(message) from None
        if code in _RETRYABLE_CODES or status == 429 or status >= 500:
            raise _Retryable(f"{code} {message}".strip()) from None
        raise SetOptionsError(f"{code}: {message}") from None
    if isinstance(error, (BotoConnectionError, HTTPClientError)):
        raise _Retryable(str(error)) from None
    if isinstance(error, BotoCoreError):
        raise SetOptionsError(str(error)) from None
    raise error


def _api_name(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))
