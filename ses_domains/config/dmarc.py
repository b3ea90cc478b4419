"""The ``dmarc`` block of a domain: policy, alignment and report addresses."""

from __future__ import annotations

import re
from typing import Optional

from ses_domains.records.dmarc import ALIGNMENTS, POLICIES, DmarcPolicy
from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.fields import Section, as_text, describe

DMARC_KEYS = ("policy", "subdomainPolicy", "nonexistentPolicy", "rua", "ruf", "adkim", "aspf", "pct", "failureOptions")

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


def read_dmarc(section: Section, warnings: list[str]) -> tuple[Optional[DmarcPolicy], list[str]]:
    """The policy (``None`` when the block is wrong) and the report domains its addresses use.
    An address or a failure option given twice is written once, with a warning."""
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
    result = DmarcPolicy(
        policy=policy or "none",
        subdomain_policy=section.choice("subdomainPolicy", POLICIES),
        nonexistent_policy=section.choice("nonexistentPolicy", POLICIES),
        adkim=section.choice("adkim", ALIGNMENTS),
        aspf=section.choice("aspf", ALIGNMENTS),
        pct=section.integer("pct", default=None, minimum=0, maximum=100),
        failure_options=failure_options,
        rua=uris["rua"],
        ruf=uris["ruf"],
    )
    return (result if policy else None), report_domains
