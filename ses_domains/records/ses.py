"""Every name and value SES defines for a sending domain, in one place.

The facts that differ by region (the Easy DKIM domain, where receiving runs) are rows of
:mod:`ses_domains.records.regions`, each with its source.
"""

from __future__ import annotations

from ses_domains.records.regions import DEFAULT_DKIM_DOMAIN, REGION_FACTS

SPF_INCLUDE = "amazonses.com"
"""The SPF include that authorizes SES's sending addresses."""
MAIL_FROM_MX_PREFERENCE = 10


def dkim_domain(region: str) -> str:
    """Where SES publishes the Easy DKIM keys of identities in ``region``."""
    facts = REGION_FACTS.get(region)
    return facts.dkim_domain if facts is not None else DEFAULT_DKIM_DOMAIN


def easy_dkim_host(token: str, domain: str) -> str:
    return f"{token}._domainkey.{domain}".lower()


def dkim_selector_host(selector: str, domain: str) -> str:
    """Where a DKIM verifier looks up a selector's key (RFC 6376 3.6.2.1)."""
    return f"{selector}._domainkey.{domain}".lower()


def easy_dkim_target(token: str, region: str) -> str:
    return f"{token}.{dkim_domain(region)}".lower()


def feedback_endpoint(region: str) -> str:
    """The host the MAIL FROM MX must name: SES's bounce endpoint in the identity's region."""
    return f"feedback-smtp.{region}.amazonses.com"


def mail_from_mx_value(region: str) -> str:
    return f"{MAIL_FROM_MX_PREFERENCE} {feedback_endpoint(region)}"


def ses_spf(qualifier: str = "~") -> str:
    return f"v=spf1 include:{SPF_INCLUDE} {qualifier}all"


def tracking_endpoint(region: str) -> str:
    """The regional SES open/click tracking host a custom tracking domain points its CNAME at."""
    return f"r.{region}.awstrack.me"


REPUTATION_NAMESPACE = "AWS/SES"
"""CloudWatch namespace of the account's reputation metrics."""
BOUNCE_RATE_METRIC = "Reputation.BounceRate"
COMPLAINT_RATE_METRIC = "Reputation.ComplaintRate"
CONFIGURATION_SET_DIMENSION = "ses:configuration-set"
"""The dimension SES adds to a configuration set's reputation metrics (``reputationMetrics: true``)."""
BOUNCE_RATE_REVIEW_LEVEL = 0.05
"""SES places an account under review at a bounce rate of 5 % (and may pause sending at 10 %)."""
COMPLAINT_RATE_REVIEW_LEVEL = 0.001
"""SES places an account under review at a complaint rate of 0.1 % (and may pause sending at 0.5 %)."""


RECEIVING_REGIONS = frozenset(row.region for row in REGION_FACTS.values() if row.receiving)
"""Regions where SES receives mail (an ``inbound-smtp.<region>.amazonaws.com`` endpoint); a region
missing here is refused at preview: add it to :mod:`ses_domains.records.regions` once the General
Reference lists its endpoint."""
INBOUND_MX_PREFERENCE = 10


def inbound_endpoint(region: str) -> str:
    """SES's receiving SMTP host in ``region``, which a domain's MX names to receive through SES."""
    return f"inbound-smtp.{region}.amazonaws.com"


def inbound_mx_value(region: str) -> str:
    return f"{INBOUND_MX_PREFERENCE} {inbound_endpoint(region)}"
