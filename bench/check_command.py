"""The real command at scale: ``ses-domains check`` of an N-domain stack against 4 nameservers 20 ms away.

Run from the repository root: ``python -m bench.check_command --domains 10000``. The stack, its
records on four Knot servers behind 20 ms forwarders, and the SES stand-in answering every
identity as verified are ``bench.check_stack``'s. The installed ``ses-domains`` console script
runs in a subprocess (``check --stack bench -o json`` with the four servers as ``--nameserver``),
as a user would run it; its JSON report is counted here.

Prints the command's wall time, its CPU and peak RSS (``RUSAGE_CHILDREN``), when SES's answers were
all in, its exit code and every record and email-auth verdict by status; the last line is one
JSON object with every figure. Exits 1 unless the command exited 0 with every record and every
verdict ok.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.check_stack import STACK, CheckWorld, start_world
from tests.cli_aws import AWS_VARIABLES_TO_CLEAR

DELAY_S = 0.020
SES_RATE_PER_S = 100.0
"""Requests a second the stand-in answers before throttling (see the README's Benchmarks)."""
RECORDS_PER_DOMAIN = 6  # 3 DKIM CNAMEs, the MAIL FROM MX and SPF, DMARC
COMMAND_TIMEOUT_S = 1800.0


def say(text: str = "") -> None:
    print(text, flush=True)


def command_line(world: CheckWorld) -> list[str]:
    script = Path(sys.executable).with_name("ses-domains")
    nameservers = [arg for ns in world.nameservers for arg in ("--nameserver", ns)]
    return [str(script), "check", "--stack", STACK, "-C", str(world.project), *nameservers, "-o", "json"]


def command_environment(world: CheckWorld) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in AWS_VARIABLES_TO_CLEAR}
    env.update(world.environment())
    return env


class ReadsWatch:
    """When the stand-in had answered one read per identity (the SES phase of the command is over)."""

    def __init__(self, world: CheckWorld, identities: int, started: float) -> None:
        self.done_after_s: float | None = None
        self._stop = threading.Event()

        def watch() -> None:
            while not self._stop.wait(0.05):
                if len(world.ses.requests) >= identities:
                    self.done_after_s = time.monotonic() - started
                    return

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_check(world: CheckWorld, count: int, output: Path) -> dict:
    """The command once, its report written to ``output``: exit code, times and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    watch = ReadsWatch(world, count, started)
    with open(output, "wb") as out, open(output.with_suffix(".err"), "wb") as err:
        try:
            code = subprocess.run(command_line(world), env=command_environment(world), stdout=out, stderr=err,
                                  timeout=COMMAND_TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            code = None
    wall = time.monotonic() - started
    watch.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"exit_code": code, "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": after.ru_maxrss / 1024,
            "ses_reads_done_s": watch.done_after_s,
            "stderr": output.with_suffix(".err").read_text(errors="replace")}


def count_verdicts(report: dict) -> dict:
    """Every record, email-auth and domain verdict of the command's JSON report, by status."""
    domains = report.get("domains", [])
    records = Counter(r["status"] for d in domains for r in d["records"])
    email_auth = Counter(d["email_auth"]["status"] if d["email_auth"] else "not judged" for d in domains)
    problems = [f"{d['domain']}: {gap}" for d in domains for gap in d["could_not_check"]][:3]
    problems += [f"{r['type']} {r['name']}: {r['status']}: {r['detail']}"
                 for d in domains for r in d["records"] if r["status"] != "ok"][:3]
    return {"verdict": report.get("verdict"), "domains_reported": len(domains),
            "domain_verdicts": dict(Counter(d["verdict"] for d in domains)),
            "record_verdicts": dict(records), "email_auth_verdicts": dict(email_auth),
            "sample_problems": problems}


def all_ok(count: int, exit_code: int | None, counted: dict) -> bool:
    """The command exited 0 and reported every domain's every record and verdict ok."""
    return (exit_code == 0 and counted["verdict"] == "ok" and counted["domains_reported"] == count
            and counted["domain_verdicts"] == {"ok": count}
            and counted["record_verdicts"] == {"ok": count * RECORDS_PER_DOMAIN}
            and counted["email_auth_verdicts"] == {"ok": count})


