"""A fast concurrent DNS transport for polling authoritative servers.

Why not one ``dns.asyncquery.udp`` per question: that opens, binds and closes a socket
and spawns a task for every query, which dominates the cost of a 24,000-query round.
Here each server gets a few long-lived connected UDP sockets, read by an event-loop
reader callback that drains them; queries are pipelined on them with random distinct 16-bit ids and
answers are matched by (id, question). Wire messages are pre-rendered once per question:
sending a query is ``id + template``. Each server has a bounded window of queries in
flight (never flood a server) and its own per-query timers, so the timeouts of a dead
server run concurrently and never delay answers from the others.

A server that stops answering trips a per-server breaker: after ``breaker_after``
consecutive timeouts with no answer in between, only one probe query at a time is sent
to it and every other query to it fails at once with ``NO_ANSWER`` (no retries while
open: the caller's next round asks again); the first answer closes the breaker again. So a blackholed server costs one timeout per round, not one
per query.

Truncated UDP answers (TC bit) are retried over TCP. Recursion is never requested (RD
clear); EDNS0 advertises a 1232-byte UDP payload (the DNS flag day 2020 size).
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

import dns.name
import dns.rdatatype

from ses_domains.engine.dns.wire import WireAnswer, WireFormatError, parse_answer
from ses_domains.engine.dns.nameservers import Nameserver

EDNS_UDP_PAYLOAD = 1232
_FLAG_TC = 0x0200
_CLASS_IN = 1


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
    detail: str = ""
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
    answers: int = 0
    fast_failed: int = 0  # queries failed without sending because a breaker was open
    stray_answers: int = 0  # datagrams matching no query in flight (late or spoofed)


@lru_cache(maxsize=65536)
def _render_template(name: str, rdtype: str) -> tuple[bytes, bytes]:
    """The query after its 2-byte id, and the lower-cased question section for matching."""
    qname = dns.name.from_text(name).to_wire()
    question = qname + struct.pack("!HH", dns.rdatatype.from_text(rdtype), _CLASS_IN)
    header = struct.pack("!HHHHH", 0, 1, 0, 0, 1)  # flags 0 (RD clear), 1 question, 1 OPT
    opt = b"\x00" + struct.pack("!HHIH", 41, EDNS_UDP_PAYLOAD, 0, 0)
    return header + question + opt, question.lower()


class _Query:
    __slots__ = ("future", "name", "rdtype", "template", "question", "attempt", "qid", "timer", "proto")

    def __init__(self, future: asyncio.Future, name: str, rdtype: str) -> None:
        self.future = future
        self.name = name
        self.rdtype = rdtype
        self.template, self.question = _render_template(name, rdtype)
        self.attempt = 0
        self.qid = 0
        self.timer: asyncio.TimerHandle | None = None
        self.proto: _UdpSocket | None = None


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
        for _ in range(1024):
            try:
                data = recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # ICMP unreachable reported on a connected socket: keep waiting
                continue
            on_datagram(self, data)

    def close(self) -> None:
        if self.open:
            self.open = False
            self.channel.loop.remove_reader(self.sock.fileno())
            self.sock.close()


class _ServerChannel:
    """Sockets, window, timers and breaker state for one nameserver."""

    def __init__(self, owner: "DnsTransport", server: Nameserver) -> None:
        self.owner = owner
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.sockets: list[_UdpSocket] = []
        self.next_socket = 0
        self.backlog: deque[_Query] = deque()
        self.in_flight = 0
        self.consecutive_timeouts = 0
        self.breaker_open = False
        self.opening: asyncio.Task | None = None

    async def open(self) -> None:
        for _ in range(self.owner.sockets_per_server):
            self.sockets.append(_UdpSocket(self))

    def submit(self, query: _Query) -> None:
        self.backlog.append(query)
        self.pump()

    def pump(self) -> None:
        owner = self.owner
        window = 1 if self.breaker_open else owner.max_in_flight_per_server
        while self.backlog and self.in_flight < window:
            self._send(self.backlog.popleft())
        if self.breaker_open and self.in_flight >= 1:
            while self.backlog:  # a probe is out: everything else fails at once
                query = self.backlog.popleft()
                owner.stats.fast_failed += 1
                self._finish(query, None, QueryError.NO_ANSWER, "server stopped answering")

    def _send(self, query: _Query) -> None:
        if query.future.done():  # cancelled by the caller while queued
            return
        proto = self.sockets[self.next_socket]
        self.next_socket = (self.next_socket + 1) % len(self.sockets)
        if not proto.open:
            self._finish(query, None, QueryError.NETWORK, "socket closed")
            return
        qid = random.getrandbits(16)
        while qid in proto.waiting:
            qid = random.getrandbits(16)
        query.qid, query.proto = qid, proto
        query.attempt += 1
        proto.waiting[qid] = query
        self.in_flight += 1
        stats = self.owner.stats
        stats.queries_sent += 1
        stats.udp_sent += 1
        try:
            proto.send(struct.pack("!H", qid) + query.template)
        except OSError as exc:
            del proto.waiting[qid]
            self.in_flight -= 1
            self._finish(query, None, QueryError.NETWORK, str(exc))
            return
        query.timer = self.loop.call_later(self.owner.timeout_s, self._on_timeout, query)

    def on_datagram(self, proto: _UdpSocket, data: bytes) -> None:
        if len(data) < 12:
            return
        qid = (data[0] << 8) | data[1]
        query = proto.waiting.get(qid)
        if query is None or data[12 : 12 + len(query.question)].lower() != query.question:
            self.owner.stats.stray_answers += 1
            return
        del proto.waiting[qid]
        query.timer.cancel()
        self.in_flight -= 1
        self.consecutive_timeouts = 0
        self.breaker_open = False
        self.owner.stats.answers += 1
        if (data[2] << 8 | data[3]) & _FLAG_TC:
            self.owner.stats.truncated += 1
            self.owner._spawn(self._retry_over_tcp(query))
        else:
            self._finish_wire(query, data, via_tcp=False)
        self.pump()

    def _on_timeout(self, query: _Query) -> None:
        query.proto.waiting.pop(query.qid, None)
        self.in_flight -= 1
        stats = self.owner.stats
        stats.timeouts += 1
        self.consecutive_timeouts += 1
        if self.consecutive_timeouts >= self.owner.breaker_after:
            self.breaker_open = True
        if query.attempt <= self.owner.retries and not self.breaker_open and not query.future.done():
            stats.retries += 1
            self.backlog.appendleft(query)
        else:
            self._finish(query, None, QueryError.TIMEOUT, f"no answer after {query.attempt} tries")
        self.pump()

    async def _retry_over_tcp(self, query: _Query) -> None:
        stats = self.owner.stats
        stats.queries_sent += 1
        stats.tcp_sent += 1
        qid = random.getrandbits(16)
        wire = struct.pack("!H", qid) + query.template
        writer = None
        try:
            async with asyncio.timeout(self.owner.tcp_timeout_s):
                reader, writer = await asyncio.open_connection(*self.server.endpoint)
                writer.write(struct.pack("!H", len(wire)) + wire)
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                data = await reader.readexactly(length)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as exc:
            self._finish(query, None, QueryError.TCP_FAILED, f"{type(exc).__name__}: {exc}")
            return
        finally:
            if writer is not None:
                writer.close()
        if data[:2] != wire[:2] or data[12 : 12 + len(query.question)].lower() != query.question:
            self._finish(query, None, QueryError.MALFORMED, "TCP answer does not match the question")
            return
        self._finish_wire(query, data, via_tcp=True)

    def _finish_wire(self, query: _Query, data: bytes, *, via_tcp: bool) -> None:
        try:
            message = parse_answer(data)
        except WireFormatError as exc:
            self._finish(query, None, QueryError.MALFORMED, f"{type(exc).__name__}: {exc}")
            return
        self._finish(query, message, None, "", via_tcp=via_tcp)

    def _finish(self, query, message, error, detail, *, via_tcp: bool = False) -> None:
        if not query.future.done():
            query.future.set_result(
                QueryResult(self.server, query.name, query.rdtype, message, error, detail,
                            via_tcp, max(query.attempt, 1))
            )

    def close(self) -> None:
        for proto in self.sockets:
            proto.close()
            for query in proto.waiting.values():
                query.timer.cancel()
                if not query.future.done():
                    query.future.cancel()
            proto.waiting.clear()
        for query in self.backlog:
            if not query.future.done():
                query.future.cancel()
        self.backlog.clear()


@dataclass
class DnsTransport:
    """Concurrent UDP (+TCP on truncation) queries to authoritative servers, recursion off.

    Use within one event loop: ``async with DnsTransport() as transport: ...``. One
    transport may be shared by several concurrent waits; ``stats`` counts for all of them.
    """

    timeout_s: float = 0.4
    retries: int = 2
    tcp_timeout_s: float = 2.0
    sockets_per_server: int = 2
    max_in_flight_per_server: int = 128
    breaker_after: int = 8
    stats: TransportStats = field(default_factory=TransportStats)
    _channels: dict = field(default_factory=dict, repr=False)
    _tasks: set = field(default_factory=set, repr=False)

    async def __aenter__(self) -> "DnsTransport":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def _channel(self, server: Nameserver) -> _ServerChannel:
        key = server.endpoint
        channel = self._channels.get(key)
        if channel is None:
            channel = _ServerChannel(self, server)
            self._channels[key] = channel
            channel.opening = asyncio.ensure_future(channel.open())
        if channel.opening is not None:
            await asyncio.shield(channel.opening)
        return channel

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def query(self, server: Nameserver, name: str, rdtype: str) -> QueryResult:
        """Ask one server one question (non-recursive); never raises for DNS failures."""
        (result,) = await self.query_many(server, [(name, rdtype)])
        return result

    async def query_many(self, server: Nameserver, questions: list[tuple[str, str]]) -> list[QueryResult]:
        """Ask one server many questions at once, in the server's window; results in order."""
        try:
            channel = await self._channel(server)
        except OSError as exc:
            return [QueryResult(server, n, t, None, QueryError.NETWORK, str(exc)) for n, t in questions]
        loop = asyncio.get_running_loop()
        futures = []
        for name, rdtype in questions:
            future = loop.create_future()
            channel.submit(_Query(future, name, rdtype))
            futures.append(future)
        try:
            return list(await asyncio.gather(*futures))
        finally:
            for future in futures:
                if not future.done():
                    future.cancel()

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
