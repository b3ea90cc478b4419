"""DMARC: the policy record at ``_dmarc.<domain>``, rendered with a stable tag order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.records.model import DnsRecord

POLICIES = ("none", "quarantine", "reject")
ALIGNMENTS = ("r", "s")


@dataclass(frozen=True)
class DmarcPolicy:
    """The tags a user asked for; ``None`` means the tag is left out (DMARC's default applies)."""

    policy: str
    subdomain_policy: Optional[str] = None
    nonexistent_policy: Optional[str] = None
    adkim: Optional[str] = None
    aspf: Optional[str] = None
    pct: Optional[int] = None
    failure_options: Optional[str] = None
    rua: tuple[str, ...] = ()
    ruf: tuple[str, ...] = ()


def dmarc_value(policy: DmarcPolicy) -> str:
    """``v=DMARC1`` first and ``p`` second (RFC 7489 requires both positions), the rest in a fixed order."""
    tags: list[tuple[str, Optional[str]]] = [
        ("v", "DMARC1"),
        ("p", policy.policy),
        ("sp", policy.subdomain_policy),
        ("np", policy.nonexistent_policy),
        ("adkim", policy.adkim),
        ("aspf", policy.aspf),
        ("pct", None if policy.pct is None else str(policy.pct)),
        ("fo", policy.failure_options),
        ("rua", ",".join(policy.rua) or None),
        ("ruf", ",".join(policy.ruf) or None),
    ]
    return "; ".join(f"{tag}={value}" for tag, value in tags if value is not None)


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
