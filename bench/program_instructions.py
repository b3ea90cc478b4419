"""What one more domain costs the program, counted in instructions rather than seconds, beside
bare pulumi-aws calls (bench/bare_program.py).

Run from the repository root: ``python -m bench.program_instructions`` (needs valgrind: Debian's
``valgrind`` package). Wall-clock and CPU times on a shared machine wander by 10 to 20 % from run
to run, as much as the differences worth knowing; instructions counted by valgrind's callgrind
repeat within half a percent. Each program runs as ``bench.program`` runs it (same mocks, same
config) in a fresh process under callgrind, at two stack sizes; the difference, divided by the
difference in domains, is the cost of one more domain, with every fixed cost (interpreter, imports,
the harness) cancelled out. The garbage collector is off unless ``--gc`` is given: when its
collections fall varies with the heap, and it costs both programs about the same.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.program import ROOT

SMALL, LARGE = 20, 60
KINDS = ("ours", "bare")
CHILD_TIMEOUT_S = 1800
"""Under callgrind a program runs some 50 times slower: 60 domains take one to two minutes."""
TOTAL = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def instructions_of(callgrind_output: str) -> int:
    """The total of instructions executed, from callgrind's output file."""
    found = TOTAL.search(callgrind_output)
    if found is None:
        raise ValueError("callgrind's output has no summary line")
    return int(found.group(1))


def per_domain(counts: dict[int, int]) -> float:
    """Instructions of one more domain, from the counts at two sizes."""
    (small, small_count), (large, large_count) = sorted(counts.items())
    return (large_count - small_count) / (large - small)


def _measure_child(kind: str, count: int, with_gc: bool) -> None:
    """Runs in the process callgrind watches: the program under mocks, as bench.program runs it."""
    from bench.program import _measure

    if not with_gc:
        gc.disable()
    _measure(kind, count)


def count_instructions(kind: str, count: int, with_gc: bool) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}", sys.executable,
                   "-m", "bench.program_instructions", "--child", kind, str(count), *(["--gc"] if with_gc else [])]
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True,
                              text=True, timeout=CHILD_TIMEOUT_S)
        if done.returncode != 0 or not output.exists():
            raise RuntimeError(f"{kind} program, {count} domains, under callgrind: exit code {done.returncode}\n"
                               f"{done.stderr[-3000:]}")
        return instructions_of(output.read_text(errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.program_instructions",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--gc", action="store_true", help="leave the garbage collector on, as bench.program does")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        _measure_child(options.child[0], int(options.child[1]), options.gc)
        return 0
    if shutil.which("valgrind") is None:
        print("bench.program_instructions needs valgrind (Debian/Ubuntu: apt-get install valgrind)", file=sys.stderr)
        return 1
    compileall.compile_dir(ROOT / "ses_domains", quiet=1)
    print(f"bench.program_instructions: each program under callgrind at {SMALL} and {LARGE} domains, garbage "
          f"collector {'on' if options.gc else 'off'}")
    runs = [(kind, count) for kind in KINDS for count in (SMALL, LARGE)]
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counts = dict(zip(runs, pool.map(lambda run: count_instructions(*run, options.gc), runs)))
    except (RuntimeError, subprocess.TimeoutExpired) as failure:
        print(f"bench.program_instructions failed: {failure}", file=sys.stderr)
        print("(the benchmarks use the test fixtures: install requirements-dev.txt, e.g. with scripts/setup-dev)",
              file=sys.stderr)
        return 1
    each = {kind: per_domain({count: counts[(kind, count)] for count in (SMALL, LARGE)}) for kind in KINDS}
    print(f"{'program':>8} {f'{SMALL} domains':>16} {f'{LARGE} domains':>16} {'per domain':>12}")
    for kind in KINDS:
        print(f"{kind:>8} {counts[(kind, SMALL)]:>16,} {counts[(kind, LARGE)]:>16,} {each[kind] / 1e6:>11.1f}M")
    ratio = each["ours"] / each["bare"]
    print(f"one more domain costs ours {ratio:.2f}x what it costs bare pulumi-aws")
    print(json.dumps({"per_domain_minstr": {kind: round(each[kind] / 1e6, 1) for kind in KINDS},
                      "ratio": round(ratio, 3), "sizes": [SMALL, LARGE], "gc": options.gc}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
