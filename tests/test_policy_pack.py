"""The policy pack in policy/: its policies called directly on the resources the real program
declares (run under mocks, inputs turned into what pulumi-policy hands a policy), and the pack
itself started as the Pulumi engine starts it, asked over its gRPC interface which enforcement
level each violation carries on a production and a non-production stack."""

from __future__ import annotations

import ast
import copy
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import (
    PolicyCustomTimeouts, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from tests.aws_rules import load_stack_file
from tests.dkim_test_keys import private_pem, public_pem
from tests.fake_route53_records import put_record
from tests.every_option import EVERY_OPTION, every_option_mocks
from tests.pulumi_program import Declared, run_program, stack_config

PACK = Path(__file__).resolve().parent.parent / "policy"
if str(PACK) not in sys.path:
    sys.path.insert(0, str(PACK))

from ses_domains_policies import checks  # noqa: E402
from ses_domains_policies.bulk_sending import BulkSendingError  # noqa: E402
from ses_domains_policies.dmarc import parse_dmarc, weaknesses  # noqa: E402
from ses_domains_policies.rsa_key_length import KeyLengthError, rsa_key_bits  # noqa: E402
from ses_domains_policies.stack_kind import PRODUCTION_KEY, StackKindError, stack_kind  # noqa: E402

D, SETS = "ses-domains:domains", "ses-domains:configurationSets"


# --- turning what the program declared into what a policy is given ------------------------------


def engine_props(inputs: dict) -> dict:
    """The inputs as pulumi-policy gives them to a policy: through the protobuf Struct the engine
    sends (secrets in their signature envelope, unknowns as sentinels), deserialized and wrapped
    by pulumi-policy's own functions."""
    struct = struct_pb2.Struct()
    struct.update(inputs)
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def resource_args(resource: Declared) -> ResourceValidationArgs:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    urn = f"urn:pulumi:prod::ses-domains::{resource.type}::{resource.name}"
    return ResourceValidationArgs(resource.type, engine_props(resource.inputs), urn, resource.name, options, None)


def stack_args(resources: list[Declared]) -> StackValidationArgs:
    """The stack as pulumi-policy gives it to a stack validation: each resource with its inputs as above."""
    policy_resources = []
    for resource in resources:
        one = resource_args(resource)
        policy_resources.append(PolicyResource(one.resource_type, one.props, one.urn, one.name, one.opts, None, None,
                                               [], {}))
    return StackValidationArgs(policy_resources)


def violations(policy, resources: list[Declared]) -> list[str]:
    found: list[str] = []

    def report_violation(message: str, urn: str | None = None) -> None:
        found.append(message)

    if isinstance(policy, StackValidationPolicy):
        assert policy.validate(stack_args(resources), report_violation) is None
        return found
    for resource in resources:
        assert policy.validate(resource_args(resource), report_violation) is None
    return found


def all_violations(resources: list[Declared]) -> dict[str, list[str]]:
    return {policy.name: violations(policy, resources) for policy in checks.POLICIES}


def weak_prod_config() -> dict:
    config = copy.deepcopy(stack_config("prod"))
    config[D][0]["dmarc"]["policy"] = "none"
    config[D][0]["dkim"]["keyLength"] = "RSA_1024_BIT"
    config[SETS][0]["tlsPolicy"] = "OPTIONAL"
    config[SETS][0]["reputationMetrics"] = False
    return config


@pytest.fixture(scope="module")
def prod_run():
    return run_program(stack_config("prod"))


@pytest.fixture(scope="module")
def weak_prod_run():
    return run_program(weak_prod_config())


@pytest.fixture(scope="module")
def adopting_run():
    """The every-option stack with a 1024-bit BYODKIM key on news.example.org, and a foreign DMARC
    record already in example.net's zone, which that domain adopts (existingRecords: adopt)."""
    config = load_stack_file(EVERY_OPTION)
    assert config[D][1]["domain"] == "news.example.org" and config[D][2]["existingRecords"] == "adopt"
    config[D][1]["dkim"]["privateKey"] = private_pem(1024, "pkcs1", "policy-pack-small")

    def prepare(route53, zone_ids):
        put_record(route53, zone_ids["example.net"], "_dmarc.example.net", "TXT", ["v=DMARC1; p=none"])

    return run_program(config, mocks=every_option_mocks(), prepare=prepare)


# --- the policies on the program's resources -----------------------------------------------------


def test_the_production_example_stack_passes_every_policy(prod_run):
    dmarc = [r.inputs["records"][0] for r in prod_run.of_type(checks.RECORD) if r.inputs["name"].startswith("_dmarc.")]
    assert any("p=quarantine" in value for value in dmarc) and any("p=reject" in value for value in dmarc)
    assert all_violations(prod_run.mocks.resources) == {policy.name: [] for policy in checks.POLICIES}


def test_dmarc_p_none_fails(weak_prod_run):
    assert violations(checks.DMARC_ENFORCING, weak_prod_run.mocks.resources) == [
        "_dmarc.example.com: p=none: set dmarc.policy (and subdomainPolicy, nonexistentPolicy when set) to "
        "quarantine or reject, pct to 100 or leave it out, and leave testing out"
    ]


def test_tls_optional_fails(weak_prod_run):
    assert violations(checks.TLS_REQUIRED, weak_prod_run.mocks.resources) == [
        "configuration set transactional: tlsPolicy is OPTIONAL: mail may leave in plain text; set tlsPolicy: REQUIRE"
    ]


def test_reputation_metrics_off_fails(weak_prod_run):
    assert violations(checks.REPUTATION_METRICS_ON, weak_prod_run.mocks.resources) == [
        "configuration set transactional: reputation metrics are false: bounce and complaint rates go unwatched; "
        "set reputationMetrics: true"
    ]


def test_easy_dkim_1024_bit_fails_and_2048_passes(weak_prod_run):
    assert violations(checks.DKIM_2048_BIT, weak_prod_run.mocks.resources) == [
        "identity example.com: Easy DKIM key length is RSA_1024_BIT; set dkim.keyLength: RSA_2048_BIT"
    ]


def test_byodkim_key_length_is_read_from_the_secret_private_key_and_never_shown(adopting_run):
    identities = adopting_run.of_type(checks.EMAIL_IDENTITY)
    found = violations(checks.DKIM_2048_BIT, identities)
    byodkim_1024 = [f"identity news.example.org: the BYODKIM private key is 1024-bit; make a 2048-bit key and rotate "
                    "to it (dkim.previous keeps the old selector during the change)"] * 3  # eu-west-1 and 2 replicas
    easy_1024 = ["identity example.com: Easy DKIM key length is RSA_1024_BIT; set dkim.keyLength: RSA_2048_BIT"] * 2
    assert sorted(found) == sorted(byodkim_1024 + easy_1024)  # example.net's 2048-bit BYODKIM key passes
    news = next(r for r in identities if r.name == "news.example.org")
    assert "4dabf18193072939515e22adb298388d" in news.inputs["dkimSigningAttributes"], "the key is sent as a secret"
    key = news.inputs["dkimSigningAttributes"]["value"]["domainSigningPrivateKey"]
    assert not any(key[:40] in message for message in found)


def test_allow_overwrite_fails_where_the_stack_adopts_a_record(adopting_run):
    assert violations(checks.NO_RECORD_OVERWRITE, adopting_run.mocks.resources) == [
        "TXT _dmarc.example.net is written with allowOverwrite: Route 53 replaces the whole set, deleting what "
        "others put there (existingRecords: adopt); remove the foreign record first, or adopt it in a reviewed "
        "run with this policy set to advisory"
    ]


def test_the_every_option_stack_fails_where_it_chose_weak_settings(adopting_run):
    found = all_violations(adopting_run.mocks.resources)
    assert sorted(found["dmarc-quarantine-or-reject"]) == [
        f"_dmarc.{domain}: p=none: set dmarc.policy (and subdomainPolicy, nonexistentPolicy when set) to "
        "quarantine or reject, pct to 100 or leave it out, and leave testing out"
        for domain in ("example.net", "news.example.org")
    ]
    assert [m.split(":")[0] for m in found["tls-required"]] == ["configuration set marketing"]
    assert [m.split(":")[0] for m in found["reputation-metrics-on"]] == ["configuration set transactional"]
    # example.com publishes BIMI under quarantine, sp=reject, pct=100: at enforcement
    assert any(r.inputs["name"] == "default._bimi.example.com" for r in adopting_run.of_type(checks.RECORD))
    assert found["bimi-needs-dmarc-enforcement"] == []
    # the stack has a contact list and does not say which sets send bulk mail: every set does
    assert found["bulk-sending-tls-required"] == [
        "configuration set marketing sends bulk mail (the stack declares a contact list, so subscription mail, and "
        "ses-domains-policy:bulkSending is not set), and Gmail, Yahoo and Outlook.com require TLS of bulk senders, "
        "but its tlsPolicy is OPTIONAL: set tlsPolicy: REQUIRE (or leave the set out of "
        "ses-domains-policy:bulkSending if it sends no bulk mail)"
    ]


def txt_record(name: str, value: str) -> Declared:
    return Declared(checks.RECORD, f"{name}-txt", {"name": name, "type": "TXT", "records": [value], "ttl": 300,
                                                   "zoneId": "Z1"}, {})


BIMI_VALUE = "v=BIMI1; l=https://brand.example.com/logo.svg; a=https://brand.example.com/vmc.pem"


def with_dmarc(resources: list[Declared], name: str, value: str) -> list[Declared]:
    """The resources with the DMARC record ``name`` holding ``value`` (as a program of your own could declare)."""
    return [txt_record(name, value) if r.type == checks.RECORD and r.inputs["name"] == name else r
            for r in resources]


@pytest.mark.parametrize("dmarc, gaps", [
    ("v=DMARC1; p=none", "p=none"),
    ("v=DMARC1; p=reject; sp=none", "sp=none"),
    ("v=DMARC1; p=quarantine; pct=50; t=y", "pct=50 (the policy applies to only part of the failing mail), "
                                            "t=y (testing: receivers do not apply the policy)"),
    ("v=DMARC1; p=reject; t=y", "t=y (testing: receivers do not apply the policy)"),
])
def test_bimi_under_dmarc_that_is_not_at_enforcement_fails(prod_run, dmarc, gaps):
    resources = with_dmarc(prod_run.mocks.resources, "_dmarc.example.com", dmarc)
    resources.append(txt_record("default._bimi.example.com", BIMI_VALUE))
    assert violations(checks.BIMI_NEEDS_DMARC_ENFORCEMENT, resources) == [
        f"default._bimi.example.com: BIMI needs DMARC at enforcement, but _dmarc.example.com has {gaps}: set "
        "dmarc.policy (and subdomainPolicy when set) to quarantine or reject, without pct below 100 or testing, "
        "before publishing bimi"
    ]


def test_bimi_follows_the_dns_tree_to_the_dmarc_record_that_governs_it(prod_run):
    resources = with_dmarc(prod_run.mocks.resources, "_dmarc.example.com", "v=DMARC1; p=reject; np=none")
    ok = violations(checks.BIMI_NEEDS_DMARC_ENFORCEMENT, resources + [
        txt_record("brand._bimi.mail.example.com", BIMI_VALUE),  # governed by example.com's record
        txt_record("default._bimi.example.com", "v=BIMI1; l="),  # declines BIMI: needs nothing
    ])
    assert ok == []
    missing = violations(checks.BIMI_NEEDS_DMARC_ENFORCEMENT, resources + [
        txt_record("default._bimi.elsewhere.example", BIMI_VALUE)])
    assert missing == ["default._bimi.elsewhere.example: BIMI needs DMARC at enforcement, but the stack publishes no "
                       "DMARC record for elsewhere.example or a parent: add dmarc with policy quarantine or reject"]


@pytest.mark.parametrize("marker, flagged", [
    (None, ["configuration set marketing sends bulk mail (the stack declares a contact list, so subscription mail, "
            "and ses-domains-policy:bulkSending is not set)"]),
    ("false", []),
    ('["transactional"]', []),  # transactional requires TLS already
    ('["marketing"]', ["configuration set marketing sends bulk mail (ses-domains-policy:bulkSending names it)"]),
    ("marketing, other", ["configuration set marketing sends bulk mail (ses-domains-policy:bulkSending names it)"]),
    ("true", ["configuration set marketing sends bulk mail (ses-domains-policy:bulkSending is true)"]),
])
def test_which_configuration_sets_send_bulk_mail(adopting_run, monkeypatch, marker, flagged):
    config = {} if marker is None else {"ses-domains-policy:bulkSending": marker}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    found = violations(checks.BULK_SENDING_TLS, adopting_run.mocks.resources)
    assert [m.split(", and Gmail")[0] for m in found] == flagged, found


def test_without_a_contact_list_or_a_marker_no_set_is_bulk(weak_prod_run, monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG", "{}")
    assert violations(checks.BULK_SENDING_TLS, weak_prod_run.mocks.resources) == []
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"ses-domains-policy:bulkSending": "true"}))
    (message,) = violations(checks.BULK_SENDING_TLS, weak_prod_run.mocks.resources)
    assert message.startswith("configuration set transactional sends bulk mail (ses-domains-policy:bulkSending is "
                              "true), and Gmail, Yahoo and Outlook.com require TLS of bulk senders, but its tlsPolicy "
                              "is OPTIONAL")


