"""What SES is in each region it is offered in: one row per region, each with where it was read.

The facts that differ by region:

- **partition**: the first part of every ARN (``arn:aws:``, ``arn:aws-us-gov:``, ...), from
  botocore's endpoint data (``partitions[].regions``);
- **DKIM domain**: where SES publishes the Easy DKIM keys the three CNAMEs point at. AWS General
  Reference, "Amazon Simple Email Service endpoints and quotas", table "DKIM domains": most regions
  use ``dkim.amazonses.com``; the regions it lists use ``dkim.<region>.amazonses.com``. Read as
  public configurations citing that table held it in 2026 (af-south-1, ap-northeast-3, ap-south-2,
  ap-southeast-3, ap-southeast-5, ca-west-1, eu-central-2, eu-south-1, il-central-1,
  me-central-1, us-gov-east-1). ``GetEmailIdentity`` reports the domain an identity really uses
  as ``DkimAttributes.SigningHostedZone``, which ``check`` compares with the records;
- **receiving**: whether SES receives mail there (an ``inbound-smtp.<region>.amazonaws.com``
  endpoint): the General Reference's "Email Receiving endpoints" table and the SES Developer
  Guide, "Regions and Amazon SES", "Email receiving";
- the **feedback MX host** of a custom MAIL FROM domain is ``feedback-smtp.<region>.amazonses.com``
  in every region (SES Developer Guide, "Using a custom MAIL FROM domain", the MX record table);
  it is computed, not listed.

A region botocore offers SES in but this table lacks is a failing test
(``tests/test_region_facts.py``), never a silent ``dkim.amazonses.com``. A row whose facts could
not be read from a source says so in ``unknown``; the config refuses that region with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DEFAULT_DKIM_DOMAIN = "dkim.amazonses.com"
_GENERAL_REFERENCE_DKIM = "General Reference, SES, DKIM domains"
_GENERAL_REFERENCE_RECEIVING = "General Reference, SES, Email Receiving endpoints"


@dataclass(frozen=True)
class RegionFacts:
    region: str
    partition: str
    own_dkim_domain: bool
    """``dkim.<region>.amazonses.com`` rather than ``dkim.amazonses.com``."""
    receiving: bool
    source: str
    """Where the row's facts were read."""
    unknown: Optional[str] = None
    """Why this tool cannot deploy there (a fact it needs has no source), or ``None``."""

    @property
    def dkim_domain(self) -> str:
        return f"dkim.{self.region}.amazonses.com" if self.own_dkim_domain else DEFAULT_DKIM_DOMAIN


def _row(region: str, *, own_dkim: bool = False, receiving: bool = False, partition: str = "aws",
         note: str = "", unknown: Optional[str] = None) -> RegionFacts:
    sources = [_GENERAL_REFERENCE_DKIM + (" (listed)" if own_dkim else " (not listed: the default domain)")]
    sources.append(_GENERAL_REFERENCE_RECEIVING + (" (listed)" if receiving else " (not listed)"))
    if note:
        sources.append(note)
    return RegionFacts(region, partition, own_dkim, receiving, "; ".join(sources), unknown)


_ROWS = (
    _row("us-east-1", receiving=True),
    _row("us-east-2", receiving=True),
    _row("us-west-1", receiving=True, note="receiving added after 2024 (SES guide, Email receiving)"),
    _row("us-west-2", receiving=True),
    _row("ca-central-1", receiving=True),
    _row("ca-west-1", own_dkim=True),
    _row("mx-central-1", note="opened 2025; not in the DKIM domains table as cited in 2026"),
    _row("sa-east-1"),
    _row("eu-west-1", receiving=True),
    _row("eu-west-2", receiving=True),
    _row("eu-west-3"),
    _row("eu-central-1", receiving=True),
    _row("eu-central-2", own_dkim=True),
    _row("eu-north-1"),
    _row("eu-south-1", own_dkim=True),
    _row("eu-south-2", note="not in the DKIM domains table as cited in 2026"),
    _row("il-central-1", own_dkim=True),
    _row("me-central-1", own_dkim=True),
    _row("me-south-1"),
    _row("af-south-1", own_dkim=True),
    _row("ap-east-2", note="opened 2025; not in the DKIM domains table as cited in 2026"),
    _row("ap-northeast-1", receiving=True),
    _row("ap-northeast-2", receiving=True, note="receiving added after 2024 (SES guide, Email receiving)"),
    _row("ap-northeast-3", own_dkim=True),
    _row("ap-south-1"),
    _row("ap-south-2", own_dkim=True),
    _row("ap-southeast-1", receiving=True),
    _row("ap-southeast-2", receiving=True),
    _row("ap-southeast-3", own_dkim=True, receiving=True),
    _row("ap-southeast-4", note="not in the DKIM domains table as cited in 2026"),
    _row("ap-southeast-5", own_dkim=True),
    _row("ap-southeast-6", note="opened 2025; not in the DKIM domains table as cited in 2026"),
    _row("ap-southeast-7", note="opened 2025; not in the DKIM domains table as cited in 2026"),
    _row("us-gov-west-1", partition="aws-us-gov"),
    _row("us-gov-east-1", partition="aws-us-gov", own_dkim=True),
    _row("eusc-de-east-1", partition="aws-eusc", note="AWS European Sovereign Cloud: its own documentation set",
         unknown="the AWS European Sovereign Cloud's SES DKIM and MAIL FROM domains are not in the General "
                 "Reference this tool's records follow"),
)

REGION_FACTS: dict[str, RegionFacts] = {row.region: row for row in _ROWS}
"""Every region SES is offered in, as far as this version knows."""


def region_facts(region: str) -> Optional[RegionFacts]:
    return REGION_FACTS.get(region)


def partition_of(region: str) -> str:
    """The ARN partition of ``region`` (``aws`` for a region this table does not know)."""
    facts = REGION_FACTS.get(region)
    return facts.partition if facts is not None else "aws"
