"""Benchmark of ``ses-domains check``'s engine: the full audit of 200 domains against servers 20 ms away.

Run from the repository root: ``python -m bench.audit``. Two Knot servers on loopback serve 200
healthy SES domains (3 DKIM CNAMEs, MAIL FROM MX + SPF, DMARC each) and SES's ``amazonses.com``
SPF; each sits behind a forwarder that delays every answer 20 ms, as real authoritative servers
are that far away. Prints each figure with what it means and its goal; the last line is one JSON
object with every figure.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dns.asyncquery
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.update

from bench._detection import detection_trials
from bench._knot import SES_REGION, domain_records, start_knot_servers
from ses_domains.engine.audit import AuditTarget, AuditVerdict, audit, audit_records
from ses_domains.records.values import normalize_host
from ses_domains.engine.email_auth import EmailAuthTarget, ResolverSettings, judge_email_auth
from ses_domains.records.model import DnsRecord
from tests.dns_servers import DelayingForwarder, KnotServer, zone_lines, zone_text

DOMAINS = 200
DELAY_S = 0.020
KNOT_ADDRESSES = ("127.0.0.31", "127.0.0.32")
FORWARDER_ADDRESSES = ("127.0.0.33", "127.0.0.34")
ZONE, LAT_ZONE = "audit.test", "auditlat.test"
AMAZON_SPF = "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 -all"
RUNS = 3
DETECT_TRIALS = 30
APPEAR_WINDOW_S = (1.0, 12.0)


def say(text: str = "") -> None:
    print(text, flush=True)


def goal(met: bool) -> str:
    return "goal met" if met else "GOAL NOT MET"


def bench_domains() -> list[str]:
    return [f"d{i:04d}.{ZONE}" for i in range(DOMAINS)]


def start_servers(workdir: Path) -> list[KnotServer]:
    body = "".join(line + "\n" for d in bench_domains() for r in domain_records(d) for line in zone_lines(r))
    zones = {
        ZONE: zone_text(ZONE, body),
        "amazonses.com": zone_text("amazonses.com", f'amazonses.com. 60 IN TXT "{AMAZON_SPF}"\n'),
        LAT_ZONE: zone_text(LAT_ZONE),
    }
    return start_knot_servers(workdir, KNOT_ADDRESSES, zones)


def targets_for(nameservers: tuple[str, ...]) -> list[AuditTarget]:
    return [AuditTarget(d, domain_records(d), nameservers, SES_REGION) for d in bench_domains()]


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


def sequential_check(targets: list[AuditTarget]) -> tuple[float, int, int]:
    """The straightforward way: one dnspython query at a time, every record on every server."""
    started = time.perf_counter()
    ok = total = 0
    for target in targets:
        for record in target.records:
            for server in target.nameservers:
                address, port = server.rsplit(":", 1)
                query = dns.message.make_query(record.name, record.type)
                query.flags &= ~dns.flags.RD
                total += 1
                try:
                    answer = dns.query.udp(query, address, port=int(port), timeout=2)
                except Exception:
                    continue
                ok += answer.rcode() == dns.rcode.NOERROR and _matches(record, answer)
    return time.perf_counter() - started, ok, total


def main() -> dict:
    rng = random.Random(20261124)
    workdir = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    say(f"Starting {len(KNOT_ADDRESSES)} Knot servers ({DOMAINS} domains x 6 records, in {workdir}), "
        f"each behind a forwarder that delays every answer {DELAY_S * 1000:.0f} ms ...")
    servers = start_servers(workdir)
    forwarders = []
    results: dict = {}
    try:
        for server, address in zip(servers, FORWARDER_ADDRESSES):
            forwarders.append(DelayingForwarder((server.address, server.port), address, DELAY_S))
        endpoints = tuple(f.endpoint for f in forwarders)
        say(f"Servers as the audit sees them: {', '.join(endpoints)}")
        targets = targets_for(endpoints)
        settings = ResolverSettings(endpoints)
        say()

        runs = []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = asyncio.run(audit(targets, email_auth=settings))
            runs.append(time.perf_counter() - started)
            if report.verdict is not AuditVerdict.OK:
                bad = next(d for d in report.domains if d.verdict is not AuditVerdict.OK)
                raise RuntimeError(f"the healthy world audits as {report.verdict.value}: {bad.as_json()}")
        started = time.perf_counter()
        asyncio.run(audit_records(targets))
        records_only = time.perf_counter() - started
        started = time.perf_counter()
        judge_email_auth([EmailAuthTarget(d, SES_REGION, f"mail.{d}") for d in bench_domains()], settings)
        email_only = time.perf_counter() - started
        results["audit_s"] = statistics.median(runs)
        results["audit_best_s"] = min(runs)
        results["records_only_s"] = records_only
        results["email_auth_only_s"] = email_only
        pairs = DOMAINS * 6 * len(endpoints)
        say(f"Full audit of {DOMAINS} domains ({pairs} record x nameserver checks + the checkdmarc judgment "
            f"of SPF, DMARC and MAIL FROM MX per domain), every answer {DELAY_S * 1000:.0f} ms away:")
        say(f"  {results['audit_s']:.3f} s (median of {RUNS}; best {results['audit_best_s']:.3f} s); "
            f"goal < 5 s: {goal(results['audit_s'] < 5)}")
        say(f"  of which, alone: records {records_only:.3f} s, email-auth judgment {email_only:.3f} s "
            "(the audit runs them at the same time)")

        say("Baseline: the same records on the same servers, one dnspython query at a time ...")
        base, base_ok, base_total = sequential_check(targets)
        results["sequential_s"] = base
        say(f"  {base:.3f} s ({base_ok}/{base_total} answers right), without any SPF/DMARC judgment; "
            f"ours is {base / results['audit_s']:.1f}x faster")
        say()

        say(f"Detection: {DETECT_TRIALS} domains waited for through the forwarders; records appear on the "
            f"last server at random {APPEAR_WINDOW_S[0]:.0f}-{APPEAR_WINDOW_S[1]:.0f} s ...")
        detect = asyncio.run(detection_trials(servers, endpoints, LAT_ZONE, rng,
                                                    trials=DETECT_TRIALS, window_s=APPEAR_WINDOW_S))
        results["detect_p50_s"] = detect["p50"]
        results["detect_p99_s"] = detect["p99"]
        say(f"  from the update to the engine's 'ready': p50 {detect['p50']:.3f} s, p99 {detect['p99']:.3f} s "
            f"(goal <= 1.5: {goal(detect['p99'] <= 1.5)}), max {detect['max']:.3f} s")
    finally:
        for forwarder in forwarders:
            forwarder.close()
        for server in servers:
            server.stop()
    return results


if __name__ == "__main__":
    began = time.monotonic()
    figures = main()
    say(f"Bench finished in {time.monotonic() - began:.0f} s.")
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    sys.exit(0)
