"""The hand-written wire parser against anything a server may send.

Fuzzing: whatever the bytes (random, or a valid answer mutated), ``parse_answer`` returns
a result or raises ``WireFormatError``, nothing else. Cross-check: on answers generated
from random names, record types, values, flags and rcodes, built and rendered (with name
compression) by dnspython, it reads what dnspython reads. Examples are bounded and
derandomized, so the run is short and the same every time.
"""

from __future__ import annotations

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_domains.engine.dns.wire import WireAnswer, WireFormatError, parse_answer

BOUNDED = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                   suppress_health_check=[HealthCheck.too_slow])

labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=20)
zones = st.lists(labels, min_size=1, max_size=3).map(".".join)


@st.composite
def names(draw, zone=None):
    """A name in ``zone`` (shared suffixes make dnspython compress them)."""
    zone = zone if zone is not None else draw(zones)
    prefix = draw(st.lists(labels, min_size=0, max_size=3))
    return ".".join([*prefix, zone])


@st.composite
def rdatas(draw, zone: str):
    """(type, presentation text for dnspython, value ``parse_answer`` must give)."""
    kind = draw(st.sampled_from(["CNAME", "MX", "TXT", "A", "AAAA", "TYPE65280"]))
    if kind == "CNAME":
        target = draw(st.one_of(names(zone), names()))
        return kind, target + ".", target.lower()
    if kind == "MX":
        preference = draw(st.integers(0, 65535))
        exchange = draw(st.one_of(names(zone), names()))
        return kind, f"{preference} {exchange}.", f"{preference} {exchange.lower()}"
    if kind == "TXT":
        strings = draw(st.lists(st.binary(max_size=255), min_size=1, max_size=3))
        text = " ".join('"' + "".join(f"\\{b:03d}" for b in s) + '"' for s in strings)
        return kind, text, b"".join(strings).decode("utf-8", "backslashreplace")
    if kind == "A":
        octets = draw(st.lists(st.integers(0, 255), min_size=4, max_size=4))
        return kind, ".".join(map(str, octets)), bytes(octets).hex()
    if kind == "AAAA":
        raw = draw(st.binary(min_size=16, max_size=16))
        text = ":".join(raw[i : i + 2].hex() for i in range(0, 16, 2))
        return kind, text, raw.hex()
    raw = draw(st.binary(max_size=40))
    return kind, f"\\# {len(raw)} {raw.hex()}" if raw else "\\# 0", raw.hex()


RCODES = [dns.rcode.NOERROR, dns.rcode.NXDOMAIN, dns.rcode.SERVFAIL, dns.rcode.REFUSED,
          dns.rcode.FORMERR, dns.rcode.NOTIMP, dns.rcode.YXDOMAIN, dns.rcode.NOTAUTH]


@st.composite
def answers(draw) -> bytes:
    """A response rendered to wire by dnspython: one question, 0-6 answer records."""
    zone = draw(zones)
    message = dns.message.Message(id=draw(st.integers(0, 65535)))
    message.flags = dns.flags.QR
    if draw(st.booleans()):
        message.flags |= dns.flags.AA
    if draw(st.booleans()):
        message.flags |= dns.flags.TC
    message.set_rcode(draw(st.sampled_from(RCODES)))
    qname = dns.name.from_text(draw(names(zone)))
    message.find_rrset(message.question, qname, dns.rdataclass.IN,
                       dns.rdatatype.from_text(draw(st.sampled_from(["CNAME", "MX", "TXT", "A"]))), create=True)
    for _ in range(draw(st.integers(0, 6))):
        owner = dns.name.from_text(draw(st.one_of(st.just(qname.to_text()), names(zone))))
        kind, text, _ = draw(rdatas(zone))
        rdtype = dns.rdatatype.from_text(kind)
        rrset = message.find_rrset(message.answer, owner, dns.rdataclass.IN, rdtype, create=True)
        rrset.update_ttl(60)
        rrset.add(dns.rdata.from_text(dns.rdataclass.IN, rdtype, text))
    return message.to_wire(want_shuffle=False)  # deterministic: no random order of rdatas


def as_dnspython_reads(wire: bytes) -> tuple[int, bool, bool, list[tuple[str, str, str]]]:
    message = dns.message.from_wire(wire)
    records = []
    for rrset in message.answer:
        owner = rrset.name.to_text(omit_final_dot=True).lower()
        kind = dns.rdatatype.to_text(rrset.rdtype)
        for rdata in rrset:
            if kind == "CNAME":
                value = rdata.target.to_text(omit_final_dot=True).lower()
            elif kind == "MX":
                value = f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True).lower()}"
            elif kind == "TXT":
                value = b"".join(rdata.strings).decode("utf-8", "backslashreplace")
            else:
                value = rdata.to_wire().hex()
            records.append((owner, kind, value))
    return message.rcode(), bool(message.flags & dns.flags.AA), bool(message.flags & dns.flags.TC), records


