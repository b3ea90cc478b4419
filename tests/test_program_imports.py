"""Importing the program loads only the pulumi-aws modules every stack uses (Route 53, SESv2):
each other one (CloudWatch, SES v1, SNS) costs 0.05 to 0.3 s of every run, also for stacks that
declare nothing of it. pulumi-aws loads a module on its first attribute access, so an annotation
evaluated at import (a method's return type) is enough to load it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_LOADED = """
import json, sys, types
import ses_domains.deploy.program
loaded = sorted(name for name, module in sys.modules.items()
                if name.startswith("pulumi_aws.") and name.count(".") == 1 and type(module) is types.ModuleType
                and "__path__" in vars(module) and len(vars(module)) > 12)
print(json.dumps(loaded))
"""


def test_importing_the_program_loads_only_route53_and_sesv2_of_pulumi_aws():
    done = subprocess.run([sys.executable, "-c", _LOADED], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"pulumi_aws.route53", "pulumi_aws.sesv2"} <= loaded  # the check sees loaded modules
    assert loaded <= {"pulumi_aws.route53", "pulumi_aws.sesv2"}, sorted(loaded)


_RUN_STACK = """
import json, sys
from tests.pulumi_program import run_program
run = run_program(json.loads(sys.argv[1]))
assert sorted(run.outputs["domains"]) == ["example.com"], run.outputs
print(json.dumps(sorted(name for name in sys.modules if name.startswith("ses_domains."))))
"""

_PLAIN_DOMAIN = {"domain": "example.com", "mailFrom": "bounce",
                 "dmarc": {"policy": "quarantine", "rua": ["mailto:dmarc@example.com"]}}

FEATURE_MODULES = {
    "ses_domains.config.account", "ses_domains.config.configuration_sets", "ses_domains.config.contact_lists",
    "ses_domains.config.dedicated_ip_pools", "ses_domains.config.email_identities", "ses_domains.config.global_endpoint",
    "ses_domains.config.handlebars", "ses_domains.config.receive", "ses_domains.config.reputation_alarms",
    "ses_domains.config.secondary_region", "ses_domains.config.templates",
    "ses_domains.deploy.account_settings", "ses_domains.deploy.configuration_set", "ses_domains.deploy.contact_lists",
    "ses_domains.deploy.dedicated_ip_pools", "ses_domains.deploy.email_identity", "ses_domains.deploy.global_endpoint",
    "ses_domains.deploy.inbound_mail", "ses_domains.deploy.inbound_preflight", "ses_domains.deploy.replica_identity",
    "ses_domains.deploy.reputation_alarms", "ses_domains.deploy.secondary_region", "ses_domains.deploy.templates",
    "ses_domains.deploy.tracking_options", "ses_domains.deploy.tracking_records",
    "ses_domains.engine.address_job", "ses_domains.engine.route53.changes", "ses_domains.nameserver_address",
    "ses_domains.records.bimi", "ses_domains.records.dkim_keys", "ses_domains.records.spf", "ses_domains.deploy.apex_spf",
}
"""Modules of features a stack of plain domains does not use: importing them all costs the
program's start about 40 ms, a third of the whole run of a 10-domain stack."""


def _modules_loaded_running(config: dict) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _RUN_STACK, json.dumps(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_stack_of_plain_domains_loads_no_module_of_the_features_it_does_not_use():
    loaded = _modules_loaded_running({"aws:region": "eu-west-1", "ses-domains:domains": [_PLAIN_DOMAIN]})
    assert {"ses_domains.config.stack", "ses_domains.deploy.sending_domain"} <= loaded  # the check sees loaded modules
    assert not loaded & FEATURE_MODULES, sorted(loaded & FEATURE_MODULES)


def test_a_stack_using_a_feature_loads_that_feature_only_when_it_is_used():
    loaded = _modules_loaded_running({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{**_PLAIN_DOMAIN, "configurationSet": "transactional"}],
        "ses-domains:configurationSets": [{"name": "transactional"}],
    })
    assert {"ses_domains.config.configuration_sets", "ses_domains.deploy.configuration_set"} <= loaded
    assert "ses_domains.config.templates" not in loaded
