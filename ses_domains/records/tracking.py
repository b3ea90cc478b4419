"""Custom open/click tracking: the CNAME from the tracking domain to SES's regional endpoint."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import tracking_endpoint


def tracking_cname(tracking_domain: str, region: str, ttl: int) -> DnsRecord:
    return DnsRecord(name=tracking_domain, type="CNAME", values=(tracking_endpoint(region),), ttl=ttl)