def test_a_bulk_sending_marker_that_is_not_names_or_a_boolean_stops_the_pack(weak_prod_run, monkeypatch):
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"ses-domains-policy:bulkSending": '{"a": 1}'}))
    with pytest.raises(BulkSendingError, match="must be true, false or a list of configuration set names"):
        violations(checks.BULK_SENDING_TLS, weak_prod_run.mocks.resources)


def test_unknown_values_during_preview_are_skipped_without_an_error(weak_prod_run, adopting_run):
    """Every value a policy reads, made unknown in turn on every resource: no policy raises, and
    none reports more than it does with every value known."""
    read = {
        checks.RECORD: [("type",), ("name",), ("records",), ("allowOverwrite",)],
        checks.CONFIGURATION_SET: [("deliveryOptions",), ("deliveryOptions", "tlsPolicy"), ("reputationOptions",),
                                   ("reputationOptions", "reputationMetricsEnabled"), ("configurationSetName",)],
        checks.EMAIL_IDENTITY: [("emailIdentity",), ("dkimSigningAttributes",),
                                ("dkimSigningAttributes", "nextSigningKeyLength")],
    }
    resources = weak_prod_run.mocks.resources + adopting_run.mocks.resources
    for resource in resources:
        for path in read.get(resource.type, []):
            if not _has(resource.inputs, path):
                continue
            unknown = Declared(resource.type, resource.name, _with_unknown(resource.inputs, path), {})
            for policy in checks.POLICIES:
                assert len(violations(policy, [unknown])) <= len(violations(policy, [resource])), (resource.name, path)
    byodkim = next(r for r in adopting_run.of_type(checks.EMAIL_IDENTITY) if r.name == "news.example.org")
    hidden_key = copy.deepcopy(byodkim.inputs)
    hidden_key["dkimSigningAttributes"]["value"]["domainSigningPrivateKey"] = UNKNOWN_STRING_VALUE
    assert violations(checks.DKIM_2048_BIT, [Declared(byodkim.type, byodkim.name, hidden_key, {})]) == []
    dmarc = weak_prod_run.named("example.com-dmarc")
    unknown_item = {**dmarc.inputs, "records": [UNKNOWN_STRING_VALUE]}
    assert violations(checks.DMARC_ENFORCING, [Declared(dmarc.type, dmarc.name, unknown_item, {})]) == []


