"""Nameserver addresses as users write them: ``host``, ``host:port``, ``1.2.3.4``, ``[::1]:5300``.

Pure parsing, shared by the config (``verify.nameservers``), the command (``--nameserver``) and
the engine, which resolves the host names.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

DNS_PORT = 53
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$")
"""Letters, digits and inner hyphens (and the underscore some internal names carry)."""


class NameserverSpecError(ValueError):
    """A nameserver string is not ``host``, ``host:port``, ``ip`` or ``[ipv6]:port``."""


@dataclass(frozen=True)
class NameserverSpec:
    """A nameserver as the user wrote it: a hostname or IP literal, and a port."""

    host: str
    port: int = DNS_PORT

    @property
    def is_ip(self) -> bool:
        return is_ip(self.host)

    def __str__(self) -> str:
        return format_hostport(self.host, self.port)


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def format_hostport(host: str, port: int) -> str:
    if port == DNS_PORT:
        return host
    if ":" in host:
        return f"[{host}]:{port}"
    return f"{host}:{port}"


@functools.lru_cache(maxsize=4096)  # a check parses each server's text once per domain
def parse_nameserver(text: str) -> NameserverSpec:
    """Parse ``host``, ``host:port``, ``1.2.3.4:53``, ``::1`` or ``[::1]:5300``.

    The message of a ``NameserverSpecError`` names what is wrong with what was written (a URL
    scheme, an IPv4 address out of range, a character no host name has), not merely that it failed.
    """
    raw = text.strip()
    if not raw:
        raise NameserverSpecError(f"empty nameserver: {text!r}")
    scheme, separator, _ = raw.partition("://")
    if separator:
        raise NameserverSpecError(
            f"{text!r} is written as a URL ({scheme}://): give the server alone, such as 1.2.3.4 or "
            "ns1.example.com:5353 (queries use UDP, and TCP when an answer is truncated)"
        )
    host, port_text = raw, ""
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise NameserverSpecError(f"unbalanced '[' in nameserver {text!r}")
        host, rest = raw[1:end], raw[end + 1 :]
        if not is_ip(host) or ":" not in host:
            raise NameserverSpecError(f"{_quoted(host, text)} is not an IPv6 address (only IPv6 goes in [...])")
        if rest:
            if not rest.startswith(":"):
                raise NameserverSpecError(f"expected ':port' after ']' in {text!r}")
            port_text = rest[1:]
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    elif raw.count(":") > 1 and not is_ip(raw):
        raise NameserverSpecError(f"{text!r} is not an IPv6 address (with a port, write [addr]:port)")
    port = DNS_PORT
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise NameserverSpecError(f"bad port in nameserver {text!r}: a number from 1 to 65535")
        port = int(port_text)
    host = host.rstrip(".").lower()
    if not host:
        raise NameserverSpecError(f"empty host in nameserver {text!r}")
    if not is_ip(host):
        _check_host_name(host, text)
    return NameserverSpec(host=host, port=port)


def _check_host_name(host: str, text: str) -> None:
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        raise NameserverSpecError(f"{_quoted(host, text)} is not a valid IPv4 address (four numbers from 0 to 255)")
    if len(host) > 253:
        raise NameserverSpecError(f"the host name in {text!r} is longer than 253 characters")
    for label in labels:
        if not _HOST_LABEL.match(label):
            raise NameserverSpecError(
                f"{_quoted(host, text)} is not a host name: labels of 1 to 63 letters, digits and inner hyphens, "
                "separated by dots"
            )


def _quoted(host: str, text: str) -> str:
    """The host as the user wrote it, and the whole entry when it holds more (a port)."""
    return repr(text) if host == text.strip().rstrip(".").lower() else f"{host!r} in {text!r}"
