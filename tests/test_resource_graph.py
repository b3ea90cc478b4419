"""The program declares, for the example stacks and the every-option stack, exactly the resource
graph recorded before issue 19's refactoring (tests/fixtures/graphs): same URNs, types, names,
parents, inputs, options, providers, dependencies, invokes and stack outputs. A deployed stack sees
no change. After an intended change, re-record with ``python -m tests.record_graphs`` and review
the fixture's diff."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.resource_graph import STACKS, _engine_urns, differences, graph_of, load

_graphs: dict[str, dict] = {}

DECLARATION = ("type", "name", "parent", "custom", "inputs", "provider", "providers", "options")


def now(stack: str) -> dict:
    if stack not in _graphs:
        _graphs[stack] = graph_of(stack)
    return _graphs[stack]


def _report(stack: str, found: list[str]) -> str:
    return f"{stack}: {len(found)} difference(s) from tests/fixtures/graphs/{stack}.json:\n" + "\n".join(found[:60])


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_declares_the_recorded_resources(stack):
    recorded, declared = set(load(stack)["resources"]), set(now(stack)["resources"])

    found = [f"gone: {urn}" for urn in sorted(recorded - declared)] + [f"new: {urn}" for urn in sorted(declared - recorded)]
    assert not found, _report(stack, found)


def resource_differences(stack: str, keys: tuple[str, ...]) -> list[str]:
    """Where each resource both the recording and this run declare differs in ``keys``."""
    recorded, declared = load(stack)["resources"], now(stack)["resources"]
    return [
        difference
        for urn in sorted(set(recorded) & set(declared))
        for difference in differences({k: recorded[urn][k] for k in keys}, {k: declared[urn][k] for k in keys}, f"{urn} ")
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_each_resource_is_declared_with_the_recorded_inputs_and_options(stack):
    found = resource_differences(stack, DECLARATION)
    assert not found, _report(stack, found)


@pytest.mark.parametrize("stack", STACKS)
def test_each_resource_depends_on_the_recorded_resources(stack):
    found = resource_differences(stack, ("dependencies", "propertyDependencies"))
    assert not found, _report(stack, found)


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_reads_invokes_and_exports_what_it_did(stack):
    recorded, declared = load(stack), now(stack)

    found = [
        difference
        for key in ("reads", "invokes", "outputs")
        for difference in differences(recorded[key], declared[key], key)
    ]
    assert not found, _report(stack, found)


def test_the_fixtures_hold_no_private_key():
    for stack in STACKS:
        text = str(load(stack))
        assert "PRIVATE KEY" not in text and "MIIE" not in text, stack


def test_a_difference_names_the_urn_and_the_input():
    urn = "urn:pulumi:dev::ses-domains::aws:route53/record:Record::x"
    recorded = {urn: {"inputs": {"ttl": 300, "records": ["a"]}}}
    declared = {urn: {"inputs": {"ttl": 600, "records": ["a"]}}, urn + "2": {"inputs": {}}}

    assert differences(recorded, declared) == [
        f"{urn}['inputs']['ttl']: was 300, now 600",
        f"{urn}2: new ({{\"inputs\": {{}}}})",
    ]


def test_urns_are_the_engines_the_whole_chain_of_ancestor_types():
    # What pulumi's mock monitor calls the parent: only its own type after the stack's.
    stack = SimpleNamespace(parent="", type="pulumi:pulumi:Stack", name="ses-domains-dev")
    stack_urn = "urn:pulumi:dev::ses-domains::pulumi:pulumi:Stack::ses-domains-dev"
    domain = SimpleNamespace(parent=stack_urn, type="ses-domains:index:SendingDomain", name="d")
    domain_mock = "urn:pulumi:dev::ses-domains::pulumi:pulumi:Stack$ses-domains:index:SendingDomain::d"
    replica = SimpleNamespace(parent=domain_mock, type="ses-domains:index:ReplicaIdentity", name="r")
    replica_mock = "urn:pulumi:dev::ses-domains::ses-domains:index:SendingDomain$ses-domains:index:ReplicaIdentity::r"
    record = SimpleNamespace(parent=replica_mock, type="aws:route53/record:Record", name="x")

    urns = _engine_urns("dev", [stack, domain, replica, record])

    assert urns[domain_mock] == "urn:pulumi:dev::ses-domains::ses-domains:index:SendingDomain::d"
    assert urns["urn:pulumi:dev::ses-domains::ses-domains:index:ReplicaIdentity$aws:route53/record:Record::x"] == (
        "urn:pulumi:dev::ses-domains::ses-domains:index:SendingDomain$ses-domains:index:ReplicaIdentity"
        "$aws:route53/record:Record::x")
