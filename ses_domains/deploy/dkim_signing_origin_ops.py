"""The SESv2 calls behind ``DkimSigningOrigin``: read what SES signs with, and switch it.

Imported only when Pulumi calls the provider (never by the program). The calls go through
``set_options_ops``' bounded, retrying caller. The private key travels only in the request
``PutEmailIdentityDkimSigningAttributes`` carries; no message here names it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ses_domains.deploy.set_options_ops import SetOptionsError, _call, settings_of

EXTERNAL = "EXTERNAL"
AWS_SES = "AWS_SES"


class SigningNotSwitched(Exception):
    """SES refused the switch, or does not report the declared signing afterwards."""


@dataclass(frozen=True)
class SesSigning:
    """What ``GetEmailIdentity`` reports about an identity's DKIM signing."""

    origin: Optional[str]
    tokens: tuple[str, ...]
    next_key_length: Optional[str]


def key_fingerprint(private_key: Optional[str]) -> Optional[str]:
    """What state keeps of the key: enough to see that it changed, nothing to sign with."""
    return hashlib.sha256(private_key.encode()).hexdigest()[:16] if private_key else None


def read_signing(props: Mapping[str, Any]) -> SesSigning:
    try:
        answer = _call(settings_of(props), "get_email_identity", {"EmailIdentity": props["emailIdentity"]})
    except SetOptionsError as error:
        raise SigningNotSwitched(f"{props['emailIdentity']}: SES could not be read: {error}") from None
    dkim = answer.get("DkimAttributes") or {}
    return SesSigning(dkim.get("SigningAttributesOrigin"), tuple(dkim.get("Tokens") or ()),
                      dkim.get("NextSigningKeyLength"))


def in_sync(props: Mapping[str, Any], signing: SesSigning) -> bool:
    """Whether SES signs as declared: BYODKIM with the declared selector, or Easy DKIM (with the
    declared next key length, when one is declared)."""
    if props["origin"] == EXTERNAL:
        # SES may answer a BYODKIM identity with no tokens (the SES guide's example): origin only then.
        return signing.origin == EXTERNAL and (not signing.tokens or props["selector"] in signing.tokens)
    if signing.origin != AWS_SES:
        return False
    return not props.get("keyLength") or signing.next_key_length == props["keyLength"]


def signing_request(props: Mapping[str, Any]) -> dict:
    """The ``PutEmailIdentityDkimSigningAttributes`` request for the declared signing."""
    if props["origin"] == EXTERNAL:
        attributes = {"DomainSigningSelector": props["selector"], "DomainSigningPrivateKey": props["privateKey"]}
    else:
        attributes = {"NextSigningKeyLength": props["keyLength"]} if props.get("keyLength") else {}
    request: dict = {"EmailIdentity": props["emailIdentity"], "SigningAttributesOrigin": props["origin"]}
    if attributes:
        request["SigningAttributes"] = attributes
    return request


def apply_signing(props: Mapping[str, Any], key_changed: bool = False) -> SesSigning:
    """Switches the identity to the declared signing unless SES already signs so (and the key is
    the one SES was given last: ``key_changed`` says it is not); what SES reports afterwards."""
    domain = props["emailIdentity"]
    current = read_signing(props)
    if in_sync(props, current) and not key_changed:
        return current
    described = f"origin {props['origin']}" + (f", selector {props['selector']}" if props["origin"] == EXTERNAL else "")
    print(f"ses-domains: {domain}: SES signs with origin {current.origin}; switching to {described}", flush=True)
    try:
        _call(settings_of(props), "put_email_identity_dkim_signing_attributes", signing_request(props))
    except SetOptionsError as error:
        raise SigningNotSwitched(f"{domain}: SES refused DKIM signing with {described}: {error}") from None
    after = read_signing(props)
    if not in_sync(props, after):
        raise SigningNotSwitched(f"{domain}: SES reports origin {after.origin} and tokens {list(after.tokens)} "
                                 f"after being given {described}")
    return after
