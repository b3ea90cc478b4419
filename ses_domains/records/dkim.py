"""DKIM as a strategy: how a domain's DKIM keys are published, and the records that takes.

Easy DKIM (now): SES makes the keys and hands out three tokens once the identity exists; each
token becomes a CNAME that delegates ``<token>._domainkey.<domain>`` to SES's DKIM domain of the
identity's region. BYODKIM (a TXT record with the public key at a selector) and replica regions
become further strategies with the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import easy_dkim_host, easy_dkim_target


@dataclass(frozen=True)
class EasyDkim:
    region: str
    """The region of the SES identity: it decides the DKIM domain the CNAMEs point at."""
    key_length: str = "RSA_2048_BIT"

    TOKEN_COUNT = 3
    """SES always issues three Easy DKIM tokens, so the three records can be declared before they are known."""
    PLACEHOLDER_TOKENS = ("dkim-token-1-from-ses", "dkim-token-2-from-ses", "dkim-token-3-from-ses")
    """What stands for the tokens where SES cannot be asked (the identity does not exist yet)."""

    def record(self, domain: str, token: str, ttl: int) -> DnsRecord:
        return DnsRecord(
            name=easy_dkim_host(token, domain), type="CNAME", values=(easy_dkim_target(token, self.region),), ttl=ttl
        )

    def records(self, domain: str, tokens: Sequence[str], ttl: int) -> tuple[DnsRecord, ...]:
        return tuple(self.record(domain, token, ttl) for token in tokens)
