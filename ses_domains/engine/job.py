"""The contract between the stack (or the command) and the engine: one job in, one result out.

``VerificationJob`` is what must be in DNS for one identity, where to look, and how long to wait;
``DomainResult`` is what the engine found. Both are plain frozen data. They become dicts only at
the Pulumi boundary (the verification resource's props and outputs), through ``to_props`` and
``from_props``, which also read what earlier versions of the program stored.

An identity is a domain in a region. ``region`` is ``None`` for the stack's own region (the SES
reader the caller was built for), and the job is keyed by its domain, as before replica regions
existed; a replica's job names its region and is keyed ``<domain> (<region>)``
(:func:`identity_key`). Props without a region (every stack made before) mean the stack's region.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Mapping, Optional

from ses_domains.records.model import DnsRecord


def identity_key(domain: str, region: Optional[str]) -> str:
    """How jobs and results are keyed: the domain in the stack's region, else ``<domain> (<region>)``."""
    return domain if region is None else f"{domain} ({region})"


@dataclass(frozen=True)
class VerificationJob:
    domain: str
    records: tuple[DnsRecord, ...]
    nameservers: tuple[str, ...]
    """``host[:port]``: the zone's authoritative servers, or the user's ``verify.nameservers``."""
    mail_from_required: bool
    timeout_s: float
    region: Optional[str] = None
    """The SES region of the identity; ``None``: the stack's own."""

    @property
    def key(self) -> str:
        return identity_key(self.domain, self.region)

    def checked(self) -> tuple:
        """What, when it changes, means the identity must be verified again (not its timeout)."""
        return (self.records, self.nameservers, self.mail_from_required, self.region)

    def to_props(self) -> dict[str, Any]:
        """The stack region's entry keeps the first version's shape (no domain, no region), so
        that an unchanged stack stores exactly what it stored before."""
        props = {
            "records": [
                {"name": r.name, "type": r.type, "values": list(r.values), "ttl": r.ttl} for r in self.records
            ],
            "nameservers": list(self.nameservers),
            "mailFromRequired": self.mail_from_required,
            "timeoutSeconds": self.timeout_s,
        }
        if self.region is not None:
            props.update(domain=self.domain, region=self.region)
        return props

    @classmethod
    def from_props(cls, key: str, entry: Mapping[str, Any]) -> "VerificationJob":
        """An entry as stored in state under ``key`` (the same shape since the first version; a
        replica's entry adds its domain and region; numbers may come back as floats from the
        engine's JSON)."""
        return cls(
            domain=entry.get("domain") or key,
            records=tuple(
                DnsRecord(r["name"], r["type"], tuple(r["values"]), int(r["ttl"])) for r in entry["records"]
            ),
            nameservers=tuple(entry["nameservers"]),
            mail_from_required=bool(entry["mailFromRequired"]),
            timeout_s=float(entry["timeoutSeconds"]),
            region=entry.get("region") or None,
        )


class Stage(str, Enum):
    """Where a domain's pipeline stopped: DNS, or SES (where a verified domain ends)."""

    DNS = "dns"
    SES = "ses"


@dataclass(frozen=True)
class DomainResult:
    domain: str
    verified: bool
    stage: Stage
    dns_seconds: Optional[float] = None
    dns_queries: int = 0
    ses_seconds: Optional[float] = None
    ses_status: Mapping[str, Any] = field(default_factory=dict)
    """SES's statuses as last read (``IdentityStatus.as_dict()``): shown, not judged again."""
    verified_at: Optional[str] = None
    error: Optional[str] = None
    """Why the domain is not verified."""
    unchecked: Optional[str] = None
    """Why the last look could not check the domain (servers or SES unreachable): ``verified``
    is then what the look before it found, not a regression."""
    region: Optional[str] = None
    """The SES region of the identity; ``None``: the stack's own."""
    dns_problems: tuple[Any, ...] = ()
    """When the wait stopped at DNS: each record not confirmed on a server (``dns.wait.PairStatus``).
    Shown by the command; not kept in the stack's state."""

    @property
    def key(self) -> str:
        return identity_key(self.domain, self.region)

    @property
    def state(self) -> str:
        if self.unchecked:
            return "could not check"
        return "verified" if self.verified else "not verified"

    def could_not_check(self, reason: str) -> "DomainResult":
        return replace(self, unchecked=reason)

    def to_props(self) -> dict[str, Any]:
        props = {
            "verified": self.verified,
            "stage": self.stage.value,
            "dnsSeconds": self.dns_seconds,
            "dnsQueries": self.dns_queries,
            "sesSeconds": self.ses_seconds,
            "sesStatus": dict(self.ses_status),
            "verifiedAt": self.verified_at,
            "error": self.error,
            "unchecked": self.unchecked,
        }
        if self.region is not None:
            props.update(domain=self.domain, region=self.region)
        return props

    @classmethod
    def from_props(cls, key: str, entry: Mapping[str, Any]) -> "DomainResult":
        """A stored result; keys an earlier version did not write take their defaults."""
        return cls(
            domain=entry.get("domain") or key,
            region=entry.get("region") or None,
            verified=bool(entry.get("verified")),
            stage=Stage(entry.get("stage") or "dns"),
            dns_seconds=entry.get("dnsSeconds"),
            dns_queries=int(entry.get("dnsQueries") or 0),
            ses_seconds=entry.get("sesSeconds"),
            ses_status=dict(entry.get("sesStatus") or {}),
            verified_at=entry.get("verifiedAt"),
            error=entry.get("error"),
            unchecked=entry.get("unchecked"),
        )
