"""Every DNS record one sending domain needs, computed from its spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .dkim import easy_dkim_record
from .dmarc import dmarc_record
from .mail_from import mail_from_mx, mail_from_spf
from .model import DnsRecord

if TYPE_CHECKING:
    from ..config.domains import DomainSpec


def static_records(spec: "DomainSpec", region: str) -> list[DnsRecord]:
    """The records known before SES answers: MAIL FROM MX and SPF, and DMARC."""
    records = []
    if spec.mail_from:
        records.append(mail_from_mx(spec.mail_from, region, spec.ttl))
        records.append(mail_from_spf(spec.mail_from, spec.ttl))
    if spec.dmarc:
        records.append(dmarc_record(spec.domain, spec.dmarc, spec.ttl))
    return records


def all_records(spec: "DomainSpec", region: str, dkim_tokens: Sequence[str]) -> list[DnsRecord]:
    """DKIM records first, then the static ones: the order the stack outputs list them in."""
    return [easy_dkim_record(spec.domain, token, spec.ttl) for token in dkim_tokens] + static_records(spec, region)
