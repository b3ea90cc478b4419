"""The record model: each value type parses, renders, compares and gives its Route 53 and
zone-file forms; SES's names per region; what the stack declares for a domain."""

from __future__ import annotations

import dns.zone
import pytest

from ses_domains.records.dkim import EasyDkim
from ses_domains.records.model import DnsRecord
from ses_domains.records.ses import dkim_domain, mail_from_mx_value, tracking_endpoint
from ses_domains.records.values import Cname, Mx, RecordValueError, Txt, parse_value


def test_values_parse_what_they_render_and_compare_the_way_dns_does():
    assert Cname.parse("Tok.DKIM.amazonses.com.") == Cname("tok.dkim.amazonses.com")
    assert Mx.parse("10 Feedback-SMTP.eu-west-1.amazonses.com.") == Mx(10, "feedback-smtp.eu-west-1.amazonses.com")
    assert Mx.parse("10 a.example") != Mx.parse("20 a.example")
    assert Txt.parse("v=spf1 -all") != Txt.parse("V=SPF1 -ALL"), "TXT values keep their case"
    for rdtype, text in (("CNAME", "a.example.com"), ("MX", "10 b.example.com"), ("TXT", "v=DMARC1; p=none")):
        assert parse_value(rdtype, text).render() == text


def test_malformed_values_are_refused_with_the_text_named():
    with pytest.raises(RecordValueError, match="'10'"):
        Mx.parse("10")
    with pytest.raises(RecordValueError, match="unsupported record type 'A'"):
        parse_value("A", "192.0.2.1")


def test_a_long_txt_value_is_split_into_255_character_strings_for_route53_and_zone_files():
    key = "v=DKIM1; k=rsa; p=" + "A" * 400
    value = Txt(key)
    assert [len(s) for s in value.strings()] == [255, 163]
    assert value.route53() == key[:255] + '""' + key[255:]
    record = DnsRecord("s1._domainkey.example.com", "TXT", (key,), 300)
    zone = dns.zone.from_text("\n".join(record.zone_file_lines()), origin="example.com", check_origin=False)
    (rdata,) = zone.find_rdataset("s1._domainkey", "TXT")
    assert b"".join(rdata.strings).decode() == key


def test_satisfied_by_needs_the_one_cname_or_each_txt_and_mx_value_among_others():
    cname = DnsRecord("t._domainkey.example.com", "CNAME", ("t.dkim.amazonses.com",), 300)
    assert cname.satisfied_by(["T.dkim.amazonses.com."])
    assert not cname.satisfied_by(["t.dkim.amazonses.com", "other.example.net"])
    assert not cname.satisfied_by(["elsewhere.example.net"])
    spf = DnsRecord("bounce.example.com", "TXT", ("v=spf1 include:amazonses.com ~all",), 300)
    assert spf.satisfied_by(["google-site-verification=abc", "v=spf1 include:amazonses.com ~all"])
    assert not spf.satisfied_by(["v=spf1 include:amazonses.com -all"])
    mx = DnsRecord("bounce.example.com", "MX", ("10 feedback-smtp.eu-west-1.amazonses.com",), 300)
    assert mx.satisfied_by(["20 backup.example.com", "10 feedback-smtp.eu-west-1.amazonses.com."])
    assert not mx.satisfied_by(["10 feedback-smtp.us-east-1.amazonses.com"])
    assert not mx.satisfied_by(["garbage"])


@pytest.mark.parametrize("region, host", [
    ("eu-west-1", "dkim.amazonses.com"),
    ("us-east-1", "dkim.amazonses.com"),
    ("eu-central-2", "dkim.eu-central-2.amazonses.com"),
    ("il-central-1", "dkim.il-central-1.amazonses.com"),
    ("us-gov-east-1", "dkim.us-gov-east-1.amazonses.com"),
])
def test_easy_dkim_points_at_the_dkim_domain_of_the_identity_region(region, host):
    assert dkim_domain(region) == host
    (record,) = EasyDkim(region).records("Mail.Example.com", ["ABC123"], 1800)
    assert record == DnsRecord("abc123._domainkey.mail.example.com", "CNAME", (f"abc123.{host}",), 1800)


def test_ses_endpoints_follow_the_identity_region():
    assert mail_from_mx_value("ap-southeast-2") == "10 feedback-smtp.ap-southeast-2.amazonses.com"
    assert tracking_endpoint("eu-west-1") == "r.eu-west-1.awstrack.me"


def test_the_record_of_a_secret_dkim_key_is_held_only_by_a_published_key():
    from ses_domains.records.dkim import PublishedSelector

    record = PublishedSelector("s1", None).record("example.com", 300)
    assert record.values == ("v=DKIM1; k=rsa; p=<public key of the secret privateKey>",)
    assert record.satisfied_by(["google-site-verification=abc", "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC"])
    assert not record.satisfied_by(["v=DKIM1; k=rsa; p="])  # a revoked key
    assert not record.satisfied_by(["google-site-verification=abc"])
    assert not record.satisfied_by([])
