"""Resolving nameserver host names once, up front.

lego re-resolves the zone's NS hosts every polling round; here a wait resolves each
hostname exactly once and polls the resulting addresses. A name that does not resolve
is a result (:class:`UnresolvedNameserver`), not an exception, so the wait can report it
against the domains that use it and go on with the others.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass

from ses_domains.nameserver_address import DNS_PORT, NameserverSpec, format_hostport, parse_nameserver

__all__ = ["Nameserver", "NameserverSpec", "UnresolvedNameserver", "format_hostport", "parse_nameserver",
           "resolve_each"]

RESOLVE_TIMEOUT_S = 5.0


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


@dataclass(frozen=True)
class UnresolvedNameserver:
    """A nameserver host name that has no address (or whose lookup failed or took too long)."""

    label: str  # what the user wrote
    host: str
    reason: str

    def describe(self) -> str:
        return f"nameserver {self.host} cannot be resolved: {self.reason}"

    def __str__(self) -> str:
        return self.label


async def resolve_each(specs: list[NameserverSpec], *, timeout_s: float = RESOLVE_TIMEOUT_S,
                       ) -> dict[NameserverSpec, Nameserver | UnresolvedNameserver]:
    """Resolve every distinct hostname once, concurrently, each within ``timeout_s``; IP
    literals pass through. Never raises for a name that does not resolve.

    A hostname with several addresses is polled at its first IPv4 address (else the first
    address): it is one server as far as the zone's NS set is concerned.
    """
    loop = asyncio.get_running_loop()
    unique = list(dict.fromkeys(specs))

    async def one(spec: NameserverSpec) -> Nameserver | UnresolvedNameserver:
        if spec.is_ip:
            return Nameserver(label=str(spec), address=spec.host, port=spec.port)
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(spec.host, spec.port, type=socket.SOCK_DGRAM), timeout_s)
        except asyncio.TimeoutError:
            return UnresolvedNameserver(str(spec), spec.host, f"no address within {timeout_s:g} s")
        except (OSError, UnicodeError) as exc:
            return UnresolvedNameserver(str(spec), spec.host, str(exc) or type(exc).__name__)
        addresses = [info[4][0] for info in infos]
        if not addresses:
            return UnresolvedNameserver(str(spec), spec.host, "no address")
        ipv4 = [a for a in addresses if ":" not in a]
        return Nameserver(label=str(spec), address=(ipv4 or addresses)[0], port=spec.port)

    resolved = await asyncio.gather(*(one(spec) for spec in unique))
    return dict(zip(unique, resolved))
