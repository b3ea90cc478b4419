"""How long the program takes to declare N sending domains under Pulumi's mocks, beside the same
resources declared with bare pulumi-aws calls (bench/bare_program.py), in the same run.

Run from the repository root: ``python -m bench.program``. Each measurement runs in a fresh
process (the Pulumi runtime is process-global); the figure is the best of several runs (the one
least disturbed by whatever else the machine does) of the program alone: imports, config read,
zone lookups (the provider's getZone, answered from moto), declarations, every output resolved.

Two things are settled before the clock starts, the same way for both programs, so that the
figure is the program's and not the harness's:
- the project's modules are byte-compiled, as they are from the second ``pulumi up`` on (this
  machine sets PYTHONDONTWRITEBYTECODE, which would otherwise compile them in every run);
- the harness's own heap (moto, boto3, the test helpers) is frozen out of the garbage collector:
  a real program run does not carry it, and a full collection over it costs 50 to 70 ms at a
  moment that varies from run to run.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench._child import ChildFailed, run_in_child

SIZES = (10, 100, 500, 1000)
REPEATS = 5
GOAL_RATIO = 1.3
ROOT = Path(__file__).resolve().parent.parent
BARE = ROOT / "bench" / "bare_program.py"


def domains(count: int) -> list[dict]:
    return [
        {"domain": f"d{i}.example.com", "zone": "example.com", "mailFrom": "bounce",
         "dmarc": {"policy": "quarantine", "rua": ["mailto:dmarc@example.com"]}}
        for i in range(count)
    ]


def _measure(kind: str, count: int) -> tuple[float, float, int, int]:
    from tests.pulumi_program import PROGRAM, RecordingMocks, _run_under_mocks, create_zones, fake_aws, moto_route53

    with fake_aws():
        create_zones(("example.com",))
        config = {"aws:region": "eu-west-1", "ses-domains:domains": domains(count)}
        config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
        # Route 53 answers the provider's getZone invokes; in a real run that client lives in the
        # already running provider process, so it is made before the clock starts.
        mocks = RecordingMocks(route53=moto_route53())
        gc.collect()
        gc.freeze()
        started, cpu_started = time.perf_counter(), time.process_time()
        run = _run_under_mocks(config, mocks, "bench", PROGRAM if kind == "ours" else BARE, ordered=False)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, len(mocks.resources), len(run.outputs["domains"])


def run_once(kind: str, count: int) -> tuple[float, float, int]:
    """One measurement in a fresh process: seconds, CPU seconds (every thread), resources declared."""
    elapsed, cpu, resources, exported = run_in_child(_measure, (kind, count), what=f"{kind} program, {count} domains")
    assert exported == count, f"{kind}: exported {exported} domains, expected {count}"
    return elapsed, cpu, resources


def measure(count: int, repeats: int = REPEATS) -> dict[str, tuple[float, float, float, int]]:
    """Best and median time, best CPU time and the resource count of each program. Their runs
    alternate, so that a slow spell of the machine falls on both rather than on one."""
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    cpu_times: dict[str, list[float]] = {"ours": [], "bare": []}
    resources: dict[str, int] = {}
    for _ in range(repeats):
        for kind in times:
            elapsed, cpu, resources[kind] = run_once(kind, count)
            times[kind].append(elapsed)
            cpu_times[kind].append(cpu)
    return {kind: (min(values), statistics.median(values), min(cpu_times[kind]), resources[kind])
            for kind, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.program", description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=_sizes, default=SIZES, metavar="N[,N...]",
                        help=f"stack sizes to measure (default {','.join(map(str, SIZES))})")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"runs of each program per size (default {REPEATS})")
    options = parser.parse_args(argv)
    try:
        return _main(options.domains, options.repeats)
    except ChildFailed as failure:
        print(f"bench.program failed: {failure}", file=sys.stderr)
        print("(the benchmarks use the test fixtures: install requirements-dev.txt, e.g. with scripts/setup-dev)",
              file=sys.stderr)
        return 1


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give stack sizes as whole numbers, e.g. 10,100") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: each size must be at least 1")
    return sizes


def _main(sizes: tuple[int, ...] = SIZES, repeats: int = REPEATS) -> int:
    compileall.compile_dir(ROOT / "ses_domains", quiet=1)
    print(f"bench.program: declaring N domains under Pulumi mocks (best of {repeats} runs, fresh process each)")
    print(f"{'domains':>8} {'ours s':>9} {'bare s':>9} {'ratio':>7} {'median ratio':>13} {'cpu ratio':>10} "
          f"{'resources (ours/bare)':>22}")
    figures = {}
    for count in sizes:
        found = measure(count, repeats)
        (ours, ours_median, ours_cpu, ours_resources) = found["ours"]
        (bare, bare_median, bare_cpu, bare_resources) = found["bare"]
        ratio = ours / bare
        figures[count] = {"ours_s": round(ours, 3), "bare_s": round(bare, 3), "ratio": round(ratio, 3),
                          "median_ratio": round(ours_median / bare_median, 3),
                          "ours_cpu_s": round(ours_cpu, 3), "bare_cpu_s": round(bare_cpu, 3),
                          "cpu_ratio": round(ours_cpu / bare_cpu, 3)}
        print(f"{count:>8} {ours:>9.3f} {bare:>9.3f} {ratio:>7.2f} {ours_median / bare_median:>13.2f} "
              f"{ours_cpu / bare_cpu:>10.2f} {ours_resources:>10}/{bare_resources:<11}", flush=True)
    worst = max(f["ratio"] for f in figures.values())
    verdict = "met" if worst <= GOAL_RATIO else "NOT met"
    print(f"goal: ours <= {GOAL_RATIO}x bare at every size (best times): {verdict} (worst {worst:.2f}x)")
    per_domain_ratio = None
    if len(sizes) > 1:
        small, large = figures[sizes[0]], figures[sizes[-1]]
        span = sizes[-1] - sizes[0]
        ours_each = (large["ours_s"] - small["ours_s"]) / span
        bare_each = (large["bare_s"] - small["bare_s"]) / span
        per_domain_ratio = round(ours_each / bare_each, 3)
        print(f"per extra domain: ours {ours_each * 1000:.1f} ms, bare {bare_each * 1000:.1f} ms "
              f"({ours_each / bare_each:.2f}x); fixed cost ours {small['ours_s'] - sizes[0] * ours_each:.2f} s, "
              f"bare {small['bare_s'] - sizes[0] * bare_each:.2f} s")
    print("both look up the zone with the provider's getZone (moto behind it); ours also checks the config and")
    print("the zone, declares one SendingDomain component per domain and the stack's verification step.")
    print(json.dumps({"program_s": {str(k): v for k, v in figures.items()}, "worst_ratio": round(worst, 3),
                      "per_domain_ratio": per_domain_ratio, "load_average": [round(x, 2) for x in os.getloadavg()]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
