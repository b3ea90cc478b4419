"""The DMARC tags of a Route 53 TXT value, and whether they ask receivers to act on failures.

DMARC is RFC 9989: ``t=y`` (testing) asks receivers not to apply the policy; ``pct`` was removed
but older receivers still read it, so a ``pct`` below 100 still counts as a weakness.
"""

from __future__ import annotations

from dataclasses import dataclass

ENFORCING = ("quarantine", "reject")


@dataclass(frozen=True)
class DmarcRecord:
    policy: str | None
    """``p=``, lower case; None when the record has none."""
    subdomain_policy: str | None
    """``sp=``: the policy for subdomains; when absent they get ``p=``."""
    nonexistent_policy: str | None
    """``np=`` (DMARCbis): the policy for names that do not exist; when absent ``sp=`` or ``p=`` applies."""
    percent: str | None
    """``pct=`` as written: the share of failing mail the policy applies to (100 when absent)."""
    testing: str | None = None
    """``t=`` (RFC 9989), lower case: ``y`` asks receivers not to apply the policy yet."""


def txt_text(value: str) -> str:
    """One Route 53 TXT value as the text a resolver reassembles: pulumi-aws takes a long value
    split into 255-character strings by ``""`` between them, and the whole may be quoted."""
    text = value.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return text.replace('""', "")


def parse_dmarc(value: str) -> DmarcRecord | None:
    """The record's tags, or None when the value is not a DMARC record (no leading ``v=DMARC1``)."""
    tags: dict[str, str] = {}
    for position, part in enumerate(txt_text(value).split(";")):
        name, equals, tag_value = part.partition("=")
        name, tag_value = name.strip().lower(), tag_value.strip()
        if position == 0:
            if name != "v" or not equals or tag_value.upper() != "DMARC1":
                return None
            continue
        if equals and name not in tags:
            tags[name] = tag_value
    lower = {name: value.lower() for name, value in tags.items()}
    return DmarcRecord(lower.get("p"), lower.get("sp"), lower.get("np"), tags.get("pct"), lower.get("t"))


def weaknesses(record: DmarcRecord) -> list[str]:
    """What keeps this record from asking receivers to quarantine or reject failing mail; empty
    when nothing does."""
    found = []
    if record.policy not in ENFORCING:
        found.append(f"p={record.policy}" if record.policy else "no p= tag")
    for tag, policy in (("sp", record.subdomain_policy), ("np", record.nonexistent_policy)):
        if policy is not None and policy not in ENFORCING:
            found.append(f"{tag}={policy}")
    if record.percent is not None and record.percent != "100":
        found.append(f"pct={record.percent} (the policy applies to only part of the failing mail)")
    if record.testing == "y":
        found.append("t=y (testing: receivers do not apply the policy)")
    return found


def bimi_gaps(record: DmarcRecord) -> list[str]:
    """What keeps receivers from showing a BIMI logo under this policy (the BIMI draft: quarantine or
    reject, for all the mail, subdomains included; RFC 9989's t=y applies no policy at all); empty
    when nothing does. ``np=`` is not BIMI's concern: mail from names that do not exist has no logo."""
    found = [gap for gap in weaknesses(record) if not gap.startswith("np=")]
    return found
