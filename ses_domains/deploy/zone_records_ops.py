"""What the zone's records resource does in Route 53 (imported by its provider only when it runs).

Create and update read the zone once (paged), plan against what it holds now and write the
difference in change batches (``engine.route53``). What the stack wrote before, and the record
sets it adopts, are replaced with a DELETE of exactly what was read; a set already exactly as
wanted is left alone and kept from then on (a stack switching from per-record resources finds
its own records so); any other set in the way stops the write before anything is sent.
"""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional

from ses_domains.engine.route53.changes import (
    BatchTooLarge,
    ForeignRecord,
    RecordSet,
    batches,
    plan_changes,
)
from ses_domains.engine.route53.writes import Route53WriteError, ZoneRecordsClient, describe, route53_bucket
from ses_domains.engine.ses.client import AwsSettings, make_aws_client

WRITE_TIMEOUT_S = 30 * 60.0
"""A whole create, update or delete: a few batches, each INSYNC within about a minute, behind
the account's other Route 53 calls."""


def zone_client(props: Mapping[str, Any], client: Any = None) -> ZoneRecordsClient:
    """A test seam: ``client`` given, or one made from the props' AWS settings (one attempt per
    call: retries are paced here)."""
    aws = props.get("aws") or {}
    if client is None:
        client = make_aws_client(AwsSettings(region=aws.get("region"), profile=aws.get("profile")), "route53")
    return ZoneRecordsClient(client, props["zoneId"], route53_bucket(aws.get("profile")),
                             deadline=time.monotonic() + WRITE_TIMEOUT_S)


def records_of(props: Optional[Mapping[str, Any]]) -> dict[str, RecordSet]:
    """The record sets of the props by ``<name>/<TYPE>`` (the props key them by resource name)."""
    found = [RecordSet.from_props(value) for value in ((props or {}).get("records") or {}).values()]
    return {record.key: record for record in found}


def write(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None, zone: Optional[ZoneRecordsClient] = None) -> dict:
    """Create (``olds`` None) or update: the zone holds ``news["records"]`` and no longer the sets
    of ``olds`` that are gone. Returns the new outputs."""
    zone = zone or zone_client(news)
    wanted, before = records_of(news), records_of(olds)
    live = zone.live()
    try:
        plan = plan_changes(wanted, live, replaceable=set(before) | set(news.get("adopt") or ()), removed=before)
        ordered = batches(plan.units())
    except ForeignRecord as error:
        held = "; ".join(describe(live[key][0]) for key in str(error).split(", "))
        raise Route53WriteError(
            f"the zone {zone.zone_id} already has {held}, which this stack did not create: nothing was written. "
            "Adopt it (existingRecords: adopt on its domain), remove it from the zone, or change the config so "
            "that the stack does not write it. If an interrupted pulumi up of this stack wrote it, run pulumi up "
            "with that run's config first") from None
    except BatchTooLarge as error:
        raise Route53WriteError(str(error)) from None
    _send(zone, ordered)
    return _plain(news)


def remove(props: Mapping[str, Any], zone: Optional[ZoneRecordsClient] = None) -> None:
    """Delete: every set the stack wrote, each with exactly the values the zone holds now; a set
    already gone is left so."""
    zone = zone or zone_client(props)
    plan = plan_changes({}, zone.live(), removed=records_of(props))
    _send(zone, batches(plan.units()))


def read(props: Mapping[str, Any], zone: Optional[ZoneRecordsClient] = None) -> dict:
    """Refresh: each set as the zone holds it now; one that is gone leaves the state (the next
    update creates it again), one changed shows as an update of that record set."""
    zone = zone or zone_client(props)
    live = zone.live()
    kept = {}
    for name, value in sorted((props.get("records") or {}).items()):
        found = live.get(RecordSet.from_props(value).key)
        if found is not None:
            kept[name] = found[0].to_props()
    return {**_plain(props), "records": kept}


def _send(zone: ZoneRecordsClient, ordered: list) -> None:
    written = 0
    try:
        for batch in ordered:
            written += zone.write([batch])
    except Route53WriteError as error:
        raise Route53WriteError(f"{error} ({written} of {len(ordered)} change batches written){_AGAIN}") from None
    except Exception as error:  # botocore's ClientError, e.g. InvalidChangeBatch
        raise Route53WriteError(
            f"Route 53 refused a change batch on zone {zone.zone_id} ({error}); {written} of {len(ordered)} change "
            f"batches written. If someone changed these records meanwhile, run pulumi refresh first{_AGAIN}") from None


_AGAIN = ("; pulumi up again with the same config finishes the write: the record sets already written hold "
          "exactly what it writes and are taken as the stack's own")


def _plain(props: Mapping[str, Any]) -> dict:
    return {key: value for key, value in props.items() if not key.startswith("__")}
