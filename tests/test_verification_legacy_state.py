"""Stacks created before the ``ses_domains`` package keep working: their state names the provider
``components.domain_verification.VerificationProvider`` (a dill pickle by reference) and holds
props in that version's shape. The fixture was written by that version (commit 17c46f7) from
Pulumi.dev.yaml under mocks, with one successful create."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import dill

from ses_domains.deploy.verification import VerificationProvider
from ses_domains.deploy.verification_state import jobs_of, results_of
from tests.pulumi_program import run_program, stack_config

FIXTURE = Path(__file__).parent / "fixtures" / "legacy_verification_state.json"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"


def legacy_props() -> dict:
    return json.loads(FIXTURE.read_text())["props"]


def test_the_pickled_provider_of_an_old_stack_loads_from_its_old_path():
    provider = dill.loads(base64.b64decode(legacy_props()["__provider"]))
    assert isinstance(provider, VerificationProvider)
    assert type(provider).__module__ == "ses_domains.deploy.verification", "the old path is an alias of the one class"


def test_the_current_program_declares_what_the_old_stack_stored_so_nothing_changes():
    olds = legacy_props()
    declared = [r for r in run_program(stack_config("dev")).mocks.resources if r.type == VERIFICATION]
    news = {key: value for key, value in declared[0].inputs.items() if key != "__provider"}

    provider = dill.loads(base64.b64decode(olds["__provider"]))
    diff = provider.diff("ses-domains-verification", olds, news)

    assert diff.changes is False, "an unchanged stack would re-verify (or show drift) after the upgrade"
    assert jobs_of(olds) == jobs_of(news)


def test_old_results_read_into_the_current_result_type():
    (result,) = results_of(legacy_props()).values()
    assert result.domain == "dev.example.com"
    assert result.verified is True and result.state == "verified"
    assert result.verified_at == "2026-11-01T10:00:00+00:00"
    assert result.unchecked is None, "the old version stored no 'unchecked' key"
    assert result.to_props()["sesStatus"]["mail_from_status"] == "SUCCESS"


def test_a_changed_record_in_an_old_stack_is_verified_again():
    olds = legacy_props()
    news = {key: value for key, value in olds.items() if key not in ("__provider", "results")}
    news["domains"] = json.loads(json.dumps(news["domains"]))
    news["domains"]["dev.example.com"]["records"][-1]["values"] = ["v=DMARC1; p=reject"]
    assert VerificationProvider().diff("id", olds, news).changes is True
