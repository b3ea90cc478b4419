"""Route 53 calls for a zone's record sets: paced at the account's rate, throttling retried,
each change batch waited for until INSYNC.

Route 53 answers at most 5 requests a second per account, for every tool in it: all calls of
this process go through one token bucket per account (:func:`route53_bucket`). ``Throttling``
and ``PriorRequestNotComplete`` (the zone is still busy with an earlier change) are retried with
backoff and jitter until the deadline; the client itself is made with one attempt, so that every
request is paced and counted here. Clock, sleep and randomness are parameters (virtual time in
tests).
"""

from __future__ import annotations

import random
import time
from typing import Any, Callable, Iterable

from ses_domains.engine.pacing import Clock, Sleep, TokenBucket, shared_bucket
from ses_domains.engine.route53.changes import Change, RecordSet, record_key
from ses_domains.engine.ses.policy import Backoff
from ses_domains.records.route53_values import presentation_value, record_name

REQUESTS_PER_S = 5.0
"""Route 53's API rate per account ("Quotas: API requests")."""
THROTTLED_CODES = ("Throttling", "ThrottlingException", "PriorRequestNotComplete")
RETRY = Backoff(initial=0.5, factor=2.0, cap=10.0, jitter=0.5)
INSYNC_POLL = Backoff(initial=2.0, factor=1.5, cap=15.0, jitter=0.1)
"""Route 53 reports a change INSYNC within about a minute: the first look after 2 s."""
PAGE_SIZE = "300"
"""ListResourceRecordSets's largest page."""


class Route53WriteError(Exception):
    """Route 53 refused or did not finish in time; the message says which and what to do."""


def route53_bucket(account: Any, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> TokenBucket:
    """The process's bucket for Route 53 calls in ``account`` (a profile: Route 53 is global)."""
    return shared_bucket(("route53", account), lambda: TokenBucket(
        REQUESTS_PER_S, int(REQUESTS_PER_S), max_rate_per_s=REQUESTS_PER_S, min_rate_per_s=1.0,
        increase_per_s=0.5, clock=clock, sleep=sleep))


def throttled(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return (response.get("Error") or {}).get("Code") in THROTTLED_CODES


class ZoneRecordsClient:
    """One zone's record sets through a boto3 ``route53`` client, every call paced and retried."""

    def __init__(self, client: Any, zone_id: str, bucket: TokenBucket, *, deadline: float,
                 clock: Clock = time.monotonic, sleep: Sleep = time.sleep,
                 rand: Callable[[], float] = random.random) -> None:
        self.client, self.zone_id, self.bucket = client, zone_id, bucket
        self.deadline, self.clock, self.sleep, self.rand = deadline, clock, sleep, rand

    def _call(self, operation: str, **params: Any) -> Any:
        tries = 0
        while True:
            if not self.bucket.acquire(self.deadline):
                raise Route53WriteError(f"Route 53 {operation} on zone {self.zone_id} was not sent: the time allowed "
                                        "ran out waiting behind this account's other Route 53 requests")
            tries += 1
            try:
                return getattr(self.client, _snake(operation))(**params)
            except Exception as error:  # botocore's ClientError: boto3 is imported by the caller only
                if not throttled(error):
                    raise
                self.bucket.throttled()
                delay = RETRY.delay(tries - 1, self.rand())
                if self.clock() + delay > self.deadline:
                    raise Route53WriteError(
                        f"Route 53 kept answering {operation} on zone {self.zone_id} with throttling or "
                        f"PriorRequestNotComplete ({tries} tries) until the time allowed ran out; run pulumi up "
                        "again when the account's other Route 53 requests are fewer") from None
                self.sleep(delay)

    def live(self) -> dict[str, tuple[RecordSet, tuple[str, ...]]]:
        """Every plain record set of the zone (no alias, no routing policy) by key, with its
        values as Route 53 returned them; other kinds are left out (the stack writes none)."""
        found: dict[str, tuple[RecordSet, tuple[str, ...]]] = {}
        params: dict[str, Any] = {"HostedZoneId": self.zone_id, "MaxItems": PAGE_SIZE}
        while True:
            page = self._call("ListResourceRecordSets", **params)
            for item in page.get("ResourceRecordSets", []):
                if "ResourceRecords" not in item or item.get("SetIdentifier") or item.get("AliasTarget"):
                    continue
                raw = tuple(r["Value"] for r in item["ResourceRecords"])
                kind = item["Type"].upper()
                record = RecordSet(record_name(item["Name"]), kind, int(item.get("TTL", 300)),
                                   tuple(presentation_value(kind, v) for v in raw))
                found[record_key(record.name, kind)] = (record, raw)
            if not page.get("IsTruncated"):
                return found
            params.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])
            if page.get("NextRecordIdentifier"):
                params["StartRecordIdentifier"] = page["NextRecordIdentifier"]

    def write(self, batches: Iterable[list[Change]], comment: str = "ses-domains") -> int:
        """Each batch in turn, each waited for until INSYNC; the number of batches written."""
        written = 0
        for batch in batches:
            answer = self._call("ChangeResourceRecordSets", HostedZoneId=self.zone_id, ChangeBatch={
                "Comment": comment, "Changes": [change.request() for change in batch]})
            self._wait_insync(answer["ChangeInfo"]["Id"])
            written += 1
        return written

    def _wait_insync(self, change_id: str) -> None:
        polls = 0
        while True:
            delay = INSYNC_POLL.delay(polls, self.rand())
            if self.clock() + delay > self.deadline:
                raise Route53WriteError(f"Route 53 did not report the change {change_id} on zone {self.zone_id} "
                                        "INSYNC in the time allowed; the change was accepted and will finish")
            self.sleep(delay)
            polls += 1
            if self._call("GetChange", Id=change_id)["ChangeInfo"]["Status"] == "INSYNC":
                return


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


def describe(record: RecordSet) -> str:
    held = ", ".join(f'"{v}"' if record.type == "TXT" else v for v in record.values)
    return f"{record.type} {record.name} = {held} (TTL {record.ttl})"

