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
from ses_domains.records.values import normalize_host

from ses_domains.engine.dns.transport import QueryError, QueryResult
from ses_domains.engine.dns.wire import WireAnswer


class PairState(str, Enum):
    """What one nameserver says about one expected record."""

    UNCHECKED = "unchecked"  # no answer judged yet
    READY = "ready"
    MISSING = "missing"  # NXDOMAIN or NODATA: not there yet, keep polling
    WRONG = "wrong"  # there, with other values: keep polling (it may be updated)
    SERVFAIL = "servfail"  # server trouble: retry
    TIMEOUT = "timeout"  # no answer (every try timed out, or the server stopped answering): retry
    MALFORMED = "malformed answer"  # the answer could not be read: retry
    NETWORK_ERROR = "network error"  # the query could not be sent, or TCP failed: retry
    UNRESOLVED = "unresolved"  # the nameserver's host name has no address: never asked
    REFUSED = "refused"  # the server does not serve this zone
    NOT_AUTHORITATIVE = "not authoritative"  # answered without the AA flag (referral, cache)
    ERROR = "error"  # another rcode (FORMERR, NOTIMP...): retry

    @property
    def is_misconfiguration(self) -> bool:
        """The server is not authoritative for the zone: polling it cannot succeed."""
        return self in (PairState.REFUSED, PairState.NOT_AUTHORITATIVE)

    @property
    def could_not_check(self) -> bool:
        """The server could not be asked or gave no usable answer: nothing is known about the
        record there. Not the same as "checked and not there" (MISSING, WRONG) or a
        misconfiguration (REFUSED, NOT_AUTHORITATIVE)."""
        return self in _COULD_NOT_CHECK


_COULD_NOT_CHECK = frozenset({
    PairState.UNCHECKED, PairState.SERVFAIL, PairState.TIMEOUT, PairState.MALFORMED,
    PairState.NETWORK_ERROR, PairState.UNRESOLVED, PairState.ERROR,
})


@dataclass(frozen=True)
class AnswerVerdict:
    """The judgment of one answer (or failed query) against one expected record."""

    state: PairState
    found: tuple[str, ...] = ()
    detail: str = ""


_ERROR_STATES = {
    QueryError.TIMEOUT: PairState.TIMEOUT,
    QueryError.NO_ANSWER: PairState.TIMEOUT,
    QueryError.MALFORMED: PairState.MALFORMED,
    QueryError.TCP_FAILED: PairState.NETWORK_ERROR,
    QueryError.NETWORK: PairState.NETWORK_ERROR,
}


def judge_result(record: DnsRecord, result: QueryResult) -> AnswerVerdict:
    """Judge a transport result: errors map to "could not check" states, answers to :func:`judge_answer`."""
    if result.response is None:
        state = _ERROR_STATES.get(result.error, PairState.ERROR)
        return AnswerVerdict(state, detail=result.detail or (result.error.value if result.error else "error"))
    return judge_answer(record, result.response)


_RECENT_KEPT = 4096
_recent: dict[tuple[int, int], tuple[DnsRecord, WireAnswer, AnswerVerdict]] = {}


def judge_answer(record: DnsRecord, response: WireAnswer) -> AnswerVerdict:
    """Judge one non-recursive answer for ``record`` (question = record name and type).

    Pure, and every argument immutable: the transport hands every server's identical answer to
    a question as one object, judged once (the entry keeps both alive, so their ids stay theirs)."""
    key = (id(record), id(response))
    recent = _recent.get(key)
    if recent is not None and recent[0] is record and recent[1] is response:
        return recent[2]
    verdict = _judge_answer(record, response)
    if len(_recent) >= _RECENT_KEPT:
        _recent.clear()
    _recent[key] = (record, response, verdict)
    return verdict


def _judge_answer(record: DnsRecord, response: WireAnswer) -> AnswerVerdict:
    rcode = response.rcode
    if rcode == _NOERROR and response.authoritative:  # nearly every answer
        return _judge_records(record, response)
    if rcode == dns.rcode.REFUSED:
        return AnswerVerdict(PairState.REFUSED, detail="REFUSED: the server does not serve this zone")
    if rcode == dns.rcode.SERVFAIL:
        return AnswerVerdict(PairState.SERVFAIL, detail="SERVFAIL")
    if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        return AnswerVerdict(PairState.ERROR, detail=dns.rcode.to_text(rcode))
    if not response.authoritative:
        return AnswerVerdict(
            PairState.NOT_AUTHORITATIVE,
            detail="answer without the AA flag: the server is not authoritative for the zone",
        )
    if rcode == dns.rcode.NXDOMAIN:
        return AnswerVerdict(PairState.MISSING, detail="NXDOMAIN")
    return _judge_records(record, response)


_NOERROR = int(dns.rcode.NOERROR)


def _judge_records(record: DnsRecord, response: WireAnswer) -> AnswerVerdict:
    """A NOERROR authoritative answer: the records of the type at the name."""
    qname = normalize_host(record.name)
    rdtype = record.type.upper()
    found = tuple(a.value for a in response.answers if a.name == qname and a.type == rdtype)
    if not found:
        aliases = tuple(f"CNAME {a.value}" for a in response.answers if a.name == qname and a.type == "CNAME")
        if aliases:
            return AnswerVerdict(PairState.WRONG, aliases, detail="the name is a CNAME")
        return AnswerVerdict(PairState.MISSING, detail="NODATA")
    if record.satisfied_by(found):
        return AnswerVerdict(PairState.READY, found)
    return AnswerVerdict(PairState.WRONG, found, detail="different value")
