"""Just enough DNS wire-format parsing to judge an authoritative answer, fast.

dnspython's ``Message.from_wire`` builds Name, RRset and Rdata objects for every answer
and costs ~0.2 ms each; a 24,000-query round spent most of its time there. The judge
only needs the rcode, the AA and TC flags, and the answer section's owner names, types
and CNAME/MX/TXT values, which this module reads directly (RFC 1035 section 4, with
name compression).

Whatever the bytes, :func:`parse_answer` returns a :class:`WireAnswer` or raises
:class:`WireFormatError`, never anything else: answers come from servers we do not
control, and a parser that raised ``IndexError`` once left a query waiting forever.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

FLAG_AA = 0x0400
FLAG_TC = 0x0200
TYPE_NAMES = {5: "CNAME", 15: "MX", 16: "TXT", 1: "A", 2: "NS", 6: "SOA", 12: "PTR", 28: "AAAA", 39: "DNAME",
              99: "SPF"}
_NAME_TYPES = (2, 5, 12)  # NS, CNAME, PTR: the rdata is one domain name
_MAX_NAME_WIRE_LENGTH = 255  # RFC 1035 section 3.1, length octets included


class WireFormatError(ValueError):
    """The bytes are not a well-formed DNS message."""


@dataclass(frozen=True)
class AnswerRecord:
    """One answer-section record: owner (lower case, no trailing dot), type, value in
    ``DnsRecord.values`` presentation (CNAME, NS, PTR target; TXT strings joined; MX "10 host";
    other types, SPF included: the rdata in hex)."""

    name: str
    type: str
    value: str
    strings: tuple[bytes, ...] = field(default=(), compare=False)  # TXT/SPF: the character-strings as sent


@dataclass(frozen=True)
class WireAnswer:
    rcode: int
    authoritative: bool
    truncated: bool
    answers: tuple[AnswerRecord, ...]


def read_name(wire: bytes, offset: int, limit: int | None = None) -> tuple[str, int]:
    """The name at ``offset`` (lower case, no trailing dot) and the offset after it.

    The name's own bytes (up to its end or its first compression pointer) must lie before
    ``limit`` (default: the end of the message). A compression pointer must point before
    itself, which also rules out pointer loops.
    """
    name, after, _, _ = _read_name(wire, offset, limit, None)
    return name, after


def _read_name(wire: bytes, offset: int, limit: int | None,
               known: tuple[int, str, int] | None) -> tuple[str, int, int, bool]:
    """:func:`read_name`, plus the name's length in wire format and whether it holds a pointer.

    ``known``: (offset, name, wire length) of a name already read whole at that offset, bound by
    the message's end and without a pointer (the question's): a pointer to it ends the name
    there, as reading those bytes again would, without reading them again (the owner of nearly
    every answer record is such a pointer).
    """
    size = len(wire)
    bound = size if limit is None else min(limit, size)
    parts: list[bytes] = []
    end = None
    tail = ""
    wire_length = 1
    while True:
        if offset >= bound:
            raise WireFormatError("name runs past its end")
        length = wire[offset]
        if length == 0:
            offset += 1
            break
        kind = length & 0xC0
        if kind == 0xC0:
            if offset + 1 >= bound:
                raise WireFormatError("truncated compression pointer")
            target = ((length & 0x3F) << 8) | wire[offset + 1]
            if target >= offset:
                raise WireFormatError("compression pointer does not point backwards")
            if end is None:
                end = offset + 2
            if known is not None and target == known[0]:
                wire_length += known[2] - 1
                if wire_length > _MAX_NAME_WIRE_LENGTH:
                    raise WireFormatError("name longer than 255 octets")
                tail = known[1]
                break
            offset = target
            bound = size
            continue
        if kind:
            raise WireFormatError("unknown label type")
        wire_length += 1 + length
        if wire_length > _MAX_NAME_WIRE_LENGTH:
            raise WireFormatError("name longer than 255 octets")
        if offset + 1 + length > bound:
            raise WireFormatError("label runs past its end")
        parts.append(wire[offset + 1 : offset + 1 + length])
        offset += 1 + length
    # Decoding byte by byte (ASCII, escapes for the rest), the labels read as one string.
    name = b".".join(parts).decode("ascii", "backslashreplace").lower() if parts else ""
    if tail:
        name = f"{name}.{tail}" if name else tail
    return name, (end if end is not None else offset), wire_length, end is not None


def _character_strings(rdata: bytes) -> tuple[bytes, ...]:
    parts, i = [], 0
    while i < len(rdata):
        length = rdata[i]
        chunk = rdata[i + 1 : i + 1 + length]
        if len(chunk) != length:
            raise WireFormatError("TXT string runs past its rdata")
        parts.append(chunk)
        i += 1 + length
    return tuple(parts)


def _rdata_name(wire: bytes, start: int, end: int, known: tuple[int, str, int] | None) -> str:
    name, after, _, _ = _read_name(wire, start, end, known)
    if after != end:
        raise WireFormatError("bytes after the name in rdata")
    return name


def _value(wire: bytes, rtype: int, start: int, end: int, known: tuple[int, str, int] | None) -> str:
    if rtype in _NAME_TYPES:
        return _rdata_name(wire, start, end, known)
    if rtype == 15:
        if end - start < 3:
            raise WireFormatError("MX rdata without an exchange")
        return f"{(wire[start] << 8) | wire[start + 1]} {_rdata_name(wire, start + 2, end, known)}"
    return wire[start:end].hex()


def parse_answer(wire: bytes) -> WireAnswer:
    """Parse header and answer section; other sections are not read.

    Raises :class:`WireFormatError` (and nothing else) for any input that is not a
    well-formed message.
    """
    try:
        return _parse_answer(bytes(wire))
    except WireFormatError:
        raise
    except Exception as exc:  # a parser bug must still read as "malformed", never escape
        raise WireFormatError(f"unreadable message ({type(exc).__name__}: {exc})") from exc


def _parse_answer(wire: bytes) -> WireAnswer:
    size = len(wire)
    if size < 12:
        raise WireFormatError("shorter than a DNS header")
    _, flags, qdcount, ancount = struct.unpack_from("!HHHH", wire)
    offset = 12
    known = None  # the first question's name, which answer records point to
    for index in range(qdcount):
        name, after, wire_length, jumped = _read_name(wire, offset, None, None)
        if index == 0 and not jumped:
            known = (offset, name, wire_length)
        offset = after + 4
        if offset > size:
            raise WireFormatError("truncated question")
    answers = []
    for _ in range(ancount):
        owner, offset, _, _ = _read_name(wire, offset, None, known)
        if offset + 10 > size:
            raise WireFormatError("truncated resource record")
        rtype, _, _, rdlength = struct.unpack_from("!HHIH", wire, offset)
        start = offset + 10
        offset = start + rdlength
        if offset > size:
            raise WireFormatError("rdata runs past the end of the message")
        if rtype in (16, 99):  # TXT, SPF
            strings = _character_strings(wire[start:offset])
            value = b"".join(strings).decode("utf-8", "backslashreplace") if rtype == 16 else wire[start:offset].hex()
            answers.append(AnswerRecord(owner, TYPE_NAMES[rtype], value, strings))
        else:
            answers.append(AnswerRecord(owner, TYPE_NAMES.get(rtype, f"TYPE{rtype}"), _value(wire, rtype, start, offset, known)))
    return WireAnswer(flags & 0x000F, bool(flags & FLAG_AA), bool(flags & FLAG_TC), tuple(answers))
