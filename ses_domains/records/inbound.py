"""Receiving mail through SES: the MX at the domain's own name."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import inbound_mx_value


def inbound_mx(domain: str, region: str, ttl: int) -> DnsRecord:
    """The domain's MX, naming SES's receiving endpoint in the region whose receipt rules hold it."""
    return DnsRecord(name=domain, type="MX", values=(inbound_mx_value(region),), ttl=ttl)
