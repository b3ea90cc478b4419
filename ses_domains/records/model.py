"""The one record type the stack manages, the verifier checks and the command prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ses_domains.records.values import SECRET_DKIM_KEY, RecordValue, RecordValueError, Txt, is_dkim_key_record, parse_value


@dataclass(frozen=True)
class DnsRecord:
    """One record set as a user would read it in a zone file, without quoting.

    - ``name``: fully qualified, lower case, no trailing dot (``_dmarc.example.com``).
    - ``type``: ``CNAME``, ``TXT`` or ``MX``.
    - ``values``: presentation values (see ``records.values``): ``tok.dkim.amazonses.com``,
      ``v=spf1 include:amazonses.com ~all``, ``10 feedback-smtp.eu-west-1.amazonses.com``.
    - ``ttl``: seconds.
    """

    name: str
    type: str
    values: tuple[str, ...]
    ttl: int

    def parsed(self) -> tuple[RecordValue, ...]:
        return tuple(parse_value(self.type, value) for value in self.values)

    def satisfied_by(self, found: Iterable[str]) -> bool:
        """Whether the values a server serves at this name and type hold this record.

        A CNAME must be the only one, with the same target. A TXT or MX record needs each of its
        values present; other values beside them are fine (site verifications, other MX hosts).
        The DKIM record of a secret key (``SECRET_DKIM_KEY``) is held by any DKIM key record.
        """
        found = tuple(found)
        rdtype = self.type.upper()
        # The common cases without parsing each side: a TXT value is its text, so the expected ones
        # among the served ones hold it; the very values expected hold it if they parse.
        if rdtype == "TXT" and set(self.values) <= set(found):
            return True
        if found == self.values and (rdtype != "CNAME" or len(found) == 1):
            try:
                for value in found:
                    parse_value(rdtype, value)
            except RecordValueError:
                return False
            return True
        try:
            have = {parse_value(self.type, value) for value in found}
        except RecordValueError:
            return False
        expected = set(self.parsed())
        if self.type.upper() == "CNAME":
            return len(found) == 1 and have == expected
        return all(value in have or _holds_secret_key(value, have) for value in expected)

    def route53_values(self) -> list[str]:
        """Values for ``aws.route53.Record.records``."""
        return [value.route53() for value in self.parsed()]

    def zone_file_lines(self) -> list[str]:
        return [f"{self.name}. {self.ttl} IN {self.type} {value.zone_file()}" for value in self.parsed()]


def _holds_secret_key(value: RecordValue, have: set[RecordValue]) -> bool:
    return value == Txt(SECRET_DKIM_KEY) and any(isinstance(h, Txt) and is_dkim_key_record(h.text) for h in have)