def _has(inputs: dict, path: tuple[str, ...]) -> bool:
    value = inputs
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return True


def _with_unknown(inputs: dict, path: tuple[str, ...]) -> dict:
    changed = copy.deepcopy(inputs)
    target = changed
    for key in path[:-1]:
        target = target[key]
    old = target[path[-1]]
    target[path[-1]] = (UNKNOWN_BOOLEAN_VALUE if isinstance(old, bool) else
                        UNKNOWN_OBJECT_VALUE if isinstance(old, (dict, list)) else UNKNOWN_STRING_VALUE)
    return changed


# --- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, weak", [
    ("v=DMARC1; p=reject", []),
    ("v=DMARC1; p=Quarantine; sp=reject; np=quarantine; pct=100", []),
    ("v=DMARC1; p=reject; sp=none", ["sp=none"]),
    ("v=DMARC1; p=reject; np=none", ["np=none"]),
    ("v=DMARC1; p=quarantine; pct=20", ["pct=20 (the policy applies to only part of the failing mail)"]),
    ("v=DMARC1; rua=mailto:d@example.com", ["no p= tag"]),
    ('"v=DMARC1; p=re""ject"', []),
    ("v=DMARC1; p=reject; t=Y", ["t=y (testing: receivers do not apply the policy)"]),
    ("v=DMARC1; p=reject; t=n; psd=n", []),
])
def test_dmarc_weaknesses(value, weak):
    assert weaknesses(parse_dmarc(value)) == weak


