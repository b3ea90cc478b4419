"""The ``verify`` block of a domain: whether and how long ``pulumi up`` waits for it to verify."""

from __future__ import annotations

from dataclasses import dataclass

from ses_domains.config.fields import Section

VERIFY_KEYS = ("enabled", "timeout", "nameservers")
DEFAULT_TIMEOUT_S = 20 * 60.0
"""Easy DKIM usually verifies within minutes of the records being visible; 20 minutes leaves room
for SES's own schedule without holding a deployment for the 72 hours SES keeps trying."""


@dataclass(frozen=True)
class VerifySpec:
    enabled: bool = True
    timeout_s: float = DEFAULT_TIMEOUT_S
    nameservers: tuple[str, ...] = ()
    """``host[:port]`` overrides of the zone's delegation set (split horizon, tests); empty: the
    zone's own name servers."""


def read_verify(section: Section | None) -> VerifySpec:
    if section is None:
        return VerifySpec()
    nameservers = []
    if section.has("nameservers"):
        # Imported for a domain that names its own name servers only: most leave them to the zone.
        from ses_domains.nameserver_address import NameserverSpecError, parse_nameserver

        for key, item in section.items("nameservers"):
            if not isinstance(item, str):
                section.problems.add(key, f"must be a host name or address with an optional port, got {item!r}")
                continue
            try:
                nameservers.append(str(parse_nameserver(item)))
            except NameserverSpecError as error:
                section.problems.add(key, f"{error}; expected host, host:port, an IP address or [IPv6]:port")
    return VerifySpec(
        enabled=section.boolean("enabled", default=True),
        timeout_s=section.duration_seconds("timeout", default=DEFAULT_TIMEOUT_S, minimum=10, maximum=72 * 3600),
        nameservers=tuple(nameservers),
    )
