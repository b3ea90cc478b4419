"""The apex SPF merge: adding SES (and other senders) to the one ``v=spf1`` string of a name
without touching anything else published there.

A domain's apex TXT record set is shared: site verifications, other senders' SPF includes,
whatever its owners put there. The merge works on the set's values as presentation text (one
unquoted string per value, see ``records.values``) and changes only the SPF string: it adds the
missing ``include:`` terms before the string's ``all`` (or ``redirect=``), and keeps every other
value, term and its order. The reverse, ``unmerge_spf``, takes exactly those terms out again.

RFC 7208 4.6.4 allows at most 10 terms that cause DNS lookups (``include``, ``a``, ``mx``, ``ptr``,
``exists``, ``redirect``) over the whole evaluation, includes' own records included. Without DNS the
merge can count only the terms of the string itself: a lower bound, refused past 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ses_domains.records.ses import SPF_INCLUDE

LOOKUP_LIMIT = 10
_LOOKUP_MECHANISMS = ("include", "a", "mx", "ptr", "exists")
_QUALIFIERS = "+-~?"


class SpfMergeError(ValueError):
    """The merge cannot be done safely; the message says why and what to do."""


@dataclass(frozen=True)
class SpfMerge:
    """What merging into one record set gives."""

    values: tuple[str, ...]
    """The whole TXT record set after the merge, every other value kept in its place."""
    spf_before: Optional[str]
    """The set's SPF string before, or ``None`` when it had none."""
    spf_after: str
    added: tuple[str, ...]
    """The ``include:`` targets the merge added (already present ones are not added again)."""
    lookups: int
    """DNS-lookup terms of ``spf_after`` itself (a lower bound of what evaluating it costs)."""

    @property
    def changed(self) -> bool:
        return self.spf_before != self.spf_after


def is_spf(value: str) -> bool:
    """True for an SPF version 1 string: ``v=spf1`` alone or followed by a space (RFC 7208 4.5)."""
    lowered = value.lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def spf_values(values: Iterable[str]) -> list[str]:
    return [value for value in values if is_spf(value)]


def lookup_terms(spf: str) -> list[str]:
    """The terms of an SPF string that each cost a DNS lookup."""
    found = []
    for term in spf.split()[1:]:
        bare = term.lstrip(_QUALIFIERS).lower()
        name = bare.split(":", 1)[0].split("/", 1)[0]
        if name in _LOOKUP_MECHANISMS or bare.startswith("redirect="):
            found.append(term)
    return found


def merge_spf(values: Iterable[str], includes: Iterable[str], qualifier: str = "~") -> SpfMerge:
    """``values`` (a TXT record set) with ``include:<target>`` for each of ``includes`` in its one
    SPF string; a new ``v=spf1 include:... <qualifier>all`` string when the set has none.

    Raises ``SpfMergeError`` when the set holds several SPF strings (receivers then treat SPF as
    broken: a person must decide which one is right) or when the result needs more than 10 lookups.
    """
    values = tuple(values)
    includes = _distinct(includes)
    existing = spf_values(values)
    if len(existing) > 1:
        raise SpfMergeError(
            f"holds {len(existing)} SPF strings ({'; '.join(repr(v) for v in existing)}): receivers treat that as "
            "an SPF error (RFC 7208 3.2); merge them into one by hand first"
        )
    if not existing:
        after = " ".join(["v=spf1", *(f"include:{target}" for target in includes), f"{qualifier}all"])
        merged = SpfMerge(values + (after,), None, after, includes, len(lookup_terms(after)))
    else:
        before = existing[0]
        terms = before.split()
        present = {term.lstrip("+").lower() for term in terms}
        missing = tuple(target for target in includes if f"include:{target}" not in present)
        at = _insertion_point(terms)
        after = " ".join(terms[:at] + [f"include:{target}" for target in missing] + terms[at:])
        merged = SpfMerge(
            tuple(after if value == before else value for value in values),
            before, after, missing, len(lookup_terms(after)),
        )
    if merged.lookups > LOOKUP_LIMIT:
        raise SpfMergeError(
            f"would need at least {merged.lookups} DNS lookups once merged ({merged.spf_after!r}: "
            f"{', '.join(lookup_terms(merged.spf_after))}), and SPF allows {LOOKUP_LIMIT} (RFC 7208 4.6.4; "
            "each include's own record adds more): drop includes, or replace some with ip4:/ip6: ranges"
        )
    return merged


def unmerge_spf(values: Iterable[str], added: Iterable[str], created: bool) -> tuple[str, ...]:
    """``values`` with the ``include:`` terms of ``added`` taken out of its SPF string again; when
    the merge had ``created`` that string and nothing but its ``all`` is left, the string goes."""
    removed = {f"include:{target}".lower() for target in added}
    result = []
    for value in values:
        if not is_spf(value):
            result.append(value)
            continue
        terms = [term for term in value.split() if term.lstrip("+").lower() not in removed]
        if created and all(term.lower() == "v=spf1" or term.lstrip(_QUALIFIERS).lower() == "all" for term in terms):
            continue
        result.append(" ".join(terms))
    return tuple(result)


def apex_includes(extra: Iterable[str]) -> tuple[str, ...]:
    """What a stack's apex SPF must include: SES first, then the user's extra senders."""
    return _distinct([SPF_INCLUDE, *extra])


def _insertion_point(terms: list[str]) -> int:
    """Before the ``all`` mechanism or ``redirect=`` modifier (terms after ``all`` are never
    evaluated), else at the end."""
    for index, term in enumerate(terms[1:], start=1):
        bare = term.lstrip(_QUALIFIERS).lower()
        if bare == "all" or bare.startswith("redirect="):
            return index
    return len(terms)


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    seen: list[str] = []
    for item in items:
        if item.lower() not in seen:
            seen.append(item.lower())
    return tuple(seen)
