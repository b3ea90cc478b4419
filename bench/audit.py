"""Benchmark of ``ses-domains check``'s engine: the full audit of N domains against servers 20 ms away.

Run from the repository root: ``python -m bench.audit --domains 10000``. Four Knot servers on
loopback serve N healthy SES domains (3 DKIM CNAMEs, MAIL FROM MX + SPF, DMARC each) and SES's
``amazonses.com`` SPF; each sits behind a forwarder that delays every answer 20 ms, as real
authoritative servers are that far away. Measured, each in a fresh process (its own peak RSS):

- the full check: every record on every server, and the SPF/DMARC/MAIL FROM judgment;
- the records alone;
- the baseline: the straightforward way, one query at a time: every record on every server with
  dnspython, then checkdmarc with a dnspython resolver asking the first server, for a sample of
  domains, scaled to N.

Prints each figure with what it means and its goal; the last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.resolver

from bench._child import run_in_child
from bench._knot import SES_REGION, domain_records, start_knot_servers
from ses_domains.records.model import DnsRecord
from ses_domains.records.values import normalize_host
from tests.dns_servers import DelayingForwarder, zone_lines, zone_text

DELAY_S = 0.020
KNOT_ADDRESSES = ("127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34")
FORWARDER_ADDRESSES = ("127.0.0.35", "127.0.0.36", "127.0.0.37", "127.0.0.38")
ZONE = "audit.test"
AMAZON_SPF = "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 -all"
BASELINE_SAMPLE = 40
GOAL_FULL_S = 30.0


def say(text: str = "") -> None:
    print(text, flush=True)


def goal(met: bool) -> str:
    return "goal met" if met else "GOAL NOT MET"


def bench_domains(count: int) -> list[str]:
    return [f"d{i:05d}.{ZONE}" for i in range(count)]


def start_servers(workdir: Path, count: int):
    body = "".join(line + "\n" for d in bench_domains(count) for r in domain_records(d) for line in zone_lines(r))
    zones = {
        ZONE: zone_text(ZONE, body),
        "amazonses.com": zone_text("amazonses.com", f'amazonses.com. 60 IN TXT "{AMAZON_SPF}"\n'),
    }
    return start_knot_servers(workdir, KNOT_ADDRESSES, zones)


def _targets(count: int, endpoints: tuple[str, ...]):
    from ses_domains.engine.audit import AuditTarget

    return [AuditTarget(d, domain_records(d), endpoints, SES_REGION) for d in bench_domains(count)]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_check(count: int, endpoints: tuple[str, ...], email_auth: bool) -> dict:
    """One check in this (fresh) process: the time, every verdict counted, the peak RSS."""
    from ses_domains.engine.audit import audit
    from ses_domains.engine.dns.transport import DnsTransport
    from ses_domains.engine.email_auth import ResolverSettings

    targets = _targets(count, endpoints)
    settings = ResolverSettings(endpoints) if email_auth else None

    async def run():
        async with DnsTransport() as transport:
            report = await audit(targets, email_auth=settings, transport=transport)
            return report, transport.stats.queries_sent

    cpu_before = _cpu_s()
    started = time.perf_counter()
    report, queries = asyncio.run(run())
    elapsed = time.perf_counter() - started
    cpu = _cpu_s() - cpu_before
    records = Counter(r.status.value for d in report.domains for r in d.records)
    judgments = Counter(d.email_auth.status.value for d in report.domains if d.email_auth is not None)
    problems = [line for d in report.domains if d.email_auth is not None for line in d.email_auth.problems()][:3]
    problems += [f"{r.record.type} {r.record.name}: {r.status.value}: {r.detail}"
                 for d in report.domains for r in d.records if r.status.value != "ok"][:3]
    return {"elapsed_s": elapsed, "cpu_s": cpu, "records": dict(records), "email_auth": dict(judgments), "queries": queries,
            "peak_rss_mb": _peak_rss_mb(), "verdict": report.verdict.value, "sample_problems": problems}


def _matches(record: DnsRecord, answer: dns.message.Message) -> bool:
    found = []
    for rrset in answer.answer:
        for rdata in rrset:
            if record.type == "TXT":
                found.append(b"".join(rdata.strings).decode())
            elif record.type == "MX":
                found.append(f"{rdata.preference} {normalize_host(rdata.exchange.to_text())}")
            else:
                found.append(normalize_host(rdata.to_text()))
    return record.satisfied_by(found)


def baseline(count: int, endpoints: tuple[str, ...], sample: int) -> dict:
    """The straightforward way, on ``sample`` domains: one dnspython query at a time for every
    record on every server, then checkdmarc's judgment with a plain dnspython resolver."""
    from ses_domains.engine.audit import email_auth_target
    from ses_domains.engine.email_auth import _judge_domain

    import checkdmarc.utils as cd_utils

    address, port = endpoints[0].rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [address]
    resolver.port = int(port)
    resolver.timeout, resolver.lifetime = 2.0, 4.0
    targets = _targets(count, endpoints)[:sample]
    cd_utils.DNS_CACHE.clear()
    started = time.perf_counter()
    ok = total = judged_ok = 0
    for target in targets:
        for record in target.records:
            for server in target.nameservers:
                host, server_port = server.rsplit(":", 1)
                query = dns.message.make_query(record.name, record.type)
                query.flags &= ~dns.flags.RD
                total += 1
                try:
                    answer = dns.query.udp(query, host, port=int(server_port), timeout=2)
                except Exception:
                    continue
                ok += answer.rcode() == dns.rcode.NOERROR and _matches(record, answer)
        cd_utils.DNS_CACHE.clear()  # as a fresh run per domain would: nothing shared
        judgment = _judge_domain(email_auth_target(target), resolver)
        judged_ok += judgment.status.value == "ok"
    elapsed = time.perf_counter() - started
    return {"sample": len(targets), "sample_s": elapsed, "scaled_s": elapsed * count / max(1, len(targets)),
            "records_right": ok, "records_asked": total, "judged_ok": judged_ok}


