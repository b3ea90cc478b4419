"""boto3 sessions and SESv2 clients from the stack's own AWS settings.

The waiter must talk to the same account and region as the Pulumi AWS provider, so it is built
from the stack's ``aws:region`` and optional ``aws:profile``: a user never configures credentials
twice. Without a profile, boto3's default chain applies (environment variables, shared files,
SSO, instance role), which is also what the Pulumi AWS provider uses.

``AwsSettings`` is plain, picklable data: a dynamic provider should hold it and build a client
inside each method, never hold a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

# Retries inside botocore for throttling and transient faults; the waiter adds its own backoff
# on top, bounded by its deadline.
_CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    user_agent_extra="ses-domains",
)


class AwsSettingsError(ValueError):
    """The AWS settings cannot produce a session (unknown profile, no region)."""


@dataclass(frozen=True)
class AwsSettings:
    """Where the stack's AWS resources live: ``aws:region`` and, optionally, ``aws:profile``."""

    region: str | None
    profile: str | None = None


def make_session(settings: AwsSettings) -> boto3.session.Session:
    """A boto3 session for ``settings``; raises ``AwsSettingsError`` with the fix to apply."""
    try:
        session = boto3.session.Session(
            profile_name=settings.profile or None,
            region_name=settings.region or None,
        )
    except ProfileNotFound as err:
        raise AwsSettingsError(
            f"AWS profile {settings.profile!r} (aws:profile) is not in ~/.aws/config or "
            "~/.aws/credentials: fix `pulumi config set aws:profile ...` or remove it."
        ) from err
    if not session.region_name:
        raise AwsSettingsError(
            "No AWS region: set `pulumi config set aws:region <region>` (SES identities are "
            "regional, the waiter must ask the region that holds them)."
        )
    return session


def make_sesv2_client(settings: AwsSettings) -> Any:
    """A ``sesv2`` client for ``settings`` (thread-safe: one can serve many waiting threads)."""
    return make_session(settings).client("sesv2", config=_CLIENT_CONFIG)