def test_a_value_that_is_not_dmarc_or_two_dmarc_records_fail():
    assert parse_dmarc("v=spf1 -all") is None and parse_dmarc("p=reject; v=DMARC1") is None
    record = lambda values: Declared(checks.RECORD, "r", {"name": "_dmarc.example.com", "type": "TXT", "records": values}, {})  # noqa: E731
    assert violations(checks.DMARC_ENFORCING, [record(["v=spf1 -all"])]) == [
        "_dmarc.example.com: no DMARC record (v=DMARC1) among its values ['v=spf1 -all']"]
    assert violations(checks.DMARC_ENFORCING, [record(["v=DMARC1; p=reject", "v=DMARC1; p=reject"])]) == [
        "_dmarc.example.com: 2 DMARC records; receivers then apply none of them"]
    report = Declared(checks.RECORD, "r", {"name": "example.com._report._dmarc.example.org", "type": "TXT",
                                           "records": ["v=DMARC1"]}, {})
    assert violations(checks.DMARC_ENFORCING, [report]) == []


@pytest.mark.parametrize("bits", [1024, 2048])
def test_rsa_key_bits_of_every_form_ses_and_dns_use(bits):
    def der_base64(pem: str) -> str:
        return "".join(line for line in pem.splitlines() if not line.startswith("-----"))

    for fmt in ("pkcs1", "pkcs8"):
        assert rsa_key_bits(der_base64(private_pem(bits, fmt, "bits"))) == bits
    assert rsa_key_bits(der_base64(public_pem(bits, "bits"))) == bits
    with pytest.raises(KeyLengthError):
        rsa_key_bits(der_base64(public_pem(bits, "bits"))[:-20])
    with pytest.raises(KeyLengthError):
        rsa_key_bits("not a key!")


