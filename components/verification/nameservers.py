"""Nameserver addresses: parse ``host[:port]`` strings and resolve hostnames once.

lego re-resolves the zone's NS hosts every polling round; here a wait resolves each
hostname exactly once, up front, and polls the resulting addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

from .errors import NameserverResolutionError, NameserverSpecError

DNS_PORT = 53


@dataclass(frozen=True)
class NameserverSpec:
    """A nameserver as the user wrote it: a hostname or IP literal, and a port."""

    host: str
    port: int = DNS_PORT

    @property
    def is_ip(self) -> bool:
        return _is_ip(self.host)

    def __str__(self) -> str:
        return format_hostport(self.host, self.port)


@dataclass(frozen=True)
class Nameserver:
    """A nameserver ready to be queried: the address to send to, and the name to report."""

    label: str  # what the user wrote, e.g. "ns-1.awsdns-01.org" or "127.0.0.2:5300"
    address: str  # IP literal
    port: int = DNS_PORT

    @property
    def endpoint(self) -> tuple[str, int]:
        return (self.address, self.port)

    def __str__(self) -> str:
        return self.label


def _is_ip(text: str) -> bool:
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
    elif raw.count(":") > 1 and not _is_ip(raw):
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


async def resolve_nameservers(specs: list[NameserverSpec]) -> dict[NameserverSpec, Nameserver]:
    """Resolve every distinct hostname once, concurrently; IP literals pass through.

    A hostname with several addresses is polled at its first IPv4 address (else the first
    address): it is one server as far as the zone's NS set is concerned.
    """
    loop = asyncio.get_running_loop()
    unique = list(dict.fromkeys(specs))

    async def one(spec: NameserverSpec) -> Nameserver:
        if spec.is_ip:
            return Nameserver(label=str(spec), address=spec.host, port=spec.port)
        try:
            infos = await loop.getaddrinfo(spec.host, spec.port, type=socket.SOCK_DGRAM)
        except OSError as exc:
            raise NameserverResolutionError(f"cannot resolve nameserver {spec.host}: {exc}") from exc
        addresses = [info[4][0] for info in infos]
        if not addresses:
            raise NameserverResolutionError(f"nameserver {spec.host} has no address")
        ipv4 = [a for a in addresses if ":" not in a]
        return Nameserver(label=str(spec), address=(ipv4 or addresses)[0], port=spec.port)

    resolved = await asyncio.gather(*(one(spec) for spec in unique))
    return dict(zip(unique, resolved))