@BOUNDED
@given(answers())
def test_parser_reads_what_dnspython_reads(wire):
    parsed = parse_answer(wire)
    rcode, aa, tc, records = as_dnspython_reads(wire)
    assert (parsed.rcode, parsed.authoritative, parsed.truncated) == (rcode, aa, tc)
    assert sorted((a.name, a.type, a.value) for a in parsed.answers) == sorted(records)


def parses_or_says_malformed(wire: bytes) -> None:
    try:
        result = parse_answer(wire)
    except WireFormatError:
        return
    assert isinstance(result, WireAnswer)


@BOUNDED
@given(st.binary(max_size=600))
def test_random_bytes_parse_or_raise_wire_format_error(wire):
    parses_or_says_malformed(wire)


@BOUNDED
@given(st.binary(min_size=12, max_size=12), st.binary(max_size=300))
def test_a_plausible_header_then_random_bytes(header, body):
    # a header claiming a question and a few answers, so the parser reads on into the body
    header = header[:4] + b"\x00\x01" + bytes([0, header[7] % 8]) + header[8:]
    parses_or_says_malformed(header + body)


mutations = st.lists(st.tuples(st.sampled_from(["set", "insert", "delete", "cut"]),
                               st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=4)


@BOUNDED
@given(answers(), mutations)
def test_mutated_answers_parse_or_raise_wire_format_error(wire, edits):
    data = bytearray(wire)
    for action, position, byte in edits:
        if not data:
            break
        at = position % len(data)
        if action == "set":
            data[at] = byte
        elif action == "insert":
            data.insert(at, byte)
        elif action == "delete":
            del data[at]
        else:
            del data[at:]
    parses_or_says_malformed(bytes(data))


def wire_with_mx_rdata(rdata: bytes) -> bytes:
    question = b"\x04mail\x07example\x04test\x00\x00\x0f\x00\x01"
    return (b"\x12\x34\x84\x00\x00\x01\x00\x01\x00\x00\x00\x00" + question
            + b"\xc0\x0c\x00\x0f\x00\x01\x00\x00\x00\x3c" + len(rdata).to_bytes(2, "big") + rdata)


@pytest.mark.parametrize("rdata", [
    b"",  # nothing
    b"\x00\x0a",  # the preference, no exchange: this used to raise IndexError
    b"\x00",  # half a preference
    b"\x00\x0a\x04mail",  # an exchange cut short
    b"\x00\x0a\x00junk",  # bytes after the exchange
    b"\x00\x0a\xc0\x40",  # a compression pointer forwards
])
def test_malformed_mx_rdata_is_a_wire_format_error(rdata):
    with pytest.raises(WireFormatError):
        parse_answer(wire_with_mx_rdata(rdata))


def test_mx_rdata_with_a_compressed_exchange():
    parsed = parse_answer(wire_with_mx_rdata(b"\x00\x0a\xc0\x0c"))
    assert parsed.answers[0].value == "10 mail.example.test"


def _answer_pointing_at_a_long_question(owner_label: bytes) -> bytes:
    """A question name of 249 octets (4 labels of 61), and one TXT answer owned by
    ``owner_label`` + a pointer to the question's name."""
    question = b"".join(b"\x3d" + bytes([ord("a") + i]) * 61 for i in range(4)) + b"\x00"
    header = b"\x12\x34\x84\x00\x00\x01\x00\x01\x00\x00\x00\x00"
    owner = bytes([len(owner_label)]) + owner_label + b"\xc0\x0c"
    return header + question + b"\x00\x10\x00\x01" + owner + b"\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x02\x01x"


@pytest.mark.parametrize("owner_label, fits", [(b"ab", True), (b"abcdefgh", False)])
def test_an_owner_pointing_at_the_question_counts_the_whole_name_against_255_octets(owner_label, fits):
    wire = _answer_pointing_at_a_long_question(owner_label)
    try:
        dns.message.from_wire(wire)
        dnspython_reads = True
    except dns.exception.DNSException:
        dnspython_reads = False
    assert dnspython_reads is fits
    if fits:
        question_name = ".".join(chr(ord("a") + i) * 61 for i in range(4))
        assert parse_answer(wire).answers[0].name == f"{owner_label.decode()}.{question_name}"
    else:
        with pytest.raises(WireFormatError):
            parse_answer(wire)
