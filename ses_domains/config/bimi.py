"""The ``bimi`` block of a domain: the brand logo and mark certificate receivers show beside its mail.

BIMI (draft-brand-indicators-for-message-identification) is honoured only for mail whose DMARC
policy is at enforcement: ``quarantine`` or ``reject``, for all of the mail (no ``pct`` below 100,
no ``t=y``), subdomains included (no ``sp=none``). A domain whose DMARC is not there is refused,
each gap under the ``bimi`` key, since the record would be published and ignored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

from ses_domains.records.dmarc import DmarcPolicy, enforcement_gaps
from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.fields import Section, describe

# The BIMI record model is imported when a domain has a bimi block: this module is imported by
# every stack (its keys are part of a domain's vocabulary), the record model only by those few.
if TYPE_CHECKING:
    from ses_domains.records.bimi import BimiAssertion

BIMI_KEYS = ("logo", "certificate", "selector")
MAX_URL = 2000
"""Long enough for any real logo or certificate URL; the record must fit Route 53's 4,000 characters."""

_SELECTOR_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DMARC_KEYS = {"p": "policy", "sp": "subdomainPolicy", "pct": "pct", "t": "testing"}


def read_bimi(section: Section, dmarc: Optional[DmarcPolicy], dmarc_given: bool,
              warnings: list[str]) -> Optional[BimiAssertion]:
    """The assertion, or ``None`` when the block is wrong (each problem reported under its key).

    ``dmarc``: the domain's DMARC policy as read; ``dmarc_given``: whether the entry has a ``dmarc``
    block at all (a wrong one is reported there already)."""
    from ses_domains.records.bimi import BimiAssertion

    logo = _read_url(section, "logo", required=True)
    certificate = _read_url(section, "certificate", required=False)
    selector = _read_selector(section)
    if logo is not None and not urlsplit(logo).path.lower().endswith(".svg"):
        warnings.append(f"{section.path('logo')}: {logo} does not end in .svg: BIMI logos are SVG Tiny PS files; "
                        "receivers show nothing for another format")
    if section.has("logo") and not section.has("certificate"):
        warnings.append(f"{section.path('certificate')}: no mark certificate (VMC or CMC): Gmail and Apple Mail show "
                        "a BIMI logo only with one; set certificate to the URL of its PEM file")
    before = len(section.problems.found)
    for problem in dmarc_problems(dmarc, dmarc_given):
        section.problems.add(section.key, problem)
    if logo is None or selector is None or len(section.problems.found) != before:
        return None
    return BimiAssertion(logo=logo, certificate=certificate, selector=selector)


def dmarc_problems(dmarc: Optional[DmarcPolicy], dmarc_given: bool = True) -> list[str]:
    """Why BIMI cannot be published with this DMARC policy, one sentence per gap (empty: it can)."""
    if dmarc is None:
        if dmarc_given:
            return []  # the dmarc block is wrong; its own problems say why
        return ["BIMI needs DMARC at enforcement, and this domain publishes no DMARC record: add dmarc with "
                "policy quarantine or reject"]
    gaps = enforcement_gaps(dmarc)
    if any(tag == "pct" for tag, _ in gaps):
        gaps = [(tag, reason) for tag, reason in gaps if tag != "t"]  # pct below 100 is what wrote t=y
    return [f"BIMI needs DMARC at enforcement, but dmarc.{_DMARC_KEYS[tag]}: {reason}; " + _fix(tag)
            for tag, reason in gaps]


def _fix(tag: str) -> str:
    return {
        "p": "set dmarc.policy to quarantine or reject",
        "sp": "set dmarc.subdomainPolicy to quarantine or reject, or remove it",
        "pct": "remove dmarc.pct (RFC 9989 removed it)",
        "t": "remove dmarc.testing once the policy may apply",
    }[tag]


def _read_url(section: Section, name: str, *, required: bool) -> Optional[str]:
    raw = section.raw.get(name)
    if raw is None:
        if required:
            section.problem(name, "is required: the https:// URL of the brand's SVG Tiny PS logo")
        return None
    what = "the logo's SVG file" if name == "logo" else "the mark certificate's PEM file (VMC or CMC)"
    if not isinstance(raw, str) or not raw:
        section.problem(name, f"must be the https:// URL of {what}, got {describe(raw)}")
        return None
    if any(ch.isspace() for ch in raw) or ";" in raw or "," in raw or not raw.isascii():
        section.problem(name, f"{raw!r} holds white space, ';', ',' or non-ASCII characters, which break the BIMI "
                              "record: percent-encode them (%3B, %2C)")
        return None
    if len(raw) > MAX_URL:
        section.problem(name, f"is {len(raw):,} characters; a BIMI URL may have at most {MAX_URL:,}")
        return None
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme.lower() != "https":
        section.problem(name, f"{raw!r} must be an https:// URL: BIMI fetches {what} only over HTTPS")
        return None
    try:
        normalize_domain(parts.hostname or "")
    except InvalidDomainName as error:
        section.problem(name, f"{raw!r} must name its server by a fully qualified domain name: {error}")
        return None
    if parts.username or parts.password or port not in (None, 443):
        section.problem(name, f"{raw!r} must be a plain https:// URL, without a user name or another port")
        return None
    return raw


def _read_selector(section: Section) -> Optional[str]:
    from ses_domains.records.bimi import DEFAULT_SELECTOR

    raw = section.raw.get("selector")
    if raw is None:
        return DEFAULT_SELECTOR
    text = raw.strip().lower() if isinstance(raw, str) else None
    if not text or not all(_SELECTOR_LABEL.match(label) for label in text.split(".")):
        section.problem("selector", f"must be a DNS label such as {DEFAULT_SELECTOR} or brand2026 (letters, digits "
                                    f"and inner hyphens), got {describe(raw)}")
        return None
    return text
