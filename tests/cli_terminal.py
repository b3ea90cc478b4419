"""Running the command in a subprocess, its stdout a pipe or a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "NO_COLOR"}
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("TERM", "xterm")
    env["COLUMNS"] = "200"
    return env


def run_piped(argv: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ses_domains.cli", *argv], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout_s)


def run_on_terminal(argv: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 60) -> tuple[int, str, str]:
    """stdout on a pseudo-terminal (read raw, ``\\r`` and escape sequences kept), stderr a pipe."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "ses_domains.cli", *argv], env=env, cwd=cwd,
                               stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command has exited
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(leader)
    code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    err = process.stderr.read().decode()
    process.stderr.close()
    return code, b"".join(chunks).decode(), err
