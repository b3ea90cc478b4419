"""Runs the real ``__main__.py`` under Pulumi's mocks and records what it declared.

``preview=False`` so that every output resolves and every ``apply`` runs: a test that asserts on
outputs under ``preview=True`` would pass without checking anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi
import yaml
from pulumi.runtime import settings as pulumi_settings

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "__main__.py"
PROJECT = "ses-domains"

DEFAULT_ZONES = {
    "example.com": "Z0EXAMPLECOM",
    "example.org": "Z0EXAMPLEORG",
    "example.net": "Z0EXAMPLENET",
}
NAME_SERVERS = ("ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net")


def dkim_tokens(domain: str) -> list[str]:
    """The three tokens the fake SES hands out for a domain: stable, distinct per domain."""
    return [hashlib.sha1(f"{domain}/{i}".encode()).hexdigest()[:32] for i in range(3)]


@dataclass
class Declared:
    type: str
    name: str
    inputs: dict
    state: dict
    parent: Optional[str] = None


@dataclass
class RecordingMocks(pulumi.runtime.Mocks):
    zones: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ZONES))
    resources: list[Declared] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        if args.typ == "aws:sesv2/emailIdentity:EmailIdentity":
            domain = args.inputs["emailIdentity"]
            state["arn"] = f"arn:aws:ses:eu-west-1:123456789012:identity/{domain}"
            state["dkimSigningAttributes"] = {
                **args.inputs.get("dkimSigningAttributes", {}),
                "tokens": dkim_tokens(domain),
                "status": "PENDING",
                "signingAttributesOrigin": "AWS_SES",
            }
        extra = getattr(self, "extra_state", None)
        if extra:
            state.update(extra(args) or {})
        self.resources.append(Declared(args.typ, args.name, dict(args.inputs), state))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, dict(args.args)))
        if args.token == "aws:route53/getZone:getZone":
            return self._zone(args.args)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:user/test", "userId": "x"}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
        return {}

    def _zone(self, request: dict) -> dict:
        by_id = {zone_id: name for name, zone_id in self.zones.items()}
        if request.get("zoneId"):
            name = by_id.get(request["zoneId"])
        else:
            name = request.get("name", "").rstrip(".")
            name = name if name in self.zones else None
        if name is None:
            raise Exception("no matching Route 53 Hosted Zone found")
        return {"zoneId": self.zones[name], "name": name, "nameServers": list(NAME_SERVERS), "id": self.zones[name]}


@dataclass
class ProgramRun:
    mocks: RecordingMocks
    outputs: dict[str, Any]
    logs: list[logging.LogRecord]

    def of_type(self, type_token: str) -> list[Declared]:
        return [r for r in self.mocks.resources if r.type == type_token]

    def named(self, name: str) -> Declared:
        matches = [r for r in self.mocks.resources if r.name == name]
        assert len(matches) == 1, f"{name}: {[r.name for r in self.mocks.resources]}"
        return matches[0]

    def records(self) -> dict[tuple[str, str], Declared]:
        return {(r.inputs["name"], r.inputs["type"]): r for r in self.of_type("aws:route53/record:Record")}


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def stack_config(stack: str) -> dict[str, Any]:
    """The ``config:`` of an example stack file, as the raw values the program reads."""
    document = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return document["config"]


def run_program(config: dict[str, Any], mocks: Optional[RecordingMocks] = None, stack: str = "test") -> ProgramRun:
    """Run ``__main__.py`` with this config (``{"aws:region": ..., "ses-domains:domains": [...]}``)."""
    mocks = mocks or RecordingMocks()
    pulumi.runtime.set_all_config(
        {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}
    )
    pulumi_settings.ROOT.set(None)
    logger = logging.getLogger(f"ses-domains-test-{id(mocks)}")
    handler = _ListHandler()
    logger.addHandler(handler)
    logger.propagate = False
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, logger=logger)
    captured: dict[str, Any] = {}

    @pulumi.runtime.test
    def run():
        runpy.run_path(str(PROGRAM), run_name="__main__")
        root = pulumi_settings.get_root_resource()
        exports = dict(root.outputs)
        return pulumi.Output.from_input(exports).apply(captured.update)

    run()
    return ProgramRun(mocks=mocks, outputs=captured, logs=handler.records)
