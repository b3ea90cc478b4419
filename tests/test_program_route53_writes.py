"""``ses-domains:route53Writes``: the real program under mocks. The default declares what it always
did; ``batched`` one records resource per hosted zone that what needs the records waits for;
``per-record-retained`` the same per-record resources marked retain_on_delete; and the switch of
an existing stack through it never leaves a record set missing from DNS."""

from __future__ import annotations

import base64

import dill
import pytest

from ses_domains.deploy import zone_records_ops
from ses_domains.deploy.zone_records import ZoneRecordsProvider
from tests.fake_route53_records import put_record
from tests.pulumi_program import RecordingMocks, create_zones, dkim_tokens, fake_aws, moto_route53, refused_at_preview, run_program
from tests.test_zone_records_provider import writer

D = "ses-domains:domains"
W = "ses-domains:route53Writes"
REGION = "eu-west-1"
RECORD = "aws:route53/record:Record"
ZONE_RECORDS = "pulumi-python:dynamic/ses-domains:ZoneRecords"
DOMAINS = [
    {"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "none"}},
    {"domain": "shop.example.com", "dmarc": {"policy": "reject"}},
    {"domain": "example.org"},
]


def config(mode=None, domains=DOMAINS):
    found = {"aws:region": REGION, D: [dict(d) for d in domains]}
    if mode is not None:
        found[W] = mode
    return found


def exported(run) -> dict[str, set[tuple[str, str, tuple[str, ...], int]]]:
    """The record sets the stack's ``domains`` output lists, by zone."""
    found: dict[str, set] = {}
    for domain in run.outputs["domains"].values():
        for r in domain["records"]:
            found.setdefault(r["zone"], set()).add((r["name"], r["type"], tuple(r["values"]), r["ttl"]))
    return found


def batched_sets(resource) -> set[tuple[str, str, tuple[str, ...], int]]:
    return {(r["name"], r["type"], tuple(r["values"]), r["ttl"]) for r in resource.inputs["records"].values()}


def test_a_mode_that_does_not_exist_is_refused_under_its_key():
    message = refused_at_preview(config("batch"))
    assert (f"{W}: must be one of per-record, per-record-retained, batched, batched-retained, got 'batch' (per-record "
            "is the default; an existing stack switches to batched through one pulumi up with per-record-retained "
            "first, and back through one with batched-retained first)") in message


def test_the_default_declares_a_record_resource_per_set_and_exports_nothing_new():
    run = run_program(config())
    assert len(run.of_type(RECORD)) == sum(len(sets) for sets in exported(run).values())
    assert run.of_type(ZONE_RECORDS) == []
    assert "route53Writes" not in run.outputs
    assert not any(r.retainOnDelete for r in run.monitor.registrations if r.type == RECORD)


def test_batched_declares_one_resource_per_zone_holding_every_set_of_the_stack():
    run = run_program(config("batched"))

    assert run.of_type(RECORD) == []
    by_name = {r.name: r for r in run.of_type(ZONE_RECORDS)}
    assert sorted(by_name) == ["route53-records-example.com", "route53-records-example.org"]
    sets = exported(run)
    assert batched_sets(by_name["route53-records-example.com"]) == sets["example.com"]
    assert batched_sets(by_name["route53-records-example.org"]) == sets["example.org"]
    zone = by_name["route53-records-example.com"].inputs
    assert zone["zoneId"] == run.zone_ids["example.com"] and zone["adopt"] == []
    assert zone["aws"] == {"region": REGION}  # no profile: None is not sent
    # Keyed by the names the per-record resources have: known at preview, when DKIM names are not.
    assert {"example.com-dmarc", "example.com-mail-from-mx", "example.com-dkim-1", "shop.example.com-dkim-3"} <= \
        set(zone["records"])
    assert run.outputs["route53Writes"] == "batched"
    # The shared verification waits for both zones' resources (and still for the identities).
    verification = run.typed_dependencies[("pulumi-python:dynamic/ses-domains:Verification", "verification")]
    assert {urn.rsplit("::", 1)[1] for urn in verification if "ZoneRecords" in urn} == set(by_name)


def test_batched_byodkim_identity_waits_for_its_zones_records():
    """The key's TXT record is in the zone's resource; the key step (every nameserver serves it)
    waits for that resource, the identity for the key step: no cycle, the same order as before."""
    from tests.dkim_test_keys import private_pem

    domains = [{"domain": "example.com", "dkim": {"selector": "s2026a", "privateKey": private_pem(2048, name="batch")}},
               {"domain": "shop.example.com"}]
    run = run_program(config("batched", domains))

    (zone,) = run.of_type(ZONE_RECORDS)
    assert zone.inputs["records"]["example.com-dkim-key"]["name"] == "s2026a._domainkey.example.com"
    step = run.typed_dependencies[("pulumi-python:dynamic/ses-domains:DkimKeyPublished", "example.com-dkim-key-published")]
    assert [urn.rsplit("::", 1)[1] for urn in step] == ["route53-records-example.com"]
    identity = run.typed_dependencies[("aws:sesv2/emailIdentity:EmailIdentity", "example.com")]
    assert [urn.rsplit("::", 1)[1] for urn in identity] == ["example.com-dkim-key-published"]


def test_batched_adopts_what_existing_records_adopt_says():
    domains = [{"domain": "example.com", "dmarc": {"policy": "none"}, "existingRecords": "adopt"}]
    run = run_program(config("batched", domains), prepare=lambda route53, ids: put_record(
        route53, ids["example.com"], "_dmarc.example.com", "TXT", ["v=DMARC1; p=quarantine"]))

    (zone,) = run.of_type(ZONE_RECORDS)
    assert zone.inputs["adopt"] == ["_dmarc.example.com/TXT"]


def test_batched_stops_at_a_foreign_record_as_per_record_does():
    domains = [{"domain": "example.com", "dmarc": {"policy": "none"}}]
    mocks = RecordingMocks()
    message = refused_at_preview(config("batched", domains), mocks=mocks, prepare=lambda route53, ids: put_record(
        route53, ids["example.com"], "_dmarc.example.com", "TXT", ["v=DMARC1; p=quarantine"]))
    assert "already has TXT _dmarc.example.com" in message and "which this stack did not create" in message


def test_per_record_retained_keeps_every_urn_and_input_and_marks_them_retained():
    plain, retained = run_program(config()), run_program(config("per-record-retained"))

    records = [r for r in retained.monitor.registrations if r.type == RECORD]
    assert records and all(r.retainOnDelete for r in records)
    assert sorted(retained.urns) == sorted(plain.urns)
    def inputs(run):  # each run has its own moto zones: the zone by name
        zones = {zone_id: name for name, zone_id in run.zone_ids.items()}
        return sorted((r.name, str(sorted({**r.inputs, "zoneId": zones[r.inputs["zoneId"]]}.items())))
                      for r in run.of_type(RECORD))

    assert inputs(retained) == inputs(plain)
    assert retained.outputs["route53Writes"] == "per-record-retained"


def test_the_switch_to_batched_never_leaves_a_record_set_missing():
    """1. per-record (what the stack has); 2. per-record-retained: the same resources, retained, so
    that 3. batched, which no longer declares them, drops them from the state without a DNS
    delete, while each zone's resource finds the identical sets and takes them over unwritten."""
    before = run_program(config())
    step = run_program(config("per-record-retained"),
                       mocks=RecordingMocks(stack_outputs={"domains": before.outputs["domains"]}))
    assert all(r.retainOnDelete for r in step.monitor.registrations if r.type == RECORD)

    identities = {d["domain"]: dkim_tokens(d["domain"]) for d in DOMAINS}
    mocks = RecordingMocks(ses_identities=identities, stack_outputs={
        "domains": step.outputs["domains"], "route53Writes": step.outputs["route53Writes"]})

    def in_dns(route53, ids):  # what the per-record resources wrote
        for zone, sets in exported(before).items():
            for name, kind, values, ttl in sets:
                put_record(route53, ids[zone], name, kind, values, ttl)

    after = run_program(config("batched"), mocks=mocks, prepare=in_dns)
    assert after.of_type(RECORD) == []  # gone from the program: retained, so no DNS delete
    # The zones hold the sets already: the preflight read the stack's outputs and found them its own.
    assert mocks.reads == ["organization/ses-domains/test"]
    assert not [w for w in after.logs if "adopting" in w.getMessage()]

    with fake_aws():
        ids = create_zones(("example.com", "example.org"))
        route53 = moto_route53()
        in_dns(route53, ids)
        for zone in after.of_type(ZONE_RECORDS):
            counted, client = writer(route53, ids[zone.name.removeprefix("route53-records-")])
            props = {**zone.inputs, "zoneId": client.zone_id}
            outs = zone_records_ops.write(props, zone=client)
            assert counted.count("ChangeResourceRecordSets") == 0  # nothing written, nothing missing
            assert set(outs["records"]) == set(zone.inputs["records"])


def test_switching_straight_from_per_record_to_batched_is_refused_before_anything_is_declared():
    before = run_program(config())
    mocks = RecordingMocks(stack_outputs={"domains": before.outputs["domains"]})

    message = refused_at_preview(config("batched"), mocks=mocks)

    assert (f"{W}: batched: this stack's records are per-record resources now, which pulumi up would delete from "
            "DNS once the zones' resources took the records over; first pulumi up once with per-record-retained, "
            "then switch to batched") in message


def test_the_provider_is_pickled_by_reference_to_its_module():
    pickled = dill.dumps(ZoneRecordsProvider(), protocol=5, recurse=True)
    assert b"ses_domains.deploy.zone_records" in pickled and b"ZoneRecordsProvider" in pickled
    assert isinstance(dill.loads(base64.b64decode(base64.b64encode(pickled))), ZoneRecordsProvider)


def test_the_deployer_policy_covers_the_zones_resource_of_a_batched_stack():
    from ses_domains.config.stack import read_stack_config
    from ses_domains.permissions.actions import permissions_of
    from ses_domains.permissions.stack_policy import declared_types

    raw = config("batched")
    stack = read_stack_config(lambda key: raw.get(f"ses-domains:{key}"), lambda key: raw.get(f"aws:{key}"))

    assert ZONE_RECORDS in declared_types(stack)
    assert ZONE_RECORDS not in declared_types(read_stack_config(lambda key: config().get(f"ses-domains:{key}"),
                                                                lambda key: raw.get(f"aws:{key}")))
    zone = permissions_of(ZONE_RECORDS)
    assert {"route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets", "route53:GetChange"} <= zone.actions()
