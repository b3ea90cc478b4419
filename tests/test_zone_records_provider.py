"""The zone's records resource (``route53Writes: batched``) against moto's Route 53: create,
update, delete, refresh and diff, with every request counted and checked against botocore's
Route 53 model; the batch limits; throttling retried in virtual time."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

from ses_domains.deploy import zone_records_ops
from ses_domains.deploy.zone_records import ZoneRecordsProvider, record_changes
from ses_domains.engine.pacing import TokenBucket
from ses_domains.engine.route53.changes import (
    CREATE,
    DELETE,
    UPSERT,
    BatchTooLarge,
    Change,
    RecordSet,
    batches,
    record_key,
)
from ses_domains.engine.route53.writes import Route53WriteError, ZoneRecordsClient
from tests.fake_clock import FakeClock
from tests.fake_route53_records import put_record, record_sets
from tests.pulumi_program import create_zones, fake_aws, moto_route53

MODEL = botocore.session.get_session().get_service_model("route53")


class Counted:
    """A route53 client whose requests are recorded (operation, params), each validated."""

    def __init__(self, client, throttle: dict[str, int] | None = None):
        self.client, self.calls = client, []
        self.throttle = dict(throttle or {})

    def __getattr__(self, name):
        method = getattr(self.client, name)
        operation = self.client.meta.method_to_api_mapping[name]

        def call(**params):
            validate_parameters(params, MODEL.operation_model(operation).input_shape)
            self.calls.append((operation, params))
            if self.throttle.get(operation):
                self.throttle[operation] -= 1
                raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, operation)
            return method(**params)

        return call

    def count(self, operation: str) -> int:
        return sum(1 for op, _ in self.calls if op == operation)

    def changes(self) -> list[list[tuple[str, str, str]]]:
        return [[(c["Action"], c["ResourceRecordSet"]["Name"], c["ResourceRecordSet"]["Type"])
                 for c in params["ChangeBatch"]["Changes"]]
                for op, params in self.calls if op == "ChangeResourceRecordSets"]


@pytest.fixture
def zone():
    with fake_aws():
        yield moto_route53(), create_zones(("example.com",))["example.com"]


def writer(client, zone_id, clock=None, throttle=None):
    clock = clock or FakeClock(start=1000.0)
    counted = Counted(client, throttle)
    bucket = TokenBucket(5.0, 5, clock=clock, sleep=clock.sleep)
    return counted, ZoneRecordsClient(counted, zone_id, bucket, deadline=clock() + 600, clock=clock,
                                      sleep=clock.sleep, rand=lambda: 0.0)


def record(name, kind, *values, ttl=300):
    return RecordSet(name, kind, ttl, tuple(values))


def props(zone_id, *records, adopt=()):
    return {"zoneId": zone_id, "records": {r.key: r.to_props() for r in records}, "adopt": list(adopt),
            "aws": {"region": "eu-west-1", "profile": None}}


DMARC = record("_dmarc.a.example.com", "TXT", "v=DMARC1; p=none")
MX = record("bounce.a.example.com", "MX", "10 feedback-smtp.eu-west-1.amazonses.com")
CNAME = record("tok1._domainkey.a.example.com", "CNAME", "tok1.dkim.amazonses.com")


def test_create_writes_every_set_in_one_batch_and_waits_once(zone):
    route53, zone_id = zone
    counted, client = writer(route53, zone_id)

    outs = zone_records_ops.write(props(zone_id, DMARC, MX, CNAME), zone=client)

    assert counted.count("ListResourceRecordSets") == 1
    assert counted.count("ChangeResourceRecordSets") == 1
    assert counted.count("GetChange") == 1
    assert sorted(counted.changes()[0]) == sorted([
        (CREATE, "_dmarc.a.example.com", "TXT"), (CREATE, "bounce.a.example.com", "MX"),
        (CREATE, "tok1._domainkey.a.example.com", "CNAME")])
    assert record_sets(route53, zone_id) == {
        ("_dmarc.a.example.com", "TXT"): ['"v=DMARC1; p=none"'],
        ("bounce.a.example.com", "MX"): ["10 feedback-smtp.eu-west-1.amazonses.com."],
        ("tok1._domainkey.a.example.com", "CNAME"): ["tok1.dkim.amazonses.com."],
    }
    assert set(outs["records"]) == {DMARC.key, MX.key, CNAME.key}
    assert "__provider" not in outs


def test_update_deletes_first_then_replaces_with_the_exact_values_then_creates(zone):
    route53, zone_id = zone
    olds = zone_records_ops.write(props(zone_id, DMARC, MX), zone=writer(route53, zone_id)[1])
    counted, client = writer(route53, zone_id)
    new_dmarc = record("_dmarc.a.example.com", "TXT", "v=DMARC1; p=reject")

    zone_records_ops.write(props(zone_id, new_dmarc, CNAME), olds, zone=client)

    assert counted.changes() == [[
        (DELETE, "bounce.a.example.com", "MX"),
        (DELETE, "_dmarc.a.example.com", "TXT"), (CREATE, "_dmarc.a.example.com", "TXT"),
        (CREATE, "tok1._domainkey.a.example.com", "CNAME")]]
    delete = counted.calls[1][1]["ChangeBatch"]["Changes"][1]["ResourceRecordSet"]
    assert delete["ResourceRecords"] == [{"Value": '"v=DMARC1; p=none"'}] and delete["TTL"] == 300
    assert counted.count("GetChange") == 1
    assert set(record_sets(route53, zone_id)) == {("_dmarc.a.example.com", "TXT"),
                                                 ("tok1._domainkey.a.example.com", "CNAME")}


def test_an_update_with_nothing_changed_writes_nothing(zone):
    route53, zone_id = zone
    olds = zone_records_ops.write(props(zone_id, DMARC, MX), zone=writer(route53, zone_id)[1])
    counted, client = writer(route53, zone_id)

    zone_records_ops.write(props(zone_id, DMARC, MX), olds, zone=client)

    assert [op for op, _ in counted.calls] == ["ListResourceRecordSets"]


def test_delete_removes_only_the_stacks_sets_with_their_current_values(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "a.example.com", "TXT", ["google-site-verification=x"])
    outs = zone_records_ops.write(props(zone_id, DMARC, MX), zone=writer(route53, zone_id)[1])
    counted, client = writer(route53, zone_id)

    zone_records_ops.remove(outs, zone=client)

    assert counted.changes() == [[(DELETE, "_dmarc.a.example.com", "TXT"), (DELETE, "bounce.a.example.com", "MX")]]
    assert counted.count("GetChange") == 1
    assert record_sets(route53, zone_id) == {("a.example.com", "TXT"): ['"google-site-verification=x"']}


def test_a_foreign_set_in_the_way_stops_the_write_before_anything_is_sent(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "_dmarc.a.example.com", "TXT", ["v=DMARC1; p=quarantine"])
    counted, client = writer(route53, zone_id)

    with pytest.raises(Route53WriteError) as raised:
        zone_records_ops.write(props(zone_id, DMARC, MX), zone=client)

    assert 'TXT _dmarc.a.example.com = "v=DMARC1; p=quarantine"' in str(raised.value)
    assert "this stack did not create" in str(raised.value)
    assert counted.count("ChangeResourceRecordSets") == 0
    assert record_sets(route53, zone_id) == {("_dmarc.a.example.com", "TXT"): ['"v=DMARC1; p=quarantine"']}


def test_an_adopted_set_is_replaced_with_a_delete_of_what_it_held(zone):
    route53, zone_id = zone
    put_record(route53, zone_id, "_dmarc.a.example.com", "TXT", ["v=DMARC1; p=quarantine"], ttl=60)
    counted, client = writer(route53, zone_id)

    zone_records_ops.write(props(zone_id, DMARC, adopt=[DMARC.key]), zone=client)

    changes = counted.calls[1][1]["ChangeBatch"]["Changes"]
    assert [c["Action"] for c in changes] == [DELETE, CREATE]
    assert changes[0]["ResourceRecordSet"]["ResourceRecords"] == [{"Value": '"v=DMARC1; p=quarantine"'}]
    assert changes[0]["ResourceRecordSet"]["TTL"] == 60
    assert record_sets(route53, zone_id) == {("_dmarc.a.example.com", "TXT"): ['"v=DMARC1; p=none"']}


def test_identical_sets_already_there_are_taken_over_without_a_write(zone):
    """How a stack switching from per-record resources keeps every record in DNS."""
    route53, zone_id = zone
    put_record(route53, zone_id, "_dmarc.a.example.com", "TXT", ["v=DMARC1; p=none"])
    counted, client = writer(route53, zone_id)

    outs = zone_records_ops.write(props(zone_id, DMARC, MX), zone=client)

    assert counted.changes() == [[(CREATE, "bounce.a.example.com", "MX")]]
    assert set(outs["records"]) == {DMARC.key, MX.key}


def test_refresh_reads_each_set_back_and_drift_shows_per_record(zone):
    route53, zone_id = zone
    outs = zone_records_ops.write(props(zone_id, DMARC, MX, CNAME), zone=writer(route53, zone_id)[1])
    put_record(route53, zone_id, "_dmarc.a.example.com", "TXT", ["v=DMARC1; p=reject"])
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "DELETE",
        "ResourceRecordSet": {"Name": "bounce.a.example.com", "Type": "MX", "TTL": 300,
                              "ResourceRecords": [{"Value": "10 feedback-smtp.eu-west-1.amazonses.com."}]}}]})
    counted, client = writer(route53, zone_id)

    refreshed = zone_records_ops.read(outs, zone=client)

    assert [op for op, _ in counted.calls] == ["ListResourceRecordSets"]
    assert refreshed["records"][DMARC.key]["values"] == ["v=DMARC1; p=reject"]
    assert MX.key not in refreshed["records"]
    assert record_changes(refreshed, props(zone_id, DMARC, MX, CNAME)) == {DMARC.key: "update", MX.key: "add"}
    diff = ZoneRecordsProvider().diff("id", refreshed, props(zone_id, DMARC, MX, CNAME))
    assert diff.changes and not diff.replaces


def test_diff_names_each_record_set_and_a_new_zone_replaces():
    olds = props("Z1", DMARC, MX)
    news = props("Z1", record("_dmarc.a.example.com", "TXT", "v=DMARC1; p=reject"), CNAME)

    assert record_changes(olds, news) == {DMARC.key: "update", MX.key: "delete", CNAME.key: "add"}
    assert not ZoneRecordsProvider().diff("id", olds, props("Z1", MX, DMARC)).changes
    assert ZoneRecordsProvider().diff("id", olds, props("Z2", DMARC, MX)).replaces == ["zoneId"]


def test_values_known_only_later_count_as_a_change_at_preview():
    news = props("Z1", DMARC)
    news["records"][CNAME.key] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # Pulumi's unknown
    assert record_changes(props("Z1", DMARC, CNAME), news) == {CNAME.key: "update"}


def test_the_provider_runs_through_pulumis_entry_points(zone, monkeypatch):
    route53, zone_id = zone
    counted, client = writer(route53, zone_id)
    monkeypatch.setattr(zone_records_ops, "zone_client", lambda props, client_=None: client)

    created = ZoneRecordsProvider().create(props(zone_id, DMARC))
    ZoneRecordsProvider().update(created.id, created.outs, props(zone_id, MX))
    read = ZoneRecordsProvider().read(created.id, props(zone_id, MX))
    ZoneRecordsProvider().delete(created.id, read.outs)

    assert created.id == f"{zone_id}_ses-domains"
    assert counted.changes() == [[(CREATE, "_dmarc.a.example.com", "TXT")],
                                 [(DELETE, "_dmarc.a.example.com", "TXT"), (CREATE, "bounce.a.example.com", "MX")],
                                 [(DELETE, "bounce.a.example.com", "MX")]]
    assert counted.count("GetChange") == 3
    assert record_sets(route53, zone_id) == {}


def test_batches_keep_to_1000_values_and_32000_characters():
    small = [(Change(CREATE, record(f"n{i}.example.com", "TXT", "x" * 8)),) for i in range(2500)]
    packed = batches(small)
    assert [len(b) for b in packed] == [1000, 1000, 500]

    long = [(Change(CREATE, record(f"n{i}.example.com", "TXT", "y" * 248)),) for i in range(300)]
    packed = batches(long)  # 250 characters each on the wire (quoted): 128 to a batch
    assert [len(b) for b in packed] == [128, 128, 44]
    assert all(sum(c.weight()[1] for c in b) <= 32000 for b in packed)

    upserts = [(Change(UPSERT, record(f"n{i}.example.com", "TXT", "z")),) for i in range(600)]
    assert [len(b) for b in batches(upserts)] == [500, 100]


def test_a_replacement_is_never_split_across_batches():
    old, new = record("r.example.com", "TXT", "a"), record("r.example.com", "TXT", "b")
    units = [(Change(CREATE, record(f"n{i}.example.com", "TXT", "x")),) for i in range(999)]
    units.append((Change(DELETE, old), Change(CREATE, new)))

    packed = batches(units)

    assert [len(b) for b in packed] == [999, 2]
    assert [c.action for c in packed[1]] == [DELETE, CREATE]
    with pytest.raises(BatchTooLarge):
        batches([(Change(CREATE, record("big.example.com", "TXT", *[f"v{i}" for i in range(1001)])),)])


def test_throttling_and_a_busy_zone_are_retried_in_virtual_time(zone):
    route53, zone_id = zone
    clock = FakeClock(start=1000.0)
    counted, client = writer(route53, zone_id, clock, throttle={"ChangeResourceRecordSets": 3})

    zone_records_ops.write(props(zone_id, DMARC), zone=client)

    assert counted.count("ChangeResourceRecordSets") == 4
    assert counted.count("GetChange") == 1
    assert client.bucket.throttles == 3
    # Backoff 0.5, 1, 2 s (no jitter drawn), then the first INSYNC look after 2 s.
    assert [s for s in clock.sleeps if s >= 0.5] == [0.5, 1.0, 2.0, 2.0]
    assert record_sets(route53, zone_id) == {("_dmarc.a.example.com", "TXT"): ['"v=DMARC1; p=none"']}


def test_throttling_until_the_deadline_ends_the_write_with_what_was_done(zone):
    route53, zone_id = zone
    clock = FakeClock(start=1000.0)
    counted, client = writer(route53, zone_id, clock, throttle={"ChangeResourceRecordSets": 10_000})

    with pytest.raises(Route53WriteError) as raised:
        zone_records_ops.write(props(zone_id, DMARC), zone=client)

    assert "kept answering ChangeResourceRecordSets" in str(raised.value)
    assert "0 of 1 change batches written" in str(raised.value)
    assert clock.now - 1000.0 <= 600
    assert 50 < counted.count("ChangeResourceRecordSets") < 200


def test_the_bucket_keeps_calls_to_five_a_second(zone):
    route53, zone_id = zone
    clock = FakeClock(start=1000.0)
    counted, client = writer(route53, zone_id, clock)
    for index in range(20):
        client._call("GetHostedZone", Id=zone_id)

    assert counted.count("GetHostedZone") == 20
    assert clock.now - 1000.0 == pytest.approx(3.0)  # 5 at once, then 15 at 5 a second


def test_record_keys_ignore_case_and_the_final_dot():
    assert record_key("_DMARC.Example.com.", "txt") == "_dmarc.example.com/TXT"
