"""Domain name rules for SES identities, MAIL FROM domains and hosted zones.

Names are normalized the way DNS and SES compare them: lower case, no trailing dot, and
internationalized names converted to their ASCII (punycode) form with IDNA 2008 + UTS #46,
because SES and Route 53 store and compare the ASCII form.
"""

from __future__ import annotations

import re
from typing import Optional

import idna

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_MAX_NAME = 253


class InvalidDomainName(ValueError):
    """The text is not a usable domain name; the message says why."""


def normalize_domain(raw: object) -> str:
    """The canonical form of a host name, or ``InvalidDomainName`` saying what is wrong."""
    if not isinstance(raw, str) or not raw:
        raise InvalidDomainName("must be a domain name such as example.com")
    if raw != raw.strip() or any(ch.isspace() for ch in raw):
        raise InvalidDomainName(f"{raw!r} contains white space")
    name = raw[:-1] if raw.endswith(".") else raw
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise InvalidDomainName(f"{raw!r} is not a valid internationalized domain name ({error})") from None
    name = name.lower()
    labels = name.split(".")
    if len(labels) < 2:
        raise InvalidDomainName(f"{raw!r} must have at least two labels, such as example.com")
    for label in labels:
        if not label:
            raise InvalidDomainName(f"{raw!r} has an empty label (two dots in a row, or a leading dot)")
        if len(label) > 63:
            raise InvalidDomainName(f"{raw!r} has a label longer than 63 characters")
        if not _LABEL.match(label):
            raise InvalidDomainName(
                f"{raw!r} has the label {label!r}: labels may hold only letters, digits and inner hyphens"
            )
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except idna.IDNAError as error:
                raise InvalidDomainName(f"{raw!r} has an invalid punycode label {label!r} ({error})") from None
    if labels[-1].isdigit():
        raise InvalidDomainName(f"{raw!r} ends in an all-numeric label: that is an address, not a domain")
    if len(name) > _MAX_NAME:
        raise InvalidDomainName(f"{raw!r} is longer than {_MAX_NAME} characters")
    return name


def is_within(name: str, ancestor: str) -> bool:
    """True when ``name`` is ``ancestor`` or a subdomain of it (both normalized)."""
    return name == ancestor or name.endswith("." + ancestor)


def enclosing_names(domain: str, down_to: Optional[str] = None) -> list[str]:
    """``a.sub.example.com``, ``sub.example.com``, ``example.com``: the domain and its ancestors of
    at least two labels, closest first, ending at ``down_to`` when given."""
    labels = domain.split(".")
    names = []
    for start in range(len(labels) - 1):
        name = ".".join(labels[start:])
        names.append(name)
        if name == down_to:
            break
    return names
