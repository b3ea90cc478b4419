"""What SES says about each domain of the stack (its DKIM tokens above all), read concurrently.

A domain SES cannot be asked about (no credentials, no such identity yet, SES unreachable) is not
an exception here: its reading carries the reason, and each subcommand decides what that means
(``records`` shows placeholders, ``check`` cannot check the DKIM records, ``wait`` cannot start).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from ses_domains.cli.aws_clients import make_client
from ses_domains.cli.errors import CommandError
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.engine.ses.status import IdentityStatus
from ses_domains.engine.ses.wait import SesApiError, SesIdentityNotFound, read_identity_status


@dataclass(frozen=True)
class IdentityReading:
    domain: str
    status: Optional[IdentityStatus] = None
    problem: Optional[str] = None
    """Why SES could not tell (``None`` when ``status`` is set)."""
    not_created: bool = False
    """SES has no such identity (in the stack's region): the stack was not deployed yet."""

    @property
    def dkim_tokens(self) -> tuple[str, ...]:
        return self.status.dkim_tokens if self.status is not None else ()


ClientFactory = Callable[[], Any]


def read_identities(settings: AwsSettings, domains: Sequence[str]) -> dict[str, IdentityReading]:
    try:
        client = make_client(settings, "sesv2")
    except CommandError as error:
        return {domain: IdentityReading(domain, problem=str(error)) for domain in domains}
    return read_identities_with(client, domains)


def read_identities_with(client: Any, domains: Sequence[str]) -> dict[str, IdentityReading]:
    """One ``GetEmailIdentity`` per domain, all at once (a boto3 client is thread-safe)."""
    if not domains:
        return {}
    with ThreadPoolExecutor(max_workers=min(16, len(domains))) as pool:
        readings = list(pool.map(lambda domain: _read_one(client, domain), domains))
    return {reading.domain: reading for reading in readings}


def _read_one(client: Any, domain: str) -> IdentityReading:
    try:
        return IdentityReading(domain, status=read_identity_status(client, domain))
    except SesIdentityNotFound as error:
        return IdentityReading(domain, problem=str(error), not_created=True)
    except SesApiError as error:
        return IdentityReading(domain, problem=str(error))
