"""``ses-domains:route53Writes`` under mocks, beyond the switch to ``batched``: the run after a
batched ``pulumi up`` that stopped between two change batches (its record sets in the zones, not
in the stack's last outputs), and the switch back to per-record resources through
``batched-retained``, which never leaves a record set missing from DNS."""

from __future__ import annotations

from ses_domains.deploy import zone_records_ops
from ses_domains.engine.route53.changes import RecordSet
from tests.fake_route53_records import put_record, record_sets
from tests.pulumi_program import RecordingMocks, create_zones, dkim_tokens, fake_aws, moto_route53, refused_at_preview, run_program
from tests.test_program_route53_writes import DOMAINS, RECORD, W, ZONE_RECORDS, config, exported
from tests.test_zone_records_provider import Counted, writer

IDENTITIES = {d["domain"]: dkim_tokens(d["domain"]) for d in DOMAINS}


def put(sets_by_zone, only_zone=None):
    def prepare(route53, ids):
        for zone, sets in sets_by_zone.items():
            if only_zone is None or zone == only_zone:
                for name, kind, values, ttl in sets:
                    put_record(route53, ids[zone], name, kind, values, ttl)
    return prepare


def test_a_batched_run_after_an_interrupted_one_takes_the_sets_it_wrote_as_its_own():
    """The first batched pulumi up of the stack wrote example.com's change batch and stopped: the
    identities exist, example.com holds its sets, the stack has no outputs yet."""
    first = run_program(config("batched"))
    written = exported(first)

    mocks = RecordingMocks(ses_identities=IDENTITIES)
    again = run_program(config("batched"), mocks=mocks, prepare=put(written, "example.com"))

    notices = [w.getMessage() for w in again.logs if "holds exactly what the stack writes" in w.getMessage()]
    assert len(notices) == len(written["example.com"])
    assert any(n.startswith("ses-domains:domains[0].dmarc: TXT _dmarc.example.com = \"v=DMARC1; p=none\"")
               and "an interrupted pulumi up of this stack leaves such record sets" in n for n in notices)
    zones = {r.name: r for r in again.of_type(ZONE_RECORDS)}
    assert all(zone.inputs["adopt"] == [] for zone in zones.values())  # taken as they are, not adopted

    # The zones' resources then write only what the interrupted run had not.
    with fake_aws():
        ids = create_zones(("example.com", "example.org"))
        route53 = moto_route53()
        put(written, "example.com")(route53, ids)
        for name, zone in zones.items():
            counted, client = writer(route53, ids[name.removeprefix("route53-records-")])
            zone_records_ops.write({**zone.inputs, "zoneId": client.zone_id}, zone=client)
            wanted = len(written["example.org"]) if name.endswith("example.org") else 0
            assert sum(len(batch) for batch in counted.changes()) == wanted
        for zone, sets in written.items():
            assert set(record_sets(route53, ids[zone])) == {(name, kind) for name, kind, _, _ in sets}


def test_a_set_with_other_values_still_stops_a_batched_run():
    domains = [{"domain": "example.com", "dmarc": {"policy": "none"}}]
    first = run_program(config("batched", domains))
    written = {zone: {s for s in sets if s[0] != "_dmarc.example.com"} for zone, sets in exported(first).items()}

    def prepare(route53, ids):
        put(written)(route53, ids)
        put_record(route53, ids["example.com"], "_dmarc.example.com", "TXT", ["v=DMARC1; p=quarantine"], 1800)

    message = refused_at_preview(config("batched", domains), mocks=RecordingMocks(ses_identities=IDENTITIES),
                                 prepare=prepare)
    assert 'already has TXT _dmarc.example.com = "v=DMARC1; p=quarantine" (TTL 1800), which this stack did not ' \
           "create" in message
    assert message.rstrip().endswith("If a pulumi up of this stack that stopped midway wrote it with an earlier "
                                     "config, pulumi up once with that config, then change it")
    assert "bounce" not in message and "_domainkey" not in message


def test_identical_sets_stay_foreign_for_per_record_resources():
    """Per record set, Route 53's CREATE would fail on them: they stop the run as before."""
    domains = [{"domain": "example.com", "dmarc": {"policy": "none"}}]
    written = exported(run_program(config(None, domains)))
    message = refused_at_preview(config(None, domains), prepare=put(written))
    assert 'already has TXT _dmarc.example.com = "v=DMARC1; p=none" (TTL 1800), which this stack did not create' \
        in message
    assert "stopped midway" not in message


def test_batched_retained_declares_what_batched_does_retained():
    batched, retained = run_program(config("batched")), run_program(config("batched-retained"))

    assert sorted(retained.urns) == sorted(batched.urns)
    def inputs(run):
        zones = {zone_id: name for name, zone_id in run.zone_ids.items()}
        return sorted((r.name, str(sorted({**r.inputs, "zoneId": zones[r.inputs["zoneId"]]}.items())))
                      for r in run.of_type(ZONE_RECORDS))
    assert inputs(retained) == inputs(batched)
    zone_registrations = [r for r in retained.monitor.registrations if r.type == ZONE_RECORDS]
    assert len(zone_registrations) == 2 and all(r.retainOnDelete for r in zone_registrations)
    assert not any(r.retainOnDelete for r in batched.monitor.registrations if r.type == ZONE_RECORDS)
    assert retained.outputs["route53Writes"] == "batched-retained"
    assert retained.of_type(RECORD) == []


