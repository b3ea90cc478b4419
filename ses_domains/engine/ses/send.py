"""Sending one message through SESv2 ``SendEmail``: the three kinds of message, the request they make
(pure), and one bounded call that returns SES's message id or says, in words a person can act on,
why SES did not take the message.

A call that gets no answer in time is not retried: ``SendEmail`` is not idempotent, and a message
SES took but did not confirm would go out twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional, Union

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    TokenRetrievalError,
)
from botocore.parsers import ResponseParserError

from ses_domains.engine.deadline import DeadlinePassed, call_within
from ses_domains.engine.ses.errors import SesError

CHARSET = "UTF-8"
TEMPLATE_DATA_MAX_CHARS = 262_144
"""SESv2's limit on ``TemplateData`` (the service model's ``max``)."""


class SendError(SesError):
    """Root of every error of sending: the message was not sent (or it is unknown whether it was)."""


class MessageInvalid(SendError):
    """The message cannot be sent as given (found before any call)."""


class SendRefused(SendError):
    """SES answered with an error: ``code`` is SES's (``MessageRejected``, ``NotFoundException``...),
    ``aws_message`` its own words; the error's text says what to do."""

    def __init__(self, message: str, code: str, aws_message: str):
        super().__init__(message)
        self.code = code
        self.aws_message = aws_message


class SendUnanswered(SendError):
    """No usable answer from SES. ``maybe_sent`` is False only when the request never reached it."""

    def __init__(self, message: str, maybe_sent: bool):
        super().__init__(message)
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class SimpleMessage:
    """A formatted message: SES builds the MIME from a subject, a text body and an optional HTML body."""

    subject: str
    text: str
    html: Optional[str] = None


@dataclass(frozen=True)
class RawMessage:
    """A complete MIME message, sent byte for byte as given."""

    mime: bytes


@dataclass(frozen=True)
class TemplateMessage:
    """A stored SES template and the JSON object that fills its placeholders."""

    template: str
    data_json: str

    @classmethod
    def from_json(cls, template: str, text: str) -> TemplateMessage:
        """``MessageInvalid`` unless ``text`` is a JSON object SES accepts as ``TemplateData``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MessageInvalid(f"the template data is not JSON: {error}") from None
        if not isinstance(data, dict):
            raise MessageInvalid(
                f"the template data must be a JSON object such as {{\"name\": \"Ann\"}}, got {type(data).__name__} "
                f"{text.strip()[:40]}"
            )
        compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if len(compact) > TEMPLATE_DATA_MAX_CHARS:
            raise MessageInvalid(
                f"the template data is {len(compact)} characters: SES takes at most {TEMPLATE_DATA_MAX_CHARS}"
            )
        return cls(template, compact)


Message = Union[SimpleMessage, RawMessage, TemplateMessage]


@dataclass(frozen=True)
class Outgoing:
    """One message to send: the envelope (From, To) and what it carries."""

    from_address: str
    to: tuple[str, ...]
    message: Message
    configuration_set: Optional[str] = None


def send_email_request(outgoing: Outgoing) -> dict[str, Any]:
    """The parameters of boto3's ``sesv2.send_email`` for ``outgoing`` (pure)."""
    request: dict[str, Any] = {
        "FromEmailAddress": outgoing.from_address,
        "Destination": {"ToAddresses": list(outgoing.to)},
        "Content": _content(outgoing.message),
    }
    if outgoing.configuration_set:
        request["ConfigurationSetName"] = outgoing.configuration_set
    return request


def _content(message: Message) -> dict[str, Any]:
    if isinstance(message, SimpleMessage):
        body = {"Text": {"Data": message.text, "Charset": CHARSET}}
        if message.html is not None:
            body["Html"] = {"Data": message.html, "Charset": CHARSET}
        return {"Simple": {"Subject": {"Data": message.subject, "Charset": CHARSET}, "Body": body}}
    if isinstance(message, RawMessage):
        return {"Raw": {"Data": message.mime}}
    return {"Template": {"TemplateName": message.template, "TemplateData": message.data_json}}


