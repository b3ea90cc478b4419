"""DKIM as a strategy: how a domain's DKIM keys are published, and the records that takes.

Two strategies with one shape (``records(domain, tokens, ttl)``):

- Easy DKIM: SES makes the keys and hands out three tokens once the identity exists; each token
  becomes a CNAME that delegates ``<token>._domainkey.<domain>`` to SES's DKIM domain of the
  identity's region.
- BYODKIM: the user's key; its public half is a TXT record at ``<selector>._domainkey.<domain>``,
  known before the identity exists. During a rotation the previous selector's record stays
  published beside the new one, so that mail signed with the old key still verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import dkim_selector_host, easy_dkim_host, easy_dkim_target
from ses_domains.records.values import SECRET_DKIM_KEY

if TYPE_CHECKING:
    from ses_domains.records.dkim_keys import DkimPublicKey


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


def dkim_txt_value(public_key: Optional[DkimPublicKey]) -> str:
    """RFC 6376 3.6.1 key record: version, key type, public key (``Txt`` splits it into strings of 255).
    ``None``: a key kept secret from this reader, whatever key the selector publishes."""
    if public_key is None:
        return SECRET_DKIM_KEY
    return f"v=DKIM1; k=rsa; p={public_key.public_key}"


@dataclass(frozen=True)
class PublishedSelector:
    """A selector and the public key its TXT record publishes."""

    selector: str
    public_key: Optional[DkimPublicKey]
    """``None``: the key is a stack secret this reader cannot open (the command)."""

    def record(self, domain: str, ttl: int) -> DnsRecord:
        return DnsRecord(
            name=dkim_selector_host(self.selector, domain), type="TXT", values=(dkim_txt_value(self.public_key),), ttl=ttl
        )


@dataclass(frozen=True)
class Byodkim:
    """Bring Your Own DKIM: the key SES signs with (``current``) and, during a rotation, the one
    it signed with before (``previous``), whose record stays until a later ``pulumi up`` retires it."""

    current: PublishedSelector
    previous: Optional[PublishedSelector] = None

    TOKEN_COUNT = 0
    """No record waits for SES: every record is known from the config."""

    def selectors(self) -> tuple[PublishedSelector, ...]:
        return (self.current,) + ((self.previous,) if self.previous else ())

    def records(self, domain: str, tokens: Sequence[str] = (), ttl: int = 1800) -> tuple[DnsRecord, ...]:
        """The TXT record of each published selector, current first; ``tokens`` (SES reports the
        selector there) are not needed."""
        return tuple(selector.record(domain, ttl) for selector in self.selectors())
