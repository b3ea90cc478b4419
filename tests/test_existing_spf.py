"""The apex SPF merge as pure functions: what is kept, where the includes go, the lookup limit."""

from __future__ import annotations

import pytest

from ses_domains.records.route53_values import record_name, route53_txt, txt_text
from ses_domains.records.spf import SpfMergeError, apex_includes, lookup_terms, merge_spf, unmerge_spf

GOOGLE = "google-site-verification=abc123XYZ"


def test_merge_keeps_every_other_value_and_puts_the_include_before_all():
    merged = merge_spf([GOOGLE, "v=spf1 include:_spf.google.com ~all", "MS=ms123"], apex_includes([]))

    assert merged.values == (GOOGLE, "v=spf1 include:_spf.google.com include:amazonses.com ~all", "MS=ms123")
    assert merged.spf_before == "v=spf1 include:_spf.google.com ~all"
    assert merged.added == ("amazonses.com",)
    assert merged.lookups == 2


def test_merge_creates_one_spf_string_when_there_is_none():
    merged = merge_spf([GOOGLE], apex_includes(["mail.extra.example.net"]))

    assert merged.values == (GOOGLE, "v=spf1 include:amazonses.com include:mail.extra.example.net ~all")
    assert merged.spf_before is None


def test_merge_adds_nothing_already_there_and_goes_before_a_redirect():
    merged = merge_spf(["v=spf1 ip4:192.0.2.0/24 +include:AmazonSES.com redirect=_spf.example.com"],
                       apex_includes(["x.example.net"]))

    assert merged.spf_after == "v=spf1 ip4:192.0.2.0/24 +include:AmazonSES.com include:x.example.net redirect=_spf.example.com"
    assert merged.added == ("x.example.net",)


def test_two_spf_strings_are_refused():
    with pytest.raises(SpfMergeError, match="holds 2 SPF strings"):
        merge_spf(["v=spf1 -all", "v=spf1 include:a.example ~all"], ["amazonses.com"])


def test_past_ten_lookups_is_refused_naming_the_terms():
    existing = "v=spf1 a mx ptr exists:%{i}.x.example " + " ".join(f"include:s{i}.example" for i in range(6)) + " -all"
    assert len(lookup_terms(existing)) == 10
    with pytest.raises(SpfMergeError, match=r"at least 11 DNS lookups .*SPF allows 10"):
        merge_spf([existing], ["amazonses.com"])


def test_unmerge_takes_out_exactly_what_was_added():
    merged = merge_spf([GOOGLE, "v=spf1 include:_spf.google.com ~all"], apex_includes(["x.example.net"]))
    assert unmerge_spf(merged.values, merged.added, created=False) == (GOOGLE, "v=spf1 include:_spf.google.com ~all")

    created = merge_spf([GOOGLE], apex_includes([]))
    assert unmerge_spf(created.values, created.added, created=True) == (GOOGLE,)


def test_route53_txt_values_round_trip():
    long = "v=DMARC1; " + "x" * 300
    assert txt_text(route53_txt(long)) == long
    assert txt_text('"a \\"quoted\\" word" "\\073 more"') == 'a "quoted" word; more'
    assert record_name("\\052._domainkey.Example.COM.") == "*._domainkey.example.com"
