"""``route53Writes: batched`` after a write that failed midway: the first change batch committed,
the second refused (``InvalidChangeBatch``) or throttled past the deadline. The Pulumi engine
then keeps what it had: no state after a failed create, the old outputs after a failed update or
delete. The provider is driven as the engine drives it on the next ``pulumi up`` (``diff`` of the
kept state against the inputs, then ``create``/``update``/``delete``), against moto's Route 53,
every request checked against botocore's model: the run converges, nothing goes missing, nothing
is written twice, and a foreign record set still stops the write."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ses_domains.deploy import zone_records_ops
from ses_domains.deploy.zone_records import ZoneRecordsProvider
from ses_domains.engine.route53.changes import CREATE, DELETE
from ses_domains.engine.route53.writes import Route53WriteError
from tests.fake_route53_records import put_record, record_sets
from tests.test_zone_records_provider import Counted, props, record, writer, zone  # noqa: F401 (fixture)

COUNT = 1200
"""Record sets of one value each: two change batches on create (1,000 + 200)."""


class FailingSecondBatch(Counted):
    """Counted, and the ``nth`` ChangeResourceRecordSets answers ``code`` (every time from then
    on for a throttling code, once otherwise)."""

    def __init__(self, client, code: str, nth: int = 2):
        super().__init__(client)
        self.code, self.nth = code, nth

    def __getattr__(self, name):
        call = super().__getattr__(name)
        if name != "change_resource_record_sets":
            return call

        def failing(**params):
            sent = self.count("ChangeResourceRecordSets")
            if sent + 1 == self.nth or (sent + 1 > self.nth and self.code == "Throttling"):
                self.calls.append(("ChangeResourceRecordSets", params))
                raise ClientError({"Error": {"Code": self.code, "Message": "injected"}}, "ChangeResourceRecordSets")
            return call(**params)

        return failing


def failing_writer(route53, zone_id, code):
    failing, (_, client) = FailingSecondBatch(route53, code), writer(route53, zone_id)
    client.client = failing
    return failing, client


def many(version: str = "a", count: int = COUNT):
    return [record(f"n{i}.a.example.com", "TXT", f"{version}{i}") for i in range(count)]


def wanted_in_dns(records) -> dict[tuple[str, str], list[str]]:
    return {(r.name, r.type): [f'"{v}"' for v in r.values] for r in records}


def engine_retries(provider, zone_id, olds, news):
    """What the engine does on the next pulumi up with the state it kept: create when it kept none,
    else an update when diff finds one."""
    if olds is None:
        return provider.create(news).outs
    assert provider.diff(f"{zone_id}_ses-domains", olds, news).changes
    return provider.update(f"{zone_id}_ses-domains", olds, news).outs


@pytest.fixture
def route_through(monkeypatch):
    """The provider's entry points use the given client (the engine's process makes its own)."""
    clients = []
    monkeypatch.setattr(zone_records_ops, "zone_client", lambda props, client=None: clients.pop(0))
    return clients


@pytest.mark.parametrize("code", ["InvalidChangeBatch", "Throttling"])
def test_a_create_that_failed_midway_converges_on_the_next_run(zone, route_through, code):
    route53, zone_id = zone
    records = many()
    news = props(zone_id, *records)
    failing, client = failing_writer(route53, zone_id, code)
    route_through.append(client)

    with pytest.raises(Route53WriteError) as raised:
        ZoneRecordsProvider().create(news)

    assert "1 of 2 change batches written" in str(raised.value)
    assert len(record_sets(route53, zone_id)) == 1000  # batch 1 committed, batch 2 did not

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    outs = engine_retries(ZoneRecordsProvider(), zone_id, None, news)  # a failed create leaves no state

    # Batch 1's record sets are this run's own values: left as they are, never CREATEd again.
    assert counted.changes() == [[(CREATE, r.name, "TXT") for r in sorted(records, key=lambda r: r.key)[1000:]]]
    assert counted.count("GetChange") == 1
    assert record_sets(route53, zone_id) == wanted_in_dns(records)
    assert set(outs["records"]) == {r.key for r in records}


def test_after_a_failed_create_a_foreign_set_still_stops_the_write(zone, route_through):
    route53, zone_id = zone
    records = many()
    news = props(zone_id, *records)
    route_through.append(failing_writer(route53, zone_id, "InvalidChangeBatch")[1])
    with pytest.raises(Route53WriteError):
        ZoneRecordsProvider().create(news)
    unwritten = sorted(records, key=lambda r: r.key)[-1]
    put_record(route53, zone_id, unwritten.name, "TXT", ["someone else's"])  # meanwhile, by hand

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    with pytest.raises(Route53WriteError) as raised:
        engine_retries(ZoneRecordsProvider(), zone_id, None, news)

    # Only the foreign set is named: the 1,000 that batch 1 wrote are recognised as the stack's.
    assert f'already has TXT {unwritten.name} = "someone else\'s" (TTL 300), which this stack did not create' \
        in str(raised.value)
    assert "n0.a.example.com" not in str(raised.value)
    assert counted.count("ChangeResourceRecordSets") == 0
    assert record_sets(route53, zone_id)[(unwritten.name, "TXT")] == ['"someone else\'s"']


def test_after_a_failed_create_a_set_changed_in_the_config_is_not_taken_for_the_stacks(zone, route_through):
    """Batch 1 wrote n0 = a0; the next run wants n0 = b0. Nothing tells the stack's own interrupted
    write from someone else's record set with other values: it stops, saying what to do."""
    route53, zone_id = zone
    records = many()
    route_through.append(failing_writer(route53, zone_id, "InvalidChangeBatch")[1])
    with pytest.raises(Route53WriteError):
        ZoneRecordsProvider().create(props(zone_id, *records))
    changed = [record("n0.a.example.com", "TXT", "b0"), *records[1:]]

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    with pytest.raises(Route53WriteError) as raised:
        engine_retries(ZoneRecordsProvider(), zone_id, None, props(zone_id, *changed))

    assert 'already has TXT n0.a.example.com = "a0" (TTL 300), which this stack did not create' in str(raised.value)
    assert "interrupted" in str(raised.value)
    assert counted.count("ChangeResourceRecordSets") == 0
    assert record_sets(route53, zone_id)[("n0.a.example.com", "TXT")] == ['"a0"']


