"""The apex SPF resource's Route 53 work (create, update, delete) against moto's Route 53."""

from __future__ import annotations

import pytest

from ses_domains.deploy import apex_spf_ops
from ses_domains.deploy.apex_spf import ApexSpfProvider
from ses_domains.records.route53_values import txt_text
from tests.fake_route53_records import put_record
from tests.pulumi_program import create_zones, fake_aws, moto_route53

GOOGLE = "google-site-verification=abc123XYZ"


@pytest.fixture
def zone():
    with fake_aws():
        zone_id = create_zones(("example.com",))["example.com"]
        yield moto_route53(), zone_id


def apex_txt(route53, zone_id):
    found = apex_spf_ops.read_txt(route53, zone_id, "example.com")
    return None if found is None else (sorted(found.values), found.ttl)


def props(zone_id, includes=("amazonses.com",)):
    return {"zoneId": zone_id, "name": "example.com", "includes": list(includes), "ttl": 1800,
            "aws": {"region": "eu-west-1", "profile": None}}


def test_create_merges_and_delete_puts_back_what_was_there(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "example.com", "TXT", [GOOGLE, "v=spf1 include:_spf.google.com ~all"], ttl=3600)

    outs = ApexSpfProvider().create(props(zone_id, ("amazonses.com", "x.example.net"))).outs

    merged = "v=spf1 include:_spf.google.com include:amazonses.com include:x.example.net ~all"
    assert apex_txt(route53, zone_id) == (sorted([GOOGLE, merged]), 3600)
    assert outs["added"] == ["amazonses.com", "x.example.net"]
    assert outs["restore"] == {"values": [GOOGLE, "v=spf1 include:_spf.google.com ~all"], "ttl": 3600}

    ApexSpfProvider().delete("id", outs)
    assert apex_txt(route53, zone_id) == (sorted([GOOGLE, "v=spf1 include:_spf.google.com ~all"]), 3600)


def test_delete_of_a_set_the_stack_created_removes_it(zone):
    route53, zone_id = zone
    outs = ApexSpfProvider().create(props(zone_id)).outs
    assert apex_txt(route53, zone_id) == (["v=spf1 include:amazonses.com ~all"], 1800)

    ApexSpfProvider().delete("id", outs)
    assert apex_txt(route53, zone_id) is None


def test_delete_keeps_what_others_changed_after_the_merge(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "example.com", "TXT", ["v=spf1 mx -all"])
    outs = ApexSpfProvider().create(props(zone_id)).outs
    put_record(route53, zone_id, "example.com", "TXT", [GOOGLE, "v=spf1 mx include:amazonses.com ip4:192.0.2.1 -all"])

    ApexSpfProvider().delete("id", outs)
    assert apex_txt(route53, zone_id) == (sorted([GOOGLE, "v=spf1 mx ip4:192.0.2.1 -all"]), 300)


def test_update_drops_an_include_no_longer_wanted(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "example.com", "TXT", ["v=spf1 mx -all"])
    olds = ApexSpfProvider().create(props(zone_id, ("amazonses.com", "x.example.net"))).outs

    news = ApexSpfProvider().update("id", olds, props(zone_id)).outs
    assert apex_txt(route53, zone_id) == (["v=spf1 mx include:amazonses.com -all"], 300)
    assert news["added"] == ["amazonses.com"] and news["restore"] == olds["restore"]

    ApexSpfProvider().delete("id", news)
    assert apex_txt(route53, zone_id) == (["v=spf1 mx -all"], 300)


def test_long_values_are_written_in_255_character_strings(zone):
    route53, zone_id = zone
    long = "k=" + "a" * 400
    put_record(route53, zone_id, "example.com", "TXT", [long])
    ApexSpfProvider().create(props(zone_id))

    raw = {r["Value"] for page in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
           for s in page["ResourceRecordSets"] if s["Type"] == "TXT" for r in s["ResourceRecords"]}
    assert {txt_text(v) for v in raw} == {long, "v=spf1 include:amazonses.com ~all"}
    assert any('" "' in v for v in raw)


def test_diff_replaces_on_another_zone_and_updates_on_other_includes(zone):
    _, zone_id = zone
    old = props(zone_id)
    assert not ApexSpfProvider().diff("id", old, {**old, "preview": ["anything"]}).changes
    assert ApexSpfProvider().diff("id", old, props(zone_id, ("amazonses.com", "y.example"))).replaces == []
    assert ApexSpfProvider().diff("id", old, {**old, "zoneId": "Z2"}).replaces == ["zoneId"]


def test_the_route53_client_of_the_apex_step_is_bounded_in_time(monkeypatch):
    from ses_domains.deploy import apex_spf_ops

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = apex_spf_ops.route53_client({"aws": {"region": "eu-west-1", "profile": None}})
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (10.0, 30.0)
    assert config.retries["total_max_attempts"] == apex_spf_ops.ROUTE53_ATTEMPTS == 3
