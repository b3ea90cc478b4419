"""Custom MAIL FROM: the bounce MX and the SPF record on the MAIL FROM domain."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord

SES_SPF = "v=spf1 include:amazonses.com ~all"


def mail_from_mx(mail_from_domain: str, ses_region: str, ttl: int) -> DnsRecord:
    """The MX SES checks: it must point at the feedback endpoint of the identity's region, not the zone's."""
    return DnsRecord(
        name=mail_from_domain,
        type="MX",
        values=(f"10 feedback-smtp.{ses_region}.amazonses.com",),
        ttl=ttl,
    )


def mail_from_spf(mail_from_domain: str, ttl: int) -> DnsRecord:
    return DnsRecord(name=mail_from_domain, type="TXT", values=(SES_SPF,), ttl=ttl)
