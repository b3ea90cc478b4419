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

import compileall
import gc
import json
import statistics
import sys
import time
from pathlib import Path

from bench._child import ChildFailed, run_in_child

SIZES = (10, 100, 500)
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


def _measure(kind: str, count: int) -> tuple[float, int, int]:
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
        started = time.perf_counter()
        run = _run_under_mocks(config, mocks, "bench", PROGRAM if kind == "ours" else BARE, ordered=False)
        elapsed = time.perf_counter() - started
    return elapsed, len(mocks.resources), len(run.outputs["domains"])


def run_once(kind: str, count: int) -> tuple[float, int]:
    """One measurement in a fresh process: seconds, resources declared."""
    elapsed, resources, exported = run_in_child(_measure, (kind, count), what=f"{kind} program, {count} domains")
    assert exported == count, f"{kind}: exported {exported} domains, expected {count}"
    return elapsed, resources


def measure(count: int) -> dict[str, tuple[float, float, int]]:
    """Best and median time and the resource count of each program. Their runs alternate, so that
    a slow spell of the machine falls on both rather than on one."""
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    resources: dict[str, int] = {}
    for _ in range(REPEATS):
        for kind in times:
            elapsed, resources[kind] = run_once(kind, count)
            times[kind].append(elapsed)
    return {kind: (min(values), statistics.median(values), resources[kind]) for kind, values in times.items()}


def main() -> int:
    try:
        return _main()
    except ChildFailed as failure:
        print(f"bench.program failed: {failure}", file=sys.stderr)
        print("(the benchmarks use the test fixtures: install requirements-dev.txt, e.g. with scripts/setup-dev)",
              file=sys.stderr)
        return 1


def _main() -> int:
    compileall.compile_dir(ROOT / "ses_domains", quiet=1)
    print(f"bench.program: declaring N domains under Pulumi mocks (best of {REPEATS} runs, fresh process each)")
    print(f"{'domains':>8} {'ours s':>9} {'bare s':>9} {'ratio':>7} {'median ratio':>13} {'resources (ours/bare)':>22}")
    figures = {}
    for count in SIZES:
        found = measure(count)
        (ours, ours_median, ours_resources), (bare, bare_median, bare_resources) = found["ours"], found["bare"]
        ratio = ours / bare
        figures[count] = {"ours_s": round(ours, 3), "bare_s": round(bare, 3), "ratio": round(ratio, 3),
                          "median_ratio": round(ours_median / bare_median, 3)}
        print(f"{count:>8} {ours:>9.3f} {bare:>9.3f} {ratio:>7.2f} {ours_median / bare_median:>13.2f} "
              f"{ours_resources:>10}/{bare_resources:<11}")
    worst = max(f["ratio"] for f in figures.values())
    verdict = "met" if worst <= GOAL_RATIO else "NOT met"
    print(f"goal: ours <= {GOAL_RATIO}x bare at every size (best times): {verdict} (worst {worst:.2f}x)")
    small, large = figures[SIZES[0]], figures[SIZES[-1]]
    span = SIZES[-1] - SIZES[0]
    ours_each = (large["ours_s"] - small["ours_s"]) / span
    bare_each = (large["bare_s"] - small["bare_s"]) / span
    print(f"per extra domain: ours {ours_each * 1000:.1f} ms, bare {bare_each * 1000:.1f} ms "
          f"({ours_each / bare_each:.2f}x); fixed cost ours {small['ours_s'] - SIZES[0] * ours_each:.2f} s, "
          f"bare {small['bare_s'] - SIZES[0] * bare_each:.2f} s")
    print("both look up the zone with the provider's getZone (moto behind it); ours also checks the config and")
    print("the zone, declares one SendingDomain component per domain and the stack's verification step.")
    print(json.dumps({"program_s": {str(k): v for k, v in figures.items()}, "worst_ratio": round(worst, 3),
                      "per_domain_ratio": round(ours_each / bare_each, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
