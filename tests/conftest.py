"""Shared pytest fixtures."""

from __future__ import annotations

# ---------------------------------------------------------------- Knot DNS (DNS verification tests)
# Real authoritative servers on loopback for tests/test_dns_*.py; see tests/dns_servers.py.
import gc
import os
import sys
from pathlib import Path

import pytest

_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from tests.dns_servers import (  # noqa: E402
    KNOTD, BlackholeServer, ServfailServer, start_primary_and_secondary, zone_text,
)

KNOT_TEST_ZONE = "example.test"


def _require_knot() -> None:
    """A missing knotd fails the run on CI (CI=true) and skips the test elsewhere."""
    if KNOTD is None:
        message = ("knotd not found: install Knot to run the DNS tests (Debian/Ubuntu: apt-get install knot; "
                   "Homebrew: brew install knot)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def knot_pair(tmp_path_factory):
    """(primary, secondary) Knot servers for ``example.test`` on 127.0.0.2/127.0.0.3.

    Shared by the session: each test writes names of its own under the zone. The zone
    delegates ``child.example.test`` elsewhere (for a non-authoritative answer).
    """
    _require_knot()
    body = "child 60 IN NS ns.elsewhere.invalid.\n"
    primary, secondary = start_primary_and_secondary(
        tmp_path_factory.mktemp("knot"), {KNOT_TEST_ZONE: zone_text(KNOT_TEST_ZONE, body)},
        primary_address="127.0.0.2", secondary_address="127.0.0.3",
    )
    yield primary, secondary
    secondary.stop()
    primary.stop()


@pytest.fixture
def blackhole_server():
    """A UDP nameserver on 127.0.0.4 that reads every query and never answers."""
    server = BlackholeServer("127.0.0.4")
    yield server
    server.close()


@pytest.fixture
def servfail_server():
    """A UDP nameserver on 127.0.0.5 that answers SERVFAIL to everything."""
    server = ServfailServer("127.0.0.5")
    yield server
    server.close()
# ---------------------------------------------------------------- end of Knot DNS fixtures


# ---------------------------------------------------------------- a short garbage collector pause
@pytest.fixture(autouse=True, scope="module")
def _earlier_modules_heap_left_out_of_collections():
    """Once a module's tests and fixtures are done, what is still alive is frozen out of the garbage
    collector. The suite's process holds far more than a command's (every module's imports, session
    servers, caches) and a full collection over all of it stops every thread for seconds: longer
    than a command gives an SES read or a DNS answer. Collections then scan the current module's
    objects only, as in a command's own process."""
    yield
    gc.collect()
    gc.freeze()


# ---------------------------------------------------------------- a quiet end of the run
def pytest_unconfigure(config):
    """Tests that expect a program to be refused leave Pulumi futures holding that error; Python
    collects them at exit and asyncio prints each ("Future exception was never retrieved"). They
    were expected, and printed after pytest's summary they bury it, so they are silenced here."""
    import logging
    import warnings

    logging.getLogger("asyncio").disabled = True
    warnings.filterwarnings("ignore", category=RuntimeWarning, message="coroutine .* was never awaited")


# ---------------------------------------------------------------- one command, one process
@pytest.fixture(autouse=True)
def _fresh_aws_rate_buckets():
    """The command shares one request-rate bucket per account and region for its whole process.
    A test is one command: it starts with full buckets, not with what an earlier test's throttling
    left (a bucket drained by a permanent throttle made a later read wait past its deadline)."""
    from ses_domains.engine import pacing

    pacing._SHARED.clear()
    yield
    pacing._SHARED.clear()