def read_report(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except ValueError:
        return {}


def measure(count: int, ses_rate_per_s: float | None, delay_s: float = DELAY_S) -> tuple[bool, dict]:
    """The world started, the command run once and counted, the world stopped: whether every record
    and verdict was ok, and the figures."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-check-command-"))
    say(f"Writing a stack of {count} domains and starting 4 Knot servers (in {workdir}), each behind a "
        f"forwarder that delays every answer {delay_s * 1000:.0f} ms ...")
    world = start_world(workdir, count, delay_s=delay_s, ses_rate_per_s=ses_rate_per_s)
    try:
        rate = f"throttling past {ses_rate_per_s:g} requests a second" if ses_rate_per_s else "never throttling"
        say(f"SES stand-in at {world.ses.url}, every identity verified, {rate}")
        say("Running: " + " ".join(command_line(world)[:6]) + " --nameserver ... -o json")
        load_before = os.getloadavg()
        say(f"Load average before: {' '.join(f'{x:.2f}' for x in load_before)} on {os.cpu_count()} CPUs")
        run = run_check(world, count, workdir / "report.json")
        queries = world.queries_received()
        load_after = os.getloadavg()
    finally:
        world.stop()
    report = read_report(workdir / "report.json")
    counted = count_verdicts(report)
    ok = all_ok(count, run["exit_code"], counted)
    reads = run["ses_reads_done_s"]
    say(f"ses-domains check of {count} domains: exit code {run['exit_code']}, {run['wall_s']:.1f} s "
        f"({run['cpu_s']:.1f} s of CPU), peak RSS {run['peak_rss_mb']:.0f} MB")
    say(f"  SES: {len(world.ses.requests)} GetEmailIdentity answered, {world.ses.throttled} throttled; "
        + (f"one per identity after {reads:.1f} s" if reads is not None else "not one per identity"))
    say(f"  DNS: {queries} queries reached the 4 servers")
    say(f"  verdict {counted['verdict']}; domains: {counted['domain_verdicts']}; records: {counted['record_verdicts']} "
        f"(of {count * RECORDS_PER_DOMAIN}); email auth: {counted['email_auth_verdicts']}")
    for line in counted["sample_problems"]:
        say(f"  e.g. {line}")
    if run["exit_code"] != 0 and run["stderr"].strip():
        say("  the command's stderr ends: " + run["stderr"].strip()[-1500:])
    say(f"Load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    say("Every record and verdict ok: " + ("yes" if ok else "NO"))
    if ok:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        say(f"The command's report, its stderr and the servers' logs are kept in {workdir}")
    return ok, {
        "domains": count,
        "exit_code": run["exit_code"],
        "all_ok": ok,
        "wall_s": round(run["wall_s"], 2),
        "cpu_s": round(run["cpu_s"], 2),
        "peak_rss_mb": round(run["peak_rss_mb"], 1),
        "ses_reads_done_s": None if reads is None else round(reads, 2),
        "ses_rate_limit_per_s": ses_rate_per_s,
        "ses_requests": len(world.ses.requests),
        "ses_throttled": world.ses.throttled,
        "dns_queries": queries,
        "verdict": counted["verdict"],
        "domain_verdicts": counted["domain_verdicts"],
        "record_verdicts": counted["record_verdicts"],
        "email_auth_verdicts": counted["email_auth_verdicts"],
        "delay_ms": round(delay_s * 1000),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.check_command", description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=200, help="domains in the stack (default 200)")
    parser.add_argument("--ses-rate", type=float, default=SES_RATE_PER_S,
                        help=f"GetEmailIdentity requests a second SES allows; 0: no limit (default {SES_RATE_PER_S:g})")
    args = parser.parse_args(argv)
    passed, figures = measure(args.domains, args.ses_rate or None)
    print(json.dumps(figures), flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