@pytest.mark.parametrize("environ, production", [
    ({"PULUMI_STACK": "prod"}, True),
    ({"PULUMI_STACK": "Production-EU"}, True),
    ({"PULUMI_STACK": "acme/ses-domains/eu-prod"}, True),
    ({"PULUMI_STACK": "dev"}, False),
    ({"PULUMI_STACK": "preprod"}, False),
    ({"PULUMI_STACK": "live", "PULUMI_CONFIG": f'{{"{PRODUCTION_KEY}": "true"}}'}, True),
    ({"PULUMI_STACK": "prod-sandbox", "PULUMI_CONFIG": f'{{"{PRODUCTION_KEY}": "false"}}'}, False),
    ({}, True),
])
def test_which_stacks_are_production(environ, production):
    assert stack_kind(environ).production is production


def test_the_production_marker_in_the_stack_config_leaves_the_program_unchanged(prod_run):
    marked = run_program({**stack_config("prod"), PRODUCTION_KEY: "true"})
    assert _declared(marked) == _declared(prod_run)
    assert [r.getMessage() for r in marked.logs if r.levelname == "WARNING"] == [
        r.getMessage() for r in prod_run.logs if r.levelname == "WARNING"]


def _declared(run) -> list:
    """What a run declared (in name order), with each hosted zone's id (moto gives new ones per run) as its name."""
    zone_names = {zone_id: f"<zone {name}>" for name, zone_id in run.zone_ids.items()}
    return sorted(((r.type, r.name, {k: zone_names.get(v, v) if isinstance(v, str) else v for k, v in r.inputs.items()})
                   for r in run.mocks.resources), key=lambda declared: declared[:2])