def main(count: int, sample: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    say(f"Starting {len(KNOT_ADDRESSES)} Knot servers ({count} domains x 6 records, in {workdir}), "
        f"each behind a forwarder that delays every answer {DELAY_S * 1000:.0f} ms ...")
    servers = start_servers(workdir, count)
    forwarders = []
    try:
        for server, address in zip(servers, FORWARDER_ADDRESSES):
            forwarders.append(DelayingForwarder((server.address, server.port), address, DELAY_S))
        endpoints = tuple(f.endpoint for f in forwarders)
        say(f"Servers as the check sees them: {', '.join(endpoints)}")
        load_before = os.getloadavg()
        say(f"Load average before: {' '.join(f'{x:.2f}' for x in load_before)} on {os.cpu_count()} CPUs")
        say()
        pairs = count * 6 * len(endpoints)
        full = run_in_child(measure_check, (count, endpoints, True), what="the full check", timeout_s=1800)
        say(f"Full check of {count} domains ({pairs} record x nameserver checks + the SPF/DMARC/MAIL FROM "
            f"judgment per domain): {full['elapsed_s']:.2f} s ({full['cpu_s']:.1f} s of CPU), peak RSS {full['peak_rss_mb']:.0f} MB, "
            f"{full['queries']} queries sent; goal <= {GOAL_FULL_S:.0f} s: {goal(full['elapsed_s'] <= GOAL_FULL_S)}")
        say(f"  records: {full['records']}; email auth: {full['email_auth']}; verdict {full['verdict']}")
        for line in full["sample_problems"]:
            say(f"  e.g. {line}")
        records = run_in_child(measure_check, (count, endpoints, False), what="the records check", timeout_s=1800)
        ratio = full["elapsed_s"] / records["elapsed_s"]
        say(f"Records only: {records['elapsed_s']:.2f} s ({records['cpu_s']:.1f} s of CPU), peak RSS {records['peak_rss_mb']:.0f} MB; the full check "
            f"takes {ratio:.2f}x that (goal <= 1.3: {goal(ratio <= 1.3)})")
        say(f"Baseline: one query at a time (dnspython), then checkdmarc per domain with a plain resolver, "
            f"on {min(sample, count)} domains ...")
        base = baseline(count, endpoints, sample)
        say(f"  {base['sample_s']:.2f} s for {base['sample']} domains ({base['records_right']}/{base['records_asked']} "
            f"records right, {base['judged_ok']} judged ok): {base['scaled_s']:.0f} s for {count}, "
            f"{base['scaled_s'] / full['elapsed_s']:.0f}x the full check")
        load_after = os.getloadavg()
        say(f"Load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    finally:
        for forwarder in forwarders:
            forwarder.close()
        for server in servers:
            server.stop()
    return {
        "domains": count,
        "full_s": round(full["elapsed_s"], 3),
        "records_only_s": round(records["elapsed_s"], 3),
        "peak_rss_mb": round(full["peak_rss_mb"], 1),
        "record_verdicts": full["records"],
        "email_auth_verdicts": full["email_auth"],
        "baseline_s": round(base["scaled_s"], 1),
        "baseline": f"sequential dnspython + checkdmarc on {base['sample']} domains, scaled to {count}",
        "records_only_peak_rss_mb": round(records["peak_rss_mb"], 1),
        "full_cpu_s": round(full["cpu_s"], 2),
        "records_only_cpu_s": round(records["cpu_s"], 2),
        "full_to_records_ratio": round(ratio, 3),
        "queries_sent": full["queries"],
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=200, help="domains in the stack (default 200)")
    parser.add_argument("--baseline-sample", type=int, default=BASELINE_SAMPLE,
                        help=f"domains the baseline is measured on, then scaled (default {BASELINE_SAMPLE})")
    args = parser.parse_args()
    began = time.monotonic()
    figures = main(args.domains, args.baseline_sample)
    say(f"Bench finished in {time.monotonic() - began:.0f} s.")
    print(json.dumps(figures))
    sys.exit(0)
