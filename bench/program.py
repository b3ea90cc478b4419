"""How long the program takes to declare N sending domains under Pulumi's mocks, beside the same
resources declared with bare pulumi-aws calls (bench/bare_program.py), in the same run.

Run from the repository root: ``python -m bench.program``. Each measurement runs in a fresh
process (the Pulumi runtime is process-global); the figure is the best of several runs (the one
least disturbed by whatever else the machine does) of the program alone: config read, zone
lookups against moto, declarations, every output resolved.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path

SIZES = (10, 100, 500)
REPEATS = 3
GOAL_RATIO = 1.3
BARE = Path(__file__).resolve().parent / "bare_program.py"


def domains(count: int) -> list[dict]:
    return [
        {"domain": f"d{i}.example.com", "zone": "example.com", "mailFrom": "bounce",
         "dmarc": {"policy": "quarantine", "rua": ["mailto:dmarc@example.com"]}}
        for i in range(count)
    ]


def _measure(kind: str, count: int, results) -> None:
    from tests.pulumi_program import PROGRAM, RecordingMocks, _run_under_mocks, create_zones, fake_aws

    with fake_aws():
        zone_ids = create_zones(("example.com",))
        config = {"aws:region": "eu-west-1", "ses-domains:domains": domains(count),
                  "bench:zoneId": zone_ids["example.com"]}
        config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
        mocks = RecordingMocks()
        started = time.perf_counter()
        run = _run_under_mocks(config, mocks, "bench", PROGRAM if kind == "ours" else BARE)
        elapsed = time.perf_counter() - started
    results.put((elapsed, len(mocks.resources), len(run.outputs["domains"])))


def measure(kind: str, count: int) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    times, resources = [], 0
    for _ in range(REPEATS):
        results = context.Queue()
        process = context.Process(target=_measure, args=(kind, count, results))
        process.start()
        elapsed, resources, exported = results.get(timeout=600)
        process.join()
        assert exported == count, f"{kind}: exported {exported} domains, expected {count}"
        times.append(elapsed)
    return min(times), resources


def main() -> int:
    print(f"bench.program: declaring N domains under Pulumi mocks (best of {REPEATS} runs, fresh process each)")
    print(f"{'domains':>8} {'ours s':>9} {'bare s':>9} {'ratio':>7} {'resources (ours/bare)':>24}")
    figures = {}
    for count in SIZES:
        ours, ours_resources = measure("ours", count)
        bare, bare_resources = measure("bare", count)
        ratio = ours / bare
        figures[count] = {"ours_s": round(ours, 3), "bare_s": round(bare, 3), "ratio": round(ratio, 3)}
        print(f"{count:>8} {ours:>9.3f} {bare:>9.3f} {ratio:>7.2f} {ours_resources:>12}/{bare_resources:<11}")
    worst = max(f["ratio"] for f in figures.values())
    verdict = "met" if worst <= GOAL_RATIO else "NOT met"
    print(f"goal: ours <= {GOAL_RATIO}x bare at every size: {verdict} (worst {worst:.2f}x)")
    small, large = figures[SIZES[0]], figures[SIZES[-1]]
    span = SIZES[-1] - SIZES[0]
    ours_each = (large["ours_s"] - small["ours_s"]) / span
    bare_each = (large["bare_s"] - small["bare_s"]) / span
    print(f"per extra domain: ours {ours_each * 1000:.1f} ms, bare {bare_each * 1000:.1f} ms "
          f"({ours_each / bare_each:.2f}x); fixed cost ours {small['ours_s'] - SIZES[0] * ours_each:.2f} s, "
          f"bare {small['bare_s'] - SIZES[0] * bare_each:.2f} s")
    print("ours also: checks the config, looks up each zone in Route 53 (moto here), declares one SendingDomain")
    print("component per domain and the stack's verification step; bare hard-codes the zone id.")
    print(json.dumps({"program_s": {str(k): v for k, v in figures.items()}, "worst_ratio": round(worst, 3),
                      "per_domain_ratio": round(ours_each / bare_each, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
