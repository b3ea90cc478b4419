"""The contract between the stack (or the command) and the engine: one job in, one result out.

``VerificationJob`` is what must be in DNS for one domain, where to look, and how long to wait;
``DomainResult`` is what the engine found. Both are plain frozen data. They become dicts only at
the Pulumi boundary (the verification resource's props and outputs), through ``to_props`` and
``from_props``, which also read what earlier versions of the program stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Mapping, Optional

from ses_domains.records.model import DnsRecord


@dataclass(frozen=True)
class VerificationJob:
    domain: str
    records: tuple[DnsRecord, ...]
    nameservers: tuple[str, ...]
    """``host[:port]``: the zone's authoritative servers, or the user's ``verify.nameservers``."""
    mail_from_required: bool
    timeout_s: float

    def checked(self) -> tuple:
        """What, when it changes, means the domain must be verified again (not its timeout)."""
        return (self.records, self.nameservers, self.mail_from_required)

    def to_props(self) -> dict[str, Any]:
        return {
            "records": [
                {"name": r.name, "type": r.type, "values": list(r.values), "ttl": r.ttl} for r in self.records
            ],
            "nameservers": list(self.nameservers),
            "mailFromRequired": self.mail_from_required,
            "timeoutSeconds": self.timeout_s,
        }

    @classmethod
    def from_props(cls, domain: str, entry: Mapping[str, Any]) -> "VerificationJob":
        """A domain entry as stored in state (the same shape since the first version; numbers
        may come back as floats from the engine's JSON)."""
        return cls(
            domain=domain,
            records=tuple(
                DnsRecord(r["name"], r["type"], tuple(r["values"]), int(r["ttl"])) for r in entry["records"]
            ),
            nameservers=tuple(entry["nameservers"]),
            mail_from_required=bool(entry["mailFromRequired"]),
            timeout_s=float(entry["timeoutSeconds"]),
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

    @property
    def state(self) -> str:
        if self.unchecked:
            return "could not check"
        return "verified" if self.verified else "not verified"

    def could_not_check(self, reason: str) -> "DomainResult":
        return replace(self, unchecked=reason)

    def to_props(self) -> dict[str, Any]:
        return {
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

    @classmethod
    def from_props(cls, domain: str, entry: Mapping[str, Any]) -> "DomainResult":
        """A stored result; keys an earlier version did not write take their defaults."""
        return cls(
            domain=domain,
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
