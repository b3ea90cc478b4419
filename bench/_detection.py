"""How soon a wait notices records after they appear: the trial both benchmarks run.

Each of ``trials`` domains waits concurrently over one shared transport, asking ``endpoints`` (the
servers themselves, or forwarders in front of them). Its records are added by RFC 2136 updates:
on every server but the last at random earlier moments, on the last at its own random moment in
``window_s`` after the waits start. Latency: the engine says ready, minus the moment the update
to the last server was sent.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time

import dns.asyncquery
import dns.rcode
import dns.update

from bench._knot import domain_records
from ses_domains.engine.dns.transport import DnsTransport
from ses_domains.engine.dns.wait import DomainTarget, wait_for_records
from tests.dns_servers import KnotServer, update_items


async def send_update(server: KnotServer, zone: str, records) -> None:
    update = dns.update.UpdateMessage(zone)
    for name, ttl, rdtype, value in update_items(records):
        update.add(name, ttl, rdtype, value)
    answer = await dns.asyncquery.tcp(update, server.address, port=server.port, timeout=5)
    if answer.rcode() != dns.rcode.NOERROR:
        raise RuntimeError(f"update refused by {server.endpoint}: {dns.rcode.to_text(answer.rcode())}")


async def detection_trials(
    servers: list[KnotServer], endpoints: tuple[str, ...], zone: str, rng: random.Random, *,
    trials: int, window_s: tuple[float, float],
) -> dict:
    """p50, p99 and max latency, queries sent by the waits, and how long the trials took."""
    transport = DnsTransport()
    started = time.monotonic()
    latencies: list[float] = []

    async def trial(i: int) -> None:
        domain = f"t{i:02d}.{zone}"
        records = domain_records(domain)
        appear_at = rng.uniform(*window_s)
        early = sorted(rng.uniform(0.0, appear_at) for _ in servers[:-1])
        wait = asyncio.ensure_future(wait_for_records([DomainTarget(domain, records, endpoints)],
                                                      deadline_s=window_s[1] + 10, transport=transport))

        async def publish() -> float:
            for server, at in zip(servers[:-1], early):
                await asyncio.sleep(max(0.0, started + at - time.monotonic()))
                await send_update(server, zone, records)
            await asyncio.sleep(max(0.0, started + appear_at - time.monotonic()))
            moment = time.monotonic()
            await send_update(servers[-1], zone, records)
            return moment

        moment, report = await asyncio.gather(publish(), wait)
        if not report.ready:
            raise RuntimeError(report.describe())
        latencies.append(started + report.elapsed_s - moment)

    try:
        await asyncio.gather(*(trial(i) for i in range(trials)))
    finally:
        queries = transport.stats.queries_sent
        await transport.aclose()
    latencies.sort()
    return {
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))],
        "max": latencies[-1],
        "queries": queries,
        "duration": time.monotonic() - started,
    }
