"""The YAML and TypeScript examples against the package schema: every ses-domains component they
declare exists, every property they give is an input of it with the right type (nested argument
types included), every required input is given, and every output they read exists with a type
the input it feeds takes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import yaml

from ses_domains.provider import schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TOKEN = "ses-domains:index:"
CORE = {"SendingDomain", "ConfigurationSet"}


@dataclass(frozen=True)
class Ref:
    """An output of another resource of the program: ``${zone.zoneId}``, ``zone.zoneId``."""

    resource: str
    output: str


@dataclass(frozen=True)
class Declared:
    name: str
    component: Optional[str]
    """The ses-domains component's name; ``None`` for another package's resource."""
    properties: dict


@pytest.fixture(scope="module")
def package() -> dict:
    return schema()


def kind(prop: dict) -> str:
    if prop.get("type") == "array":
        return f"array of {kind(prop['items'])}"
    return prop.get("type") or prop.get("$ref", "?")


def checked(component: Optional[str]) -> bool:
    return component is not None


class Checker:
    def __init__(self, package: dict, declared: list[Declared]):
        self.package = package
        self.by_name = {d.name: d for d in declared}
        self.problems: list[str] = []

    def output(self, ref: Ref, where: str) -> Optional[dict]:
        """The schema of the output read, or ``None`` (another package's resource)."""
        source = self.by_name.get(ref.resource)
        if source is None:
            self.problems.append(f"{where}: reads {ref.resource}, which the program does not declare")
            return None
        if not checked(source.component):
            return None
        outputs = self.package["resources"][TOKEN + source.component]["properties"]
        if ref.output not in outputs:
            self.problems.append(f"{where}: {source.component} has no output {ref.output} ({', '.join(sorted(outputs))})")
            return None
        return outputs[ref.output]

    def value(self, value: Any, prop: dict, where: str) -> None:
        if isinstance(value, Ref):
            out = self.output(value, where)
            if out is not None and kind(out) != kind(prop):
                self.problems.append(f"{where}: {value.resource}.{value.output} is {kind(out)}, the input takes {kind(prop)}")
            return
        if isinstance(value, str) and "${" in value:  # an interpolated string
            for resource, output in re.findall(r"\$\{(\w+)\.(\w+)\}", value):
                self.output(Ref(resource, output), where)
            value = "interpolated"
        ref = prop.get("$ref")
        if ref == "pulumi.json#/Any":
            return
        if ref:
            type_spec = self.package["types"][ref.split("#/types/", 1)[1]]
            if not isinstance(value, dict):
                self.problems.append(f"{where}: must be an object ({ref}), got {value!r}")
                return
            self.object(value, type_spec.get("properties", {}), type_spec.get("required", []), where)
            return
        expected = prop.get("type")
        fits = {
            "string": lambda v: isinstance(v, str),
            "boolean": lambda v: isinstance(v, bool),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "array": lambda v: isinstance(v, list),
            "object": lambda v: isinstance(v, dict),
        }[expected]
        if not fits(value):
            self.problems.append(f"{where}: must be {expected}, got {value!r}")
            return
        if expected == "array":
            for index, item in enumerate(value):
                self.value(item, prop["items"], f"{where}[{index}]")
        elif expected == "object" and "additionalProperties" in prop:
            for key, item in value.items():
                self.value(item, prop["additionalProperties"], f"{where}.{key}")

    def object(self, values: dict, properties: dict, required: list, where: str) -> None:
        for name in required:
            if name not in values:
                self.problems.append(f"{where}: the required input {name} is missing")
        for name, item in values.items():
            if name not in properties:
                self.problems.append(f"{where}.{name}: no such input ({', '.join(sorted(properties))})")
            else:
                self.value(item, properties[name], f"{where}.{name}")

    def program(self, reads: list[tuple[Ref, str]]) -> list[str]:
        for declared in self.by_name.values():
            if not checked(declared.component):
                continue
            resource = self.package["resources"].get(TOKEN + declared.component)
            if resource is None:
                self.problems.append(f"{declared.name}: the package has no component {declared.component}")
                continue
            self.object(declared.properties, resource["inputProperties"], resource.get("requiredInputs", []),
                        declared.name)
        for ref, where in reads:
            self.output(ref, where)
        return self.problems


# YAML ---------------------------------------------------------------------------------------------

def yaml_value(value: Any) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\$\{(\w+)\.(\w+)\}", value)
        return Ref(*whole.groups()) if whole else value
    if isinstance(value, dict):
        return {key: yaml_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [yaml_value(item) for item in value]
    return value


def yaml_program() -> tuple[list[Declared], list[tuple[Ref, str]]]:
    project = yaml.safe_load((EXAMPLES / "yaml" / "Pulumi.yaml").read_text())
    declared = []
    for name, resource in project["resources"].items():
        token = resource["type"]
        component = token.removeprefix(TOKEN) if token.startswith(TOKEN) else None
        declared.append(Declared(name, component, yaml_value(resource.get("properties", {}))))
    reads = [(yaml_value(value), f"outputs.{key}") for key, value in project.get("outputs", {}).items()]
    return declared, [(ref, where) for ref, where in reads if isinstance(ref, Ref)]


# TypeScript (the subset the example is written in: object and array literals, strings, numbers,
# booleans, and reads of another resource's output) -------------------------------------------------

_TOKENS = re.compile(r'\s*(?:(?P<punct>[{}\[\]:,])|"(?P<string>[^"]*)"|(?P<number>-?\d+(?:\.\d+)?)|(?P<word>[A-Za-z_][\w.]*))')


def ts_literal(text: str) -> Any:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKENS.match(text, position)
        assert match, f"cannot read {text[position:position + 40]!r}"
        kind_ = match.lastgroup
        tokens.append((kind_, match.group(kind_)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    stream = iter(tokens)
    lookahead: list[tuple[str, str]] = []

    def take() -> tuple[str, str]:
        return lookahead.pop() if lookahead else next(stream)

    def value() -> Any:
        kind_, token = take()
        if token == "{":
            found = {}
            while True:
                kind_, token = take()
                if token == "}":
                    return found
                if token == ",":
                    continue
                key = token
                assert take()[1] == ":"
                found[key] = value()
        if token == "[":
            items = []
            while True:
                kind_, token = take()
                if token == "]":
                    return items
                if token == ",":
                    continue
                lookahead.append((kind_, token))
                items.append(value())
        if kind_ == "string":
            return token
        if kind_ == "number":
            return float(token) if "." in token else int(token)
        if token in ("true", "false"):
            return token == "true"
        resource, _, output = token.partition(".")
        return Ref(resource, output)

    return value()


def closing(text: str, start: int) -> int:
    """The index just after the brace that closes the one at ``start``."""
    depth, quoted = 0, False
    for index in range(start, len(text)):
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "{":
            depth += 1
        elif not quoted and char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    raise AssertionError("unbalanced braces")


def typescript_program() -> tuple[list[Declared], list[tuple[Ref, str]]]:
    source = re.sub(r"//[^\n]*", "", (EXAMPLES / "typescript" / "index.ts").read_text())
    declared = []
    for match in re.finditer(r'const (\w+) = new ([\w.]+)\("[^"]*"(?:, \{)?', source):
        variable, constructor = match.groups()
        component = constructor.split(".", 1)[1] if constructor.startswith("sesDomains.") else None
        properties = {}
        if match.group(0).endswith("{"):
            start = match.end() - 1
            properties = ts_literal(source[start:closing(source, start)])
        declared.append(Declared(variable, component, properties))
    reads = [(Ref(resource, output), f"export {name}")
             for name, resource, output in re.findall(r"export const (\w+) = (\w+)\.(\w+);", source)]
    return declared, reads


PROGRAMS: dict[str, Callable[[], tuple[list[Declared], list[tuple[Ref, str]]]]] = {
    "yaml": yaml_program,
    "typescript": typescript_program,
}


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_every_property_the_example_uses_is_in_the_schema_with_its_type(package, language):
    declared, reads = PROGRAMS[language]()
    components = {d.component for d in declared if d.component}
    assert {"DedicatedIpPool", "EmailAddress", "Template", "ReputationAlarms"} <= components
    assert CORE <= components
    assert Checker(package, declared).program(reads) == []


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_the_example_uses_the_component_package(language):
    project = yaml.safe_load((EXAMPLES / language / "Pulumi.yaml").read_text())
    assert project["packages"] == {"ses-domains": "../.."}
    assert (EXAMPLES / language / "../.." / "PulumiPlugin.yaml").resolve().exists()


def test_the_checker_catches_a_wrong_name_a_wrong_type_and_a_missing_output(package):
    declared = [
        Declared("pool", "DedicatedIpPool", {"name": "bulk", "scalingMod": "MANAGED"}),
        Declared("alarms", "ReputationAlarms", {"snsTopicArn": "arn:aws:sns:eu-west-1:1:t", "bounceRate": "4%"}),
        Declared("ops", "EmailAddress", {"address": "ops@example.com", "configurationSet": Ref("pool", "arn")}),
        Declared("list", "ContactList", {"name": "n", "topics": [{"name": "t", "displayName": "T"}]}),
    ]
    problems = Checker(package, declared).program([(Ref("pool", "poolId"), "export id")])
    assert problems == [
        "pool.scalingMod: no such input (name, scalingMode)",
        "alarms.bounceRate: must be number, got '4%'",
        "list.topics[0]: the required input defaultSubscription is missing",
        "export id: DedicatedIpPool has no output poolId (arn, poolName)",
    ]


def test_the_typescript_reader_reads_the_literals_the_example_uses():
    assert ts_literal('{ a: "x", b: [1, 2.5], c: { d: true }, e: zone.zoneId, }') == {
        "a": "x", "b": [1, 2.5], "c": {"d": True}, "e": Ref("zone", "zoneId")}
