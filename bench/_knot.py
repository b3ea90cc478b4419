"""The benchmark's DNS world on loopback: four Knot primaries serving the same zones
(so records can be made to appear on each server at a moment of our choosing), and an
unbound caching resolver stubbed to them.

Zones:
- ``bench.test``: 1000 "domains" ``dNNNN.bench.test`` with the 6 SES records each.
- ``lat.test``: empty at start; detection trials add records by RFC 2136 updates.
- ``neg.test``: empty, SOA minimum 30 s; used to prime unbound's negative cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query

from ses_domains.records.model import DnsRecord
from tests.dns_servers import KnotServer, free_port, stop_process, zone_lines, zone_text

SERVER_ADDRESSES = ("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24")
UNBOUND_ADDRESS = "127.0.0.29"
BENCH_ZONE, LAT_ZONE, NEG_ZONE = "bench.test", "lat.test", "neg.test"
SES_REGION = "us-east-1"


def domain_records(domain: str) -> tuple[DnsRecord, ...]:
    """The 6 records of an SES domain: 3 DKIM CNAMEs, MAIL FROM MX + SPF, DMARC."""
    label = domain.split(".")[0]
    dkim = tuple(
        DnsRecord(f"tok{i}{label}._domainkey.{domain}", "CNAME", (f"tok{i}{label}.dkim.amazonses.com",), 60)
        for i in range(3)
    )
    return dkim + (
        DnsRecord(f"mail.{domain}", "MX", (f"10 feedback-smtp.{SES_REGION}.amazonses.com",), 60),
        DnsRecord(f"mail.{domain}", "TXT", ("v=spf1 include:amazonses.com ~all",), 60),
        DnsRecord(f"_dmarc.{domain}", "TXT", ("v=DMARC1; p=none; rua=mailto:dmarc@" + domain,), 60),
    )


def bench_domains(count: int) -> list[str]:
    return [f"d{i:04d}.{BENCH_ZONE}" for i in range(count)]


def start_servers(workdir: Path, domains: int = 1000) -> list[KnotServer]:
    body = "\n".join(l for d in bench_domains(domains) for r in domain_records(d) for l in zone_lines(r))
    zones = {
        BENCH_ZONE: zone_text(BENCH_ZONE, body + "\n"),
        LAT_ZONE: zone_text(LAT_ZONE, soa_minimum=30),
        NEG_ZONE: zone_text(NEG_ZONE, soa_minimum=30),
    }
    return start_knot_servers(workdir, SERVER_ADDRESSES, zones)


def start_knot_servers(workdir: Path, addresses, zones: dict[str, str]) -> list[KnotServer]:
    """One Knot primary per address, each serving every zone (so records can be made to appear
    on each server at a moment of our choosing); all stopped again if one fails to start."""
    servers: list[KnotServer] = []
    try:
        for i, address in enumerate(addresses):
            servers.append(KnotServer(workdir / f"knot{i}", address, dict(zones)).start())
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


class Unbound:
    """unbound -d on loopback, a caching recursive resolver stubbed to our Knot servers."""

    def __init__(self, workdir: Path, stub_to: list[KnotServer], zones: list[str]) -> None:
        self.workdir = workdir
        self.address = UNBOUND_ADDRESS
        self.port = free_port(self.address)
        stubs = "".join(
            f'stub-zone:\n    name: "{zone}"\n'
            + "".join(f"    stub-addr: {s.address}@{s.port}\n" for s in stub_to)
            for zone in zones
        )
        insecure = "".join(f'    domain-insecure: "{z}"\n' for z in zones)
        # unbound answers NXDOMAIN itself for the RFC 6761 name "test." unless told not to
        insecure += '    local-zone: "test." nodefault\n'
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "unbound.conf").write_text(
            "server:\n"
            f"    interface: {self.address}@{self.port}\n    port: {self.port}\n"
            '    username: ""\n    chroot: ""\n'
            f'    directory: "{workdir}"\n    pidfile: "{workdir}/unbound.pid"\n'
            '    use-syslog: no\n    logfile: ""\n    verbosity: 0\n'
            "    do-ip6: no\n    do-not-query-localhost: no\n"
            '    module-config: "iterator"\n    num-threads: 1\n'
            "    access-control: 127.0.0.0/8 allow\n"
            + insecure + stubs
            + "remote-control:\n    control-enable: no\n"
        )
        self.process = None

    def start(self) -> "Unbound":
        unbound = shutil.which("unbound") or "/usr/sbin/unbound"
        if not os.path.exists(unbound):
            raise RuntimeError("unbound is not installed (Debian package 'unbound')")
        self.log = open(self.workdir / "unbound.log", "wb")
        self.process = subprocess.Popen([unbound, "-d", "-c", str(self.workdir / "unbound.conf")],
                                        stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                dns.query.udp(dns.message.make_query(f"{NEG_ZONE}.", "SOA"), self.address,
                              port=self.port, timeout=0.3)
                return self
            except Exception:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("unbound did not start: " + (self.workdir / "unbound.log").read_text()[-2000:])

    def stop(self) -> None:
        stop_process(self.process, getattr(self, "log", None))
