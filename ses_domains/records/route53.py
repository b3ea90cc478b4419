"""How a record's values are written to Route 53 through pulumi-aws."""

from __future__ import annotations

from ses_domains.records.model import DnsRecord

TXT_STRING_LIMIT = 255


def route53_values(record: DnsRecord) -> list[str]:
    """Values for ``aws.route53.Record.records``.

    pulumi-aws quotes each value it is given, so a TXT value longer than one DNS character-string
    (255 octets) is split by writing ``""`` between chunks: Route 53 then stores
    ``"chunk1" "chunk2"``, which resolvers join back into the one value.
    """
    if record.type != "TXT":
        return list(record.values)
    return ['""'.join(_chunks(value)) for value in record.values]


def _chunks(value: str) -> list[str]:
    return [value[start : start + TXT_STRING_LIMIT] for start in range(0, len(value), TXT_STRING_LIMIT)] or [""]
