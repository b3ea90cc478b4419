"""Route 53 writes of N domains, per record set and batched (``ses-domains:route53Writes``),
against moto's Route 53 server, every API call counted (botocore's ``before-call`` events).

Each domain is the default domain's six record sets (three Easy DKIM CNAMEs, the MAIL FROM MX
and SPF, DMARC), all in one hosted zone (``d<N>.example.com`` under ``example.com``, a SaaS
platform's customers). Per record set: what pulumi-aws's ``aws.route53.Record`` sends for each,
a ``ChangeResourceRecordSets`` and then ``GetChange`` until INSYNC (moto answers INSYNC at once,
so one poll each: a lower bound; real Route 53 takes several). Batched: the zone's records
resource (``deploy.zone_records``) creating all of them. The wall time at 5 requests a second
(Route 53's rate per account) is the calls counted divided by 5: the batched run's own pacing and
INSYNC waits run on a virtual clock, so the benchmark itself takes seconds.

Run from the repository root: ``python -m bench.route53 --domains 500``. The last line is one
JSON object with every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys
import time
import urllib.request
from collections import Counter
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from ses_domains.deploy import zone_records_ops
from ses_domains.engine.pacing import TokenBucket
from ses_domains.engine.route53.changes import RecordSet
from ses_domains.engine.route53.writes import REQUESTS_PER_S, ZoneRecordsClient
from tests.dns_servers import free_port

REGION = "eu-west-1"
ZONE = "example.com"


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def domain_records(domain: str) -> list[RecordSet]:
    tokens = [hashlib.sha1(f"{domain}/{i}".encode()).hexdigest()[:32] for i in range(3)]
    mail_from = f"bounce.{domain}"
    return [
        *(RecordSet(f"{token}._domainkey.{domain}", "CNAME", 1800, (f"{token}.dkim.amazonses.com",))
          for token in tokens),
        RecordSet(mail_from, "MX", 1800, (f"10 feedback-smtp.{REGION}.amazonses.com",)),
        RecordSet(mail_from, "TXT", 1800, ("v=spf1 include:amazonses.com ~all",)),
        RecordSet(f"_dmarc.{domain}", "TXT", 1800, (f"v=DMARC1; p=none; rua=mailto:dmarc@{domain}",)),
    ]


def counted_client(endpoint: str) -> tuple[Any, Counter]:
    client = boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint)
    calls: Counter = Counter()
    client.meta.events.register("before-call.route53", lambda model, **_: calls.update([model.name]))
    return client, calls


def new_zone(client: Any, reference: str) -> str:
    answer = client.create_hosted_zone(Name=ZONE, CallerReference=reference)
    return answer["HostedZone"]["Id"].rsplit("/", 1)[-1]


def per_record(client: Any, calls: Counter, zone_id: str, records: list[RecordSet]) -> dict:
    calls.clear()
    for record in records:
        answer = client.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": record.name, "Type": record.type, "TTL": record.ttl,
                "ResourceRecords": [{"Value": v} for v in record.api_values()]}}]})
        while client.get_change(Id=answer["ChangeInfo"]["Id"])["ChangeInfo"]["Status"] != "INSYNC":
            pass
    return figures(calls)


def batched(client: Any, calls: Counter, zone_id: str, records: list[RecordSet]) -> dict:
    calls.clear()
    clock = VirtualClock()
    bucket = TokenBucket(REQUESTS_PER_S, int(REQUESTS_PER_S), clock=clock, sleep=clock.sleep)
    zone = ZoneRecordsClient(client, zone_id, bucket, deadline=clock() + 3600, clock=clock, sleep=clock.sleep)
    props = {"zoneId": zone_id, "records": {r.key: r.to_props() for r in records}, "adopt": [],
             "aws": {"region": REGION, "profile": None}}
    zone_records_ops.write(props, zone=zone)
    return {**figures(calls), "paced_virtual_s": round(clock.now, 1)}


def figures(calls: Counter) -> dict:
    total = sum(calls.values())
    return {"change_calls": calls["ChangeResourceRecordSets"], "get_change_calls": calls["GetChange"],
            "list_calls": calls["ListResourceRecordSets"], "wall_s_at_5rps": round(total / REQUESTS_PER_S, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.route53")
    parser.add_argument("--domains", type=int, default=500)
    args = parser.parse_args(argv)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    port = free_port("127.0.0.1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        records = [r for i in range(args.domains) for r in domain_records(f"d{i}.{ZONE}")]
        client, calls = counted_client(endpoint)
        started = time.monotonic()
        one = per_record(client, calls, new_zone(client, "per-record"), records)
        per_record_s = time.monotonic() - started
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).read()
        started = time.monotonic()
        many = batched(client, calls, new_zone(client, "batched"), records)
        batched_s = time.monotonic() - started
    finally:
        server.stop()
    print(f"bench.route53: {args.domains} domains, {len(records)} record sets in one zone, moto's Route 53")
    for label, found, took in (("per record set", one, per_record_s), ("batched", many, batched_s)):
        print(f"  {label:>15}: {found['change_calls']} ChangeResourceRecordSets, {found['get_change_calls']} GetChange, "
              f"{found['list_calls']} ListResourceRecordSets: {found['wall_s_at_5rps']} s at 5 requests a second "
              f"(ran in {took:.1f} s against moto)")
    print(json.dumps({"domains": args.domains, "record_sets": len(records), "batched": many, "per_record": one}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
