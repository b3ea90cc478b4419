"""Every record set of one hosted zone that the stack writes, as one dynamic resource
(``ses-domains:route53Writes: batched``): a few transactional change batches per zone instead of
a ``ChangeResourceRecordSets`` and its ``GetChange`` polls per record set.

Preview still shows each record set that changes: ``records`` holds one entry per record set,
keyed by the name its own resource has per record set (known at preview, when an Easy DKIM
record's name is not yet), each with its name, type, TTL and values, so the engine's diff of the inputs (``pulumi preview --diff``) names each one
added, changed or removed (the Python dynamic provider host passes no detailed diff of the
provider's own; :func:`record_changes` is the same judgment, per record set, deciding whether
there is a change at all). Refresh reads each record set back. The provider is pickled by
reference into the stack's state: this module's path and ``ZoneRecordsProvider``'s name must
never change. It holds no data and no client; Route 53 is reached with boto3 and the stack's
``aws:profile``, imported only when it runs (``zone_records_ops``).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import pulumi
import pulumi.dynamic
from pulumi.dynamic import DiffResult

ADD, UPDATE, DELETE = "add", "update", "delete"


def record_changes(olds: dict, news: dict) -> dict[str, str]:
    """Each record set added, changed or removed, by ``<name>/<TYPE>`` (by resource name while its
    name is unknown, at preview): ``add``, ``update`` or ``delete``."""
    before, after = _by_record(olds), _by_record(news)
    found = {}
    for key in sorted(set(before) | set(after)):
        if key not in after:
            found[key] = DELETE
        elif key not in before:
            found[key] = ADD
        elif not _same(before[key], after[key]):
            found[key] = UPDATE
    return found


def _by_record(props: dict) -> dict[str, Any]:
    found = {}
    for name, value in (props.get("records") or {}).items():
        known = isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("name", "type"))
        found[f"{value['name']}/{value['type'].upper()}" if known else name] = value
    return found


def _same(old: Any, new: Any) -> bool:
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False  # unknown at preview (values known only once SES made the identity)
    return old.get("ttl") == new.get("ttl") and sorted(old.get("values") or []) == sorted(new.get("values") or [])


class ZoneRecordsProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False

    def diff(self, _id: str, olds: dict, news: dict) -> DiffResult:
        moved = olds.get("zoneId") != news.get("zoneId")
        # ``adopt`` alone is no change: once written, the adopted sets are the stack's own.
        changed = moved or bool(record_changes(olds, news))
        return DiffResult(changes=changed, replaces=["zoneId"] if moved else [], stables=[],
                          delete_before_replace=True)

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy import zone_records_ops

        return pulumi.dynamic.CreateResult(id_=f"{props['zoneId']}_ses-domains", outs=zone_records_ops.write(props))

    def update(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy import zone_records_ops

        return pulumi.dynamic.UpdateResult(outs=zone_records_ops.write(news, olds))

    def delete(self, _id: str, props: dict) -> None:
        from ses_domains.deploy import zone_records_ops

        zone_records_ops.remove(props)

    def read(self, id_: str, props: dict) -> pulumi.dynamic.ReadResult:
        from ses_domains.deploy import zone_records_ops

        return pulumi.dynamic.ReadResult(id_=id_, outs=zone_records_ops.read(props))


class ZoneRecords(pulumi.dynamic.Resource, module="ses-domains", name="ZoneRecords"):
    """The record sets ``records`` (each ``{name, type, ttl, values}``, keyed by a name of the
    stack's) in the zone ``zone_id``; ``adopt``: ``<name>/<TYPE>`` of record sets already there
    that the stack takes over."""

    records: pulumi.Output[dict]

    def __init__(self, resource_name: str, *, zone_id: pulumi.Input[str], records: pulumi.Input[dict],
                 adopt: pulumi.Input[Sequence[str]], region: str, profile: Optional[str],
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(
            ZoneRecordsProvider(), resource_name,
            {"zoneId": zone_id, "records": records, "adopt": adopt,
             "aws": {"region": region, "profile": profile}},
            opts,
        )
