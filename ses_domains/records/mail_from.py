"""Custom MAIL FROM: the bounce MX and the SPF record on the MAIL FROM domain."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import mail_from_mx_value, ses_spf


def mail_from_mx(mail_from_domain: str, ses_region: str, ttl: int) -> DnsRecord:
    """The MX SES checks: it must point at the feedback endpoint of the identity's region, not the zone's."""
    return DnsRecord(name=mail_from_domain, type="MX", values=(mail_from_mx_value(ses_region),), ttl=ttl)


def mail_from_spf(mail_from_domain: str, ttl: int) -> DnsRecord:
    return DnsRecord(name=mail_from_domain, type="TXT", values=(ses_spf(),), ttl=ttl)
