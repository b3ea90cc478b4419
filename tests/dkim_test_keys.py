"""RSA keys made for the tests, never stored: a stack file names one as ``<rsa-private-key:BITS:FORMAT>``
(FORMAT ``pkcs1`` or ``pkcs8``) or ``<rsa-public-key:BITS>`` and :func:`with_test_keys` puts it in."""

from __future__ import annotations

import functools
import re
import textwrap
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_PLACEHOLDER = re.compile(r"^<rsa-(private|public)-key:(\d+)(?::(pkcs1|pkcs8))?(?::([a-z0-9-]+))?>$")
PRIVATE_FORMATS = {"pkcs1": serialization.PrivateFormat.TraditionalOpenSSL, "pkcs8": serialization.PrivateFormat.PKCS8}


@functools.lru_cache(maxsize=None)
def rsa_key(bits: int, name: str = "") -> rsa.RSAPrivateKey:
    """One key per (size, name) for the session: RSA generation costs tens of milliseconds."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_pem(bits: int, fmt: str = "pkcs8", name: str = "") -> str:
    key = rsa_key(bits, name)
    return key.private_bytes(serialization.Encoding.PEM, PRIVATE_FORMATS[fmt], serialization.NoEncryption()).decode()


def public_pem(bits: int, name: str = "") -> str:
    return rsa_key(bits, name).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def with_test_keys(value: Any) -> Any:
    if isinstance(value, str):
        match = _PLACEHOLDER.match(value)
        if not match:
            return value
        kind, bits, fmt, name = match.group(1), int(match.group(2)), match.group(3) or "pkcs8", match.group(4) or ""
        return private_pem(bits, fmt, name) if kind == "private" else public_pem(bits, name)
    if isinstance(value, dict):
        return {k: with_test_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_test_keys(v) for v in value]
    return value


def ses_form_as_pem(ses_private_key: str) -> str:
    """What SES holds (base64 PKCS #8 DER), back in PEM."""
    body = "\n".join(textwrap.wrap(ses_private_key, 64))
    return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"
