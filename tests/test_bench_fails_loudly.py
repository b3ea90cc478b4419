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
