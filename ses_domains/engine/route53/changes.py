"""What one zone's records need in Route 53, as transactional change batches (no client here).

A change batch is applied all or nothing. Route 53 takes at most 1,000 ``ResourceRecord``
elements and 32,000 characters of ``Value`` in one batch, an UPSERT counting twice toward both
(Route 53's quotas, "Quotas on ChangeResourceRecordSets requests"). A record set is changed by a
DELETE carrying its exact current values and a CREATE with the new ones, both in the same batch:
if anyone changed the set since it was read the DELETE no longer matches, the whole batch fails,
and nothing of theirs is overwritten. Deletes go first, then such replacements, then creates, so
that a record set moved between batches is never written twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

from ses_domains.records.model import DnsRecord

MAX_RECORDS_PER_BATCH = 1000
MAX_VALUE_CHARS_PER_BATCH = 32000
CREATE, DELETE, UPSERT = "CREATE", "DELETE", "UPSERT"


def record_key(name: str, record_type: str) -> str:
    """How a record set is named in the resource's state and in preview's detailed diff."""
    return f"{name.rstrip('.').lower()}/{record_type.upper()}"


@dataclass(frozen=True)
class RecordSet:
    """A record set as the stack writes it: presentation values (as ``records.model``)."""

    name: str
    type: str
    ttl: int
    values: tuple[str, ...]

    @property
    def key(self) -> str:
        return record_key(self.name, self.type)

    def api_values(self) -> list[str]:
        """The values as ``ChangeResourceRecordSets`` takes them (TXT quoted, hosts with a dot)."""
        return [value.zone_file() for value in DnsRecord(self.name, self.type, self.values, self.ttl).parsed()]

    def same_as(self, other: Optional["RecordSet"]) -> bool:
        return other is not None and self.ttl == other.ttl and sorted(self.values) == sorted(other.values)

    def to_props(self) -> dict:
        return {"name": self.name, "type": self.type, "ttl": self.ttl, "values": list(self.values)}

    @classmethod
    def from_props(cls, props: Mapping) -> "RecordSet":
        return cls(str(props["name"]), str(props["type"]).upper(), int(props["ttl"]), tuple(props["values"]))


@dataclass(frozen=True)
class Change:
    action: str
    record: RecordSet
    raw_values: Optional[tuple[str, ...]] = None
    """For a DELETE of a set as Route 53 returned it: its values exactly as read."""

    def request(self) -> dict:
        values = list(self.raw_values) if self.raw_values is not None else self.record.api_values()
        return {"Action": self.action, "ResourceRecordSet": {
            "Name": self.record.name, "Type": self.record.type, "TTL": self.record.ttl,
            "ResourceRecords": [{"Value": value} for value in values]}}

    def weight(self) -> tuple[int, int]:
        """(ResourceRecord elements, characters of Value) toward a batch's limits."""
        values = list(self.raw_values) if self.raw_values is not None else self.record.api_values()
        times = 2 if self.action == UPSERT else 1
        return times * len(values), times * sum(len(value) for value in values)


Unit = tuple[Change, ...]
"""Changes that must be in the same batch (a DELETE and the CREATE that replaces it)."""


@dataclass(frozen=True)
class Plan:
    deletes: tuple[Unit, ...] = ()
    replaces: tuple[Unit, ...] = ()
    creates: tuple[Unit, ...] = ()

    def units(self) -> list[Unit]:
        return [*self.deletes, *self.replaces, *self.creates]


class ForeignRecord(ValueError):
    """A record set the stack wants to create is in the zone with other values, and the stack
    neither created nor adopts it."""


def plan_changes(
    news: Mapping[str, RecordSet], live: Mapping[str, tuple[RecordSet, tuple[str, ...]]],
    *, replaceable: Iterable[str] = (), removed: Iterable[str] = (),
) -> Plan:
    """The changes that make the zone hold ``news`` and no longer hold the ``removed`` sets.

    ``live``: what the zone holds now (plain record sets by key, with their values as read; every
    DELETE carries exactly those). ``replaceable``: the keys the stack may replace (its own, and
    those it adopts); any other set in ``live`` with other values than wanted is foreign and
    raises ``ForeignRecord`` before anything is written. A set already exactly as wanted is left
    alone (and from then on is the stack's: nothing of anyone's was changed)."""
    replaceable = set(replaceable)
    deletes, replaces, creates = [], [], []
    for key in sorted(set(removed) - set(news)):
        if key in live:
            deletes.append((Change(DELETE, live[key][0], raw_values=live[key][1]),))
    foreign = []
    for key in sorted(news):
        new, found = news[key], live.get(key)
        if found is None:
            creates.append((Change(CREATE, new),))
        elif new.same_as(found[0]):
            continue
        elif key in replaceable:
            replaces.append((Change(DELETE, found[0], raw_values=found[1]), Change(CREATE, new)))
        else:
            foreign.append(key)
    if foreign:
        raise ForeignRecord(", ".join(foreign))
    return Plan(tuple(deletes), tuple(replaces), tuple(creates))


class BatchTooLarge(ValueError):
    """One record set alone is beyond a batch's limits."""


def batches(units: Iterable[Unit], max_records: int = MAX_RECORDS_PER_BATCH,
            max_chars: int = MAX_VALUE_CHARS_PER_BATCH) -> list[list[Change]]:
    """``units`` in order, packed into as few batches within the limits as order allows."""
    found: list[list[Change]] = []
    current: list[Change] = []
    records = chars = 0
    for unit in units:
        weights = [change.weight() for change in unit]
        unit_records, unit_chars = sum(w[0] for w in weights), sum(w[1] for w in weights)
        if unit_records > max_records or unit_chars > max_chars:
            raise BatchTooLarge(f"the record set {unit[0].record.key} alone exceeds a Route 53 change batch "
                                f"({unit_records} values, {unit_chars} characters)")
        if current and (records + unit_records > max_records or chars + unit_chars > max_chars):
            found.append(current)
            current, records, chars = [], 0, 0
        current.extend(unit)
        records += unit_records
        chars += unit_chars
    if current:
        found.append(current)
    return found
