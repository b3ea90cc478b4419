"""Typed errors of the DNS verification engine.

A wait or a check never raises for DNS trouble (its report says what happened); these
are for callers that resolve nameservers themselves.
"""

from __future__ import annotations


class VerificationError(Exception):
    """Base class of every error raised by the DNS verification engine."""


class NameserverResolutionError(VerificationError):
    """A nameserver hostname did not resolve to any address."""
