"""DMARC (RFC 9989): the policy record at ``_dmarc.<domain>``, rendered with a stable tag order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.records.model import DnsRecord

POLICIES = ("none", "quarantine", "reject")
ALIGNMENTS = ("r", "s")
PUBLIC_SUFFIX_FLAGS = ("y", "n", "u")
"""RFC 9989 ``psd``: y (a public suffix domain), n (an organizational domain), u (unknown, the default)."""
ENFORCING = ("quarantine", "reject")


@dataclass(frozen=True)
class DmarcPolicy:
    """The tags a user asked for; ``None`` means the tag is left out (DMARC's default applies)."""

    policy: str
    subdomain_policy: Optional[str] = None
    nonexistent_policy: Optional[str] = None
    adkim: Optional[str] = None
    aspf: Optional[str] = None
    pct: Optional[int] = None
    """Removed by RFC 9989; still written for receivers that read RFC 7489."""
    testing: bool = False
    """RFC 9989 ``t=y``: receivers do not apply the policy yet (they still send reports)."""
    public_suffix_domain: Optional[str] = None
    """RFC 9989 ``psd``: one of :data:`PUBLIC_SUFFIX_FLAGS`."""
    failure_options: Optional[str] = None
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()


def dmarc_value(policy: DmarcPolicy) -> str:
    """``v=DMARC1`` first (RFC 9989 requires it) and ``p`` second (RFC 7489 readers require it), the
    rest in a fixed order; tags left out are not written, so a record without the RFC 9989 tags is
    what it always was."""
    tags: list[tuple[str, Optional[str]]] = [
        ("v", "DMARC1"),
        ("p", policy.policy),
        ("sp", policy.subdomain_policy),
        ("np", policy.nonexistent_policy),
        ("psd", policy.public_suffix_domain),
        ("adkim", policy.adkim),
        ("aspf", policy.aspf),
        ("pct", None if policy.pct is None else str(policy.pct)),
        ("t", "y" if policy.testing else None),
        ("fo", policy.failure_options),
        ("rua", ",".join(policy.rua) or None),
        ("ruf", ",".join(policy.ruf) or None),
    ]
    return "; ".join(f"{tag}={value}" for tag, value in tags if value is not None)


def enforcement_gaps(policy: DmarcPolicy) -> list[tuple[str, str]]:
    """What keeps the policy from asking receivers to act on all failing mail, as (tag, reason);
    empty when it is at enforcement (what BIMI requires: quarantine or reject, for all of the mail,
    subdomains included)."""
    gaps = []
    if policy.policy not in ENFORCING:
        gaps.append(("p", f"p={policy.policy} asks receivers to do nothing with failing mail"))
    if policy.subdomain_policy is not None and policy.subdomain_policy not in ENFORCING:
        gaps.append(("sp", f"sp={policy.subdomain_policy} leaves mail from subdomains unenforced"))
    if policy.pct is not None and policy.pct < 100:
        gaps.append(("pct", f"pct={policy.pct} applies the policy to only part of the failing mail"))
    if policy.testing:
        gaps.append(("t", "t=y asks receivers not to apply the policy yet (testing)"))
    return gaps


def dmarc_record(domain: str, policy: DmarcPolicy, ttl: int) -> DnsRecord:
    return DnsRecord(name=f"_dmarc.{domain}", type="TXT", values=(dmarc_value(policy),), ttl=ttl)


def report_authorization_name(identity: str, report_domain: str) -> str:
    """The record a report domain must publish to accept another domain's reports (RFC 7489 7.1)."""
    return f"{identity}._report._dmarc.{report_domain}"


REPORT_AUTHORIZATION_VALUE = "v=DMARC1"


def report_domains(policy: DmarcPolicy) -> tuple[str, ...]:
    """The domains of the ``rua`` and ``ruf`` mailboxes, each once, in the order given."""
    found: list[str] = []
    for uri in policy.rua + policy.ruf:
        address = uri[len("mailto:"):] if uri.lower().startswith("mailto:") else uri
        domain = address.partition("!")[0].rpartition("@")[2].lower()
        if domain and domain not in found:
            found.append(domain)
    return tuple(found)


def report_authorization_record(identity: str, report_domain: str, ttl: int) -> DnsRecord:
    """The TXT record by which ``report_domain`` accepts DMARC reports about ``identity``."""
    return DnsRecord(
        name=report_authorization_name(identity, report_domain), type="TXT", values=(REPORT_AUTHORIZATION_VALUE,), ttl=ttl
    )
