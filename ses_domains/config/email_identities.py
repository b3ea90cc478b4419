"""``ses-domains:emailIdentities``: single email addresses SES verifies by mail.

An entry is an address (``ops@example.com``) or a mapping ``{address, wait, timeout,
configurationSet}``. SES mails the address a link on create; nothing is published in DNS, so the
verification step only reads SES: by default it reports the address as waiting for its owner's
click and goes on, with ``wait: true`` it holds ``pulumi up`` until the link is clicked (within
``timeout``).

An address in a domain the stack verifies needs no identity of its own: SES lets a verified
domain send from every address in it (and its subdomains), and in the sandbox receive at them.
That is a warning, not an error: the entry stays valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ses_domains.config.configuration_sets import ConfigurationSets
from ses_domains.config.domain_names import InvalidDomainName, is_within, normalize_domain
from ses_domains.config.domains import DomainSpec
from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, as_text, describe, top_level_key
from ses_domains.config.verification import DEFAULT_TIMEOUT_S

EMAIL_IDENTITY_KEYS = ("address", "wait", "timeout", "configurationSet")
MAX_WAIT_S = 24 * 3600.0
"""SES's verification link expires after 24 hours: no wait is worth more."""

_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$")
_MAX_LOCAL = 64
_MAX_ADDRESS = 254
"""RFC 5321: a local part of at most 64 octets, a path of at most 256 with its angle brackets."""


class InvalidAddress(ValueError):
    """The text is not an address SES can verify; the message says why."""


@dataclass(frozen=True)
class EmailIdentitySpec:
    key: str
    """The config key of this entry (``ses-domains:emailIdentities[0]``), for messages about it."""
    address: str
    """As SES stores it: the local part as written (it may be case-sensitive), the domain in lower case."""
    wait: bool = False
    """Hold ``pulumi up`` until the owner clicked SES's link; otherwise only report the state."""
    timeout_s: float = DEFAULT_TIMEOUT_S
    """How long a ``wait`` lasts before the update fails."""
    configuration_set: Optional[str] = None

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


def normalize_address(raw: Any) -> str:
    """``Ops@Example.COM`` -> ``Ops@example.com``; ``InvalidAddress`` saying what is wrong.

    The local part must be a dot-atom (RFC 5322: letters, digits, ``!#$%&'*+/=?^_`{|}~-`` and
    inner single dots); quoted local parts and display names (``Ops <ops@example.com>``) are refused."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidAddress(f"must be an email address such as ops@example.com, got {describe(raw)}")
    if raw != raw.strip() or any(ch.isspace() for ch in raw) or "<" in raw or ">" in raw:
        raise InvalidAddress(
            f"{raw!r} is not a bare address: write only the address, such as ops@example.com (no name, "
            "brackets or spaces)"
        )
    if raw.count("@") != 1:
        raise InvalidAddress(f"{raw!r} must hold exactly one @, as in ops@example.com")
    local, domain = raw.split("@")
    if not local:
        raise InvalidAddress(f"{raw!r} has nothing before the @")
    if len(local) > _MAX_LOCAL:
        raise InvalidAddress(f"{raw!r} has a local part of {len(local)} characters: at most {_MAX_LOCAL}")
    if not local.isascii() or not all(_ATOM.match(part) for part in local.split(".")):
        raise InvalidAddress(
            f"{raw!r} has the local part {local!r}: use ASCII letters, digits, !#$%&'*+/=?^_`{{|}}~- "
            "and single dots inside (no leading, trailing or double dot, no quotes)"
        )
    try:
        normalized = f"{local}@{normalize_domain(domain)}"
    except InvalidDomainName as error:
        raise InvalidAddress(f"its domain: {error}") from None
    if len(normalized) > _MAX_ADDRESS:
        raise InvalidAddress(f"{raw!r} is longer than {_MAX_ADDRESS} characters")
    return normalized


def read_email_identities(
    raw: Any,
    key: str,
    problems: Problems,
    warnings: list[str],
    domains: Iterable[DomainSpec] = (),
    configuration_sets: ConfigurationSets = ConfigurationSets(),
) -> tuple[EmailIdentitySpec, ...]:
    """Every valid entry, in config order (bad entries are reported and left out)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(key, f"must be a list of email addresses, such as [ops@example.com], got {describe(raw)}")
        return ()
    specs: list[EmailIdentitySpec] = []
    first: dict[str, str] = {}
    for index, item in enumerate(raw):
        spec = _read_entry(item, f"{key}[{index}]", problems)
        if spec is None:
            continue
        where = _address_key(item, spec.key)
        # Compared without case: SES matches addresses so, and each is one resource name.
        if spec.address.lower() in first:
            problems.add(where, f"{spec.address} is already declared at {first[spec.address.lower()]}")
            continue
        first[spec.address.lower()] = spec.key
        specs.append(spec)
    for spec in specs:
        _check_configuration_set(spec, configuration_sets, problems)
        _warn_when_the_domain_is_verified(spec, tuple(domains), warnings)
    return tuple(specs)


