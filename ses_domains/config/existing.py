"""A domain's keys about records that are already in its zone: ``existingRecords`` and ``spf``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.fields import Section, describe

EXISTING_RECORDS = ("stop", "adopt")
SPF_KEYS = ("apex", "include")


@dataclass(frozen=True)
class ApexSpfSpec:
    """Merge ``include:amazonses.com`` and ``include`` into the SPF string at the domain itself."""

    include: tuple[str, ...] = ()


def read_existing_records(section: Section) -> str:
    return section.choice("existingRecords", EXISTING_RECORDS, default="stop") or "stop"


def read_apex_spf(section: Section) -> Optional[ApexSpfSpec]:
    spf = section.section("spf", SPF_KEYS)
    if spf is None:
        return None
    apex = spf.boolean("apex", default=False)
    includes: list[str] = []
    for key, item in spf.items("include"):
        try:
            name = normalize_domain(item)
        except InvalidDomainName as error:
            spf.problems.add(key, f"{error}; expected the domain an SPF include names, such as _spf.example.net")
            continue
        if name in includes:
            spf.problems.add(key, f"{name} is listed twice")
            continue
        includes.append(name)
    if not apex:
        if spf.raw.get("apex") is None or spf.has("include"):
            spf.problem(
                "apex",
                f"must be true to merge SES{' and include' if spf.has('include') else ''} into the domain's own SPF "
                f"record (got {describe(spf.raw.get('apex'))}); without spf the apex is never touched",
            )
        return None
    return ApexSpfSpec(include=tuple(includes))
