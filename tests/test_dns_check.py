"""Pure parts of the DNS engine: nameserver strings, wire parsing, answer judging.

Answers are built with dnspython and rendered to wire, so the parser is checked against
an independent encoder (name compression included).
"""

from __future__ import annotations

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from ses_domains.records.model import DnsRecord
from ses_domains.engine.dns.judge import PairState, judge_answer
from ses_domains.engine.dns.wire import WireFormatError, parse_answer
from ses_domains.nameserver_address import NameserverSpec, NameserverSpecError, parse_nameserver


@pytest.mark.parametrize("text, host, port", [
    ("ns-1.awsdns-01.org", "ns-1.awsdns-01.org", 53),
    ("NS-1.AWSDNS-01.ORG.", "ns-1.awsdns-01.org", 53),
    ("127.0.0.2:5300", "127.0.0.2", 5300),
    ("::1", "::1", 53),
    ("[::1]:5300", "::1", 5300),
])
def test_parse_nameserver(text, host, port):
    assert parse_nameserver(text) == NameserverSpec(host, port)


@pytest.mark.parametrize("text", ["", "host:0", "host:99999", "[::1", "1:2:zz"])
def test_parse_nameserver_rejects(text):
    with pytest.raises(NameserverSpecError):
        parse_nameserver(text)


def answer(name, rdtype, *values, rcode=dns.rcode.NOERROR, aa=True):
    query = dns.message.make_query(name, rdtype)
    response = dns.message.make_response(query)
    response.set_rcode(rcode)
    if aa:
        response.flags |= dns.flags.AA
    if values:
        response.answer.append(dns.rrset.from_text(name, 60, "IN", rdtype, *values))
    return parse_answer(response.to_wire())


def test_wire_parser_reads_compressed_names_and_joins_txt_strings():
    parsed = answer("mail.example.com.", "MX", "10 feedback-smtp.eu-west-1.amazonses.com.")
    assert parsed.authoritative and parsed.answers[0].value == "10 feedback-smtp.eu-west-1.amazonses.com"
    parsed = answer("s._domainkey.example.com.", "TXT", '"' + "a" * 255 + '" "bcd"')
    assert parsed.answers[0].value == "a" * 255 + "bcd"
    with pytest.raises(WireFormatError):
        parse_answer(b"\x00" * 11)
    with pytest.raises(WireFormatError):  # pointer to itself
        parse_answer(b"\x00\x00\x80\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")


CNAME = DnsRecord("tok._domainkey.example.com", "CNAME", ("tok.dkim.amazonses.com",), 60)
SPF = DnsRecord("example.com", "TXT", ("v=spf1 include:amazonses.com ~all",), 60)
MX = DnsRecord("mail.example.com", "MX", ("10 feedback-smtp.us-east-1.amazonses.com",), 60)


def test_cname_compared_case_insensitively_ignoring_trailing_dot():
    assert judge_answer(CNAME, answer(CNAME.name + ".", "CNAME", "TOK.DKIM.AmazonSES.com.")).state is PairState.READY
    wrong = judge_answer(CNAME, answer(CNAME.name + ".", "CNAME", "tok.dkim.example.net."))
    assert wrong.state is PairState.WRONG and wrong.found == ("tok.dkim.example.net",)


def test_txt_value_is_found_among_other_values():
    verdict = judge_answer(SPF, answer("example.com.", "TXT", '"google-site-verification=x"',
                                       '"v=spf1 include:amazonses.com ~all"'))
    assert verdict.state is PairState.READY
    verdict = judge_answer(SPF, answer("example.com.", "TXT", '"v=spf1 include:amazonses.com -all"'))
    assert verdict.state is PairState.WRONG


def test_mx_preference_and_host_must_both_match():
    ok = judge_answer(MX, answer("mail.example.com.", "MX", "10 Feedback-SMTP.us-east-1.amazonses.com."))
    assert ok.state is PairState.READY
    wrong_pref = judge_answer(MX, answer("mail.example.com.", "MX", "20 feedback-smtp.us-east-1.amazonses.com."))
    assert wrong_pref.state is PairState.WRONG and wrong_pref.found == ("20 feedback-smtp.us-east-1.amazonses.com",)


@pytest.mark.parametrize("rcode, aa, state", [
    (dns.rcode.NXDOMAIN, True, PairState.MISSING),
    (dns.rcode.NOERROR, True, PairState.MISSING),  # NODATA
    (dns.rcode.SERVFAIL, False, PairState.SERVFAIL),
    (dns.rcode.REFUSED, False, PairState.REFUSED),
    (dns.rcode.NOERROR, False, PairState.NOT_AUTHORITATIVE),
])
def test_rcodes_and_authority(rcode, aa, state):
    assert judge_answer(SPF, answer("example.com.", "TXT", rcode=rcode, aa=aa)).state is state
