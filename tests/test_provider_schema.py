"""The component package: the schema ``python -m ses_domains.provider --schema`` prints is the one
the provider serves (GetSchema), inferred by the SDK's Analyzer, with secrets marked; every
resource, input, output and type is described; the components the package hosts refuse what
needs a Python dynamic resource."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ses_domains.config.errors import ArgumentError
from ses_domains.deploy import hosting
from ses_domains.provider import provider, started_as_provider, with_secrets

ROOT = Path(__file__).resolve().parent.parent


ACCOUNT_COMPONENTS = {
    "AccountSettings": ({"vdm": "#/types/ses-domains:index:AccountVdmArgs", "suppressedReasons": "array"},
                        {"summary": "object"}),
    "ContactList": ({"name": "string", "description": "string", "topics": "array"},
                    {"arn": "string", "contactListName": "string"}),
    "DedicatedIpPool": ({"name": "string", "scalingMode": "string"}, {"arn": "string", "poolName": "string"}),
    "EmailAddress": ({"address": "string", "configurationSet": "string", "wait": "boolean", "timeout": "string"},
                     {"identityArn": "string"}),
    "GlobalEndpoint": ({"name": "string", "regions": "array", "configurationSets": "array", "templates": "array",
                        "emailIdentities": "array"}, {"endpointId": "string", "arn": "string"}),
    "InboundMail": ({"region": "string", "domains": "array", "ruleSet": "string", "ownRuleSet": "boolean",
                     "bucketPolicies": "object"}, {"ruleSetName": "string", "records": "object"}),
    "ReputationAlarms": ({"snsTopicArn": "string", "bounceRate": "number", "complaintRate": "number",
                          "notifyOk": "boolean", "configurationSets": "array", "namePrefix": "string",
                          "region": "string"},
                         {"alarmArns": "object"}),
    "Template": ({"name": "string", "subject": "string", "text": "string", "html": "string", "testData": "object"},
                 {"arn": "string", "templateName": "string"}),
    "Templates": ({"templates": "array"}, {"arns": "object"}),
}


@pytest.fixture(scope="module")
def printed() -> dict:
    done = subprocess.run([sys.executable, "-m", "ses_domains.provider", "--schema"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def kind(prop: dict) -> str:
    return prop.get("type") or prop["$ref"]


def test_the_printed_schema_is_the_one_the_provider_serves(printed):
    from pulumi.provider.server import ProviderServicer
    from pulumi.runtime.proto import provider_pb2

    servicer = ProviderServicer(provider(), [], engine_address="127.0.0.1:1")
    answer = asyncio.run(servicer.GetSchema(provider_pb2.GetSchemaRequest(version=0), None))
    assert json.loads(answer.schema) == printed
    assert printed["name"] == "ses-domains"


@pytest.mark.parametrize("component", sorted(ACCOUNT_COMPONENTS))
def test_each_account_component_has_its_inputs_and_outputs_with_their_types(printed, component):
    resource = printed["resources"][f"ses-domains:index:{component}"]
    inputs, outputs = ACCOUNT_COMPONENTS[component]
    assert resource["isComponent"] is True
    assert {name: kind(prop) for name, prop in resource["inputProperties"].items()} == inputs
    assert {name: kind(prop) for name, prop in resource["properties"].items()} == outputs


def test_required_inputs_are_the_args_types_required_keys(printed):
    required = {name.rsplit(":", 1)[1]: sorted(spec.get("requiredInputs", []))
                for name, spec in printed["resources"].items() if name.rsplit(":", 1)[1] in ACCOUNT_COMPONENTS}
    assert required == {
        "AccountSettings": [], "ContactList": ["name"], "DedicatedIpPool": ["name"], "EmailAddress": ["address"],
        "GlobalEndpoint": ["name", "regions"], "InboundMail": ["domains", "region"], "ReputationAlarms": ["snsTopicArn"],
        "Template": ["name", "subject"], "Templates": ["templates"],
    }
    topic = printed["types"]["ses-domains:index:ContactListTopicArgs"]
    assert sorted(topic["required"]) == ["defaultSubscription", "displayName", "name"]


def test_every_resource_input_output_and_type_property_is_described(printed):
    undescribed = []
    for name, resource in printed["resources"].items():
        if not resource.get("description"):
            undescribed.append(name)
        for where in ("inputProperties", "properties"):
            undescribed += [f"{name}.{where}.{p}" for p, spec in resource.get(where, {}).items()
                            if not spec.get("description")]
    for name, type_spec in printed["types"].items():
        undescribed += [f"{name}.{p}" for p, spec in type_spec.get("properties", {}).items() if not spec.get("description")]
    assert undescribed == []
    assert "\n" not in json.dumps(printed["resources"]["ses-domains:index:Template"]["description"])


def test_every_private_key_input_is_marked_secret_in_the_served_schema(printed):
    keys = [(name, p, spec) for name, item in [*printed["resources"].items(), *printed["types"].items()]
            for p, spec in {**item.get("inputProperties", {}), **item.get("properties", {})}.items()
            if p == "privateKey"]
    assert all(spec.get("secret") is True for _, _, spec in keys), keys


def test_with_secrets_marks_the_named_inputs_of_resources_and_types_only():
    schema = {
        "resources": {"p:index:A": {"inputProperties": {"privateKey": {"type": "string"}, "name": {"type": "string"}},
                                    "properties": {"name": {"type": "string"}}}},
        "types": {"p:index:DkimArgs": {"properties": {"privateKey": {"type": "string"}, "selector": {"type": "string"}}}},
    }
    marked = with_secrets(schema)
    assert marked["resources"]["p:index:A"]["inputProperties"]["privateKey"]["secret"] is True
    assert "secret" not in marked["resources"]["p:index:A"]["inputProperties"]["name"]
    assert marked["types"]["p:index:DkimArgs"]["properties"]["privateKey"]["secret"] is True
    assert "secret" not in marked["types"]["p:index:DkimArgs"]["properties"]["selector"]


def test_sending_domain_and_configuration_set_are_in_the_schema(printed):
    domain = printed["resources"]["ses-domains:index:SendingDomain"]
    for name in ("domain", "zoneId", "mailFrom", "dmarc", "dkim", "ttl", "configurationSet"):
        assert domain["inputProperties"][name].get("description"), name
    assert kind(domain["inputProperties"]["domain"]) == "string"
    assert kind(domain["inputProperties"]["zoneId"]) == "string"
    for name in ("identityArn", "records", "dkimTokens"):
        assert name in domain["properties"], name
    assert "ses-domains:index:ConfigurationSet" in printed["resources"]
    secret = [p for t in printed["types"].values() for name, p in t.get("properties", {}).items() if name == "privateKey"]
    assert secret and all(p["secret"] is True for p in secret)


def test_the_engine_address_argument_tells_a_provider_start_from_a_program_run():
    assert started_as_provider(["127.0.0.1:40123"])
    assert started_as_provider(["--logtostderr", "localhost:5000"])
    assert not started_as_provider([])
    assert not started_as_provider(["--schema"])


def test_a_hosted_component_refuses_what_needs_a_python_dynamic_resource(monkeypatch):
    hosting.refuse_when_hosted("SendingDomain", "verify", "waiting for verification", "set verify false")  # not hosted
    monkeypatch.setattr(hosting, "_hosted", True)
    with pytest.raises(ArgumentError) as raised:
        hosting.refuse_when_hosted("SendingDomain", "verify", "waiting for verification", "set verify false")
    assert str(raised.value).startswith("SendingDomain: an argument has a problem:\n  - verify: waiting for verification runs as a "
                                        "Python dynamic resource")
    assert "set verify false" in str(raised.value)


def test_the_plugin_file_names_the_python_runtime():
    import yaml

    plugin = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"


def test_readme_reference_is_the_one_generated_from_the_schema():
    from ses_domains.schema_reference import README, readme_reference, reference

    assert readme_reference(README.read_text()) == reference(), (
        "README.md's component reference is out of date: python -m ses_domains.schema_reference --write")


def test_the_reference_shows_each_argument_with_its_python_name_type_and_whether_required():
    from ses_domains.schema_reference import reference

    text = reference({
        "resources": {"ses-domains:index:Pool": {
            "description": "A pool.",
            "inputProperties": {"scalingMode": {"type": "string", "description": "How it scales."},
                                "key": {"type": "string", "description": "A key.", "secret": True},
                                "tags": {"type": "array", "items": {"$ref": "#/types/ses-domains:index:TagArgs"},
                                         "description": "Tags."}},
            "requiredInputs": ["key"],
            "properties": {"poolName": {"type": "string", "description": "Its name."}}}},
        "types": {"ses-domains:index:TagArgs": {"description": "A tag.", "properties": {
            "value": {"type": "string", "description": "The | value."}}, "required": ["value"]}},
    })
    assert "| `scalingMode` (Python `scaling_mode`) | string | no | How it scales. |" in text
    assert "| `key` | string, secret | yes | A key. |" in text
    assert "| `tags` | list of [TagArgs](#tagargs) | no | Tags. |" in text
    assert "| `poolName` (Python `pool_name`) | string | Its name. |" in text
    assert "| `value` | string | yes | The \\| value. |" in text


def test_the_provider_refuses_what_a_sending_domain_needs_python_for_before_constructing_it():
    from pulumi.provider.server import ComponentInitError

    served = provider()
    with pytest.raises(ComponentInitError) as raised:
        served.construct("example", "ses-domains:index:SendingDomain",
                         {"domain": "example.com", "zoneId": "Z1", "apexSpf": {},
                          "dkim": {"selector": "s1", "privateKey": "-----BEGIN PRIVATE KEY-----"}}, None)
    message = str(raised.value)
    assert message.startswith("SendingDomain: 3 argument problems:")
    assert "  - verify: waiting for the domain's verification (the default) runs as a Python dynamic resource" in message
    assert "set verify: {enabled: false}" in message
    assert "  - apexSpf: merging SES into the domain's own SPF record runs as a Python dynamic resource" in message
    assert "  - dkim.privateKey: BYODKIM's wait" in message
    assert "BEGIN PRIVATE KEY" not in message


def test_a_sending_domain_without_python_only_steps_passes_the_host_check():
    from ses_domains.deploy.hosting import python_only_problems

    assert python_only_problems("SendingDomain", {"domain": "example.com", "verify": {"enabled": False},
                                                  "dkim": {"keyLength": "RSA_2048_BIT"}}) == []
    assert [p.key for p in python_only_problems("SendingDomain", {"verify": {"enabled": False, "shared": True}})] == [
        "verify.shared"]
    assert python_only_problems("DedicatedIpPool", {"name": "bulk"}) == []
    assert python_only_problems("EmailAddress", {"address": "ops@example.com", "wait": False}) == []
    assert [p.key for p in python_only_problems("EmailAddress", {"address": "ops@example.com", "wait": True})] == [
        "wait"]


def test_main_started_with_an_engine_address_serves_the_schema_over_grpc(printed):
    """The plugin path: ``__main__.py`` given the engine's address runs the provider, which prints
    its port and answers GetSchema with the printed schema (the engine is not needed for that)."""
    import grpc
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    server = subprocess.Popen([sys.executable, str(ROOT / "__main__.py"), "127.0.0.1:1"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = server.stdout.readline().strip()
        assert port.isdigit(), server.stderr.read() if server.poll() is not None else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            answer = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
        assert json.loads(answer.schema) == printed
    finally:
        server.kill()
        server.wait(timeout=30)
