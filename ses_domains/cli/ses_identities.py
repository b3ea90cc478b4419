"""What SES says about each domain of the stack (its DKIM tokens above all), read concurrently.

A domain SES cannot be asked about (no credentials, no such identity yet, SES unreachable) is not
an exception here: its reading carries the reason, and each subcommand decides what that means
(``records`` shows placeholders, ``check`` cannot check the DKIM records, ``wait`` cannot start).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional, Sequence

from ses_domains.cli.aws_clients import CALL_TIMEOUT_S, NO_CREDENTIALS, has_credentials
from ses_domains.engine.ses.client import AwsSettings, SesReader
from ses_domains.engine.ses.errors import AwsSettingsError, SesError, SesIdentityNotFound
from ses_domains.engine.ses.status import IdentityStatus


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


def read_identities(settings: AwsSettings, domains: Sequence[str]) -> dict[str, IdentityReading]:
    try:
        reader = SesReader.from_settings(settings)
        credentials = has_credentials(settings)
    except AwsSettingsError as error:
        return {domain: IdentityReading(domain, problem=str(error)) for domain in domains}
    if not credentials:
        return {domain: IdentityReading(domain, problem=NO_CREDENTIALS) for domain in domains}
    return read_identities_with(reader, domains)


def read_identities_with(reader: SesReader, domains: Sequence[str],
                         timeout_s: float = CALL_TIMEOUT_S) -> dict[str, IdentityReading]:
    """One ``GetEmailIdentity`` per domain, all at once, each within ``timeout_s``."""
    if not domains:
        return {}
    with ThreadPoolExecutor(max_workers=min(16, len(domains))) as pool:
        readings = list(pool.map(lambda domain: _read_one(reader, domain, timeout_s), domains))
    return {reading.domain: reading for reading in readings}


def _read_one(reader: SesReader, domain: str, timeout_s: float) -> IdentityReading:
    try:
        return IdentityReading(domain, status=reader.read_identity(domain, timeout_s=timeout_s))
    except SesIdentityNotFound as error:
        return IdentityReading(domain, problem=str(error), not_created=True)
    except SesError as error:
        return IdentityReading(domain, problem=str(error))
