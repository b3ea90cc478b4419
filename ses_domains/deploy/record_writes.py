"""How the stack's record sets are declared: ``ses-domains:route53Writes`` for the run.

Per record set (the default, and always for the public components) every record set is its own
``aws.route53.Record``; ``per-record-retained`` marks them ``retain_on_delete``; after a
``batched-retained`` update they take the zones' record sets over (``taken_over``). ``batched``
(and ``batched-retained``, its resources marked ``retain_on_delete``) collects every record set
of a hosted zone while the domains are declared and, once all are, declares one
:class:`~ses_domains.deploy.zone_records.ZoneRecords` per zone (``route53-records-<zone name>``).
What waits for a record set (verification, the identity of a BYODKIM domain) is handed an output
that resolves to its zone's resource, so it waits for that.

Records declared with ``depends_on`` of their own (a receiving domain's MX, written only once the
receipt rules exist) stay per-record resources in every mode: a zone's resource waiting for them
would make every record of the zone wait.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Optional

import pulumi

from ses_domains.config.route53_writes import BATCHED_MODES, BATCHED_RETAINED, PER_RECORD, PER_RECORD_RETAINED
from ses_domains.deploy.zone_records import ZoneRecords
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.model import DnsRecord


@dataclass
class _ZoneBatch:
    zone: HostedZone
    records: dict[str, pulumi.Output] = field(default_factory=dict)
    """By the name the record's own resource has per record set: known at preview even when the
    record's name is not yet (Easy DKIM), so that one new domain leaves the others' diff readable."""
    adopted: list[pulumi.Output] = field(default_factory=list)
    waiting: list[tuple[asyncio.Future, asyncio.Future]] = field(default_factory=list)


class RecordWrites:
    def __init__(self, mode: str = PER_RECORD, region: str = "", profile: Optional[str] = None,
                 taken_over: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.mode, self.region, self.profile = mode, region, profile
        self.taken_over = taken_over
        """(name, type) of the record sets the zones' resources of the last update held (it was
        ``batched-retained``), which the per-record resources take over with ``allow_overwrite``:
        Route 53's UPSERT of the identical values, never a moment without them."""
        self._zones: dict[str, _ZoneBatch] = {}

    @property
    def batched(self) -> bool:
        return self.mode in BATCHED_MODES

    @property
    def retained(self) -> bool:
        return self.mode == PER_RECORD_RETAINED

    def add(self, name: str, zone: HostedZone, record: pulumi.Output,
            adopted: frozenset[tuple[str, str]]) -> pulumi.Output:
        """``record`` (an ``Output[DnsRecord]``) joins its zone's batch; returns an output that
        resolves to the zone's resource once it is declared (:meth:`declare_batches`)."""
        # Imported for a batched stack only: per record set, nothing of it is used.
        from ses_domains.engine.route53.changes import record_key

        batch = self._zones.setdefault(zone.zone_id, _ZoneBatch(zone))
        if name in batch.records:
            raise ValueError(f"two record sets of zone {zone.name} are both named {name}")
        batch.records[name] = record.apply(_props)
        batch.adopted.append(record.apply(lambda r: record_key(r.name, r.type) if (r.name, r.type) in adopted else ""))
        loop = asyncio.get_event_loop()
        resource, known = loop.create_future(), loop.create_future()
        batch.waiting.append((resource, known))
        return pulumi.Output(set(), resource, known)

    def declare_batches(self) -> dict[str, ZoneRecords]:
        """One resource per zone that has record sets; what waited for them now waits for it."""
        declared = {}
        for zone_id, batch in sorted(self._zones.items(), key=lambda item: item[1].zone.name):
            declared[zone_id] = resource = ZoneRecords(
                f"route53-records-{batch.zone.name}",
                zone_id=zone_id,
                records=dict(sorted(batch.records.items())),
                adopt=pulumi.Output.all(*batch.adopted).apply(lambda keys: sorted(k for k in keys if k)),
                region=self.region, profile=self.profile,
                opts=pulumi.ResourceOptions(retain_on_delete=True) if self.mode == BATCHED_RETAINED else None,
            )
            for waiting, known in batch.waiting:
                waiting.set_result(resource)
                known.set_result(True)
        self._zones.clear()
        return declared

    def abandon(self) -> None:
        """The run failed before the batches were declared: nothing waits for them for ever."""
        for batch in self._zones.values():
            for waiting, known in batch.waiting:
                waiting.cancel()
                known.cancel()
        self._zones.clear()


def _props(record: DnsRecord) -> dict:
    from ses_domains.engine.route53.changes import RecordSet

    return RecordSet(record.name, record.type, record.ttl, tuple(record.values)).to_props()


_current: list[RecordWrites] = [RecordWrites()]


def current() -> RecordWrites:
    return _current[0]


def use(writes: RecordWrites) -> None:
    """The program's writes for this run (the public components never call this: per record set)."""
    _current[0] = writes


@contextmanager
def writing(writes: RecordWrites) -> Iterator[RecordWrites]:
    """``writes`` for what is declared in the block; once it ends, the zones' batches are declared
    (or abandoned, when it raised) and the default, per record set, is back."""
    use(writes)
    try:
        yield writes
        writes.declare_batches()
    except BaseException:
        writes.abandon()
        raise
    finally:
        use(RecordWrites())
