"""``records`` output: a table to read, JSON for tools, a zone-file fragment for DNS outside Route 53."""

from __future__ import annotations

import json
from typing import Sequence

from ses_domains.cli.colours import Palette
from ses_domains.cli.stack_records import DomainRecords, is_placeholder
from ses_domains.cli.table import WIDTH, Text, format_table, shorten, wrap_lines
from ses_domains.records.model import DnsRecord

def records_table(stack: str, region: str, domains: Sequence[DomainRecords], tracking: Sequence[DnsRecord],
                  palette: Palette) -> str:
    """Within ``table.WIDTH`` columns: long names shortened in the middle, TXT values wrapped (the
    zone-file and JSON outputs hold every value whole)."""
    header = ("NAME", "TYPE", "TTL", "VALUE")
    lines = wrap_lines(f"Records of stack {stack} (SES region {region})")
    for entry in domains:
        lines.append("")
        source = "" if entry.dkim_from_ses else "  " + palette.warn("DKIM tokens unknown: placeholders shown")
        lines.extend(wrap_lines(f"{palette.bold(shorten(entry.domain, WIDTH // 2))}  ({entry.zone_words}){source}"))
        lines.extend(format_table(header, [_row(r, palette) for r in entry.records], shrink=(0, 3)))
    if tracking:
        lines.append("")
        lines.append(palette.bold("tracking domains"))
        lines.extend(format_table(header, [_row(r, palette) for r in tracking], shrink=(0, 3)))
    return "\n".join(lines) + "\n"


def _row(record: DnsRecord, palette: Palette) -> list[str]:
    paint = palette.warn if is_placeholder(record) else str
    value = paint(", ".join(record.values))
    return [paint(record.name), record.type, str(record.ttl), Text(value) if record.type == "TXT" else value]


def records_json(stack: str, region: str, domains: Sequence[DomainRecords], tracking: Sequence[DnsRecord]) -> str:
    document = {
        "stack": stack,
        "region": region,
        "domains": [
            {
                "domain": entry.domain,
                "zone": entry.zone,
                "dkim_tokens_from_ses": entry.dkim_from_ses,
                "placeholder_reason": entry.why_placeholders,
                "records": [_record_json(record) for record in entry.records],
            }
            for entry in domains
        ],
        "tracking_records": [_record_json(record) for record in tracking],
    }
    return json.dumps(document, indent=2) + "\n"


def _record_json(record: DnsRecord) -> dict:
    return {
        "name": record.name,
        "type": record.type,
        "ttl": record.ttl,
        "values": list(record.values),
        "placeholder": is_placeholder(record),
    }


def records_zone(stack: str, region: str, domains: Sequence[DomainRecords], tracking: Sequence[DnsRecord]) -> str:
    """A zone-file fragment with absolute names: paste it into the zone(s) named in the comments.
    Records that need values from SES are commented out, with the reason."""
    lines = [f"; ses-domains: records of stack {stack} (SES region {region})"]
    for entry in domains:
        lines.append(f"; {entry.domain}: in {entry.zone_words}")
        if not entry.dkim_from_ses:
            lines.append(f"; the DKIM records below need the identity's tokens from SES: {entry.why_placeholders}")
        for record in entry.records:
            prefix = "; " if is_placeholder(record) else ""
            lines.extend(prefix + line for line in record.zone_file_lines())
    if tracking:
        lines.append("; custom tracking domains")
        for record in tracking:
            lines.extend(record.zone_file_lines())
    return "\n".join(lines) + "\n"
