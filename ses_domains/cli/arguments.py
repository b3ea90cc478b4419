"""Values of command-line options, checked as argparse reads them (a bad one is a usage error, exit 2)."""

from __future__ import annotations

import argparse
import re
from email.utils import parseaddr

from ses_domains.engine.ses.reputation import MAX_DAYS
from ses_domains.nameserver_address import NameserverSpecError, parse_nameserver

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")


def duration(text: str) -> float:
    """Seconds from ``90s``, ``20m``, ``1h30m`` or a plain number of seconds."""
    raw = text.strip()
    seconds: float | None = None
    try:
        seconds = float(raw)
    except ValueError:
        match = _DURATION.match(raw)
        if raw and match:
            hours, minutes, secs = match.groups()
            seconds = int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(secs or 0)
    if seconds is None or not seconds > 0 or seconds != seconds or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration: write it as 90s, 20m, 1h30m or a number of seconds")
    return seconds


def nameserver(text: str) -> str:
    """A nameserver as ``host``, ``host:port``, an IP address or ``[IPv6]:port``, normalized."""
    try:
        return str(parse_nameserver(text))
    except NameserverSpecError as error:
        raise argparse.ArgumentTypeError(f"{error}; write host, host:port, an IP address or [IPv6]:port") from None


_ACCOUNT_ID = re.compile(r"^\d{12}$")


def account_id(text: str) -> str:
    """An AWS account id: 12 digits."""
    if not _ACCOUNT_ID.match(text):
        raise argparse.ArgumentTypeError(f"an AWS account id is 12 digits, got {text!r}")
    return text


def email_address(text: str) -> str:
    """An address as ``send-test --from/--to`` take it: ``name@example.com`` or ``Name <name@example.com>``."""
    local, at, domain = parseaddr(text)[1].rpartition("@")
    if not (at and local and domain) or any(c.isspace() for c in local + domain):
        raise argparse.ArgumentTypeError(f"{text!r} is not an email address: write name@example.com or 'Name <name@example.com>'")
    return text.strip()


def days(text: str) -> int:
    """A whole number of days, 1 to ``MAX_DAYS`` (the longest reputation window read)."""
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to {MAX_DAYS}")
    return value
