"""Real DNS servers on loopback for tests and the benchmark: Knot DNS, tiny misbehaving
servers (one that never answers, one that always says SERVFAIL, one that sends malformed
answers), and a forwarder that delays every answer (a server far away).

Knot runs as a plain ``knotd -c <conf>`` subprocess in a temporary directory, on a
127.0.0.x address and a free high port. A primary accepts RFC 2136 updates from
127.0.0.0/8; a secondary follows it by NOTIFY + IXFR, and ``freeze()`` holds it stale.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update

from ses_domains.records.model import DnsRecord

KNOTD = shutil.which("knotd") or ("/usr/sbin/knotd" if os.path.exists("/usr/sbin/knotd") else None)
KNOTC = shutil.which("knotc") or ("/usr/sbin/knotc" if os.path.exists("/usr/sbin/knotc") else None)


class KnotError(RuntimeError):
    """knotd did not start, or knotc failed."""


def free_port(address: str) -> int:
    """A port free for both UDP and TCP on ``address`` (the kernel picks it)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((address, port))
                except OSError:
                    continue
                return port
    raise OSError(f"no free port on {address}")


def zone_text(origin: str, body: str = "", *, soa_minimum: int = 30, serial: int = 1) -> str:
    """A zone file: SOA, one NS, and ``body`` (zone-file lines relative to nothing: use FQDNs)."""
    return (
        f"$ORIGIN {origin}.\n$TTL 60\n"
        f"@ 60 IN SOA ns1.{origin}. hostmaster.{origin}. {serial} 7200 900 1209600 {soa_minimum}\n"
        f"@ 60 IN NS ns1.{origin}.\nns1 60 IN A 127.0.0.1\n{body}"
    )


def zone_lines(record: DnsRecord) -> list[str]:
    """Zone-file lines of a record; a TXT value is written as quoted strings of <= 255 chars."""
    out = []
    for value in record.values:
        if record.type == "TXT":
            chunks = [value[i : i + 255] for i in range(0, len(value), 255)] or [""]
            value = " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)
        elif record.type in ("CNAME", "MX"):
            value += "."
        out.append(f"{record.name}. {record.ttl} IN {record.type} {value}")
    return out


def update_items(records) -> list[tuple]:
    """Records as ``KnotServer.update``/RFC 2136 ``add`` items."""
    items = []
    for line in (l for r in records for l in zone_lines(r)):
        name, ttl, _, rdtype, value = line.split(" ", 4)
        items.append((name, int(ttl), rdtype, value))
    return items