@pytest.mark.parametrize("code", ["InvalidChangeBatch", "Throttling"])
def test_an_update_that_failed_midway_converges_on_the_next_run(zone, route_through, code):
    """The update replaces 1,200 sets (a DELETE and a CREATE each: 500 to a batch), removes one
    and adds one: batch 1 holds the removal and 499 replacements, batch 2 fails."""
    route53, zone_id = zone
    gone, added = record("gone.a.example.com", "TXT", "old"), record("added.a.example.com", "TXT", "new")
    route_through.append(writer(route53, zone_id)[1])
    olds = ZoneRecordsProvider().create(props(zone_id, *many("a"), gone)).outs
    foreign = record("other.a.example.com", "TXT", "theirs")
    put_record(route53, zone_id, foreign.name, "TXT", ["theirs"])
    news = props(zone_id, *many("b"), added)

    failing, client = failing_writer(route53, zone_id, code)
    route_through.append(client)
    with pytest.raises(Route53WriteError) as raised:
        ZoneRecordsProvider().update(f"{zone_id}_ses-domains", olds, news)
    assert "1 of 3 change batches written" in str(raised.value)
    first = failing.changes()[0]
    assert first[0] == (DELETE, "gone.a.example.com", "TXT") and len(first) == 1 + 2 * 499

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    outs = engine_retries(ZoneRecordsProvider(), zone_id, olds, news)  # the engine kept the old outputs

    sent = [change for batch in counted.changes() for change in batch]
    assert (DELETE, "gone.a.example.com", "TXT") not in sent  # already gone: not deleted twice
    replaced = {name for action, name, _ in sent if action == DELETE}
    assert len(replaced) == COUNT - 499 and not replaced & {name for _, name, _ in first}
    assert sent[-1] == (CREATE, "added.a.example.com", "TXT")
    assert record_sets(route53, zone_id) == {**wanted_in_dns([*many("b"), added]),
                                             (foreign.name, "TXT"): ['"theirs"']}
    assert set(outs["records"]) == {r.key for r in [*many("b"), added]}
    # And the run after has nothing left to do.
    assert not ZoneRecordsProvider().diff(f"{zone_id}_ses-domains", outs, news).changes


def test_a_delete_that_failed_midway_converges_on_the_next_run(zone, route_through):
    route53, zone_id = zone
    route_through.append(writer(route53, zone_id)[1])
    olds = ZoneRecordsProvider().create(props(zone_id, *many())).outs
    put_record(route53, zone_id, "other.a.example.com", "TXT", ["theirs"])

    route_through.append(failing_writer(route53, zone_id, "InvalidChangeBatch")[1])
    with pytest.raises(Route53WriteError):
        ZoneRecordsProvider().delete(f"{zone_id}_ses-domains", olds)
    assert len(record_sets(route53, zone_id)) == 201

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    ZoneRecordsProvider().delete(f"{zone_id}_ses-domains", olds)  # the engine kept the resource

    assert [len(batch) for batch in counted.changes()] == [200]
    assert record_sets(route53, zone_id) == {("other.a.example.com", "TXT"): ['"theirs"']}


class NeverInSync(Counted):
    """Counted, and every GetChange answers PENDING: Route 53 took the batch but never says it is done."""

    def __getattr__(self, name):
        call = super().__getattr__(name)
        if name != "get_change":
            return call

        def pending(**params):
            answer = call(**params)
            return {**answer, "ChangeInfo": {**answer["ChangeInfo"], "Status": "PENDING"}}

        return pending


def test_a_create_whose_first_batch_never_showed_insync_converges_on_the_next_run(zone, route_through):
    route53, zone_id = zone
    records = many()
    news = props(zone_id, *records)
    _, client = writer(route53, zone_id)
    client.client = NeverInSync(route53)
    route_through.append(client)

    with pytest.raises(Route53WriteError) as raised:
        ZoneRecordsProvider().create(news)
    assert "did not report the change" in str(raised.value) and "0 of 2 change batches written" in str(raised.value)
    assert len(record_sets(route53, zone_id)) == 1000  # accepted: it is in the zone

    counted, client = writer(route53, zone_id)
    route_through.append(client)
    engine_retries(ZoneRecordsProvider(), zone_id, None, news)

    assert [len(batch) for batch in counted.changes()] == [200]
    assert record_sets(route53, zone_id) == wanted_in_dns(records)
