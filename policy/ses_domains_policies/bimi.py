"""The BIMI assertion records among a stack's TXT values, and where the DMARC policy that governs them is."""

from __future__ import annotations

from dataclasses import dataclass

from ses_domains_policies.dmarc import txt_text

BIMI_LABEL = "._bimi."


@dataclass(frozen=True)
class BimiRecord:
    logo: str
    """``l=``: empty when the domain declines BIMI (such a record needs no DMARC)."""


def bimi_domain(name: str) -> str | None:
    """The domain a ``<selector>._bimi.<domain>`` record name is about (None for any other name)."""
    name = name.rstrip(".").lower()
    if BIMI_LABEL not in name:
        return None
    return name.split(BIMI_LABEL, 1)[1] or None


def parse_bimi(value: str) -> BimiRecord | None:
    """The record's logo, or None when the value is not a BIMI record (no leading ``v=BIMI1``)."""
    parts = [part.strip() for part in txt_text(value).split(";")]
    name, equals, version = parts[0].partition("=")
    if name.strip().lower() != "v" or not equals or version.strip() != "BIMI1":
        return None
    for part in parts[1:]:
        tag, equals, tag_value = part.partition("=")
        if equals and tag.strip().lower() == "l":
            return BimiRecord(tag_value.strip())
    return BimiRecord("")


def governing_names(domain: str) -> list[str]:
    """The ``_dmarc`` names whose record governs ``domain``, closest first: the domain's own, then
    each parent (RFC 9989's DNS tree walk, within what the stack declares)."""
    labels = domain.rstrip(".").lower().split(".")
    return [f"_dmarc.{'.'.join(labels[i:])}" for i in range(len(labels) - 1)]
