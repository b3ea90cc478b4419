"""Every name and value SES defines for a sending domain, in one place.

AWS General Reference, Amazon SES, "DKIM domains": most regions publish Easy DKIM keys under
``dkim.amazonses.com``; the regions below have their own DKIM domain,
``dkim.<region>.amazonses.com``. ``GetEmailIdentity`` reports the one an identity uses as
``DkimAttributes.SigningHostedZone``.
"""

from __future__ import annotations

REGIONAL_DKIM_DOMAIN_REGIONS = frozenset({
    "af-south-1", "ap-northeast-3", "ap-south-2", "ap-southeast-3", "ap-southeast-5",
    "ca-west-1", "eu-central-2", "eu-south-1", "il-central-1", "us-gov-east-1",
})
SPF_INCLUDE = "amazonses.com"
"""The SPF include that authorizes SES's sending addresses."""
MAIL_FROM_MX_PREFERENCE = 10


def dkim_domain(region: str) -> str:
    """Where SES publishes the Easy DKIM keys of identities in ``region``."""
    if region in REGIONAL_DKIM_DOMAIN_REGIONS:
        return f"dkim.{region}.amazonses.com"
    return "dkim.amazonses.com"


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


RECEIVING_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-central-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
})
"""Regions where SES receives mail (an ``inbound-smtp.<region>.amazonaws.com`` endpoint).

Source: AWS General Reference, "Amazon Simple Email Service endpoints and quotas", table "Email
Receiving endpoints" (docs.aws.amazon.com/general/latest/gr/ses.html), and the SES Developer Guide,
"Regions and Amazon SES", section "Email receiving". botocore's endpoint data lists the API
endpoints only, not where receiving runs, so the list is kept here. The table as of 2024 held
us-east-1, us-east-2, us-west-2, ap-southeast-3, ap-southeast-1, ap-southeast-2, ap-northeast-1,
ca-central-1, eu-central-1, eu-west-1 and eu-west-2 (the first three since 2015, seven added in
September 2023, Jakarta after); us-west-1 and ap-northeast-2 were added later. A region missing
here is refused at preview: add it once the General Reference lists its endpoint."""
INBOUND_MX_PREFERENCE = 10


def inbound_endpoint(region: str) -> str:
    """SES's receiving SMTP host in ``region``, which a domain's MX names to receive through SES."""
    return f"inbound-smtp.{region}.amazonaws.com"


def inbound_mx_value(region: str) -> str:
    return f"{INBOUND_MX_PREFERENCE} {inbound_endpoint(region)}"
