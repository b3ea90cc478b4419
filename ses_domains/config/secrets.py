"""A config value kept as a stack secret that the reader cannot open.

The Pulumi program gets every ``secure:`` value decrypted; the command reads ``Pulumi.<stack>.yaml``
without the stack's secrets provider, so such a value reaches the config readers as an
``EncryptedValue``. A reader that does not need the value for the job at hand leaves it alone
(the command never needs a BYODKIM private key: the selector is plain, the public key is in DNS);
one that does reports it under its key.
"""

from __future__ import annotations


class EncryptedValue:
    """A ``secure:`` config value: unknown to this reader."""

    def __repr__(self) -> str:
        return "an encrypted (secure:) value"
