"""The one record type the stack manages, the verifier checks and the command prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ses_domains.records.values import RecordValue, RecordValueError, parse_value


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
        """
        found = tuple(found)
        try:
            have = {parse_value(self.type, value) for value in found}
        except RecordValueError:
            return False
        expected = set(self.parsed())
        if self.type.upper() == "CNAME":
            return len(found) == 1 and have == expected
        return expected <= have

    def route53_values(self) -> list[str]:
        """Values for ``aws.route53.Record.records``."""
        return [value.route53() for value in self.parsed()]

    def zone_file_lines(self) -> list[str]:
        return [f"{self.name}. {self.ttl} IN {self.type} {value.zone_file()}" for value in self.parsed()]
