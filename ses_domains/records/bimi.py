"""BIMI: the assertion record at ``<selector>._bimi.<domain>`` that names a brand's logo and the
certificate (VMC or CMC) vouching for it (draft-brand-indicators-for-message-identification)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.records.model import DnsRecord

DEFAULT_SELECTOR = "default"
"""The selector receivers ask when a message names none (no ``BIMI-Selector`` header)."""


@dataclass(frozen=True)
class BimiAssertion:
    logo: str
    """``l=``: the HTTPS URL of the SVG Tiny PS logo."""
    certificate: Optional[str] = None
    """``a=``: the HTTPS URL of the PEM mark certificate (VMC or CMC); ``None`` leaves ``a=`` out."""
    selector: str = DEFAULT_SELECTOR


def bimi_name(domain: str, selector: str = DEFAULT_SELECTOR) -> str:
    return f"{selector}._bimi.{domain}"


def bimi_value(assertion: BimiAssertion) -> str:
    """``v=BIMI1`` first (the draft requires it), then ``l=`` and ``a=``."""
    tags = [("v", "BIMI1"), ("l", assertion.logo), ("a", assertion.certificate)]
    return "; ".join(f"{tag}={value}" for tag, value in tags if value is not None)


def bimi_record(domain: str, assertion: BimiAssertion, ttl: int) -> DnsRecord:
    return DnsRecord(name=bimi_name(domain, assertion.selector), type="TXT", values=(bimi_value(assertion),), ttl=ttl)