def send_email(client: Any, outgoing: Outgoing, *, timeout_s: float) -> str:
    """One ``SendEmail`` on a ``sesv2`` client with no retries of its own, answered within
    ``timeout_s`` seconds; returns SES's ``MessageId``. Raises ``SendRefused`` or ``SendUnanswered``."""
    request = send_email_request(outgoing)
    region = client.meta.region_name or "?"
    endpoint = getattr(client.meta, "endpoint_url", None) or f"SES in {region}"
    try:
        response = call_within(lambda: client.send_email(**request), timeout_s, "SendEmail")
    except DeadlinePassed:
        raise SendUnanswered(_maybe_sent(endpoint, f"gave no answer within {timeout_s:g}s"), maybe_sent=True) from None
    except ClientError as error:
        raise refusal(error.response, outgoing, region) from None
    except EndpointConnectionError as error:
        raise SendUnanswered(f"cannot reach SES at {endpoint}: {error}; nothing was sent", maybe_sent=False) from None
    except (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError, TokenRetrievalError) as error:
        raise SendUnanswered(
            f"no usable AWS credentials to send ({error}): set aws:profile in the stack or credentials in the "
            "environment; nothing was sent",
            maybe_sent=False,
        ) from None
    except (HTTPClientError, ResponseParserError) as error:
        raise SendUnanswered(_maybe_sent(endpoint, f"gave no usable answer ({error})"), maybe_sent=True) from None
    except BotoCoreError as error:
        raise SendUnanswered(_maybe_sent(endpoint, f"failed: {error}"), maybe_sent=True) from None
    message_id = response.get("MessageId") if isinstance(response, dict) else None
    if not message_id:
        raise SendUnanswered(_maybe_sent(endpoint, "answered without a MessageId, so not as SES does"), maybe_sent=True)
    return str(message_id)


def _maybe_sent(endpoint: str, what: str) -> str:
    return (
        f"SendEmail to {endpoint} {what}: the message may or may not have been sent (look in the recipient's "
        "mailbox before sending again)"
    )


def refusal(response: dict[str, Any], outgoing: Outgoing, region: str) -> SendRefused:
    """SES's error answer to ``SendEmail`` as a ``SendRefused`` whose text says what to do (pure)."""
    error = response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    aws_message = str(error.get("Message") or "")
    said = f" (SES said: {code}: {aws_message})" if aws_message else f" (SES said: {code})"
    return SendRefused(_explain(code, aws_message, outgoing, region) + said, code, aws_message)


def _explain(code: str, aws_message: str, outgoing: Outgoing, region: str) -> str:
    lowered = aws_message.lower()
    sender = outgoing.from_address
    if code == "MessageRejected" and "not verified" in lowered:
        return (
            f"SES refused the message: an address is not in a verified identity in {region}. The From address "
            f"{sender} must be covered by a verified identity (the address itself, or its domain: run "
            "`ses-domains wait` or `ses-domains check` for the stack's domains); while the account is in the "
            "sandbox, every recipient must be too"
        )
    if code == "MessageRejected":
        return "SES rejected the message's content or addresses"
    if code == "MailFromDomainNotVerifiedException":
        return (
            f"SES refused to send from {sender}: its identity's custom MAIL FROM domain is not verified and the "
            "identity rejects messages until it is (mailFromOnMxFailure: REJECT_MESSAGE). Check its MX record with "
            "`ses-domains check`, or set mailFromOnMxFailure: USE_DEFAULT_VALUE"
        )
    if code == "AccountSuspendedException":
        return (
            f"SES has stopped this account from sending in {region} for good (its reputation, see the SES "
            "console's reputation metrics): only AWS Support can lift it"
        )
    if code == "SendingPausedException":
        where = (
            f"the account in {region}, or for configuration set {outgoing.configuration_set}"
            if outgoing.configuration_set else f"the account in {region}"
        )
        return (
            f"sending is paused for {where}: resume with `aws sesv2 put-account-sending-attributes "
            "--sending-enabled` (or, for a configuration set, `aws sesv2 put-configuration-set-sending-options "
            "--configuration-set-name NAME --sending-enabled`) once the reason is fixed"
        )
    if code == "NotFoundException":
        if outgoing.configuration_set and "configuration set" in lowered:
            return (
                f"SES has no configuration set {outgoing.configuration_set} in {region}: declare it in "
                "ses-domains:configurationSets and run `pulumi up`, or check the name "
                "(`aws sesv2 list-configuration-sets`)"
            )
        if isinstance(outgoing.message, TemplateMessage):
            return (
                f"SES has no template {outgoing.message.template} in {region}: declare it in ses-domains:templates "
                "and run `pulumi up`, or check the name (`aws sesv2 list-email-templates`)"
            )
        return f"SES could not find something the request names in {region}"
    if code == "BadRequestException":
        return "SES refused the request as invalid (an address, the template data or the message)"
    if code == "LimitExceededException":
        return (
            "a sending limit of the account was reached (in the sandbox: 200 messages a day, 1 a second; see "
            "the quota with `aws sesv2 get-account`)"
        )
    if code in ("TooManyRequestsException", "ThrottlingException", "Throttling"):
        return "SES throttled the call (the account's sending rate): send again in a second"
    if code in ("AccessDeniedException", "AccessDenied"):
        return (
            "the credentials in use may not send: they need ses:SendEmail on the From address's identity (and on "
            "the template and configuration set named)"
        )
    if code in ("UnrecognizedClientException", "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken"):
        return "AWS refused the credentials (expired session? check aws:profile or the environment)"
    return f"SES refused to send the message in {region}"