def test_the_switch_back_to_per_record_never_leaves_a_record_set_missing():
    """1. batched (what the stack has); 2. batched-retained: the zones' resources, retained, so that
    3. per-record, which no longer declares them, drops them from the state without a DNS delete,
    while each per-record resource takes its identical set over with allow_overwrite (UPSERT)."""
    before = run_program(config("batched"))
    step = run_program(config("batched-retained"), mocks=RecordingMocks(
        stack_outputs={"domains": before.outputs["domains"], "route53Writes": "batched"}))
    assert all(r.retainOnDelete for r in step.monitor.registrations if r.type == ZONE_RECORDS)

    mocks = RecordingMocks(ses_identities=IDENTITIES, stack_outputs={
        "domains": step.outputs["domains"], "route53Writes": step.outputs["route53Writes"]})
    after = run_program(config(), mocks=mocks, prepare=put(exported(before)))

    assert after.of_type(ZONE_RECORDS) == [] and "route53Writes" not in after.outputs
    records = after.records()
    held = {(name, kind) for sets in exported(before).values() for name, kind, _, _ in sets}
    assert set(records) == held
    assert all(r.inputs["allowOverwrite"] is True for r in records.values())
    assert not [w for w in after.logs if "adopting" in w.getMessage()]

    # What Route 53 sees: the zones' resource wrote the sets; each record resource's UPSERT (the
    # AWS provider with allow_overwrite) puts back identical values; the retained resource sends
    # nothing. At no point is a set missing.
    with fake_aws():
        ids = create_zones(("example.com", "example.org"))
        route53 = moto_route53()
        zones = {r.name.removeprefix("route53-records-"): r for r in before.of_type(ZONE_RECORDS)}
        for zone, resource in zones.items():
            zone_records_ops.write({**resource.inputs, "zoneId": ids[zone]}, zone=writer(route53, ids[zone])[1])
        written = {zone: record_sets(route53, ids[zone]) for zone in zones}
        aws_provider = Counted(route53)
        zone_of = {zone_id: name for name, zone_id in after.zone_ids.items()}
        presentation = {(name, kind): values for sets in exported(after).values() for name, kind, values, _ in sets}
        for record in records.values():
            zone, key = zone_of[record.inputs["zoneId"]], (record.inputs["name"], record.inputs["type"])
            wire = RecordSet(*key, int(record.inputs["ttl"]), presentation[key]).api_values()
            aws_provider.change_resource_record_sets(HostedZoneId=ids[zone], ChangeBatch={"Changes": [{
                "Action": "UPSERT", "ResourceRecordSet": {
                    "Name": key[0], "Type": key[1], "TTL": int(record.inputs["ttl"]),
                    "ResourceRecords": [{"Value": v} for v in wire]}}]})
            assert {z: record_sets(route53, ids[z]) for z in zones} == written
        # Had the zones' resources not been retained, the engine would delete them after the
        # record resources' creates, and this is what their delete would do:
        counted, client = writer(route53, ids["example.org"])
        zone_records_ops.remove({**zones["example.org"].inputs, "zoneId": ids["example.org"]}, zone=client)
        assert record_sets(route53, ids["example.org"]) == {}


def test_switching_straight_from_batched_to_per_record_is_refused_before_anything_is_declared():
    before = run_program(config("batched"))
    mocks = RecordingMocks(ses_identities=IDENTITIES,
                           stack_outputs={"domains": before.outputs["domains"], "route53Writes": "batched"})

    message = refused_at_preview(config(), mocks=mocks, prepare=put(exported(before)))

    assert (f"{W}: per-record: this stack's records are held by the zones' resources (route53-records-<zone>) now, "
            "which pulumi up would delete from DNS once the per-record resources took the records over; first pulumi "
            "up once with batched-retained, then switch to per-record") in message


def test_switching_straight_from_per_record_to_batched_retained_is_refused():
    before = run_program(config())
    message = refused_at_preview(config("batched-retained"),
                                 mocks=RecordingMocks(stack_outputs={"domains": before.outputs["domains"]}))
    assert f"{W}: batched-retained: this stack's records are per-record resources now" in message


def test_the_run_after_the_switch_back_writes_as_any_per_record_stack():
    before = run_program(config())
    mocks = RecordingMocks(ses_identities=IDENTITIES, stack_outputs={"domains": before.outputs["domains"]})
    again = run_program(config(), mocks=mocks, prepare=put(exported(before)))
    assert not any(r.inputs["allowOverwrite"] for r in again.records().values())


def test_a_batched_update_that_stopped_midway_passes_preview_with_its_new_domains_half_written():
    """The stack had example.com; the update adding shop.example.com and example.org wrote the
    example.com zone's batch and stopped: the last outputs list only example.com's sets."""
    earlier = run_program(config("batched", DOMAINS[:1]))
    written = exported(run_program(config("batched")))
    mocks = RecordingMocks(ses_identities=IDENTITIES, stack_outputs={
        "domains": earlier.outputs["domains"], "route53Writes": "batched"})

    again = run_program(config("batched"), mocks=mocks, prepare=put(written, "example.com"))

    notices = [w.getMessage() for w in again.logs if "holds exactly what the stack writes" in w.getMessage()]
    own_before = {(name, kind) for sets in exported(earlier).values() for name, kind, _, _ in sets}
    taken = {(name, kind) for name, kind, _, _ in written["example.com"]} - own_before
    assert taken and len(notices) == len(taken)  # the earlier sets are the stack's own: no notice
    assert all("shop.example.com" in n for n in notices)


def test_batched_again_after_batched_retained_is_no_switch():
    before = run_program(config("batched"))
    mocks = RecordingMocks(ses_identities=IDENTITIES, stack_outputs={
        "domains": before.outputs["domains"], "route53Writes": "batched-retained"})
    again = run_program(config("batched"), mocks=mocks, prepare=put(exported(before)))
    assert len(again.of_type(ZONE_RECORDS)) == 2
    assert not [w for w in again.logs if "holds exactly" in w.getMessage()]
