"""What SES says about each domain of the stack (its DKIM tokens above all), read concurrently.

A domain SES cannot be asked about (no credentials, no such identity yet, SES unreachable) is not
an exception here: its reading carries the reason, and each subcommand decides what that means
(``records`` shows placeholders, ``check`` cannot check the DKIM records, ``wait`` cannot start).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional, Sequence

from ses_domains.cli.aws_clients import CALL_TIMEOUT_S, NO_CREDENTIALS, has_credentials
from ses_domains.engine.ses.client import AwsSettings, SesReader
from ses_domains.engine.ses.errors import AwsSettingsError, SesError, SesIdentityNotFound
from ses_domains.engine.ses.pacing import retry_throttling
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


READS_DEADLINE_S = 60.0
READS_DEADLINE_PER_IDENTITY_S = 0.05
"""A command's identity reads end within the larger of ``READS_DEADLINE_S`` and this much per
identity (throttling retried until then): 10,000 identities at a pace SES allows need minutes."""


def read_identities(settings: AwsSettings, domains: Sequence[str]) -> dict[str, IdentityReading]:
    try:
        reader = SesReader.from_settings(settings)
        credentials = has_credentials(settings)
    except AwsSettingsError as error:
        return {domain: IdentityReading(domain, problem=str(error)) for domain in domains}
    if not credentials:
        return {domain: IdentityReading(domain, problem=NO_CREDENTIALS) for domain in domains}
    return read_identities_with(reader, domains)


def read_identities_with(reader: SesReader, domains: Sequence[str], timeout_s: float = CALL_TIMEOUT_S, *,
                         deadline_s: Optional[float] = None) -> dict[str, IdentityReading]:
    """One ``GetEmailIdentity`` per domain, 16 at a time, each call within ``timeout_s``; a
    throttled call is tried again (paced by the reader's bucket, with backoff) until ``deadline_s``
    from now (default: :data:`READS_DEADLINE_S`, more for many domains)."""
    if not domains:
        return {}
    if deadline_s is None:
        deadline_s = max(READS_DEADLINE_S, READS_DEADLINE_PER_IDENTITY_S * len(domains))
    deadline = time.monotonic() + deadline_s
    with ThreadPoolExecutor(max_workers=min(16, len(domains))) as pool:
        readings = list(pool.map(lambda domain: _read_one(reader, domain, timeout_s, deadline), domains))
    return {reading.domain: reading for reading in readings}


def _read_one(reader: SesReader, domain: str, timeout_s: float, deadline: float) -> IdentityReading:
    try:
        status = retry_throttling(lambda left: reader.read_identity(domain, timeout_s=min(timeout_s, left)),
                                  what=f"GetEmailIdentity({domain})", deadline=deadline)
        return IdentityReading(domain, status=status)
    except SesIdentityNotFound as error:
        return IdentityReading(domain, problem=str(error), not_created=True)
    except SesError as error:
        return IdentityReading(domain, problem=str(error))
