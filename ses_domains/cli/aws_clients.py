"""boto3 clients for the command: the stack's ``aws:region``/``aws:profile``, boto3's standard chain
(environment, shared files, SSO, ``AWS_ENDPOINT_URL_<SERVICE>``), and every call bounded in time."""

from __future__ import annotations

from typing import Any

from botocore.config import Config

from ses_domains.cli.errors import CommandError
from ses_domains.engine.ses.client import AwsSettings, AwsSettingsError, make_session

CALL_TIMEOUT_S = 8.0
"""A read the command makes (SES identity, Route 53 zone) answers within this or is reported as unanswered."""


def bounded_config(timeout_s: float = CALL_TIMEOUT_S, attempts: int = 2) -> Config:
    return Config(
        connect_timeout=min(3.0, timeout_s),
        read_timeout=timeout_s,
        retries={"mode": "standard", "total_max_attempts": attempts},
        user_agent_extra="ses-domains-cli",
    )


NO_CREDENTIALS = (
    "no AWS credentials found (boto3 looked in the environment, aws:profile, ~/.aws, SSO and the instance "
    "role): set aws:profile in the stack or AWS credentials in the environment"
)


def has_credentials(settings: AwsSettings) -> bool:
    """Whether boto3's chain finds credentials (``AwsSettingsError`` for an unknown profile)."""
    return make_session(settings).get_credentials() is not None


def make_client(settings: AwsSettings, service: str, timeout_s: float = CALL_TIMEOUT_S, attempts: int = 2) -> Any:
    """A client; ``CommandError`` for an unknown profile and when there are no credentials at all.
    ``attempts=1`` for a call that must not be repeated (``SendEmail``)."""
    try:
        session = make_session(settings)
    except AwsSettingsError as error:
        raise CommandError(str(error)) from None
    if session.get_credentials() is None:
        raise CommandError(NO_CREDENTIALS)
    return session.client(service, config=bounded_config(timeout_s, attempts))
