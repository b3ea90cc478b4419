"""What a clone and an install hold: no build outputs in git, a licence, and a command that installs
and runs without the Pulumi packages (they are the `pulumi` extra, for the program)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PULUMI_PACKAGES = {"pulumi", "pulumi-aws"}


def _pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _name(requirement: str) -> str:
    from packaging.requirements import Requirement

    return Requirement(requirement).name.lower().replace("_", "-")


def _git(*argv: str) -> subprocess.CompletedProcess:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True, text=True, timeout=60)


def test_git_holds_no_build_outputs():
    listed = _git("ls-files").stdout.splitlines()
    assert listed, "git ls-files listed nothing"
    outputs = [path for path in listed
               if any(part.endswith(".egg-info") or part in ("build", "dist") for part in Path(path).parts[:-1])]
    assert outputs == []


def test_build_outputs_are_ignored():
    paths = ["ses_domains.egg-info/PKG-INFO", "build/lib/ses_domains/__init__.py", "dist/ses_domains-0.2.0.tar.gz"]
    answer = _git("check-ignore", "--no-index", *paths)
    assert answer.stdout.split() == paths, answer.stderr


def test_the_licence_is_apache_2():
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n") and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    project = _pyproject()["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]


def test_the_command_installs_without_pulumi_and_the_extra_adds_it():
    project = _pyproject()["project"]
    core = {_name(r) for r in project["dependencies"]}
    assert core == {"boto3", "dnspython", "idna", "checkdmarc", "pyyaml", "cryptography"}
    assert {_name(r) for r in project["optional-dependencies"]["pulumi"]} == PULUMI_PACKAGES


def test_pulumi_install_gets_the_extra_and_the_tests_get_everything():
    def lines(name: str) -> list[str]:
        return [line.strip() for line in (ROOT / name).read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]

    assert lines("requirements.txt") == ["-e .[pulumi]"]
    assert "-r requirements.txt" in lines("requirements-dev.txt")


# Run in a fresh interpreter: any import of pulumi or pulumi_aws fails, as in an install without them.
_WITHOUT_PULUMI = r"""
import importlib.abc, sys

class NoPulumi(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pulumi", "pulumi_aws"):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: an install without the pulumi extra)")
        return None

sys.meta_path.insert(0, NoPulumi())
from ses_domains.cli.main import main
try:
    code = main(sys.argv[1:])
finally:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("pulumi", "pulumi_aws"))
    print("PULUMI-MODULES:", loaded, file=sys.stderr)
sys.exit(code)
"""


def _without_pulumi(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    return subprocess.run([sys.executable, "-c", _WITHOUT_PULUMI, *argv], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("argv", [["--help"], ["records", "--help"], ["check", "--help"], ["wait", "--help"],
                                  ["status", "--help"], ["send-test", "--help"], ["iam-policy", "--help"]])
def test_the_command_runs_without_pulumi(tmp_path, argv):
    result = _without_pulumi(tmp_path, *argv)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
    assert "PULUMI-MODULES: []" in result.stderr


def test_records_of_a_committed_stack_run_without_pulumi(tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    result = _without_pulumi(tmp_path, "records", "--stack", "dev")
    assert result.returncode == 0, result.stderr
    assert "dev.example.com" in result.stdout and "_dmarc.dev.example.com" in result.stdout
    assert "PULUMI-MODULES: []" in result.stderr
