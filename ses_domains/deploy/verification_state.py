"""The verification resource's state as plain dicts: what each domain's input holds, and which
domains need verifying again. Pure and cheap to import (the Pulumi program imports it)."""

from __future__ import annotations

CHECKED_KEYS = ("records", "nameservers", "mailFromRequired")
"""The part of a domain's input whose change means verifying it again (not its timeout)."""


def job_input(records: list[dict], nameservers: list[str], mail_from_required: bool, timeout_s: float) -> dict:
    """One domain's entry in the resource's ``domains`` input (plain data, stable for diffs)."""
    return {
        "records": [
            {"name": r["name"], "type": r["type"], "values": list(r["values"]), "ttl": r["ttl"]} for r in records
        ],
        "nameservers": list(nameservers),
        "mailFromRequired": mail_from_required,
        "timeoutSeconds": timeout_s,
    }


def domains_to_verify(olds: dict, news: dict) -> list[str]:
    """Domains of ``news`` that are new, whose checked input changed, that were not verified
    (or whose refresh found them regressed), or all of them when the AWS settings changed."""
    old_domains, old_results = olds.get("domains") or {}, olds.get("results") or {}
    same_account = olds.get("aws") == news.get("aws")
    return sorted(
        domain
        for domain, entry in (news.get("domains") or {}).items()
        if not same_account
        or domain not in old_domains
        or _checked(old_domains[domain]) != _checked(entry)
        or not (old_results.get(domain) or {}).get("verified")
    )


def _checked(entry: dict) -> dict:
    return {key: entry[key] for key in CHECKED_KEYS}
