"""scripts/setup-dev where the DNS servers are missing: with apt-get it installs them, without it it
says what to install and goes on to the Python packages. Run on a copy, with a PATH made for the
test and stand-ins for apt-get, sudo and the virtualenv's python, so nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("bash", "cat", "cut", "dirname", "id", "sha256sum")


def _recorder(path: Path, log: Path) -> None:
    """A stand-in program that logs its name and arguments and succeeds."""
    path.write_text(f'#!/bin/sh\necho "$(basename "$0") $*" >> {log}\n')
    path.chmod(0o755)


@pytest.fixture
def checkout(tmp_path):
    """A copy of setup-dev and its inputs, a .venv whose python only logs, and a bin/ with the
    shell tools the script uses but no apt-get, knotd, kdig or unbound."""
    for tool in TOOLS:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not found")
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup-dev", repo / "scripts" / "setup-dev")
    (repo / "policy").mkdir()
    for name in ("requirements.txt", "requirements-dev.txt", "policy/requirements.txt", "pyproject.toml"):
        (repo / name).write_text(f"# {name}\n")
    log = tmp_path / "calls.log"
    log.touch()
    (repo / ".venv" / "bin").mkdir(parents=True)
    _recorder(repo / ".venv" / "bin" / "python", log)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "basename").symlink_to(shutil.which("basename"))
    return repo, bin_dir, log


def _run(repo: Path, bin_dir: Path) -> subprocess.CompletedProcess:
    env = {"PATH": str(bin_dir), "HOME": str(repo.parent)}
    return subprocess.run([shutil.which("bash"), str(repo / "scripts" / "setup-dev")], capture_output=True,
                          text=True, env=env, timeout=60)


def test_without_apt_get_it_says_what_to_install_and_goes_on(checkout):
    repo, bin_dir, log = checkout
    result = _run(repo, bin_dir)
    assert result.returncode == 0, result.stderr
    assert "no apt-get here): knot knot-dnsutils unbound" in result.stderr
    assert "Debian/Ubuntu: sudo apt-get install knot knot-dnsutils unbound" in result.stderr
    assert "Homebrew:      brew install knot unbound" in result.stderr
    assert "the DNS tests are skipped (with CI=true they fail)" in result.stderr
    assert log.read_text().splitlines() == [
        "python -m pip install -q --disable-pip-version-check -r requirements-dev.txt"]
    assert (repo / ".venv" / ".requirements.sha256").exists()


def test_with_apt_get_it_installs_only_what_is_missing(checkout):
    repo, bin_dir, log = checkout
    _recorder(bin_dir / "apt-get", log)
    _recorder(bin_dir / "sudo", log)  # only logs: the apt-get line then shows as sudo's arguments
    (bin_dir / "unbound").symlink_to(bin_dir / "cat")  # present: not installed again
    result = _run(repo, bin_dir)
    assert result.returncode == 0, result.stderr
    as_root = os.getuid() == 0
    install = "install -y -qq --no-install-recommends knot knot-dnsutils"
    assert log.read_text().splitlines() == [
        "apt-get update -qq" if as_root else "sudo apt-get update -qq",
        f"apt-get {install}" if as_root else f"sudo apt-get {install}",
        "python -m pip install -q --disable-pip-version-check -r requirements-dev.txt",
    ]
    assert "no apt-get" not in result.stderr


def test_without_knot_the_dns_tests_skip_and_on_ci_they_fail(monkeypatch):
    import tests.conftest as conftest

    monkeypatch.setattr(conftest, "KNOTD", None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="brew install knot"):
        conftest._require_knot()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install knot"):
        conftest._require_knot()
