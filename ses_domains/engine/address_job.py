"""The contract of an email address identity's verification: one job in, one result out.

Plain frozen data, turned into dicts only at the verification resource's boundary (its props and
outputs, keyed by address) through ``to_props`` and ``from_props``. Cheap to import: the
verification provider's ``diff`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class AddressJob:
    address: str
    wait: bool
    """Hold the update until the owner clicked (within ``timeout_s``); else look once."""
    timeout_s: float

    def to_props(self) -> dict[str, Any]:
        return {"wait": self.wait, "timeoutSeconds": self.timeout_s}

    @classmethod
    def from_props(cls, address: str, entry: Mapping[str, Any]) -> "AddressJob":
        return cls(address, bool(entry.get("wait")), float(entry.get("timeoutSeconds") or 0))


@dataclass(frozen=True)
class AddressResult:
    address: str
    verified: bool
    message: str
    """What a user reads: verified, waiting for the click, or what went wrong and what to do."""
    verification_status: Optional[str] = None
    """SES's ``VerificationStatus`` as last read (PENDING, SUCCESS, FAILED, ...)."""
    verified_at: Optional[str] = None
    failed: bool = False
    """SES gave up (the link expired), SES has no such identity, or a wait ran out of time."""
    unchecked: Optional[str] = None
    """Why the last look could not read SES: ``verified`` is what the look before found."""

    @property
    def state(self) -> str:
        if self.unchecked:
            return "could not check"
        if self.verified:
            return "verified"
        return "failed" if self.failed else "waiting"

    def to_props(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "state": self.state,
            "message": self.message,
            "verificationStatus": self.verification_status,
            "verifiedAt": self.verified_at,
            "unchecked": self.unchecked,
        }

    @classmethod
    def from_props(cls, address: str, entry: Mapping[str, Any]) -> "AddressResult":
        return cls(
            address=address,
            verified=bool(entry.get("verified")),
            message=entry.get("message") or "",
            verification_status=entry.get("verificationStatus"),
            verified_at=entry.get("verifiedAt"),
            failed=entry.get("state") == "failed",
            unchecked=entry.get("unchecked"),
        )
