"""The ``dmarc`` block of a domain: policy, alignment, report addresses, and the RFC 9989 tags.

DMARC is RFC 9989 (May 2026), with RFC 9990 and 9991 for reports: ``t`` (testing) and ``psd``
are new, ``pct``, ``rf`` and ``ri`` are gone. ``pct`` is still written for receivers that read
RFC 7489, with a warning; ``rf`` and ``ri`` are refused.
"""

from __future__ import annotations

import re
from typing import Optional

from ses_domains.records.dmarc import ALIGNMENTS, POLICIES, PUBLIC_SUFFIX_FLAGS, DmarcPolicy
from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.fields import Section, as_text, describe, one_of

DMARC_KEYS = (
    "policy", "subdomainPolicy", "nonexistentPolicy", "rua", "ruf", "adkim", "aspf", "pct", "failureOptions",
    "testing", "publicSuffixDomain",
)
REMOVED_TAGS = {
    "rf": "rf (the failure report format) was removed by RFC 9989: failure reports are always in the format "
          "RFC 9991 defines; remove rf",
    "ri": "ri (the aggregate report interval) was removed by RFC 9989: receivers send aggregate reports daily "
          "(RFC 9990); remove ri",
}
"""Tags RFC 7489 had and RFC 9989 removed, refused with the reason (``pct`` is kept for old receivers)."""

_LOCAL_PART = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+$")
_SIZE_LIMIT = re.compile(r"^\d+[kmgt]?$", re.IGNORECASE)
_FAILURE_OPTIONS = ("0", "1", "d", "s")


class InvalidReportAddress(ValueError):
    pass


def normalize_report_uri(raw: object) -> tuple[str, str]:
    """``mailto:`` URI and its domain from ``mailto:a@b.c``, ``a@b.c`` or ``mailto:a@b.c!10m``.

    Commas, semicolons and white space would break the DMARC tag list, so they are refused.
    """
    if not isinstance(raw, str) or not raw:
        raise InvalidReportAddress("must be an address such as mailto:dmarc@example.com")
    address = raw[len("mailto:"):] if raw.lower().startswith("mailto:") else raw
    address, bang, size = address.partition("!")
    if bang and not size:
        raise InvalidReportAddress(
            f"{raw!r} ends in '!' without a size limit: RFC 7489 writes a limit as !10m (a number, then k, m, g "
            "or t); add one or remove the '!'"
        )
    if size and not _SIZE_LIMIT.match(size):
        raise InvalidReportAddress(f"{raw!r} has a size limit {size!r}; write it as !10m (k, m, g or t)")
    local, at, domain = address.rpartition("@")
    if not at or not local or not _LOCAL_PART.match(local):
        raise InvalidReportAddress(f"{raw!r} is not a mailbox: write mailto:name@example.com or name@example.com")
    try:
        domain = normalize_domain(domain)
    except InvalidDomainName as error:
        raise InvalidReportAddress(f"{raw!r} has a bad domain: {error}") from None
    return f"mailto:{local}@{domain}" + (f"!{size.lower()}" if size else ""), domain


def dmarc_section(parent: Section, name: str = "dmarc") -> Optional[Section]:
    """The ``dmarc`` block of ``parent`` (``None`` when absent). A tag RFC 9989 removed (``rf``,
    ``ri``) is reported under its own key with the reason, not as an unknown key."""
    raw = parent.raw.get(name)
    if raw is None:
        return None
    key = parent.path(name)
    if isinstance(raw, dict):
        for tag, reason in REMOVED_TAGS.items():
            if tag in raw:
                parent.problems.add(f"{key}.{tag}", reason)
        raw = {tag: value for tag, value in raw.items() if tag not in REMOVED_TAGS}
    return Section(raw, key, parent.problems, DMARC_KEYS)


