"""A domain's keys about records that are already in its zone: ``existingRecords`` and ``spf``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import re

from ses_domains.config.fields import Section, describe

EXISTING_RECORDS = ("stop", "adopt")
SPF_KEYS = ("apex", "include")
_INCLUDE_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
"""SPF include targets are DNS names, not host names: underscore labels (``_spf.google.com``) are common."""


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
        name = include_target(item)
        if name is None:
            spf.problems.add(key, f"{describe(item)} is not a domain an SPF include can name, such as _spf.example.net "
                                  "(letters, digits, - and _ in each label, at least two labels, no SPF macros)")
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


def include_target(raw: object) -> Optional[str]:
    """The normalized target of ``include:``, or ``None`` when it is not a plain DNS name."""
    if not isinstance(raw, str):
        return None
    name = raw.strip().lower()
    name = name[len("include:"):] if name.startswith("include:") else name
    name = name.rstrip(".")
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2 or not all(_INCLUDE_LABEL.match(label) for label in labels):
        return None
    return name