def _address_key(item: Any, key: str) -> str:
    return f"{key}.address" if isinstance(item, dict) else key


def _read_entry(item: Any, key: str, problems: Problems) -> Optional[EmailIdentitySpec]:
    if isinstance(item, str) or not isinstance(item, dict):
        try:
            return EmailIdentitySpec(key=key, address=normalize_address(item))
        except InvalidAddress as error:
            problems.add(key, f"{error} (or a mapping: {{address, wait, timeout, configurationSet}})")
            return None
    before = len(problems.found)
    section = Section(item, key, problems, EMAIL_IDENTITY_KEYS)
    address: Optional[str] = None
    if not section.has("address"):
        section.problem("address", "is required: the email address SES verifies, such as ops@example.com")
    else:
        try:
            address = normalize_address(section.raw["address"])
        except InvalidAddress as error:
            section.problem("address", str(error))
    wait = section.boolean("wait", default=False)
    timeout_s = section.duration_seconds("timeout", default=DEFAULT_TIMEOUT_S, minimum=10, maximum=MAX_WAIT_S)
    if section.has("timeout") and not wait:
        section.problem("timeout", "applies only with wait: true (without it pulumi up does not wait for the click)")
    configuration_set = None
    if section.has("configurationSet"):
        configuration_set = as_text(section.raw["configurationSet"])
        if not isinstance(configuration_set, str) or not configuration_set.strip():
            section.problem("configurationSet", f"must name a configuration set of {top_level_key(key, 'configurationSets')}, "
                                                f"got {describe(configuration_set)}")
            configuration_set = None
    if len(problems.found) != before or address is None:
        return None
    return EmailIdentitySpec(key=key, address=address, wait=wait, timeout_s=timeout_s,
                             configuration_set=configuration_set)


def _check_configuration_set(spec: EmailIdentitySpec, sets: ConfigurationSets, problems: Problems) -> None:
    name = spec.configuration_set
    if name is None or name in sets.names_with_problems:
        return
    declared = sorted(s.name for s in sets.specs)
    if name not in declared:
        problems.add(
            f"{spec.key}.configurationSet",
            f"there is no configuration set {name} in {top_level_key(spec.key, 'configurationSets')} "
            f"({', '.join(declared) or 'none is declared'})",
        )


def _warn_when_the_domain_is_verified(
    spec: EmailIdentitySpec, domains: tuple[DomainSpec, ...], warnings: list[str]
) -> None:
    parent = next((d for d in domains if is_within(spec.domain, d.domain)), None)
    if parent is None:
        return
    warnings.append(
        f"{spec.key}: {spec.address} is in {parent.domain}, which this stack verifies ({parent.key}): once it "
        "is verified SES lets it send from, and in the sandbox deliver to, every address in it; this address "
        "identity is needed only until then (SES still mails its owner a verification link)"
    )
