"""Resolving nameserver host names once, up front.

lego re-resolves the zone's NS hosts every polling round; here a wait resolves each
hostname exactly once and polls the resulting addresses.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass

from ses_domains.engine.dns.errors import NameserverResolutionError
from ses_domains.nameserver_address import DNS_PORT, NameserverSpec, format_hostport, parse_nameserver

__all__ = ["Nameserver", "NameserverSpec", "format_hostport", "parse_nameserver", "resolve_nameservers"]


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
