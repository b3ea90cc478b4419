"""A benchmark whose measuring process fails says why and exits non-zero at once (it used to
wait for a result that never came)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_program_without_moto_exits_with_the_child_s_error(tmp_path):
    hidden = tmp_path / "moto"  # shadows the installed moto: an environment without the test packages
    hidden.mkdir()
    (hidden / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'moto'\", name='moto')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "bench.program"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)  # a hang is caught here, not waited out for ever
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the measuring process failed" in done.stderr
    assert "No module named 'moto'" in done.stderr
    assert "requirements-dev.txt" in done.stderr
    assert '"worst_ratio"' not in done.stdout  # no figures from a run that did not measure


def test_a_child_that_dies_without_a_word_is_noticed():
    from bench._child import ChildFailed, run_in_child

    try:
        run_in_child(os._exit, (3,), what="dying child", timeout_s=300)
    except ChildFailed as failure:
        assert "exit code 3" in str(failure)
    else:
        raise AssertionError("a dead child went unnoticed")


def test_bench_program_instructions_without_valgrind_says_what_to_install(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no valgrind on this PATH
    done = subprocess.run([sys.executable, "-m", "bench.program_instructions"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "needs valgrind" in done.stderr and "apt-get install valgrind" in done.stderr
    assert '"ratio"' not in done.stdout


def test_bench_program_instructions_reads_callgrind_s_total_and_the_cost_of_one_more_domain():
    from bench.program_instructions import instructions_of, per_domain

    output = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n\nfl=(1) x.c\nfn=(1) main\n3 10\n\nsummary: 5319589367\n"
    assert instructions_of(output) == 5319589367
    assert instructions_of(output.replace("summary:", "totals:")) == 5319589367
    assert per_domain({60: 9657124862, 20: 5319589367}) == (9657124862 - 5319589367) / 40
    try:
        instructions_of("events: Ir\n")
    except ValueError as error:
        assert "no summary line" in str(error)
    else:
        raise AssertionError("an output without a total went unnoticed")
