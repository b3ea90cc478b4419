"""The ``dkim`` block of a domain: Easy DKIM's key length, or a key of the user's own (BYODKIM).

```yaml
dkim: {keyLength: RSA_2048_BIT}                       # Easy DKIM (the default without a dkim block)
dkim:                                                 # BYODKIM
  selector: s2026b
  privateKey: <PEM>                                   # pulumi config set --secret --path ...
  previous: {selector: s2026a, publicKey: <PEM or base64>}   # while rotating: still published
```

A private key is a secret: no message written here contains any part of it (the generic
``Section`` accessors quote the value they refuse, so the key fields are read by hand). The
command reads the stack file without decrypting its secrets: a ``secure:`` private key reaches it
as an ``EncryptedValue`` and is left alone (the key is then ``None``: none of the command's jobs
signs mail; the selector is plain and the public key is whatever DNS publishes at it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ses_domains.config.fields import Section, describe
from ses_domains.config.secrets import EncryptedValue
from ses_domains.records.dkim import Byodkim, PublishedSelector
from ses_domains.records.ses import dkim_selector_host

if TYPE_CHECKING:
    from ses_domains.records.dkim_keys import DkimPrivateKey

DKIM_KEYS = ("keyLength", "selector", "privateKey", "previous")
PREVIOUS_KEYS = ("selector", "privateKey", "publicKey")
KEY_LENGTHS = ("RSA_2048_BIT", "RSA_1024_BIT")
MAX_SELECTOR = 63
"""terraform-provider-aws ``domain_signing_selector``: 1 to 63 characters."""
MAX_DNS_NAME = 253
SES_SELECTOR_PATTERN = r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))$"
"""SESv2's model (shape ``Selector`` of CreateEmailIdentity and PutEmailIdentityDkimSigningAttributes):
one DNS label. RFC 6376 allows dotted selectors; SES does not."""
_SELECTOR = re.compile(SES_SELECTOR_PATTERN)


@dataclass(frozen=True)
class ByodkimSpec:
    selector: str
    key: Optional[DkimPrivateKey]
    """The key SES signs with (its private half is shown nowhere); ``None``: a stack secret this
    reader cannot open (the command, which never needs it)."""
    previous: Optional[PublishedSelector] = None
    """The selector SES signed with before a rotation: its record stays published."""

    def strategy(self) -> Byodkim:
        return Byodkim(PublishedSelector(self.selector, self.key.public if self.key else None), self.previous)


def read_dkim(
    domain_section: Section, domain: Optional[str], warnings: list[str]
) -> tuple[str, Optional[ByodkimSpec]]:
    """(Easy DKIM key length, BYODKIM spec or ``None``); problems are reported on the way."""
    raw = domain_section.raw.get("dkim")
    if raw is None:
        return "RSA_2048_BIT", None
    key = domain_section.path("dkim")
    if not isinstance(raw, dict):
        domain_section.problems.add(
            key, f"must be a mapping of keys ({', '.join(DKIM_KEYS)}), got {_kind_of(raw)}"
        )
        return "RSA_2048_BIT", None
    section = Section(raw, key, domain_section.problems, DKIM_KEYS)
    own_key = section.has("selector") or section.has("privateKey")
    if own_key and section.has("keyLength"):
        section.problem(
            "keyLength",
            "applies only to Easy DKIM: with selector and privateKey (BYODKIM) the key length is the key's "
            "own (1024 or 2048 bits); remove keyLength",
        )
        key_length = "RSA_2048_BIT"
    else:
        key_length = section.choice("keyLength", KEY_LENGTHS) or "RSA_2048_BIT"
    if not own_key:
        if section.has("previous"):
            section.problem("previous", "applies only to BYODKIM: set selector and privateKey for the new key")
        return key_length, None

    selector = _read_selector(section, domain)
    secret = isinstance(section.raw.get("privateKey"), EncryptedValue)
    private_key = None if secret else _read_private_key(section)
    if section.has("selector") and not section.has("privateKey"):
        section.problem("privateKey", "is required with selector: the RSA private key SES signs with, in PEM "
                                      "(pulumi config set --secret --path '...dkim.privateKey' < key.pem)")
    if section.has("privateKey") and not section.has("selector"):
        section.problem("selector", "is required with privateKey: the name the public key is published under, "
                                    "such as s2026a (<selector>._domainkey.<domain>)")
    previous = _read_previous(section, domain, selector)
    if selector is None or (private_key is None and not secret):
        return key_length, None
    if private_key is None:
        return key_length, ByodkimSpec(selector, None, previous)
    if previous is not None and previous.public_key == private_key.public:
        warnings.append(
            f"{section.path('previous')}: the previous selector publishes the same public key as {selector}; "
            "a rotation needs a new key"
        )
    if private_key.public.bits == 1024:
        warnings.append(
            f"{section.path('privateKey')}: a 1024-bit key is weaker than the 2048 bits SES recommends; use it "
            "only for receivers that cannot handle 2048-bit keys"
        )
    return key_length, ByodkimSpec(selector, private_key, previous)


def _kind_of(value: Any) -> str:
    """What a value is, without quoting it (it may be a key pasted in the wrong place)."""
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    return type(value).__name__


def _read_selector(section: Section, domain: Optional[str]) -> Optional[str]:
    raw = section.raw.get("selector")
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        section.problem("selector", f"must be a DKIM selector such as s2026a, got {describe(raw)}")
        return None
    selector = raw.strip().lower()
    if len(selector) > MAX_SELECTOR or not _SELECTOR.match(selector) or any(len(l) > 63 for l in selector.split(".")):
        section.problem(
            "selector",
            f"{describe(raw)} is not a selector SES takes: use 1 to {MAX_SELECTOR} letters, digits and inner hyphens, "
            "in one label with no dots (such as s2026a)",
        )
        return None
    if domain is not None:
        host = dkim_selector_host(selector, domain)
        if len(host) > MAX_DNS_NAME:
            section.problem(
                "selector",
                f"{host} would be {len(host)} characters, over DNS's {MAX_DNS_NAME}: use a shorter selector",
            )
            return None
    return selector


def _read_private_key(section: Section) -> Optional[DkimPrivateKey]:
    raw = section.raw.get("privateKey")
    if raw is None:
        return None
    if not isinstance(raw, str):
        section.problem("privateKey", f"must be an RSA private key in PEM (text), got {_kind_of(raw)}")
        return None
    # Keys are parsed by a module imported for a domain that gives one: Easy DKIM needs none of it.
    from ses_domains.records.dkim_keys import DkimKeyError, read_private_key

    try:
        return read_private_key(raw)
    except DkimKeyError as error:
        section.problem("privateKey", f"{error} (the key is a secret: it is not repeated here)")
        return None


def _read_previous(section: Section, domain: Optional[str], current: Optional[str]) -> Optional[PublishedSelector]:
    raw = section.raw.get("previous")
    if raw is None:
        return None
    key = section.path("previous")
    if not isinstance(raw, dict):
        section.problems.add(key, f"must be a mapping of keys ({', '.join(PREVIOUS_KEYS)}), got {_kind_of(raw)}")
        return None
    previous = Section(raw, key, section.problems, PREVIOUS_KEYS)
    selector = _read_selector(previous, domain)
    if not previous.has("selector"):
        previous.problem("selector", "is required: the selector SES signed with before this rotation")
    if selector is not None and selector == current:
        previous.problem("selector", f"is {selector}, the same as the new selector: a rotation publishes the new "
                                     "key under a selector of its own")
        selector = None
    given = [name for name in ("privateKey", "publicKey") if previous.has(name)]
    if len(given) != 1:
        previous.problem(
            "publicKey",
            "give exactly one of publicKey (its PEM, or the p= of its record) or privateKey (the old key, as a "
            "secret): the previous selector's record keeps publishing it",
        )
        return None
    public = None
    if given == ["privateKey"] and isinstance(previous.raw["privateKey"], EncryptedValue):
        return PublishedSelector(selector, None) if selector is not None else None
    if given == ["privateKey"]:
        private = _read_private_key(previous)
        public = private.public if private else None
    else:
        from ses_domains.records.dkim_keys import DkimKeyError, read_public_key

        try:
            public = read_public_key(previous.raw["publicKey"])
        except DkimKeyError as error:
            previous.problem("publicKey", str(error))
    if selector is None or public is None:
        return None
    return PublishedSelector(selector, public)

