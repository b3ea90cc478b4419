"""Nameserver addresses as users write them: ``host``, ``host:port``, ``1.2.3.4``, ``[::1]:5300``.

Pure parsing, shared by the config (``verify.nameservers``), the command (``--nameserver``) and
the engine, which resolves the host names.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

DNS_PORT = 53


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


def parse_nameserver(text: str) -> NameserverSpec:
    """Parse ``host``, ``host:port``, ``1.2.3.4:53``, ``::1`` or ``[::1]:5300``."""
    raw = text.strip()
    if not raw:
        raise NameserverSpecError(f"empty nameserver: {text!r}")
    host, port_text = raw, ""
    if raw.startswith("["):
        end = raw.find("]")
        if end < 0:
            raise NameserverSpecError(f"unbalanced '[' in nameserver {text!r}")
        host, rest = raw[1:end], raw[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise NameserverSpecError(f"expected ':port' after ']' in {text!r}")
            port_text = rest[1:]
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
    elif raw.count(":") > 1 and not is_ip(raw):
        raise NameserverSpecError(f"bad IPv6 nameserver {text!r} (write [addr]:port)")
    port = DNS_PORT
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise NameserverSpecError(f"bad port in nameserver {text!r}")
        port = int(port_text)
    host = host.rstrip(".").lower()
    if not host:
        raise NameserverSpecError(f"empty host in nameserver {text!r}")
    return NameserverSpec(host=host, port=port)
