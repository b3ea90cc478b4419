"""Judging one authoritative answer against one expected record (pure: no I/O).

Comparison rules (what SES itself needs to see):

- CNAME: the target, case-insensitive, trailing dot ignored.
- TXT: each expected value must be one of the TXT rdatas at the name, where an rdata's
  character-strings are joined without separator (a 400-char DKIM key split into 255-char
  strings is one value). Other TXT values at the name are fine (site verifications).
- MX: each expected ``"<preference> <host>"`` must be present with the same preference
  and host (host case-insensitive, trailing dot ignored); other MX rdatas are fine.

``found`` always holds what the server returned, in the same presentation as
``DnsRecord.values``, so a report can show "expected X, found Y".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import dns.rcode

from ses_domains.records.model import DnsRecord

from ses_domains.engine.dns.transport import QueryError, QueryResult
from ses_domains.engine.dns.wire import WireAnswer


class PairState(str, Enum):
    """What one nameserver says about one expected record."""

    UNCHECKED = "unchecked"  # no answer judged yet
    READY = "ready"
    MISSING = "missing"  # NXDOMAIN or NODATA: not there yet, keep polling
    WRONG = "wrong"  # there, with other values: keep polling (it may be updated)
    SERVFAIL = "servfail"  # server trouble: retry
    TIMEOUT = "timeout"  # no answer: retry
    REFUSED = "refused"  # the server does not serve this zone
    NOT_AUTHORITATIVE = "not authoritative"  # answered without the AA flag (referral, cache)
    ERROR = "error"  # another rcode or a broken answer: retry

    @property
    def is_misconfiguration(self) -> bool:
        """The server is not authoritative for the zone: polling it cannot succeed."""
        return self in (PairState.REFUSED, PairState.NOT_AUTHORITATIVE)


@dataclass(frozen=True)
class Verdict:
    state: PairState
    found: tuple[str, ...] = ()
    detail: str = ""


def normalize_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def parse_mx(value: str) -> tuple[int, str]:
    """``"10 feedback-smtp.eu-west-1.amazonses.com"`` -> ``(10, "feedback-smtp...")``."""
    preference, _, host = value.strip().partition(" ")
    return int(preference), normalize_host(host)


def values_match(record: DnsRecord, found: tuple[str, ...]) -> bool:
    """Whether the found values (presentation form) satisfy the expected record."""
    rdtype = record.type.upper()
    if rdtype == "CNAME":
        return len(found) == 1 and {normalize_host(v) for v in record.values} == {normalize_host(found[0])}
    if rdtype == "MX":
        have = {parse_mx(v) for v in found}
        return all(parse_mx(v) in have for v in record.values)
    if rdtype == "TXT":
        have = set(found)
        return all(v in have for v in record.values)
    raise ValueError(f"unsupported record type {record.type!r} for {record.name}")


def judge_result(record: DnsRecord, result: QueryResult) -> Verdict:
    """Judge a transport result: errors map to TIMEOUT/ERROR, answers to :func:`judge_answer`."""
    if result.response is None:
        state = PairState.TIMEOUT if result.error in (QueryError.TIMEOUT, QueryError.NO_ANSWER) else PairState.ERROR
        return Verdict(state, detail=f"{result.error.value if result.error else 'error'}: {result.detail}".rstrip(": "))
    return judge_answer(record, result.response)


def judge_answer(record: DnsRecord, response: WireAnswer) -> Verdict:
    """Judge one non-recursive answer for ``record`` (question = record name and type)."""
    rcode = response.rcode
    if rcode == dns.rcode.REFUSED:
        return Verdict(PairState.REFUSED, detail="REFUSED: the server does not serve this zone")
    if rcode == dns.rcode.SERVFAIL:
        return Verdict(PairState.SERVFAIL, detail="SERVFAIL")
    if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        return Verdict(PairState.ERROR, detail=dns.rcode.to_text(rcode))
    if not response.authoritative:
        return Verdict(
            PairState.NOT_AUTHORITATIVE,
            detail="answer without the AA flag: the server is not authoritative for the zone",
        )
    if rcode == dns.rcode.NXDOMAIN:
        return Verdict(PairState.MISSING, detail="NXDOMAIN")
    qname = normalize_host(record.name)
    rdtype = record.type.upper()
    found = tuple(a.value for a in response.answers if a.name == qname and a.type == rdtype)
    if not found:
        aliases = tuple(f"CNAME {a.value}" for a in response.answers if a.name == qname and a.type == "CNAME")
        if aliases:
            return Verdict(PairState.WRONG, aliases, detail="the name is a CNAME")
        return Verdict(PairState.MISSING, detail="NODATA")
    if values_match(record, found):
        return Verdict(PairState.READY, found)
    return Verdict(PairState.WRONG, found, detail="different value")
