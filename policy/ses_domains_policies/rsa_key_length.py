"""The length in bits of an RSA key given as base64 DER, read from its modulus.

SES takes a BYODKIM private key as the base64 of its DER (PKCS #1 ``RSAPrivateKey`` or PKCS #8
``PrivateKeyInfo``), and a DKIM record's ``p=`` holds a public key (``SubjectPublicKeyInfo`` or
PKCS #1 ``RSAPublicKey``). The pack has no cryptography library: reading the modulus needs only
DER's tag-length-value walk.
"""

from __future__ import annotations

import base64
import binascii

_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING = 0x30, 0x02, 0x03, 0x04


class KeyLengthError(Exception):
    """The text is not the base64 DER of an RSA key."""


def rsa_key_bits(base64_der: str) -> int:
    """Bits of the modulus of an RSA private or public key in base64 DER (whitespace allowed)."""
    try:
        der = base64.b64decode("".join(base64_der.split()), validate=True)
    except (binascii.Error, ValueError):
        raise KeyLengthError("not base64") from None
    return _modulus_bits(der)


def _modulus_bits(der: bytes) -> int:
    items = _sequence_items(der)
    kinds = [tag for tag, _ in items]
    if kinds[:2] == [_INTEGER, _SEQUENCE] and len(items) >= 3 and items[2][0] == _OCTET_STRING:
        return _modulus_bits(items[2][1])  # PKCS #8 PrivateKeyInfo around an RSAPrivateKey
    if kinds[:2] == [_SEQUENCE, _BIT_STRING]:
        bits = items[1][1]
        if not bits or bits[0] != 0:
            raise KeyLengthError("malformed public key bit string")
        return _modulus_bits(bits[1:])  # SubjectPublicKeyInfo around an RSAPublicKey
    if len(items) >= 9 and kinds[:2] == [_INTEGER, _INTEGER]:
        return _integer_bits(items[1][1])  # RSAPrivateKey: version, modulus, ...
    if len(items) == 2 and kinds == [_INTEGER, _INTEGER]:
        return _integer_bits(items[0][1])  # RSAPublicKey: modulus, exponent
    raise KeyLengthError("not an RSA key")


def _sequence_items(der: bytes) -> list[tuple[int, bytes]]:
    tag, body, rest = _read(der)
    if tag != _SEQUENCE or rest:
        raise KeyLengthError("not one DER sequence")
    items = []
    while body:
        tag, content, body = _read(body)
        items.append((tag, content))
    return items


def _read(der: bytes) -> tuple[int, bytes, bytes]:
    if len(der) < 2:
        raise KeyLengthError("truncated DER")
    tag, length, offset = der[0], der[1], 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or len(der) < 2 + count:
            raise KeyLengthError("bad DER length")
        length, offset = int.from_bytes(der[2:2 + count], "big"), 2 + count
    if len(der) < offset + length:
        raise KeyLengthError("truncated DER")
    return tag, der[offset:offset + length], der[offset + length:]


def _integer_bits(content: bytes) -> int:
    return int.from_bytes(content, "big").bit_length()
