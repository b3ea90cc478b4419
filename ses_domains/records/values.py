"""One value class per record type: each parses presentation text, renders it back, compares
the way DNS does, and gives its Route 53 and zone-file forms.

Presentation text is what ``DnsRecord.values`` holds and what a user reads: a CNAME target
without its trailing dot, a TXT value as one unquoted string however long, an MX as
``"<preference> <exchange>"``. Comparison is semantic: host names case-insensitively and without
a trailing dot, TXT values exactly (DNS keeps their case), MX by preference and exchange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

TXT_STRING_LIMIT = 255
"""A DNS character-string holds at most 255 octets: longer TXT values are split into several."""


SECRET_DKIM_KEY = "v=DKIM1; k=rsa; p=<public key of the secret privateKey>"
"""The DKIM record of a key this reader cannot see (a stack secret the command does not decrypt):
any RSA key record served at the selector holds it, and SES's DKIM status says whether it is the right key."""
_DKIM_KEY_RECORD = re.compile(r"^v=DKIM1;(?:.*;)?\s*p=[A-Za-z0-9+/]+={0,2}\s*$")


def is_dkim_key_record(text: str) -> bool:
    """A DKIM key record (RFC 6376 3.6.1) publishing a key (a revoked key has an empty ``p=``)."""
    return bool(_DKIM_KEY_RECORD.match(text.strip()))


class RecordValueError(ValueError):
    """Presentation text that is not a value of the record type."""


def normalize_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


@dataclass(frozen=True)
class Cname:
    target: str

    TYPE = "CNAME"

    @classmethod
    def parse(cls, text: str) -> "Cname":
        target = normalize_host(text)
        if not target or " " in target:
            raise RecordValueError(f"{text!r} is not a host name")
        return cls(target)

    def render(self) -> str:
        return self.target

    def route53(self) -> str:
        return self.target

    def zone_file(self) -> str:
        return f"{self.target}."


@dataclass(frozen=True)
class Txt:
    text: str

    TYPE = "TXT"

    @classmethod
    def parse(cls, text: str) -> "Txt":
        return cls(text)

    def render(self) -> str:
        return self.text

    def strings(self) -> list[str]:
        """The value cut into DNS character-strings of at most 255 characters."""
        return [self.text[i : i + TXT_STRING_LIMIT] for i in range(0, len(self.text), TXT_STRING_LIMIT)] or [""]

    def route53(self) -> str:
        """pulumi-aws quotes the value it is given, so a value longer than one character-string is
        split by writing ``""`` between chunks: Route 53 then stores ``"chunk1" "chunk2"``, which
        resolvers join back into the one value."""
        return '""'.join(self.strings())

    def zone_file(self) -> str:
        return " ".join('"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' for s in self.strings())


@dataclass(frozen=True)
class Mx:
    preference: int
    exchange: str

    TYPE = "MX"

    @classmethod
    def parse(cls, text: str) -> "Mx":
        preference, _, exchange = text.strip().partition(" ")
        if not preference.isdigit() or not exchange.strip():
            raise RecordValueError(f"{text!r} is not an MX value such as '10 mail.example.com'")
        return cls(int(preference), normalize_host(exchange))

    def render(self) -> str:
        return f"{self.preference} {self.exchange}"

    def route53(self) -> str:
        return self.render()

    def zone_file(self) -> str:
        return f"{self.preference} {self.exchange}."


RecordValue = Union[Cname, Txt, Mx]
VALUE_TYPES: dict[str, type] = {"CNAME": Cname, "TXT": Txt, "MX": Mx}


def value_type(rdtype: str) -> type:
    try:
        return VALUE_TYPES[rdtype.upper()]
    except KeyError:
        raise RecordValueError(f"unsupported record type {rdtype!r} (CNAME, TXT and MX are)") from None


def parse_value(rdtype: str, text: str) -> RecordValue:
    return value_type(rdtype).parse(text)
