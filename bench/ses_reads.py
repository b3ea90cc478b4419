"""How a command's SES reads fare against an account's rate limit: ``GetEmailIdentity`` for N
identities (what ``check``, ``records`` and ``wait`` read first) against the SESv2 stand-in that
throttles every request past ``--limit`` a second, as SES does.

Run from the repository root: ``python -m bench.ses_reads --domains 10000 --limit 100``. Prints
the time, the throttling answers SES gave, the identities read and those left unread (the goal:
none); the last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ses_domains.cli.ses_identities import read_identities
from ses_domains.engine.ses.client import AwsSettings
from tests.cli_aws import SesStandIn, aws_environment
from tests.fake_ses import SesState

REGION = "eu-west-1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ses_reads")
    parser.add_argument("--domains", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=100.0, help="requests a second SES allows")
    args = parser.parse_args(argv)
    stand_in = SesStandIn()
    try:
        os.environ.update(aws_environment(stand_in.url))
        domains = [f"d{i}.example.com" for i in range(args.domains)]
        for domain in domains:
            stand_in.script(domain, SesState(dkim="SUCCESS"))
        stand_in.limit_rate(args.limit)
        started = time.monotonic()
        readings = read_identities(AwsSettings(REGION), domains)
        elapsed = time.monotonic() - started
    finally:
        stand_in.close()
    unread = [r.problem for r in readings.values() if r.status is None]
    print(f"bench.ses_reads: {args.domains} identities, SES allowing {args.limit:g} requests a second")
    print(f"  {elapsed:.1f} s ({args.domains / elapsed:.0f} reads a second); {stand_in.throttled} throttling "
          f"answers, each retried; {len(unread)} left unread (goal: 0)")
    if unread:
        print(f"  first reason: {unread[0]}")
    print(json.dumps({"domains": args.domains, "limit_per_s": args.limit, "elapsed_s": round(elapsed, 2),
                      "throttled": stand_in.throttled, "answered": len(stand_in.requests),
                      "unread": len(unread)}))
    return 0 if not unread else 1


if __name__ == "__main__":
    sys.exit(main())
