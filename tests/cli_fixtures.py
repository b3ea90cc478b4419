"""Fixtures of the command's tests (import them into a test module to use them)."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto.server import ThreadedMotoServer

from tests.cli_aws import AWS_VARIABLES_TO_CLEAR, SesStandIn, aws_environment
from tests.dns_servers import free_port

MOTO_ADDRESS = "127.0.0.1"


@pytest.fixture(scope="session")
def ses_stand_in():
    server = SesStandIn()
    yield server
    server.close()


@pytest.fixture
def ses(ses_stand_in):
    """The SES stand-in, with no identity scripted."""
    ses_stand_in.reset()
    return ses_stand_in


@pytest.fixture(scope="session")
def moto_server():
    port = free_port(MOTO_ADDRESS)
    server = ThreadedMotoServer(ip_address=MOTO_ADDRESS, port=port, verbose=False)
    server.start()
    yield f"http://{MOTO_ADDRESS}:{port}"
    server.stop()


@pytest.fixture
def route53_url(moto_server):
    """moto's Route 53, emptied."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=5).read()
    return moto_server


@pytest.fixture
def aws_env(monkeypatch, ses, moto_server):
    """Credentials and loopback endpoints only; returns the environment set."""
    for name in AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    env = aws_environment(ses.url, moto_server)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def write_stack(directory: Path, stack: str, config: dict[str, Any]) -> Path:
    path = directory / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    (directory / "Pulumi.yaml").write_text("name: ses-domains\nruntime: python\n")
    return path


def run_command(capsys, *argv: str) -> tuple[int, str, str]:
    """``ses-domains ARGV`` in this process: exit code, stdout, stderr."""
    from ses_domains.cli.main import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