@dataclass
class KnotServer:
    """One knotd process. ``zones`` maps zone name -> zone file text (primary) or None
    (secondary of ``primary``)."""

    workdir: Path
    address: str
    zones: dict[str, str | None]
    primary: "KnotServer | None" = None
    notify: list["KnotServer"] = field(default_factory=list)
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.address}:{self.port}"

    @property
    def socket_path(self) -> Path:
        return self.workdir / "knot.sock"

    def config(self) -> str:
        remotes = []
        if self.primary is not None:
            remotes.append(f"  - id: primary\n    address: {self.primary.address}@{self.primary.port}\n")
        for i, other in enumerate(self.notify):
            remotes.append(f"  - id: notify{i}\n    address: {other.address}@{other.port}\n")
        zones = []
        for name, text in self.zones.items():
            zone = f"  - domain: {name}\n    acl: local\n"
            if text is None:
                zone += "    master: primary\n"
            if self.notify:
                zone += f"    notify: [{', '.join(f'notify{i}' for i in range(len(self.notify)))}]\n"
            zones.append(zone)
        return (
            "server:\n"
            f'    rundir: "{self.workdir}"\n'
            f"    listen: {self.address}@{self.port}\n"
            "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
            "log:\n  - target: stderr\n    any: warning\n"
            f'database:\n    storage: "{self.workdir}/db"\n'
            "acl:\n  - id: local\n    address: 127.0.0.0/8\n    action: [update, transfer, notify]\n"
            + ("remote:\n" + "".join(remotes) if remotes else "")
            + "template:\n  - id: default\n"
            f'    storage: "{self.workdir}"\n    file: "%s.zone"\n'
            "    zonefile-sync: -1\n    journal-content: changes\n    semantic-checks: off\n"
            "zone:\n" + "".join(zones)
        )

    def start(self, *, timeout_s: float = 30.0) -> "KnotServer":
        if KNOTD is None:
            raise KnotError("knotd is not installed (Debian package 'knot')")
        (self.workdir / "db").mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = free_port(self.address)
        for name, text in self.zones.items():
            if text is not None:
                (self.workdir / f"{name}.zone").write_text(text)
        conf = self.workdir / "knot.conf"
        conf.write_text(self.config())
        self.log = open(self.workdir / "knotd.log", "wb")
        self.process = subprocess.Popen([KNOTD, "-c", str(conf)], stdout=self.log, stderr=self.log)
        for zone in self.zones:
            self.wait_serving(zone, timeout_s=timeout_s)
        return self

    def wait_serving(self, zone: str, *, timeout_s: float = 30.0) -> None:
        """Query the zone's SOA until the server answers it with authority."""
        deadline = time.monotonic() + timeout_s
        query = dns.message.make_query(zone, "SOA", want_dnssec=False)
        query.flags &= ~dns.flags.RD
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KnotError(f"knotd exited with {self.process.returncode}: {self.read_log()}")
            try:
                answer = dns.query.udp(query, self.address, port=self.port, timeout=0.2)
                if answer.rcode() == dns.rcode.NOERROR and answer.flags & dns.flags.AA and answer.answer:
                    return
            except (dns.exception.Timeout, OSError):
                pass
            time.sleep(0.02)
        raise KnotError(f"knotd on {self.endpoint} does not serve {zone}: {self.read_log()}")

    def read_log(self) -> str:
        try:
            return (self.workdir / "knotd.log").read_text()[-2000:]
        except OSError:
            return ""

    def knotc(self, *args: str) -> str:
        done = subprocess.run([KNOTC, "-s", str(self.socket_path), *args],
                              capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise KnotError(f"knotc {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def freeze(self, zone: str) -> None:
        """Hold the zone as it is: NOTIFY-triggered transfers wait until :meth:`thaw`."""
        self.knotc("zone-freeze", zone)

    def thaw(self, zone: str) -> None:
        self.knotc("zone-thaw", zone)

    def serial(self, zone: str) -> int:
        query = dns.message.make_query(zone, "SOA")
        answer = dns.query.udp(query, self.address, port=self.port, timeout=1)
        return answer.answer[0][0].serial

    def update(self, zone: str, *, add=(), delete=(), replace=()) -> None:
        """RFC 2136 update over TCP. Each item: (name, ttl, type, *values) — zone-file
        presentation values, e.g. ``("x.example.test.", 60, "TXT", '"v=spf1 -all"')``;
        ``delete`` items are (name, type)."""
        update = dns.update.UpdateMessage(zone)
        for name, rdtype in delete:
            update.delete(name, rdtype)
        for name, ttl, rdtype, *values in replace:
            update.replace(name, ttl, rdtype, *values)
        for name, ttl, rdtype, *values in add:
            update.add(name, ttl, rdtype, *values)
        answer = dns.query.tcp(update, self.address, port=self.port, timeout=5)
        if answer.rcode() != dns.rcode.NOERROR:
            raise KnotError(f"update of {zone} refused: {dns.rcode.to_text(answer.rcode())}")

    def stop(self) -> None:
        stop_process(self.process, getattr(self, "log", None))


def stop_process(process: subprocess.Popen | None, log=None) -> None:
    """Terminate a server process (kill it after 5 s) and close its log file."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if log is not None:
        log.close()


def wait_in_sync(primary: KnotServer, secondary: KnotServer, zone: str, *, timeout_s: float = 20.0) -> None:
    """Until the secondary serves the primary's serial. Knot retries a transfer asked for while
    another was running about a second later, so two quick updates can leave it behind that long.
    ``timeout_s`` only tells a broken transfer from a slow one: a busy machine may take several seconds."""
    deadline = time.monotonic() + timeout_s
    while secondary.serial(zone) != primary.serial(zone):
        if time.monotonic() > deadline:
            raise KnotError(f"secondary of {zone} still at {secondary.serial(zone)}, primary at {primary.serial(zone)}")
        time.sleep(0.01)


def start_primary_and_secondary(workdir: Path, zones: dict[str, str], *,
                                primary_address: str, secondary_address: str) -> tuple[KnotServer, KnotServer]:
    """A primary serving ``zones`` and a secondary that follows it by NOTIFY + IXFR."""
    primary = KnotServer(workdir / "primary", primary_address, dict(zones))
    secondary = KnotServer(workdir / "secondary", secondary_address, {z: None for z in zones},
                           primary=primary)
    primary.port = free_port(primary_address)
    secondary.port = free_port(secondary_address)
    primary.notify = [secondary]
    primary.start()
    try:
        secondary.start()
    except Exception:
        primary.stop()
        raise
    return primary, secondary


class _UdpServerThread:
    """A UDP socket on loopback served by a daemon thread; ``handle`` returns the reply or None."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, free_port(address)))
        self.sock.settimeout(0.1)
        self.address, self.port = self.sock.getsockname()
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"{self.address}:{self.port}"

    def handle(self, data: bytes) -> bytes | None:
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.received += 1
            reply = self.handle(data)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


class BlackholeServer(_UdpServerThread):
    """Reads every query and never answers (a dead or firewalled nameserver)."""


class ServfailServer(_UdpServerThread):
    """Answers every query with SERVFAIL (a server whose zone failed to load)."""

    def handle(self, data: bytes) -> bytes | None:
        try:
            query = dns.message.from_wire(data)
        except Exception:
            return None
        reply = dns.message.make_response(query)
        reply.set_rcode(dns.rcode.SERVFAIL)
        return reply.to_wire()


class DelayingForwarder:
    """A DNS forwarder on loopback (UDP and TCP) that makes ``upstream_endpoint`` look
    ``delay_s`` away: every query is relayed to the upstream server at once, and its answer
    leaves ``delay_s`` after the query arrived (or when the upstream answers, if later).

    Answers are delayed concurrently (each has its own timer on the forwarder's event loop,
    which runs in a daemon thread), so 1000 queries in flight with a 20 ms delay take about
    20 ms, not 20 s. Over UDP the upstream sees the forwarder's own ids (clients' ids are
    mapped back), so queries from many clients never collide; a query the upstream never
    answers is forgotten after ``forget_after_s``.
    """

    def __init__(self, upstream_endpoint: tuple[str, int], listen_address: str, delay_s: float,
                 *, forget_after_s: float = 10.0) -> None:
        self.upstream = (upstream_endpoint[0], int(upstream_endpoint[1]))
        self.address = listen_address
        self.delay_s = delay_s
        self.forget_after_s = forget_after_s
        self.received = 0  # queries read, UDP and TCP
        self.answered = 0  # answers sent back
        self.silent = False  # while True, UDP queries are read (and counted) but dropped
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"DelayingForwarder {listen_address}")
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        except BaseException:
            self._stop_loop()
            raise

    @property
    def endpoint(self) -> str:
        return f"{self.address}:{self.port}"

    # -- event-loop side
    async def _start(self) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(20):
            self.port = free_port(self.address)
            try:
                self._tcp_server = await asyncio.start_server(self._serve_tcp, self.address, self.port)
            except OSError:
                continue
            self._listen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                self._listen.bind((self.address, self.port))
            except OSError:
                self._listen.close()
                self._tcp_server.close()
                continue
            break
        else:
            raise OSError(f"no free port on {self.address}")
        self._listen.setblocking(False)
        self._listen.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        self._listen.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 21)
        self._relays: list[socket.socket] = []
        # per relay socket: forwarder id -> (client address, client's id bytes, when the query arrived)
        self._pending: list[dict[int, tuple]] = []
        self._tcp_tasks: set[asyncio.Task] = set()
        loop.add_reader(self._listen.fileno(), self._on_query)

    def _relay_with_free_id(self) -> tuple[int, int]:
        for index, pending in enumerate(self._pending):
            if len(pending) < 60000:
                qid = random.getrandbits(16)
                while qid in pending:
                    qid = random.getrandbits(16)
                return index, qid
        relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        relay.setblocking(False)
        relay.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
        relay.connect(self.upstream)
        self._relays.append(relay)
        self._pending.append({})
        index = len(self._relays) - 1
        self._loop.add_reader(relay.fileno(), self._on_answer, index)
        return index, random.getrandbits(16)

    def _on_query(self) -> None:
        loop = self._loop
        for _ in range(4096):
            try:
                data, client = self._listen.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if len(data) < 12:
                continue
            self.received += 1
            if self.silent:
                continue
            index, qid = self._relay_with_free_id()
            pending = self._pending[index]
            pending[qid] = (client, data[:2], loop.time())
            loop.call_later(self.forget_after_s, pending.pop, qid, None)
            try:
                self._relays[index].send(qid.to_bytes(2, "big") + data[2:])
            except OSError:
                pending.pop(qid, None)

    def _on_answer(self, index: int) -> None:
        relay, pending, loop = self._relays[index], self._pending[index], self._loop
        for _ in range(4096):
            try:
                data = relay.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if len(data) < 2:
                continue
            entry = pending.pop(int.from_bytes(data[:2], "big"), None)
            if entry is None:
                continue
            client, client_id, arrived = entry
            loop.call_at(max(arrived + self.delay_s, loop.time()), self._send_answer,
                         client_id + data[2:], client)

    def _send_answer(self, data: bytes, client) -> None:
        try:
            self._listen.sendto(data, client)
            self.answered += 1
        except OSError:
            pass

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Each length-prefixed query on the connection is relayed over its own upstream TCP
        connection; answers are written back as they come due (pipelining allowed)."""
        tasks: set[asyncio.Task] = set()
        try:
            while True:
                try:
                    (length,) = struct.unpack("!H", await reader.readexactly(2))
                    query = await reader.readexactly(length)
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                self.received += 1
                task = asyncio.ensure_future(self._relay_tcp(query, writer, self._loop.time()))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            writer.close()

    async def _relay_tcp(self, query: bytes, writer: asyncio.StreamWriter, arrived: float) -> None:
        upstream_writer = None
        try:
            async with asyncio.timeout(self.forget_after_s):
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
                upstream_writer.write(struct.pack("!H", len(query)) + query)
                (length,) = struct.unpack("!H", await upstream_reader.readexactly(2))
                answer = await upstream_reader.readexactly(length)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            return
        finally:
            if upstream_writer is not None:
                upstream_writer.close()
        await asyncio.sleep(max(0.0, arrived + self.delay_s - self._loop.time()))
        if not writer.is_closing():
            writer.write(struct.pack("!H", len(answer)) + answer)
            self.answered += 1

    async def _shutdown(self) -> None:
        self._loop.remove_reader(self._listen.fileno())
        self._listen.close()
        for relay in self._relays:
            self._loop.remove_reader(relay.fileno())
            relay.close()
        self._tcp_server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- caller side
    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=5)
        finally:
            self._stop_loop()


def question_of(query: bytes) -> bytes:
    """The question section of a one-question query (name, type, class), as sent."""
    offset = 12
    while query[offset]:
        offset += 1 + query[offset]
    return query[12 : offset + 5]


class MalformedServer(_UdpServerThread):
    """Answers every query with broken bytes of one ``kind``, over UDP and TCP (same port):

    - ``mx-no-exchange``: an authoritative answer whose MX rdata is the preference alone;
    - ``garbage``: a well-formed header and question, then random bytes for 3 answers;
    - ``truncated``: a valid authoritative MX answer cut off in the middle of its rdata;
    - ``wrong-id``: a valid answer under another id (what a spoofer or a confused server sends);
    - ``short``: 5 bytes, not even a header;
    - ``truncated-then-mx-no-exchange``: over UDP a valid empty answer with TC set, over TCP
      the ``mx-no-exchange`` answer (so the TCP path meets the malformed record).
    """

    KINDS = ("mx-no-exchange", "garbage", "truncated", "wrong-id", "short", "truncated-then-mx-no-exchange")

    def __init__(self, address: str, kind: str) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        self.kind = kind
        self._random = random.Random(kind)
        super().__init__(address)
        self.tcp_received = 0
        self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._tcp.bind((self.address, self.port))
        self._tcp.listen(16)
        self._tcp.settimeout(0.1)
        self._tcp_thread = threading.Thread(target=self._run_tcp, daemon=True)
        self._tcp_thread.start()

    def answer(self, query: bytes, *, via_tcp: bool) -> bytes:
        question = question_of(query)
        qid = query[:2]
        header = lambda flags, ancount: qid + struct.pack("!HHHHH", flags, 1, ancount, 0, 0)  # noqa: E731
        aa = 0x8400  # QR + AA, NOERROR
        mx_rr = lambda rdata: b"\xc0\x0c" + struct.pack("!HHIH", 15, 1, 60, len(rdata)) + rdata  # noqa: E731
        kind = self.kind
        if kind == "truncated-then-mx-no-exchange":
            kind = "mx-no-exchange" if via_tcp else "tc"
        if kind == "tc":
            return header(aa | 0x0200, 0) + question
        if kind == "mx-no-exchange":
            return header(aa, 1) + question + mx_rr(b"\x00\x0a")
        if kind == "garbage":
            return header(aa, 3) + question + self._random.randbytes(40)
        if kind == "truncated":
            full = header(aa, 1) + question + mx_rr(b"\x00\x0a" + b"\x04mail\x07example\x00")
            return full[:-6]
        if kind == "wrong-id":
            wrong = ((int.from_bytes(qid, "big") + 1) % 65536).to_bytes(2, "big")
            return wrong + header(aa, 1)[2:] + question + mx_rr(b"\x00\x0a\x04mail\x07example\x00")
        return b"\x00\x01\x84\x00\x00"  # short

    def handle(self, data: bytes) -> bytes | None:
        try:
            return self.answer(data, via_tcp=False)
        except IndexError:
            return None

    def _run_tcp(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                try:
                    conn.settimeout(2)
                    length = struct.unpack("!H", conn.recv(2))[0]
                    query = b""
                    while len(query) < length:
                        chunk = conn.recv(length - len(query))
                        if not chunk:
                            break
                        query += chunk
                    self.tcp_received += 1
                    reply = self.answer(query, via_tcp=True)
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
                except (OSError, struct.error, IndexError):
                    continue

    def close(self) -> None:
        super().close()
        self._tcp_thread.join(timeout=2)
        self._tcp.close()
