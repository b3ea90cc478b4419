"""Typed errors of the DNS verification engine.

Every error that ends a wait carries the final :class:`~ses_domains.engine.dns.wait.DnsReport`
so the caller can show which record is missing or wrong on which nameserver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ses_domains.engine.dns.wait import DnsReport


class VerificationError(Exception):
    """Base class of every error raised by the verification engine."""


class NameserverResolutionError(VerificationError):
    """A nameserver hostname did not resolve to any address."""


class DnsWaitError(VerificationError):
    """The wait ended without every record visible everywhere; ``report`` says what is missing."""

    def __init__(self, message: str, report: "DnsReport") -> None:
        super().__init__(message)
        self.report = report


class DnsDeadlineExceeded(DnsWaitError):
    """The deadline passed while some records were still missing or wrong."""


class NameserverMisconfigured(DnsWaitError):
    """A nameserver refused the zone or answered without authority: waiting cannot help."""
