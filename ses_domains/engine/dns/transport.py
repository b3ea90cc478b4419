"""A fast concurrent DNS transport for polling authoritative servers.

Why not one ``dns.asyncquery.udp`` per question: that opens, binds and closes a socket
and spawns a task for every query, which dominates the cost of a 24,000-query round.
Here each server gets a few long-lived connected UDP sockets, read by an event-loop
reader callback that drains them; queries are pipelined on them with random distinct 16-bit ids and
answers are matched by (id, question). Wire messages are pre-rendered once per question:
sending a query is ``id + template``. Each server has a bounded window of queries in
flight (never flood a server) and its own timers (a heap of every query's timeout, one loop
timer for the earliest), so the timeouts of a dead server run concurrently and never delay
answers from the others. A socket's reader drains every datagram queued, then refills the
window once; each call's questions share one future (no future per question). A question
already waiting for an answer from a server (another caller's: the record check and the email-auth
judgment ask some of the same) is not asked again: its result goes to every caller.

Every query ends: with an answer, with an error, or when its last attempt times out,
whatever bytes arrive. Anything that goes wrong while handling a datagram finishes that
query as ``MALFORMED``; nothing escapes the socket callback.

Timeouts adapt to each server's measured round trip, as TCP's retransmission timer does
(RFC 6298): a smoothed RTT and its variation per server, RTO = SRTT + 4 * RTTVAR clamped
to [``min_rto_s``, ``max_rto_s``], starting at ``initial_rto_s``; no sample is taken from a
query that was sent more than once (Karn), and the RTO doubles on a timeout (once per
burst of queries sent with the same RTO, not once per query). An answer to any attempt
of a query is accepted, so a server slower than the current RTO still gets its answer
through, and the next queries wait long enough.

A server not heard from yet gets one query (a probe) until it answers; then its window
opens. While a server is silent (not heard from yet, or its breaker open), its probe is sent
again every ``resend_every_s`` within the probe's own timeout, each copy with its own id: the
timeout still grows with the server's measured (or backed-off) round trip, and an answer to any
copy counts, so a slow server is waited for as long as before while a server that comes back
after a silence is heard within ``resend_every_s`` (a timeout of 3 s would leave it unheard for
up to 3 s). A query whose every attempt timed out with no answer at all from its server
meanwhile opens the server's breaker: every query waiting for that server fails at once
with ``NO_ANSWER``, and from then on one probe at a time is sent (no retries), every
other query failing at once, until an answer closes the breaker. So a dead server costs
about one timeout per round, not one per query.

Truncated UDP answers (TC bit) are retried over TCP. Recursion is never requested (RD
clear); EDNS0 advertises a 1232-byte UDP payload (the DNS flag day 2020 size).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
import heapq
import time
from functools import lru_cache
from typing import Callable, Iterable

import dns.name
import dns.rdatatype

from ses_domains.engine.dns.round_trip import RtoLimits, next_estimate
from ses_domains.engine.dns.wire import WireAnswer, parse_answer
from ses_domains.engine.dns.nameservers import Nameserver

EDNS_UDP_PAYLOAD = 1232
_FLAG_TC = 0x0200
_CLASS_IN = 1
_PARSED_KEPT = 4096  # recent answers kept parsed (the same question's answers come in together)
_CLOCK_RESOLUTION = time.get_clock_info("monotonic").resolution  # as the event loop counts a timer due


class QueryError(str, Enum):
    """Why a query got no usable answer (the answer's own rcode is judged elsewhere)."""

    TIMEOUT = "timeout"  # every attempt timed out
    NO_ANSWER = "no answer"  # not sent: the server's breaker is open (it stopped answering)
    TCP_FAILED = "tcp failed"  # truncated over UDP and the TCP retry failed
    MALFORMED = "malformed"  # the answer could not be parsed
    NETWORK = "network error"  # the socket could not be opened or written


@dataclass(frozen=True)
class QueryResult:
    """The outcome of one question to one server: a parsed answer or an error."""

    server: Nameserver
    name: str
    rdtype: str
    response: WireAnswer | None
    error: QueryError | None = None
    detail: str = ""  # why there is no usable answer, as a plain sentence
    via_tcp: bool = False
    attempts: int = 1


@dataclass
class TransportStats:
    """Counters since the transport was created (read them, do not write)."""

    queries_sent: int = 0  # every datagram or TCP query put on the wire, retries included
    udp_sent: int = 0
    tcp_sent: int = 0
    truncated: int = 0  # UDP answers with TC set (each caused one TCP query)
    timeouts: int = 0  # attempts that timed out
    retries: int = 0
    resends: int = 0  # copies of a probe sent to a silent server while its timeout runs
    answers: int = 0
    fast_failed: int = 0  # queries failed without sending because a breaker was open
    stray_answers: int = 0  # datagrams matching no query in flight (late or spoofed)


def _qname_wire(name: str) -> bytes:
    """The name in wire format; plain host names (most of them) without dnspython's Name object,
    a tenth of its cost."""
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    if (name.isascii() and "\\" not in name and len(name) <= 253
            and all(0 < len(label) <= 63 for label in labels)):
        return b"".join(bytes((len(label),)) + label.encode() for label in labels) + b"\0"
    return dns.name.from_text(name).to_wire()


_HEADER_AFTER_ID = struct.pack("!HHHHH", 0, 1, 0, 0, 1)  # flags 0 (RD clear), 1 question, 1 OPT
_OPT = b"\x00" + struct.pack("!HHIH", 41, EDNS_UDP_PAYLOAD, 0, 0)


@lru_cache(maxsize=256)
def _type_and_class(rdtype: str) -> bytes:
    return struct.pack("!HH", dns.rdatatype.from_text(rdtype), _CLASS_IN)


@lru_cache(maxsize=65536)
def _render_template(name: str, rdtype: str) -> tuple[bytes, bytes]:
    """The query after its 2-byte id, and the lower-cased question section for matching."""
    question = _qname_wire(name) + _type_and_class(rdtype)
    return _HEADER_AFTER_ID + question + _OPT, question.lower()


class _Batch:
    """The questions of one ``query``/``query_many`` call: their results in order, ``on_result`` called
    as each ends, and one future for the caller that is done when all are (one future per call,
    not one per question: at 240,000 questions the futures and their callbacks cost more than the
    sockets)."""

    __slots__ = ("results", "left", "future", "on_result", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop, count: int,
                 on_result: Callable[[int, "QueryResult"], None] | None) -> None:
        self.results: list = [None] * count
        self.left = count
        self.loop = loop
        self.future = loop.create_future()
        self.on_result = on_result

    def done(self, index: int, result: "QueryResult") -> None:
        self.results[index] = result
        if self.on_result is not None:
            try:
                self.on_result(index, result)
            except Exception as exc:  # the caller's bug: reported as a future's callback's would be
                self.loop.call_exception_handler({"message": "on_result raised", "exception": exc})
        self.left -= 1
        if not self.left and not self.future.done():
            self.future.set_result(self.results)


class _Query:
    __slots__ = ("waiters", "done", "name", "rdtype", "template", "question", "attempt", "sends", "ids",
                 "timer_key", "sent_at", "first_sent_at", "rto", "in_flight")

    def __init__(self, batch: _Batch, index: int, name: str, rdtype: str) -> None:
        self.waiters = [(batch, index)]  # every call waiting for this question's result
        self.done = False  # finished, or given up by every caller waiting for it (cancelled)
        self.name = name
        self.rdtype = rdtype
        self.template, self.question = _render_template(name, rdtype)
        self.attempt = 0  # attempts, each with its own timeout (retries after a timeout)
        self.sends = 0  # datagrams put on the wire: attempts and the resends within them
        self.ids: list[tuple[_UdpSocket, int]] = []  # every attempt's (socket, id): any may be answered
        self.timer_key = 0  # its live entry in the channel's timers (0: none)
        self.sent_at = 0.0  # when the last attempt was sent
        self.first_sent_at = 0.0
        self.rto = 0.0  # the timeout the last attempt was sent with
        self.in_flight = False


class _UdpSocket:
    """A connected non-blocking UDP socket; its reader drains every queued datagram at once.

    (asyncio's datagram transport reads one datagram per loop iteration: with hundreds of
    answers queued, timers would fire for queries whose answers are already waiting.)
    """

    def __init__(self, channel: "_ServerChannel") -> None:
        self.channel = channel
        self.waiting: dict[int, _Query] = {}
        family = socket.AF_INET6 if ":" in channel.server.address else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            self.sock.setblocking(False)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            self.sock.connect(channel.server.endpoint)
        except OSError:
            self.sock.close()
            raise
        self.open = True
        channel.loop.add_reader(self.sock.fileno(), self._read_ready)

    def send(self, wire: bytes) -> None:
        self.sock.send(wire)

    def _read_ready(self) -> None:
        recv, on_datagram = self.sock.recv, self.channel.on_datagram
        try:
            for _ in range(1024):
                try:
                    data = recv(65535)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:  # ICMP unreachable reported on a connected socket: keep waiting
                    continue
                on_datagram(self, data)
        finally:
            self.channel.pump()  # the window refilled once for every answer read

    def close(self) -> None:
        if self.open:
            self.open = False
            self.channel.loop.remove_reader(self.sock.fileno())
            self.sock.close()


def _why(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _silence(sends: int, seconds: float) -> str:
    return f"nothing came back to {sends} {'query' if sends == 1 else 'queries'} in {seconds:.1f}s"


@dataclass(frozen=True)
class ServerTiming:
    """What the transport has measured of one server's round trip (seconds)."""

    srtt_s: float | None  # smoothed round-trip time; None before the first clean sample
    rttvar_s: float | None
    rto_s: float  # the timeout the next query to it is sent with
    breaker_open: bool
    breaker_opened_at: float | None = None  # loop time its breaker last opened (a query silent through)


class _ServerChannel:
    """Sockets, window, round-trip estimate, timers and breaker state for one nameserver."""

    def __init__(self, owner: "DnsTransport", server: Nameserver) -> None:
        self.owner = owner
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.sockets: list[_UdpSocket] = []
        self.next_socket = 0
        self.backlog: deque[_Query] = deque()
        self.in_flight = 0
        self.srtt: float | None = None
        self.rttvar: float | None = None
        self.rto = owner.initial_rto_s
        self.rto_limits = RtoLimits(owner.initial_rto_s, owner.min_rto_s, owner.max_rto_s)
        self.alive = False  # answered at least once since the channel opened
        self.last_answer_at = float("-inf")
        self.breaker_open = False
        self.breaker_opened_at = 0.0
        self.opening: asyncio.Task | None = None
        # Every query's next timeout or resend: one heap of (when, key, is_resend, query) and one
        # loop timer for its earliest entry, instead of a loop timer per query. An entry whose key
        # is no longer its query's ``timer_key`` was cancelled (answered, re-armed) and is skipped.
        self.timers: list = []
        self.timer_keys = 0
        self.timer_handle: asyncio.TimerHandle | None = None
        self.timer_when = 0.0
        self.firing = False
        self.asking: dict[tuple[str, str], _Query] = {}  # (name, type) -> its query not ended yet

    async def open(self) -> None:
        for _ in range(self.owner.sockets_per_server):
            self.sockets.append(_UdpSocket(self))

    def timing(self) -> ServerTiming:
        return ServerTiming(self.srtt, self.rttvar, self.rto, self.breaker_open,
                            self.breaker_opened_at if self.breaker_open else None)

    @property
    def silent(self) -> bool:
        """Not heard from since the channel opened, or stopped answering (breaker open)."""
        return not self.alive or self.breaker_open

    def pump(self) -> None:
        window = self.owner.max_in_flight_per_server if self.alive and not self.breaker_open else 1
        while self.backlog and self.in_flight < window:
            query = self.backlog.popleft()
            if query.done:  # cancelled by the caller, or answered while queued for a retry
                self._forget(query)
                continue
            self._send(query)
        if self.breaker_open and self.in_flight >= 1:
            self._fail_backlog()  # a probe is out: everything else fails at once

    def _fail_backlog(self) -> None:
        while self.backlog:
            query = self.backlog.popleft()
            self._forget(query)
            if not query.done:
                self.owner.stats.fast_failed += 1
                self._finish(query, None, QueryError.NO_ANSWER, "not asked, as the server had stopped answering")

    def _send(self, query: _Query) -> None:
        query.attempt += 1
        now = self.loop.time()
        if query.attempt == 1:
            query.first_sent_at = now
        query.sent_at, query.rto, query.in_flight = now, self.rto, True
        self.in_flight += 1
        if self._put_on_wire(query):
            self._arm(query)

    def _put_on_wire(self, query: _Query) -> bool:
        """One datagram of ``query`` with a fresh id; False (and the query finished) if it could not be sent."""
        proto = self.sockets[self.next_socket]
        self.next_socket = (self.next_socket + 1) % len(self.sockets)
        if proto.open:
            qid = random.getrandbits(16)
            while qid in proto.waiting:
                qid = random.getrandbits(16)
            proto.waiting[qid] = query
            query.ids.append((proto, qid))
            query.sends += 1
            stats = self.owner.stats
            stats.queries_sent += 1
            stats.udp_sent += 1
            try:
                proto.send(qid.to_bytes(2, "big") + query.template)
                return True
            except OSError as exc:
                problem = f"the query could not be sent: {exc.strerror or exc}"
        else:
            problem = "the socket was closed"
        query.in_flight = False
        self.in_flight -= 1
        self._forget(query)
        self._finish(query, None, QueryError.NETWORK, problem)
        return False

    def _arm(self, query: _Query) -> None:
        """The query's next timer: its attempt's timeout, or sooner a resend if the server is silent."""
        expires = query.sent_at + query.rto
        resend_at = self.loop.time() + self.owner.resend_every_s
        if self.silent and resend_at < expires:
            self._schedule(query, resend_at, True)
        else:
            self._schedule(query, expires, False)

    def _schedule(self, query: _Query, when: float, resend: bool) -> None:
        self.timer_keys += 1
        query.timer_key = self.timer_keys
        heapq.heappush(self.timers, (when, self.timer_keys, resend, query))
        if not self.firing and (self.timer_handle is None or when < self.timer_when):
            self._arm_timer(when)

    def _arm_timer(self, when: float) -> None:
        if self.timer_handle is not None:
            self.timer_handle.cancel()
        self.timer_when = when
        self.timer_handle = self.loop.call_at(when, self._on_timers)

    def _on_timers(self) -> None:
        """Run every entry that is due (as the loop runs a due timer), then wait for the next.
        Entries scheduled meanwhile wait for the next firing, as a loop timer would."""
        self.timer_handle = None
        timers, due = self.timers, []
        due_at = self.loop.time() + _CLOCK_RESOLUTION
        while timers and timers[0][0] <= due_at:
            due.append(heapq.heappop(timers))
        self.firing = True
        try:
            for _, key, resend, query in due:
                if query.timer_key != key:  # cancelled: answered, or given a new timer
                    continue
                query.timer_key = 0
                try:
                    (self._on_resend if resend else self._on_timeout)(query)
                except Exception as exc:  # a bug: reported, and the other queries' timers still run
                    self.loop.call_exception_handler({"message": "DNS query timer failed", "exception": exc})
        finally:
            self.firing = False
            while timers and timers[0][3].timer_key != timers[0][1]:
                heapq.heappop(timers)
            if timers and (self.timer_handle is None or timers[0][0] < self.timer_when):
                self._arm_timer(timers[0][0])

    def _on_resend(self, query: _Query) -> None:
        if query.done or not query.in_flight:
            return
        self.owner.stats.resends += 1
        if self._put_on_wire(query):
            self._arm(query)
        else:
            self.pump()

    def _forget(self, query: _Query) -> None:
        """Stop matching answers to any attempt of ``query``."""
        for proto, qid in query.ids:
            if proto.waiting.get(qid) is query:
                del proto.waiting[qid]
        query.ids.clear()

    def _sample(self, rtt: float) -> None:
        """RFC 6298 section 2: fold one round-trip measurement into SRTT, RTTVAR and RTO."""
        self.srtt, self.rttvar, self.rto = next_estimate(self.srtt, self.rttvar, rtt, self.rto_limits)

    def on_datagram(self, proto: _UdpSocket, data: bytes) -> None:
        """Match a datagram to its query and finish that query; never raises."""
        query = None
        try:
            query = self._match(proto, data)
            if query is None:
                return
            if (data[2] << 8 | data[3]) & _FLAG_TC:
                self.owner.stats.truncated += 1
                self.owner._spawn(self._retry_over_tcp(query))
            else:
                self._finish_wire(query, data, via_tcp=False)
        except Exception as exc:  # a bug or a datagram nobody foresaw: the query still ends
            if query is not None:
                self._finish(query, None, QueryError.MALFORMED, f"the answer could not be read: {_why(exc)}")

    def _match(self, proto: _UdpSocket, data: bytes) -> _Query | None:
        """The query ``data`` answers (any of its attempts), with its bookkeeping settled."""
        if len(data) < 12:
            self.owner.stats.stray_answers += 1
            return None
        qid = (data[0] << 8) | data[1]
        query = proto.waiting.get(qid)
        if query is None or not (data.startswith(query.question, 12)  # the question echoed as sent
                                 or data[12 : 12 + len(query.question)].lower() == query.question):
            self.owner.stats.stray_answers += 1
            return None
        now = self.loop.time()
        clean = query.attempt == 1 and len(query.ids) == 1  # Karn: one transmission, no ambiguity
        self._forget(query)
        if query.in_flight:
            query.in_flight = False
            query.timer_key = 0
            self.in_flight -= 1
        if clean:
            self._sample(now - query.sent_at)
        self.alive, self.breaker_open, self.last_answer_at = True, False, now
        self.owner.stats.answers += 1
        return query

    def _on_timeout(self, query: _Query) -> None:
        query.in_flight = False
        self.in_flight -= 1
        stats = self.owner.stats
        stats.timeouts += 1
        if query.rto >= self.rto:  # the first timeout at this RTO: back off (RFC 6298 5.5)
            self.rto = min(self.rto * 2, self.owner.max_rto_s)
        if query.done:
            self._forget(query)
        elif query.attempt <= self.owner.retries and not self.breaker_open:
            stats.retries += 1
            self.backlog.appendleft(query)  # earlier attempts stay matchable: a late answer counts
        else:
            self._forget(query)
            self._finish(query, None, QueryError.TIMEOUT, _silence(query.sends, self.loop.time() - query.first_sent_at))
            if self.last_answer_at < query.first_sent_at:  # silent through every attempt
                self.breaker_open, self.breaker_opened_at = True, self.loop.time()
                self._fail_backlog()
        self.pump()

    def tcp_timeout(self) -> float:
        """Connect and ask: at least two round trips."""
        return max(self.owner.tcp_timeout_s, 3 * self.rto)

    async def _retry_over_tcp(self, query: _Query) -> None:
        stats = self.owner.stats
        stats.queries_sent += 1
        stats.tcp_sent += 1
        qid = random.getrandbits(16)
        wire = struct.pack("!H", qid) + query.template
        writer = None
        try:
            async with asyncio.timeout(self.tcp_timeout()):
                reader, writer = await asyncio.open_connection(*self.server.endpoint)
                writer.write(struct.pack("!H", len(wire)) + wire)
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                data = await reader.readexactly(length)
        except asyncio.CancelledError:
            self._finish(query, None, QueryError.NETWORK, "the check ended before an answer came")
            raise
        except Exception as exc:  # OSError, timeout, short read, or anything else: the query ends
            self._finish(query, None, QueryError.TCP_FAILED,
                         f"the answer was too long for UDP, and asking over TCP failed: {_why(exc)}")
            return
        finally:
            if writer is not None:
                writer.close()
        if data[:2] != wire[:2] or data[12 : 12 + len(query.question)].lower() != query.question:
            self._finish(query, None, QueryError.MALFORMED, "the answer over TCP does not match the question")
            return
        self._finish_wire(query, data, via_tcp=True)

    def _finish_wire(self, query: _Query, data: bytes, *, via_tcp: bool) -> None:
        # The servers of a zone send the same bytes to the same question, but for the id: parsed
        # once (a parse reads nothing of the id, and its result is immutable).
        parsed = self.owner._parsed
        key = data[2:]
        message = parsed.get(key)
        if message is None:
            try:
                message = parse_answer(data)
            except Exception as exc:  # parse_answer raises WireFormatError only; belt and braces
                self._finish(query, None, QueryError.MALFORMED, f"the answer could not be read: {_why(exc)}",
                             via_tcp=via_tcp)
                return
            if len(parsed) >= _PARSED_KEPT:
                parsed.clear()
            parsed[key] = message
        self._finish(query, message, None, "", via_tcp=via_tcp)

    def _finish(self, query, message, error, detail, *, via_tcp: bool = False) -> None:
        if not query.done:
            query.done = True
            result = QueryResult(self.server, query.name, query.rdtype, message, error, detail,
                                 via_tcp, max(query.sends, 1))
            for listener in self.owner._listeners:
                listener(result)
            if self.asking.get((query.name, query.rdtype)) is query:
                del self.asking[(query.name, query.rdtype)]
            for batch, index in query.waiters:
                batch.done(index, result)

    def ask(self, batch: _Batch, questions: Iterable[tuple[int, str, str]]) -> list[_Query]:
        """Queue ``batch``'s questions (its index for the result, name, type); one already waiting
        for an answer from this server (another caller's, e.g. the record check's and the
        email-auth judgment's) is not asked again: its result goes to both."""
        queries, asking, backlog = [], self.asking, self.backlog
        for index, name, rdtype in questions:
            query = asking.get((name, rdtype))
            if query is None:
                query = asking[(name, rdtype)] = _Query(batch, index, name, rdtype)
                backlog.append(query)
            else:
                query.waiters.append((batch, index))
            queries.append(query)
        self.pump()
        return queries

    def give_up(self, batch: _Batch, queries: list[_Query]) -> None:
        """``batch``'s caller stopped waiting: a question nobody else waits for is not sent (or
        its answer not reported)."""
        for query in queries:
            if query.done:
                continue
            query.waiters = [w for w in query.waiters if w[0] is not batch]
            if not query.waiters:
                query.done = True
                if self.asking.get((query.name, query.rdtype)) is query:
                    del self.asking[(query.name, query.rdtype)]

    def close(self) -> None:
        pending = [q for proto in self.sockets for q in proto.waiting.values()] + list(self.backlog)
        for proto in self.sockets:
            proto.close()
            proto.waiting.clear()
        self.backlog.clear()
        if self.timer_handle is not None:
            self.timer_handle.cancel()
            self.timer_handle = None
        self.timers.clear()
        for query in pending:
            query.timer_key = 0
            self._finish(query, None, QueryError.NETWORK, "the check ended before an answer came")


@dataclass
class DnsTransport:
    """Concurrent UDP (+TCP on truncation) queries to authoritative servers, recursion off.

    Use within one event loop: ``async with DnsTransport() as transport: ...``. One
    transport may be shared by several concurrent waits; ``stats`` counts for all of them.
    """

    initial_rto_s: float = 0.3  # a server not measured yet; with one retry at 0.6 s it has 0.9 s
    min_rto_s: float = 0.2
    max_rto_s: float = 3.0
    retries: int = 1
    resend_every_s: float = 0.4  # how often a silent server's probe is sent again while its timeout runs
    tcp_timeout_s: float = 2.0
    sockets_per_server: int = 2
    max_in_flight_per_server: int = 128
    stats: TransportStats = field(default_factory=TransportStats)
    _channels: dict = field(default_factory=dict, repr=False)
    _tasks: set = field(default_factory=set, repr=False)
    _listeners: list = field(default_factory=list, repr=False)
    _parsed: dict = field(default_factory=dict, repr=False)  # answer bytes after the id -> WireAnswer

    async def __aenter__(self) -> "DnsTransport":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def _channel(self, server: Nameserver) -> _ServerChannel:
        key = server.endpoint
        channel = self._channels.get(key)
        if channel is not None and channel.opening is not None and channel.opening.done() and channel.sockets:
            return channel
        if channel is None:
            channel = _ServerChannel(self, server)
            self._channels[key] = channel
            channel.opening = asyncio.ensure_future(channel.open())
        if channel.opening is not None:
            await asyncio.shield(channel.opening)
        return channel

    def timing(self, server: Nameserver) -> ServerTiming | None:
        """The round-trip estimate of ``server`` (None if it was never asked)."""
        channel = self._channels.get(server.endpoint)
        return channel.timing() if channel is not None and channel.opening is not None else None

    @contextlib.contextmanager
    def watching(self, listener: Callable[[QueryResult], None]):
        """``listener(result)`` is called with every query's result while the block runs (one
        user of the transport learns what another one asked)."""
        self._listeners.append(listener)
        try:
            yield
        finally:
            self._listeners.remove(listener)

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def query(self, server: Nameserver, name: str, rdtype: str) -> QueryResult:
        """Ask one server one question (non-recursive); never raises for DNS failures."""
        try:
            channel = await self._channel(server)
        except OSError as exc:
            return QueryResult(server, name, rdtype, None, QueryError.NETWORK, str(exc))
        batch = _Batch(asyncio.get_running_loop(), 1, None)
        queries = channel.ask(batch, [(0, name, rdtype)])
        try:
            return (await batch.future)[0]
        finally:
            if batch.left:
                channel.give_up(batch, queries)

    async def query_many(self, server: Nameserver, questions: list[tuple[str, str]], *,
                         on_result: Callable[[int, QueryResult], None] | None = None) -> list[QueryResult]:
        """Ask one server many questions at once, in the server's window; results in order.

        ``on_result(index, result)`` is called as each answer arrives, so a caller that stops
        waiting (a deadline) has already seen every answer that came in time."""
        try:
            channel = await self._channel(server)
        except OSError as exc:
            results = [QueryResult(server, n, t, None, QueryError.NETWORK, str(exc)) for n, t in questions]
            if on_result is not None:
                for index, result in enumerate(results):
                    on_result(index, result)
            return results
        if not questions:
            return []
        batch = _Batch(asyncio.get_running_loop(), len(questions), on_result)
        queries = channel.ask(batch, [(index, name, rdtype) for index, (name, rdtype) in enumerate(questions)])
        try:
            return list(await batch.future)
        finally:
            if batch.left:  # given up by the caller (cancelled): what is left is not sent, nor reported
                channel.give_up(batch, queries)

    async def query_each(self, questions: list[tuple[Nameserver, str, str]]) -> list[QueryResult]:
        """Ask each question of its own server, all at once, in each server's window; results in
        order (one future for them all: no task per server)."""
        if not questions:
            return []
        batch = _Batch(asyncio.get_running_loop(), len(questions), None)
        by_server: dict[tuple[str, int], tuple[Nameserver, list]] = {}
        for index, (server, name, rdtype) in enumerate(questions):
            by_server.setdefault(server.endpoint, (server, []))[1].append((index, name, rdtype))
        asked = []
        try:
            for server, items in by_server.values():
                try:
                    channel = await self._channel(server)
                except OSError as exc:
                    for index, name, rdtype in items:
                        batch.done(index, QueryResult(server, name, rdtype, None, QueryError.NETWORK, str(exc)))
                    continue
                asked.append((channel, channel.ask(batch, items)))
            return list(await batch.future)
        finally:
            if batch.left:  # given up by the caller (cancelled): what is left is not sent, nor reported
                for channel, queries in asked:
                    channel.give_up(batch, queries)

    async def aclose(self) -> None:
        for channel in self._channels.values():
            if channel.opening is not None and not channel.opening.done():
                channel.opening.cancel()
            channel.close()
        self._channels.clear()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
