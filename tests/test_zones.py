"""Which hosted zone each domain's records go to: the closest enclosing public zone when ``zone``
is left out; a stop at preview when the given zone delegates a closer one.

The real program runs under Pulumi's mocks; the provider's Route 53 data sources (getZone,
getZones, getRecords) are answered from moto by tests/fake_aws_provider.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import pulumi

from tests import fake_aws_provider
from tests.pulumi_program import RecordingMocks, moto_route53, run_program

D = "ses-domains:domains"
C = "ses-domains:configurationSets"
GET_ZONE, GET_ZONES, GET_RECORDS = fake_aws_provider.GET_ZONE, fake_aws_provider.GET_ZONES, fake_aws_provider.GET_RECORDS


@dataclass
class ZoneMocks(RecordingMocks):
    """Answers every Route 53 invoke the program makes; before the first one, writes the NS
    records that delegate ``delegations`` (child zone name -> parent zone name)."""

    delegations: dict[str, str] = field(default_factory=dict)

    def call(self, args: pulumi.runtime.MockCallArgs):
        if self.route53 is None:
            self.route53 = moto_route53()
            self._delegate()
        return super().call(args)

    def _delegate(self) -> None:
        zones = {zone["Name"].rstrip("."): zone["Id"] for zone in self.route53.list_hosted_zones()["HostedZones"]}
        for child, parent in self.delegations.items():
            self.route53.change_resource_record_sets(HostedZoneId=zones[parent], ChangeBatch={"Changes": [{
                "Action": "CREATE",
                "ResourceRecordSet": {"Name": child, "Type": "NS", "TTL": 172800,
                                      "ResourceRecords": [{"Value": "ns-1.awsdns-01.org."}]},
            }]})

    def by_name(self) -> list[str]:
        return [args["name"] for token, args in self.calls if token == GET_ZONE and args.get("name")]

    def by_id(self) -> list[str]:
        return [args["zoneId"] for token, args in self.calls if token == GET_ZONE and args.get("zoneId")]

    def count(self, token: str) -> int:
        return sum(1 for t, _ in self.calls if t == token)


def run(domains, zones, mocks=None, configuration_sets=None):
    mocks = mocks or ZoneMocks()
    config = {"aws:region": "eu-west-1", D: domains}
    if configuration_sets is not None:
        config[C] = configuration_sets
    return run_program(config, mocks=mocks, zones=zones), mocks


def run_failing(domains, zones, mocks=None, configuration_sets=None) -> str:
    mocks = mocks or ZoneMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run(domains, zones, mocks, configuration_sets)
    assert str(raised.value).startswith("the stack config has"), raised.value
    assert mocks.resources == [], "a resource was declared despite a zone error"
    return str(raised.value)


def zones_written(program_run) -> set[str]:
    return {record.inputs["zoneId"] for record in program_run.of_type("aws:route53/record:Record")}


def warnings(program_run) -> list[str]:
    return [r.getMessage() for r in program_run.logs if r.levelname == "WARNING"]


def test_a_left_out_zone_is_the_closest_enclosing_public_zone():
    program_run, mocks = run([{"domain": "a.sub.example.com", "mailFrom": "bounce"}],
                             ("example.com", "sub.example.com", "example.org", "example.net"))
    assert zones_written(program_run) == {program_run.zone_ids["sub.example.com"]}
    assert mocks.by_name() == ["a.sub.example.com", "sub.example.com"]
    assert mocks.count(GET_ZONES) == 1, "three names to try: is the account smaller?"


def test_a_single_name_to_try_is_asked_without_listing_the_account():
    program_run, mocks = run([{"domain": "example.com"}], ("example.com",))
    assert mocks.by_name() == ["example.com"]
    assert mocks.count(GET_ZONES) == 0


def test_the_walk_goes_up_to_the_registered_domain():
    program_run, mocks = run([{"domain": "a.sub.example.com"}], ("example.com", "example.org", "example.net"))
    assert zones_written(program_run) == {program_run.zone_ids["example.com"]}
    assert mocks.by_name() == ["a.sub.example.com", "sub.example.com", "example.com"]


def test_a_private_zone_on_the_way_up_is_passed_over():
    program_run = run_program({"aws:region": "eu-west-1", D: [{"domain": "a.sub.example.com"}]},
                              mocks=ZoneMocks(), zones=("example.com",), private_zones=("sub.example.com",))
    assert zones_written(program_run) == {program_run.zone_ids["example.com"]}


def test_no_enclosing_zone_names_every_name_tried():
    message = run_failing([{"domain": "a.sub.example.io"}], ("example.com", "example.org", "example.net"))
    assert (f"{D}[0].zone: no public Route 53 hosted zone holds a.sub.example.io: looked for a.sub.example.io, "
            "sub.example.io, example.io (AWS provider:") in message
    assert "no matching Route 53 Hosted Zone found" in message
    message = run_failing([{"domain": "a.sub.example.io"}], ("example.com",))
    assert (f"{D}[0].zone: no public Route 53 hosted zone holds a.sub.example.io: looked for a.sub.example.io, "
            "sub.example.io, example.io (no public zone of that name in the account (1 hosted zone))") in message


def test_a_given_zone_that_delegates_a_closer_zone_stops_the_preview():
    mocks = ZoneMocks(delegations={"sub.example.com": "example.com"})
    message = run_failing([{"domain": "a.sub.example.com", "zone": "example.com"}],
                          ("example.com", "sub.example.com"), mocks)
    assert (f"{D}[0].zone: sub.example.com has a public hosted zone of its own (") in message
    assert ("and example.com delegates it (NS records at sub.example.com): records of a.sub.example.com written "
            "in example.com would be invisible; set zone to sub.example.com") in message
    assert [args for token, args in mocks.calls if token == GET_RECORDS][0]["nameRegex"] == r"^sub\.example\.com\.$"


def test_a_zone_given_by_id_is_checked_for_a_closer_delegated_zone_too():
    mocks = ZoneMocks(delegations={"sub.example.com": "example.com"})
    message = run_failing([{"domain": "sub.example.com", "zone": "<zone-id:example.com>"}],
                          ("example.com", "sub.example.com"), mocks)
    assert f"{D}[0].zone: sub.example.com has a public hosted zone of its own" in message


def test_a_closer_zone_that_is_not_delegated_only_warns():
    program_run, _ = run([{"domain": "a.sub.example.com", "zone": "example.com"}], ("example.com", "sub.example.com"))
    assert zones_written(program_run) == {program_run.zone_ids["example.com"]}
    sub = program_run.zone_ids["sub.example.com"]
    assert (f"{D}[0].zone: the account also has a public hosted zone sub.example.com ({sub}), closer to "
            "a.sub.example.com, but example.com does not delegate it (no NS records at sub.example.com): the records "
            "go to example.com as configured; delete sub.example.com if nothing uses it") in warnings(program_run)


def test_a_given_zone_without_closer_zones_asks_no_records():
    program_run, mocks = run([{"domain": "a.example.com", "zone": "example.com"}], ("example.com",))
    assert zones_written(program_run) == {program_run.zone_ids["example.com"]}
    # The one getRecords is the check for existing records at the names the stack writes
    # (tests/test_existing_records.py), not a delegation lookup.
    asked = [args for token, args in mocks.calls if token == GET_RECORDS]
    assert len(asked) == 1 and "_domainkey" in asked[0]["nameRegex"]


def test_each_name_is_asked_once_for_many_domains():
    """Two domains share every ancestor: each distinct name is one invoke (here the account has
    more zones than there are names, so no listing)."""
    domains = [{"domain": "a.sub.example.com"}, {"domain": "b.sub.example.com"}]
    program_run, mocks = run(domains, ("example.com", "example.org", "example.net", "other.test", "more.test"))
    assert sorted(mocks.by_name()) == ["a.sub.example.com", "b.sub.example.com", "example.com", "sub.example.com"]
    assert mocks.count(GET_ZONES) == 1
    assert mocks.by_id() == []
    assert zones_written(program_run) == {program_run.zone_ids["example.com"]}


def test_many_domains_in_few_zones_read_the_account_once():
    """Six subdomains, twelve names to try, three zones: one getZones and one getZone per zone id,
    no lookup by name."""
    domains = [{"domain": f"d{i}.sub.example.com"} for i in range(5)] + [{"domain": "x.example.org", "zone": "example.org"}]
    program_run, mocks = run(domains, ("example.com", "sub.example.com", "example.org"))
    assert mocks.count(GET_ZONES) == 1
    assert mocks.by_name() == []
    assert sorted(mocks.by_id()) == sorted(program_run.zone_ids.values())
    records = program_run.of_type("aws:route53/record:Record")
    assert {r.inputs["zoneId"] for r in records if r.inputs["name"].endswith("sub.example.com")} == {
        program_run.zone_ids["sub.example.com"]}
    assert {r.inputs["zoneId"] for r in records if r.inputs["name"].endswith("example.org")} == {
        program_run.zone_ids["example.org"]}


def test_a_read_account_still_finds_a_delegated_closer_zone_and_shared_names():
    mocks = ZoneMocks(delegations={"sub.example.com": "example.com"})
    domains = [{"domain": f"d{i}.sub.example.com", "zone": "example.com"} for i in range(3)]
    message = run_failing(domains, ("example.com", "sub.example.com"), mocks)
    assert mocks.by_name() == []
    for index in range(3):
        assert f"{D}[{index}].zone: sub.example.com has a public hosted zone of its own" in message
    assert mocks.count(GET_RECORDS) == 1, "one delegation question per (zone, name)"
    message = run_failing([{"domain": "a.example.com"}, {"domain": "b.example.com"}], ("example.com", "example.com"))
    assert f"{D}[0].zone: several public Route 53 hosted zones are named example.com (" in message
    assert "set zone to the id of the one that holds this domain" in message


def test_an_http_tracking_domain_at_a_zone_apex_is_refused():
    sets = [{"name": "cs", "trackingDomain": "example.net"}]
    message = run_failing([{"domain": "example.com"}], ("example.com", "example.net"), configuration_sets=sets)
    assert (f"{C}[0].trackingDomain: example.net is the apex of the hosted zone example.net (") in message
    assert ("HTTP tracking needs a CNAME at example.net, and a zone apex cannot hold one; use a name under it such as "
            "click.example.net") in message


def test_an_https_tracking_domain_may_be_a_zone_apex():
    sets = [{"name": "cs", "trackingDomain": "example.net", "httpsPolicy": "REQUIRE"}]
    program_run, _ = run([{"domain": "example.com"}], ("example.com", "example.net"), configuration_sets=sets)
    assert program_run.outputs["configurationSets"]["cs"]["arn"].endswith("configuration-set/cs")
