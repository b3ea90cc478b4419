"""RSA keys as BYODKIM needs them: read from PEM, turned into the TXT record's ``p=`` and into SES's form.

Pure: no I/O. Every message here speaks about the key (its kind, its size) and never contains
its text, because the text of a private key must not reach a log, an error or an output.

What SES and the provider want (terraform-provider-aws ``internal/service/sesv2/email_identity.go``:
``domain_signing_private_key`` is ``Sensitive``, 1 to 20,480 characters, ``verify.ValidBase64String``,
sent as ``DkimSigningAttributes.DomainSigningPrivateKey`` by ``expandDKIMSigningAttributes``; the SES
guide accepts PKCS #1 or PKCS #8, 1024 to 2048 bits): base64 of the key's DER, without the PEM
armour or line breaks. Whatever the user gives (PKCS #1 or PKCS #8 PEM), SES gets one canonical
form, PKCS #8, so that re-wrapping the same key never shows as a change.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# cryptography is loaded only once a key is read: loading it cost every program run about 20 ms,
# and most stacks have no BYODKIM key.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

KEY_SIZES = (1024, 2048)
"""The RSA sizes SES signs with."""
_PEM_LABEL = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


class DkimKeyError(ValueError):
    """A key that cannot be used; the message never contains the key's text."""


@dataclass(frozen=True)
class DkimPublicKey:
    """What a selector's TXT record publishes."""

    public_key: str
    """Base64 of the SubjectPublicKeyInfo DER (the ``p=`` of the record)."""
    bits: int


@dataclass(frozen=True)
class DkimPrivateKey:
    public: DkimPublicKey
    ses_private_key: str = field(repr=False, compare=False)
    """Base64 of the PKCS #8 DER, as SES takes it. Never shown: ``repr`` leaves it out."""


def _pem_label(text: str) -> str:
    match = _PEM_LABEL.search(text)
    if match is None:
        raise DkimKeyError("is not a PEM key: expected text starting with -----BEGIN PRIVATE KEY----- "
                           "or -----BEGIN RSA PRIVATE KEY-----")
    return match.group(1)


def _check_rsa_size(key: object, what: str) -> int:
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        raise DkimKeyError(f"is {_kind(key)} {what}; SES signs DKIM only with RSA keys (1024 or 2048 bits)")
    bits = key.key_size
    if bits not in KEY_SIZES:
        raise DkimKeyError(f"is a {bits}-bit RSA {what}; SES takes 1024- or 2048-bit keys")
    return bits


def _kind(key: object) -> str:
    """``an EC``, ``a DSA``...: what kind of key it is, from its type (never its content)."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519

    kinds = (
        ((ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey), "an EC"),
        ((ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey), "an Ed25519"),
        ((ed448.Ed448PrivateKey, ed448.Ed448PublicKey), "an Ed448"),
        ((dsa.DSAPrivateKey, dsa.DSAPublicKey), "a DSA"),
    )
    return next((kind for types, kind in kinds if isinstance(key, types)), "a non-RSA")


def public_key_of(key: rsa.RSAPublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def read_private_key(pem: str) -> DkimPrivateKey:
    """An RSA private key in PKCS #1 (``RSA PRIVATE KEY``) or PKCS #8 (``PRIVATE KEY``) PEM, unencrypted."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(pem, str) or not pem.strip():
        raise DkimKeyError("must be an RSA private key in PEM (text), such as the output of openssl genrsa 2048")
    label = _pem_label(pem)
    if label == "ENCRYPTED PRIVATE KEY":
        raise DkimKeyError("is encrypted with a passphrase; give the unencrypted PEM and keep it a Pulumi secret "
                           "(pulumi config set --secret)")
    if label not in ("PRIVATE KEY", "RSA PRIVATE KEY"):
        raise DkimKeyError(f"is a PEM {label}, not a private key; expected -----BEGIN PRIVATE KEY----- or "
                           "-----BEGIN RSA PRIVATE KEY-----")
    try:
        key = serialization.load_pem_private_key(pem.strip().encode("ascii"), password=None)
    except TypeError:
        raise DkimKeyError("is encrypted with a passphrase; give the unencrypted PEM") from None
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError):
        raise DkimKeyError(f"has a -----BEGIN {label}----- line but its body is not a readable key "
                           "(damaged, cut short or not base64)") from None
    bits = _check_rsa_size(key, "private key")
    assert isinstance(key, rsa.RSAPrivateKey)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return DkimPrivateKey(DkimPublicKey(public_key_of(key.public_key()), bits), base64.b64encode(der).decode("ascii"))


def read_public_key(text: str) -> DkimPublicKey:
    """A public key as PEM (``PUBLIC KEY`` or ``RSA PUBLIC KEY``), or the bare base64 of a
    SubjectPublicKeyInfo (what a DKIM record's ``p=`` holds)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not isinstance(text, str) or not text.strip():
        raise DkimKeyError("must be an RSA public key: PEM, or the base64 of the p= of its DKIM record")
    text = text.strip()
    try:
        if "-----BEGIN" in text:
            label = _pem_label(text)
            if "PRIVATE" in label:
                raise DkimKeyError("is a private key; give it as privateKey (a secret), or its public key here")
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            der = base64.b64decode("".join(text.split()), validate=True)
            key = serialization.load_der_public_key(der)
    except (ValueError, UnsupportedAlgorithm, binascii.Error, UnicodeEncodeError) as error:
        if isinstance(error, DkimKeyError):
            raise
        raise DkimKeyError("is not a readable public key: expected PEM (-----BEGIN PUBLIC KEY-----) or the "
                           "base64 of a DKIM record's p=") from None
    bits = _check_rsa_size(key, "public key")
    assert isinstance(key, rsa.RSAPublicKey)
    return DkimPublicKey(public_key_of(key), bits)
