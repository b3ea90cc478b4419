"""The harness that runs the program under Pulumi's mocks leaves nothing of a run behind.

Hundreds of tests run the program in one process. A run whose thread pool lived on kept the whole
run (Pulumi's futures, every resource) alive: by the end of the suite the process held 8 million
objects, 350 threads and 3 GB, and each full pass of the garbage collector stopped every thread for
up to 9 s, longer than the 8 s a command gives an SES read. A test then saw SES "not answer".
"""

from __future__ import annotations

import gc
import threading
import weakref

from tests.pulumi_program import RecordingMocks, refused_at_preview, run_program

CONFIG = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]}


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def test_a_run_leaves_no_thread_behind_and_is_freed_once_the_next_run_starts():
    run_program(CONFIG)  # the first run in a process starts what lives for the process
    before = _threads()
    mocks = RecordingMocks()
    run = run_program(CONFIG, mocks=mocks)
    assert any(r.type == "aws:sesv2/emailIdentity:EmailIdentity" for r in run.mocks.resources)
    assert _threads() - before == set()
    finished = weakref.ref(mocks)
    del run, mocks
    run_program(CONFIG)  # Pulumi's runtime keeps the last run's settings until the next run
    gc.collect()
    assert finished() is None, "something still holds a finished run"


def test_a_refused_run_leaves_no_thread_behind():
    run_program(CONFIG)
    before = _threads()
    message = refused_at_preview({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "not a domain"}]})
    assert "ses-domains:domains[0]" in message
    assert _threads() - before == set()


def test_the_next_run_gets_a_loop_of_its_own():
    first = run_program(CONFIG)
    second = run_program(CONFIG)
    assert first.outputs.keys() == second.outputs.keys()