def test_a_production_marker_that_is_not_a_boolean_stops_the_pack():
    with pytest.raises(StackKindError, match=f"{PRODUCTION_KEY} must be true or false, not 'yes'"):
        stack_kind({"PULUMI_STACK": "prod", "PULUMI_CONFIG": f'{{"{PRODUCTION_KEY}": "yes"}}'})


def test_the_pack_imports_nothing_of_the_ses_domains_package():
    imported = set()
    for path in PACK.rglob("*.py"):
        if "venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    assert "ses_domains" not in imported
    assert imported <= {"__future__", "base64", "binascii", "dataclasses", "fnmatch", "json", "os", "typing",
                        "pulumi_policy", "ses_domains_policies"}


def test_the_requirements_install_the_pack_in_the_project_virtualenv():
    assert "-r policy/requirements.txt" in (PACK.parent / "requirements-dev.txt").read_text().splitlines()
    pinned = (PACK / "requirements.txt").read_text().splitlines()
    from importlib.metadata import version
    assert f"pulumi-policy=={version('pulumi-policy')}" in pinned


# --- the pack as the engine runs it ------------------------------------------------------------


class RunningPack:
    """``python -m pulumi.policy ENGINE .`` in policy/, as pulumi-analyzer-policy-python starts a
    pack, with the environment the engine gives it; PolicyPack prints its gRPC port and serves."""

    def __init__(self, stack: str, config: str = "{}"):
        env = {**os.environ, "PULUMI_STACK": stack, "PULUMI_PROJECT": "ses-domains", "PULUMI_DRY_RUN": "true",
               "PULUMI_ORGANIZATION": "organization", "PULUMI_CONFIG": config}
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
                                        cwd=PACK, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        if not ready:
            self.close()
            pytest.fail("the policy pack printed no port within 30 s")
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.close()
            pytest.fail(f"the policy pack did not start: {line!r} {self.process.stderr.read().decode()[-2000:]}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.analyzer = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def analyze(self, resource: Declared) -> list:
        properties = struct_pb2.Struct()
        properties.update(resource.inputs)
        request = proto.AnalyzeRequest(type=resource.type, name=resource.name, properties=properties,
                                       urn=f"urn:pulumi:stack::ses-domains::{resource.type}::{resource.name}")
        return list(self.analyzer.Analyze(request, timeout=30).diagnostics)

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def running_pack():
    started = []

    def start(stack: str, config: str = "{}") -> RunningPack:
        started.append(RunningPack(stack, config))
        return started[-1]

    yield start
    for pack in started:
        pack.close()


def test_the_pack_starts_as_the_engine_starts_it_and_lists_its_policies(running_pack):
    info = running_pack("prod").analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "ses-domains-guardrails" and info.supportsConfig
    assert [p.name for p in info.policies] == [policy.name for policy in checks.POLICIES]
    assert {p.enforcementLevel for p in info.policies} == {proto.MANDATORY}
    assert "the stack name 'prod' matches 'prod'" in info.description


def test_violations_are_mandatory_on_production_and_advisory_elsewhere(running_pack, weak_prod_run):
    dmarc = weak_prod_run.named("example.com-dmarc")
    config_set = weak_prod_run.of_type(checks.CONFIGURATION_SET)[0]
    for stack, config, level in [("prod", "{}", proto.MANDATORY), ("dev", "{}", proto.ADVISORY),
                                 ("live", f'{{"{PRODUCTION_KEY}": "true"}}', proto.MANDATORY)]:
        pack = running_pack(stack, config)
        found = pack.analyze(dmarc) + pack.analyze(config_set)
        assert sorted(d.policyName for d in found) == ["dmarc-quarantine-or-reject", "reputation-metrics-on",
                                                       "tls-required"], stack
        assert {d.enforcementLevel for d in found} == {level}, stack
        assert "p=none" in next(d.message for d in found if d.policyName == "dmarc-quarantine-or-reject")


def test_a_policy_config_can_lower_one_policy_on_production(running_pack, adopting_run):
    pack = running_pack("prod")
    pack.analyzer.Configure(proto.ConfigureAnalyzerRequest(policyConfig={
        "no-record-overwrite": proto.PolicyConfig(enforcementLevel=proto.ADVISORY),
    }), timeout=30)
    adopted = next(r for r in adopting_run.of_type(checks.RECORD) if r.inputs["allowOverwrite"])
    levels = {d.policyName: d.enforcementLevel for d in pack.analyze(adopted)}
    assert levels == {"no-record-overwrite": proto.ADVISORY, "dmarc-quarantine-or-reject": proto.MANDATORY}


def test_an_unknown_value_reaches_the_running_pack_without_a_diagnostic(running_pack, weak_prod_run):
    dkim = next(r for r in weak_prod_run.of_type(checks.RECORD) if r.inputs["type"] == "CNAME")
    unknown_name = Declared(dkim.type, dkim.name, {**dkim.inputs, "name": UNKNOWN_STRING_VALUE}, {})
    assert running_pack("prod").analyze(unknown_name) == []


def test_the_stack_policies_run_in_the_running_pack_mandatory_on_production(running_pack, prod_run):
    """The engine's AnalyzeStack call, with the production stack plus a BIMI record under a DMARC record
    in testing: the BIMI policy reports it, mandatory on prod and advisory on dev."""
    resources = with_dmarc(prod_run.mocks.resources, "_dmarc.example.com", "v=DMARC1; p=reject; t=y")
    resources.append(txt_record("default._bimi.example.com", BIMI_VALUE))
    stack = []
    for resource in resources:
        properties = struct_pb2.Struct()
        properties.update(resource.inputs)
        stack.append(proto.AnalyzerResource(
            type=resource.type, name=resource.name, properties=properties,
            urn=f"urn:pulumi:stack::ses-domains::{resource.type}::{resource.name}"))
    for name, level in [("prod", proto.MANDATORY), ("dev", proto.ADVISORY)]:
        found = list(running_pack(name).analyzer.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack),
                                                              timeout=30).diagnostics)
        bimi = [d for d in found if d.policyName == "bimi-needs-dmarc-enforcement"]
        assert [d.enforcementLevel for d in bimi] == [level], found
        assert ("default._bimi.example.com: BIMI needs DMARC at enforcement, but _dmarc.example.com has t=y"
                in bimi[0].message)
        assert bimi[0].urn.endswith("::default._bimi.example.com-txt")
