"""Stub lookups for one run: each (name, type) asked once, whoever needs it and however often.

The email-auth judgment of 10,000 domains asks ``amazonses.com`` TXT for every one of them
(``include:amazonses.com``) and most of its other questions more than once per domain.
:class:`SharedLookups` answers a question from what this run already learned, or asks it once
(several askers of a question still in flight wait for the same answer) and keeps the outcome
for the rest of the run. A run's lookups go to one set of nameservers, so the cache is per
nameserver set by construction: a new set is a new ``SharedLookups``.

Given nameservers are asked through the engine's :class:`~.transport.DnsTransport` (its
adaptive RFC 6298 timeouts, retries, window and dead-server breaker), one after the other as a
stub resolver that rotates its servers does: each question first to a server chosen by its name
(so 60,000 lookups share the servers' windows instead of queuing at the first one), then the
others in the order given; a timeout, REFUSED, SERVFAIL or an unreadable answer moves on to the
next server; an answer (NOERROR or NXDOMAIN) is the outcome. A server whose breaker opened (silent
through a whole query's tries) is not asked for the longest timeout after: a dead server costs
one query's tries per such time, not one per lookup. A question no server answered is not kept:
it is the asker's gap, and the next asker asks again. CNAMEs in the answer are followed, as
dnspython's resolver follows them. Without given nameservers the system's resolvers are asked
(dnspython's asynchronous resolver, with a fixed timeout: a recursive resolver's time varies
with its cache).
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
import zlib
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Iterable, Sequence

import dns.asyncresolver
import dns.exception
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.name
import dns.rdtypes.ANY.CNAME
import dns.rdtypes.ANY.MX
import dns.rdtypes.ANY.NS
import dns.rdtypes.ANY.PTR
import dns.rdtypes.txtbase
import dns.resolver

from ses_domains.engine.dns.nameservers import Nameserver
from ses_domains.engine.dns.transport import DnsTransport, QueryError, QueryResult
from ses_domains.engine.dns.wire import AnswerRecord, WireAnswer


class LookupKind(str, Enum):
    ANSWER = "answer"  # records of the type at the name (after CNAMEs)
    NXDOMAIN = "nxdomain"
    NO_ANSWER = "no answer"  # the name exists, without records of the type
    UNREACHABLE = "unreachable"  # no server gave an answer: timeouts, refusals, failures


@dataclass(frozen=True)
class LookupOutcome:
    kind: LookupKind
    rdatas: tuple[dns.rdata.Rdata, ...] = ()
    detail: str = ""  # why UNREACHABLE
    timed_out: bool = False  # UNREACHABLE with every server silent
    elapsed_s: float = 0.0  # how long the lookup took


_NAME_RDATA = {"CNAME": dns.rdtypes.ANY.CNAME.CNAME, "NS": dns.rdtypes.ANY.NS.NS, "PTR": dns.rdtypes.ANY.PTR.PTR}


def _rdata(record: AnswerRecord) -> dns.rdata.Rdata:
    """dnspython's rdata for one answer record (what a caller of dnspython's resolver reads)."""
    return _rdata_of(record.type, record.value, record.strings)


@lru_cache(maxsize=16384)
def _rdata_of(rdtype: str, value: str, strings: tuple[bytes, ...]) -> dns.rdata.Rdata:
    """Rdatas are immutable: one per value for the run (SES's MX, SPF and DMARC values are the same
    for thousands of domains)."""
    if rdtype in ("TXT", "SPF"):
        return dns.rdtypes.txtbase.TXTBase(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), strings or (b"",))
    if rdtype in _NAME_RDATA:
        return _NAME_RDATA[rdtype](dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), dns.name.from_text(value))
    if rdtype == "MX":
        preference, exchange = value.split(" ", 1)
        return dns.rdtypes.ANY.MX.MX(dns.rdataclass.IN, dns.rdatatype.MX, int(preference),
                                     dns.name.from_text(exchange))
    if rdtype in ("A", "AAAA"):
        text = str(ipaddress.ip_address(bytes.fromhex(value)))
    else:
        text = f"\\# {len(value) // 2} {value}" if value else "\\# 0"
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), text)


def _follow(name: str, rdtype: str, answers: Sequence[AnswerRecord]) -> tuple[dns.rdata.Rdata, ...]:
    """The records of ``rdtype`` at ``name``, through the CNAME chain the answer holds."""
    owner = name
    for _ in range(16):
        found = tuple(_rdata(a) for a in answers if a.name == owner and a.type == rdtype)
        if found or rdtype == "CNAME":
            return found
        alias = next((a.value for a in answers if a.name == owner and a.type == "CNAME"), None)
        if alias is None:
            return ()
        owner = alias
    return ()


def _outcome(name: str, rdtype: str, answer: WireAnswer) -> LookupOutcome | None:
    """What an answer says (None: the server failed, ask the next one)."""
    if answer.rcode == dns.rcode.NXDOMAIN:
        return LookupOutcome(LookupKind.NXDOMAIN)
    if answer.rcode != dns.rcode.NOERROR:
        return None
    found = _follow(name, rdtype, answer.answers)
    return LookupOutcome(LookupKind.ANSWER, found) if found else LookupOutcome(LookupKind.NO_ANSWER)


def _key(name: str, rdtype: str) -> tuple[str, str]:
    return str(name).rstrip(".").lower(), rdtype.upper()


class SharedLookups:
    """One run's lookups: each question asked once, its outcome kept for the run.

    ``servers``: where to ask, in order (empty: the system's resolvers). Nothing is sent past
    ``deadline`` (monotonic): a question not asked by then is UNREACHABLE ("time ran out")."""

    def __init__(self, servers: Sequence[Nameserver], transport: DnsTransport | None, deadline: float, *,
                 system_timeout_s: float = 0.5, system_lifetime_s: float = 1.5) -> None:
        self.servers = tuple(servers)
        self._transport = transport
        self.deadline = deadline
        self._outcomes: dict[tuple[str, str], LookupOutcome] = {}
        self._pending: dict[tuple[str, str], asyncio.Future] = {}
        self._heard: dict[tuple[str, str], WireAnswer] = {}  # first server's answers to others' questions
        self._expected: dict[tuple[str, str], int] = {}  # questions askers will ask -> their first server
        self._index_by_id: dict[int, tuple[Nameserver, int]] = {}
        self._rotations = [self.servers[i:] + self.servers[:i] for i in range(len(self.servers))]
        self._system = None
        if not self.servers:
            self._system = dns.asyncresolver.Resolver()
            self._system.timeout, self._system.lifetime = system_timeout_s, system_lifetime_s
            self._system.cache = None

    def peek(self, name: str, rdtype: str) -> LookupOutcome | None:
        """What this run learned of the question, without asking (None: not asked yet, or no
        server answered it)."""
        return self._known(_key(name, rdtype))

    def _known(self, key: tuple[str, str]) -> LookupOutcome | None:
        outcome = self._outcomes.get(key)
        if outcome is None and key in self._heard:
            outcome = self._outcomes[key] = _outcome(key[0], key[1], self._heard.pop(key))
        return outcome

    async def get(self, name: str, rdtype: str) -> LookupOutcome:
        key = _key(name, rdtype)
        outcome = self._known(key)
        if outcome is not None:
            return outcome
        pending = self._pending.get(key)
        if pending is not None:  # someone is asking it: wait for that answer
            return await asyncio.shield(pending)
        pending = self._pending[key] = asyncio.get_running_loop().create_future()
        try:
            outcome = await self._ask(*key)
        except BaseException:
            pending.cancel()
            raise
        finally:
            del self._pending[key]
        pending.set_result(outcome)
        return outcome

    async def prefetch(self, questions: Iterable[tuple[str, str]]) -> None:
        """Ask these questions at once (those not known yet), each of its first server; what that
        server does not answer is left to :meth:`get`, which goes on to the other servers."""
        keys = list(dict.fromkeys(k for k in (_key(n, t) for n, t in questions)
                                  if self._known(k) is None and k not in self._pending))
        if not keys:
            return
        if not self.servers:
            await asyncio.gather(*(self.get(*key) for key in keys))
            return
        if time.monotonic() >= self.deadline:
            return
        stopped: dict[int, bool] = {}
        asked = []
        for key in keys:
            index = self._first_index(key)
            if index not in stopped:
                stopped[index] = self._stopped(self.servers[index])
            if not stopped[index]:
                asked.append((self.servers[index], *key))
        for (_, *key), result in zip(asked, await self._transport.query_each(asked)):
            key = tuple(key)
            if result.response is not None and self._known(key) is None:
                outcome = _outcome(key[0], key[1], result.response)
                if outcome is not None:
                    self._outcomes[key] = outcome

    def expect(self, questions: Iterable[tuple[str, str]]) -> None:
        """Questions this run's askers will ask: :meth:`learn` keeps others' answers to these
        only (most of the record check's answers, its DKIM CNAMEs, are nobody's question here)."""
        if not self.servers:
            return
        for name, rdtype in questions:
            key = _key(name, rdtype)
            self._expected[key] = self._first_index(key)

    def learn(self, result: QueryResult) -> None:
        """Keep what an expected question's first server answered to someone else (the record
        check asks the MAIL FROM TXT and MX, and the DMARC TXT): a stub asks that server first,
        and its answer is the outcome. Pass to :meth:`DnsTransport.watching`. Called for every
        query of the run: a question nobody expects costs one dictionary look-up."""
        key = (result.name, result.rdtype)  # the record check's names are lower case, no final dot: as keys
        first = self._expected.get(key)
        if first is None:
            return
        response = result.response
        if response is None or response.rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return
        if self._index_of(result.server) == first:
            self._heard.setdefault(key, response)  # read when needed

    def _index_of(self, server: Nameserver) -> int:
        """Where ``server`` is among the given ones (-1: not one of them); asked for every result,
        decided once per server object (the transport keeps one per server)."""
        known = self._index_by_id.get(id(server))
        if known is None or known[0] is not server:
            index = next((i for i, s in enumerate(self.servers) if s.endpoint == server.endpoint), -1)
            known = self._index_by_id[id(server)] = (server, index)
        return known[1]

    def _first_index(self, key: tuple[str, str]) -> int:
        """The server a question is asked of first: one chosen by its name (a stable hash), so
        the run's lookups spread over every server's window instead of queuing at one."""
        return zlib.crc32(key[0].encode()) % len(self.servers) if len(self.servers) > 1 else 0

    def dead_servers(self) -> tuple[str, ...]:
        """The given servers that stopped answering during the run (their breaker is open)."""
        if self._transport is None:
            return ()
        return tuple(s.label for s in self.servers
                     if (timing := self._transport.timing(s)) is not None and timing.breaker_open)

    def _stopped(self, server: Nameserver) -> bool:
        """Silent through a whole query's tries lately: its breaker opened less than the longest
        timeout ago. Not asked meanwhile (a dead server costs one query's tries, not one per
        lookup); asked again after, so a server that stalled for a moment is heard again."""
        timing = self._transport.timing(server) if self._transport is not None else None
        if timing is None or not timing.breaker_open:
            return False
        return asyncio.get_running_loop().time() - timing.breaker_opened_at < self._transport.max_rto_s

    async def _ask(self, name: str, rdtype: str) -> LookupOutcome:
        outcome = await (self._ask_servers(name, rdtype) if self.servers else self._ask_system(name, rdtype))
        if outcome.kind is not LookupKind.UNREACHABLE:  # a gap is the asker's, not the whole run's
            self._outcomes[(name, rdtype)] = outcome
        return outcome

    async def _ask_servers(self, name: str, rdtype: str) -> LookupOutcome:
        problems, silent, started = [], True, time.monotonic()
        for server in self._rotations[self._first_index((name, rdtype))]:
            if time.monotonic() >= self.deadline:
                problems.append(f"the check's time ran out before {server.label} was asked")
                silent = False
                break
            if self._stopped(server):  # its breaker opened a moment ago: not asked now
                problems.append(f"{server.label} stopped answering during this check")
                silent = False
                continue
            result = await self._transport.query(server, name, rdtype)
            answer = result.response
            if answer is None:
                if result.error is QueryError.NO_ANSWER:
                    problems.append(f"{server.label} stopped answering during this check")
                    silent = False
                else:
                    problems.append(f"{server.label}: {result.detail}")
                continue
            silent = False
            outcome = _outcome(name, rdtype, answer)
            if outcome is not None:
                return outcome
            problems.append(f"{server.label} returned {dns.rcode.to_text(answer.rcode)}")
        return LookupOutcome(LookupKind.UNREACHABLE, detail=f"{name} {rdtype}: " + "; ".join(problems),
                             timed_out=silent, elapsed_s=time.monotonic() - started)

    async def _ask_system(self, name: str, rdtype: str) -> LookupOutcome:
        if time.monotonic() >= self.deadline:
            return LookupOutcome(LookupKind.UNREACHABLE, detail=f"{name} {rdtype}: the check's time ran out")
        started = time.monotonic()
        try:
            answer = await self._system.resolve(name, rdtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return LookupOutcome(LookupKind.NXDOMAIN)
        except dns.resolver.NoAnswer:
            return LookupOutcome(LookupKind.NO_ANSWER)
        except dns.exception.Timeout as exc:
            return LookupOutcome(LookupKind.UNREACHABLE, detail=str(exc), timed_out=True,
                                 elapsed_s=time.monotonic() - started)
        except (dns.exception.DNSException, OSError) as exc:
            return LookupOutcome(LookupKind.UNREACHABLE, detail=str(exc) or type(exc).__name__)
        if answer.rrset is None:
            return LookupOutcome(LookupKind.NO_ANSWER)
        return LookupOutcome(LookupKind.ANSWER, tuple(answer.rrset))
