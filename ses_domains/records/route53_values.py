"""Record values as Route 53 hands them back, turned into the model's presentation text.

``ListResourceRecordSets`` (and pulumi-aws's ``getRecords``, which passes its answer through)
returns names fully qualified with a trailing dot, non-printable and special characters as
``\\NNN`` octal escapes, and each value in zone-file form: a TXT value as one or more quoted
character-strings (``"v=spf1 ..."``, ``"first 255" "rest"``), a CNAME or MX host often with its
trailing dot. The model compares presentation text (``records.values``), so everything read
from Route 53 goes through here once.
"""

from __future__ import annotations

import re

from ses_domains.records.values import Txt, normalize_host

_OCTAL = re.compile(r"\\([0-7]{3})")


def record_name(route53_name: str) -> str:
    """``_dmarc.Example.com.`` -> ``_dmarc.example.com``; ``\\052.example.com.`` -> ``*.example.com``."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), route53_name).rstrip(".").lower()


def presentation_value(record_type: str, value: str) -> str:
    """One Route 53 value as the model writes it; types the stack does not write are kept as given."""
    kind = record_type.upper()
    if kind == "TXT":
        return txt_text(value)
    if kind == "CNAME":
        return normalize_host(value)
    if kind == "MX":
        preference, _, exchange = value.strip().partition(" ")
        return f"{preference} {normalize_host(exchange)}"
    return value


def txt_text(value: str) -> str:
    """The character-strings of a zone-file TXT value, unescaped and joined; unquoted text as is."""
    text = value.strip()
    if not text.startswith('"'):
        return text
    strings: list[str] = []
    current: list[str] = []
    inside = False
    index = 0
    while index < len(text):
        char = text[index]
        if inside and char == "\\" and index + 1 < len(text):
            digits = text[index + 1 : index + 4]
            if len(digits) == 3 and all(d in "01234567" for d in digits):
                current.append(chr(int(digits, 8)))
                index += 4
                continue
            current.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            if inside:
                strings.append("".join(current))
                current = []
            inside = not inside
        elif inside:
            current.append(char)
        index += 1
    return "".join(strings)


def route53_txt(text: str) -> str:
    """Presentation text -> the quoted form the Route 53 API takes (split at 255 characters)."""
    return Txt(text).zone_file()
