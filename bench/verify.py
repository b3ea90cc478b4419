"""Benchmark of the DNS verification engine against real Knot servers on loopback.

Run from the repository root: ``python -m bench.verify``. Prints each figure with what it
means and its goal; the last line is one JSON object with every figure.
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
import dns.rcode
import dns.update

from bench._detection import detection_trials, send_update
from bench._knot import LAT_ZONE, NEG_ZONE, Unbound, bench_domains, domain_records, start_servers
from ses_domains.records.model import DnsRecord
from ses_domains.engine.dns.wait import DomainTarget, check_once, wait_for_records
from tests.dns_servers import BlackholeServer, DelayingForwarder, KnotServer

DETECT_TRIALS = 30
APPEAR_WINDOW_S = (1.0, 30.0)
NAIVE_POLL_INTERVAL_S = 0.5
FAR_DELAY_S = 0.8  # a nameserver across an ocean, or under load


def say(text: str = "") -> None:
    print(text, flush=True)


def targets_for(count: int, servers: list[str]) -> list[DomainTarget]:
    return [DomainTarget(d, domain_records(d), tuple(servers)) for d in bench_domains(count)]


async def timed_round(targets: list[DomainTarget]) -> float:
    started = time.perf_counter()
    report = await check_once(targets)
    elapsed = time.perf_counter() - started
    return elapsed, report


async def baseline_round(targets: list[DomainTarget], servers: list[KnotServer]) -> tuple[float, int]:
    """The straightforward way: one dns.asyncquery.udp per (record, server), gather, Semaphore(256)."""
    semaphore = asyncio.Semaphore(256)
    ok = 0

    async def one(record: DnsRecord, server: KnotServer) -> None:
        nonlocal ok
        async with semaphore:
            query = dns.message.make_query(record.name, record.type)
            query.flags &= ~dns.flags.RD
            try:
                answer = await dns.asyncquery.udp(query, server.address, port=server.port, timeout=2)
            except Exception:
                return
            if answer.rcode() == dns.rcode.NOERROR and answer.answer:
                ok += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(r, s) for t in targets for r in t.records for s in servers))
    return time.perf_counter() - started, ok


async def recursive_versus_ours(servers: list[KnotServer], unbound: Unbound) -> dict:
    """A record is asked for once through unbound before it exists (negative answer cached
    for the zone's SOA minimum, 30 s); it is then created on every server 1 s later. Naive:
    poll the resolver every 0.5 s. Ours: wait_for_records on the authoritative servers.
    Both start polling at the same moment; times are from the record's creation."""
    name = f"_dmarc.late.{NEG_ZONE}"
    record = DnsRecord(name, "TXT", ("v=DMARC1; p=reject",), 60)
    prime = dns.message.make_query(name, "TXT")
    answer = await dns.asyncquery.udp(prime, unbound.address, port=unbound.port, timeout=2)
    assert answer.rcode() == dns.rcode.NXDOMAIN, "the record must not exist yet"
    target = DomainTarget(f"late.{NEG_ZONE}", (record,), tuple(s.endpoint for s in servers))
    created = asyncio.get_running_loop().create_future()

    async def naive() -> float:
        while True:
            query = dns.message.make_query(name, "TXT")
            answer = await dns.asyncquery.udp(query, unbound.address, port=unbound.port, timeout=2)
            if any(b"".join(r.strings) == b"v=DMARC1; p=reject" for rrset in answer.answer for r in rrset):
                return time.monotonic() - await created
            await asyncio.sleep(NAIVE_POLL_INTERVAL_S)

    async def ours() -> float:
        report = await wait_for_records([target], deadline_s=120)
        assert report.ready, report.describe()
        return time.monotonic() - await created

    async def create() -> None:
        await asyncio.sleep(1.0)
        moment = time.monotonic()
        await asyncio.gather(*(send_update(s, NEG_ZONE, [record]) for s in servers))
        created.set_result(moment)

    naive_s, ours_s, _ = await asyncio.gather(naive(), ours(), create())
    return {"naive": naive_s, "ours": ours_s}


def goal(met: bool) -> str:
    return "goal met" if met else "GOAL NOT MET"


async def main() -> dict:
    rng = random.Random(20261123)
    workdir = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    say(f"Starting 4 Knot servers (1000 domains x 6 records in {workdir}) and unbound ...")
    servers = start_servers(workdir)
    unbound = Unbound(workdir / "unbound", servers, [NEG_ZONE]).start()
    blackhole = BlackholeServer("127.0.0.25")
    far = DelayingForwarder((servers[3].address, servers[3].port), "127.0.0.26", FAR_DELAY_S)
    results: dict = {}
    try:
        endpoints = [s.endpoint for s in servers]
        say(f"Authoritative servers: {', '.join(endpoints)}; unbound at {unbound.address}:{unbound.port}")
        say()
        r100 = []
        for _ in range(3):
            elapsed, report = await timed_round(targets_for(100, endpoints))
            assert report.ready, report.describe()
            r100.append(elapsed)
        r1000 = []
        for _ in range(3):
            elapsed, report = await timed_round(targets_for(1000, endpoints))
            assert report.ready, report.describe()
            r1000.append(elapsed)
        base, base_ok = await baseline_round(targets_for(1000, endpoints), servers)
        dead = endpoints[:3] + [blackhole.endpoint]
        rdead = []
        for _ in range(2):
            elapsed, report = await timed_round(targets_for(100, dead))
            rdead.append(elapsed)
        named = {p.nameserver for p in report.problems}
        ok_elsewhere = all(p.nameserver == blackhole.endpoint for p in report.problems)
        far_elapsed, far_report = await timed_round(targets_for(100, endpoints[:3] + [far.endpoint]))
        say("One full check (every record on every server, one query each, all answers correct):")
        results["round_s_100x4"] = statistics.median(r100)
        results["round_s_1000x4"] = statistics.median(r1000)
        results["baseline_round_s_1000x4"] = base
        say(f"  100 domains x 6 records x 4 servers (2,400 queries):  {results['round_s_100x4']:.3f} s (median of 3)")
        say(f"  1000 domains x 6 records x 4 servers (24,000 queries): {results['round_s_1000x4']:.3f} s (median of 3)")
        say(f"  baseline, one dns.asyncquery.udp per query, Semaphore(256): {base:.3f} s ({base_ok}/24000 answered)")
        speedup = base / results["round_s_1000x4"]
        say(f"  speed-up {speedup:.1f}x; goal >= 2.5x: {goal(speedup >= 2.5)}")
        results["round_s_blackholed"] = statistics.median(rdead)
        say(f"  100 domains, one of 4 servers blackholed: {results['round_s_blackholed']:.3f} s; "
            f"goal <= {results['round_s_100x4'] + 1:.3f} s (100x4 + 1 s): "
            f"{goal(results['round_s_blackholed'] <= results['round_s_100x4'] + 1)}")
        say(f"  the report names the dead server {sorted(named)}, and only it: {ok_elsewhere}")
        results["round_s_one_far"] = far_elapsed
        say(f"  100 domains, one of 4 servers {FAR_DELAY_S * 1000:.0f} ms away (never measured before): "
            f"{far_elapsed:.3f} s, {'every record ready' if far_report.ready else 'NOT READY'}; "
            f"goal: ready: {goal(far_report.ready)}")
        say()
        say(f"Waiting for the 30 s scenarios ({DETECT_TRIALS} detection trials, recursive comparison) ...")
        detect, race = await asyncio.gather(detection_trials(servers, tuple(s.endpoint for s in servers), LAT_ZONE, rng,
                                                                trials=DETECT_TRIALS, window_s=APPEAR_WINDOW_S),
                                            recursive_versus_ours(servers, unbound))
        results["detect_p50_s"] = detect["p50"]
        results["detect_p99_s"] = detect["p99"]
        results["queries_sent"] = detect["queries"]
        say(f"Detection latency: {DETECT_TRIALS} domains, records on the last server at random 1-30 s;")
        say("  time from that moment until the engine reports the domain ready:")
        say(f"  p50 {detect['p50']:.3f} s (goal <= 0.5: {goal(detect['p50'] <= 0.5)}), "
            f"p99 {detect['p99']:.3f} s (goal <= 1.5: {goal(detect['p99'] <= 1.5)}), max {detect['max']:.3f} s")
        say(f"  queries sent by the {DETECT_TRIALS} waits: {detect['queries']} "
            f"({detect['queries'] / DETECT_TRIALS:.0f} per domain of 6 records x 4 servers)")
        results["naive_recursive_s"] = race["naive"]
        results["ours_s"] = race["ours"]
        ratio = race["naive"] / max(race["ours"], 1e-3)
        say("Record asked for once before it existed (negative answer cached by unbound for 30 s):")
        say(f"  polling through the caching resolver sees it after {race['naive']:.2f} s; "
            f"ours (authoritative servers) after {race['ours']:.3f} s")
        say(f"  {ratio:.0f}x faster; goal >= 5x: {goal(ratio >= 5)}")
    finally:
        blackhole.close()
        far.close()
        unbound.stop()
        for server in servers:
            server.stop()
    return results


if __name__ == "__main__":
    started = time.monotonic()
    results = asyncio.run(main())
    say(f"Bench finished in {time.monotonic() - started:.0f} s.")
    keys = ["detect_p50_s", "detect_p99_s", "queries_sent", "round_s_100x4", "round_s_1000x4",
            "baseline_round_s_1000x4", "round_s_blackholed", "round_s_one_far", "naive_recursive_s", "ours_s"]
    print(json.dumps({k: round(results[k], 4) if isinstance(results[k], float) else results[k] for k in keys}))
    sys.exit(0)
