"""Easy DKIM: three CNAMEs that delegate the domain's DKIM keys to SES."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord

EASY_DKIM_TOKEN_COUNT = 3
"""SES always issues three Easy DKIM tokens, so the three records can be declared before they are known."""


def easy_dkim_record(domain: str, token: str, ttl: int) -> DnsRecord:
    return DnsRecord(
        name=f"{token}._domainkey.{domain}".lower(),
        type="CNAME",
        values=(f"{token}.dkim.amazonses.com".lower(),),
        ttl=ttl,
    )