def read_dmarc(section: Section, warnings: list[str]) -> tuple[Optional[DmarcPolicy], list[str]]:
    """The policy (``None`` when the block is wrong) and the report domains its addresses use.
    An address or a failure option given twice is written once, with a warning."""
    for tag, reason in REMOVED_TAGS.items():
        if tag in section.raw:  # a Section made without dmarc_section
            section.problem(tag, reason)
    policy = section.choice("policy", POLICIES, required=True)
    report_domains: list[str] = []
    uris: dict[str, tuple[str, ...]] = {}
    for tag in ("rua", "ruf"):
        collected = []
        for key, item in section.items(tag):
            try:
                uri, domain = normalize_report_uri(item)
            except InvalidReportAddress as error:
                section.problems.add(key, str(error))
                continue
            if uri in collected:
                warnings.append(f"{key}: {uri} is listed twice; the record names it once")
                continue
            collected.append(uri)
            report_domains.append(domain)
        uris[tag] = tuple(collected)
    failure_options = as_text(section.raw.get("failureOptions"))
    if failure_options is not None and (
        not isinstance(failure_options, str)
        or not all(part in _FAILURE_OPTIONS for part in failure_options.split(":"))
    ):
        section.problem(
            "failureOptions", f"must be 0, 1, d or s, joined by ':' (such as 1:d), got {describe(failure_options)}"
        )
        failure_options = None
    if failure_options is not None:
        options = list(dict.fromkeys(failure_options.split(":")))
        if len(options) != len(failure_options.split(":")):
            warnings.append(f"{section.path('failureOptions')}: {failure_options} repeats an option; the record has "
                            f"fo={':'.join(options)}")
        failure_options = ":".join(options)
    pct = section.integer("pct", default=None, minimum=0, maximum=100)
    testing = _read_testing(section, pct, policy, warnings)
    result = DmarcPolicy(
        policy=policy or "none",
        subdomain_policy=section.choice("subdomainPolicy", POLICIES),
        nonexistent_policy=section.choice("nonexistentPolicy", POLICIES),
        adkim=section.choice("adkim", ALIGNMENTS),
        aspf=section.choice("aspf", ALIGNMENTS),
        pct=pct,
        testing=testing,
        public_suffix_domain=_read_public_suffix_domain(section, warnings),
        failure_options=failure_options,
        rua=uris["rua"],
        ruf=uris["ruf"],
    )
    return (result if policy else None), report_domains


def _read_testing(section: Section, pct: Optional[int], policy: Optional[str], warnings: list[str]) -> bool:
    """``testing`` (``t=y``). ``pct`` below 100 rolled a policy out to part of the mail; RFC 9989
    receivers ignore it and read ``t=y`` instead, so such a ``pct`` writes ``t=y`` too."""
    testing = section.boolean("testing", default=False)
    if pct is not None and pct < 100:
        if section.has("testing") and not testing:
            section.problem(
                "testing",
                f"is false, but pct: {pct} applies the policy to only part of the mail, which RFC 9989 receivers "
                "read as t=y (testing): set testing: true, or remove pct to apply the policy to all mail",
            )
            return False
        warnings.append(
            f"{section.path('pct')}: pct was removed by RFC 9989 (DMARC) and receivers that follow it ignore "
            f"it; the record keeps pct={pct} for older receivers and also has t=y. To roll the policy out, "
            "write testing: true instead of pct, and remove testing when the policy should apply"
        )
        return True
    if pct is not None:
        warnings.append(
            f"{section.path('pct')}: pct was removed by RFC 9989 (DMARC) and receivers that follow it ignore "
            "it; pct: 100 is what every receiver assumes without it: remove pct (use testing: true, t=y, to "
            "roll a policy out)"
        )
    if testing and policy == "none":
        warnings.append(
            f"{section.path('testing')}: t=y has no effect with policy none (there is nothing to test): "
            "set quarantine or reject to test it, or remove testing"
        )
    return testing


def _read_public_suffix_domain(section: Section, warnings: list[str]) -> Optional[str]:
    """``psd``: y, n or u (``true``/``false`` stand for y/n)."""
    raw = section.raw.get("publicSuffixDomain")
    if raw is None:
        return None
    value = {True: "y", False: "n"}.get(raw, raw) if isinstance(raw, bool) else raw
    if isinstance(value, str):
        value = value.strip().lower()
    if value not in PUBLIC_SUFFIX_FLAGS:
        section.problem(
            "publicSuffixDomain",
            f"must be {one_of(PUBLIC_SUFFIX_FLAGS)} (RFC 9989 psd: y a public suffix domain, n an organizational "
            f"domain, u not said), or true/false for y/n; got {describe(raw)}",
        )
        return None
    if value == "y":
        warnings.append(
            f"{section.path('publicSuffixDomain')}: psd=y declares the domain a public suffix (a registry's "
            "domain, such as a TLD): receivers then treat each name below it as a separate organization. "
            "Use n to mark the domain as its own organizational domain"
        )
    return value
