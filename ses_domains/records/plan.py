"""Every DNS record one sending domain needs, computed from its spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ses_domains.records.dkim import easy_dkim_record
from ses_domains.records.dmarc import dmarc_record
from ses_domains.records.mail_from import mail_from_mx, mail_from_spf
from ses_domains.records.model import DnsRecord

if TYPE_CHECKING:
    from ses_domains.config.domains import DomainSpec


def static_records(spec: "DomainSpec", region: str) -> dict[str, DnsRecord]:
    """The records known before SES answers (MAIL FROM MX and SPF, and DMARC), keyed by role:
    ``mail-from-mx``, ``mail-from-spf``, ``dmarc``."""
    records = {}
    if spec.mail_from:
        records["mail-from-mx"] = mail_from_mx(spec.mail_from, region, spec.ttl)
        records["mail-from-spf"] = mail_from_spf(spec.mail_from, spec.ttl)
    if spec.dmarc:
        records["dmarc"] = dmarc_record(spec.domain, spec.dmarc, spec.ttl)
    return records


def all_records(spec: "DomainSpec", region: str, dkim_tokens: Sequence[str]) -> list[DnsRecord]:
    """DKIM records first, then the static ones: the order the stack outputs list them in."""
    dkim = [easy_dkim_record(spec.domain, token, spec.ttl) for token in dkim_tokens]
    return dkim + list(static_records(spec, region).values())
