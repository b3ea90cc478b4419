"""A stand-in SES endpoint on 127.0.0.1 that misbehaves on demand, for deadline tests.

``SesStandin`` is a threaded TCP server speaking just enough HTTP/1.1: it reads each request
(start line, headers, ``Content-Length`` body), records it, and hands the connection to its
``behaviour``: answer a JSON body, throttle, never answer, answer after a delay, send garbage, or
trickle a status line a byte at a time. Point a boto3 client at ``standin.url`` with
``AWS_ENDPOINT_URL_SESV2`` or ``endpoint_url``. ``close()`` ends every connection it holds.
"""

from __future__ import annotations

import json
import socket
import threading
from datetime import datetime
from typing import Any, Callable

Behaviour = Callable[["Connection"], bool]
"""Answers one request on a connection; returns False when the connection is done."""


class Connection:
    """One accepted connection, as the behaviours see it."""

    def __init__(self, sock: socket.socket, stopped: threading.Event):
        self.sock = sock
        self.stopped = stopped

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_http(self, status: int, reason: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Content-Type: application/json"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def pause(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless the server stops first; True if it is still running."""
        return not self.stopped.wait(seconds)


def answer(response: dict[str, Any]) -> Behaviour:
    """A ``200`` with ``response`` as SES's JSON (datetimes as epoch seconds, as SES sends them)."""
    body = json.dumps(response, default=_epoch).encode()

    def behave(conn: Connection) -> bool:
        conn.send_http(200, "OK", body)
        return True

    return behave


def throttle(conn: Connection) -> bool:
    conn.send_http(
        429,
        "Too Many Requests",
        b'{"message": "Too many requests"}',
        {"x-amzn-ErrorType": "TooManyRequestsException"},
    )
    return True


def silent(conn: Connection) -> bool:
    """Reads the request and never answers, holding the connection open."""
    conn.stopped.wait()
    return False


def slow(delay_s: float, response: dict[str, Any]) -> Behaviour:
    """Answers ``response``, but only after ``delay_s`` seconds."""
    then = answer(response)

    def behave(conn: Connection) -> bool:
        return conn.pause(delay_s) and then(conn)

    return behave


def garbage(conn: Connection) -> bool:
    """Bytes that are no HTTP at all, then silence on an open connection."""
    conn.send(b"\x00\xff\x13garbage, not HTTP\r\n\r\n\x7f")
    conn.stopped.wait()
    return False


def not_ses(conn: Connection) -> bool:
    """A well-formed ``200`` whose body is no SES answer (a captive portal, a wrong endpoint)."""
    conn.send_http(200, "OK", b"<html><body>Welcome to the proxy</body></html>")
    return True


def trickle(every_s: float) -> Behaviour:
    """A status line one byte every ``every_s`` seconds, without end: each read gets a byte well
    within any socket timeout, so only a deadline on the whole call stops it."""

    def behave(conn: Connection) -> bool:
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 100_000:
            if not conn.pause(every_s):
                return False
            conn.send(bytes([byte]))
        return False

    return behave


class SesStandin:
    """The server; ``behaviour`` answers every request (change it at any time)."""

    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        self.requests: list[str] = []
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, name="ses-standin", daemon=True).start()

    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def close(self) -> None:
        self._stopped.set()
        self._listener.close()
        with self._lock:
            for sock in self._connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = Connection(sock, self._stopped)
        reader = sock.makefile("rb")
        try:
            while not self._stopped.is_set():
                start_line = reader.readline()
                if not start_line:
                    return
                length = 0
                for line in iter(reader.readline, b"\r\n"):
                    if not line:
                        return
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                reader.read(length)
                with self._lock:
                    self.requests.append(start_line.decode("latin-1").strip())
                if not self.behaviour(conn):
                    return
        except OSError:
            return


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {value!r}")
