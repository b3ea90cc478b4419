"""Runs the real ``__main__.py`` under Pulumi's mocks and records what it declared.

``preview=False`` so that every output resolves and every ``apply`` runs: a test that asserts on
outputs under ``preview=True`` would pass without checking anything.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import hashlib
import json
import logging
import os
import runpy
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from unittest import mock

import boto3
import pulumi
import yaml
from moto import mock_aws
from pulumi.runtime import settings as pulumi_settings

from ses_domains.records.regions import partition_of
from tests import fake_aws_provider, fake_inbound, fake_route53_records

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "__main__.py"
PROJECT = "ses-domains"

DEFAULT_ZONES = ("example.com", "example.org", "example.net")


def dkim_tokens(domain: str, region: str = "") -> list[str]:
    """The three tokens the fake SES hands out for a domain: stable, distinct per domain; an
    identity in a replica region (``region`` given and not the stack's) gets tokens of its own."""
    stack_region = pulumi.Config("aws").get("region") or "eu-west-1"
    key = domain if not region or region == stack_region else f"{domain}@{region}"
    return [hashlib.sha1(f"{key}/{i}".encode()).hexdigest()[:32] for i in range(3)]


@dataclass
class Declared:
    type: str
    name: str
    inputs: dict
    state: dict
    parent: Optional[str] = None


@dataclass
class RecordingMocks(pulumi.runtime.Mocks):
    resources: list[Declared] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)
    route53: Any = None
    """The moto Route 53 client that answers the AWS provider's ``getZone`` invokes."""
    ses_identities: dict[str, list[str]] = field(default_factory=dict)
    """The SES identities that exist before the run (domain -> DKIM tokens), for ``getEmailIdentity``."""
    stack_outputs: dict[str, Any] = field(default_factory=dict)
    """The stack's own last outputs, as a StackReference to it reads them."""
    reads: list[str] = field(default_factory=list)
    """The stacks read through a StackReference (a read, not a declared resource)."""
    inbound: fake_inbound.InboundWorld = field(default_factory=fake_inbound.InboundWorld)
    """The buckets, bucket policies and active receipt rule set the receiving preflight reads."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if args.typ == fake_route53_records.STACK_REFERENCE:
            self.reads.append(args.inputs["name"])
            return args.inputs["name"], fake_route53_records.stack_reference_state(self.stack_outputs)
        state = dict(args.inputs)
        if args.typ == "aws:sesv2/emailIdentity:EmailIdentity":
            domain = args.inputs["emailIdentity"]
            region = args.inputs.get("region") or pulumi.Config("aws").get("region") or "eu-west-1"
            state["arn"] = f"arn:{partition_of(region)}:ses:{region}:123456789012:identity/{domain}"
            attributes = args.inputs.get("dkimSigningAttributes", {})
            if pulumi.runtime.rpc.is_rpc_secret(attributes):
                attributes = pulumi.runtime.rpc.unwrap_rpc_secret(attributes)
            # As SES answers: BYODKIM reports its selector as the one token, origin EXTERNAL.
            selector = attributes.get("domainSigningSelector")
            state["dkimSigningAttributes"] = {
                **attributes,
                "tokens": [selector] if selector else dkim_tokens(domain, region),
                "status": "PENDING",
                "signingAttributesOrigin": "EXTERNAL" if selector else "AWS_SES",
            }
        state.update(_arn_state(args))
        extra = getattr(self, "extra_state", None)
        if extra:
            state.update(extra(args) or {})
        self.resources.append(Declared(args.typ, args.name, dict(args.inputs), state))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, dict(args.args)))
        # As AWS answers: the partition of the provider's region.
        partition = partition_of(pulumi.Config("aws").get("region") or "eu-west-1")
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": "123456789012", "arn": f"arn:{partition}:iam::123456789012:user/test", "userId": "x"}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": partition, "dnsSuffix": "amazonaws.com"}
        if args.token in fake_aws_provider.TOKENS:
            if self.route53 is None:
                self.route53 = moto_route53()
            return fake_aws_provider.answer(self.route53, args.token, dict(args.args))
        if args.token in fake_inbound.TOKENS:
            region = pulumi.Config("aws").get("region") or "eu-west-1"
            return fake_inbound.answer(self.inbound, args.token, dict(args.args), region)
        if args.token == fake_route53_records.GET_EMAIL_IDENTITY:
            return fake_route53_records.get_email_identity(self.ses_identities, dict(args.args))
        return {}


class RecordingMonitor(pulumi.runtime.mocks.MockMonitor):
    """Also keeps each resource's explicit dependencies (URNs), which the mocks do not see, and the
    raw requests (registrations, reads, invokes) for tests/resource_graph.py."""

    def __init__(self, mocks: RecordingMocks):
        super().__init__(mocks)
        self.dependencies: dict[str, list[str]] = {}
        self.typed_dependencies: dict[tuple[str, str], list[str]] = {}
        """By (type, name): a component and its identity may share a name."""
        self.registrations: list[Any] = []
        self.reads: list[Any] = []
        self.invokes: list[Any] = []

    def RegisterResource(self, request):
        self.dependencies[request.name] = list(request.dependencies)
        self.typed_dependencies[(request.type, request.name)] = list(request.dependencies)
        self.registrations.append(request)
        return super().RegisterResource(request)

    def ReadResource(self, request):
        self.reads.append(request)
        return super().ReadResource(request)

    def Invoke(self, request):
        self.invokes.append(request)
        return super().Invoke(request)


def _arn_state(args: pulumi.runtime.MockResourceArgs) -> dict:
    """The ARN (and name) AWS gives a configuration set, SNS topic or IAM role: in the resource's
    ``region`` (pulumi-aws's per-resource region), else the stack's."""
    region = args.inputs.get("region") or pulumi.Config("aws").get("region") or "eu-west-1"
    partition = partition_of(region)
    if args.typ == "aws:sesv2/configurationSet:ConfigurationSet":
        name = args.inputs["configurationSetName"]
        return {"arn": f"arn:{partition}:ses:{region}:123456789012:configuration-set/{name}"}
    if args.typ == "aws:sns/topic:Topic":
        return {"arn": f"arn:{partition}:sns:{region}:123456789012:{args.inputs['name']}"}
    if args.typ == "aws:iam/role:Role":
        return {"arn": f"arn:{partition}:iam::123456789012:role/{args.name}-id", "name": f"{args.name}-id"}
    return {}


@dataclass
class ProgramRun:
    mocks: RecordingMocks
    outputs: dict[str, Any]
    logs: list[logging.LogRecord]
    urns: list[str] = field(default_factory=list)
    dependencies: dict[str, list[str]] = field(default_factory=dict)
    typed_dependencies: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    zone_ids: dict[str, str] = field(default_factory=dict)
    monitor: Optional[RecordingMonitor] = None

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


def _with_zone_ids(value: Any, zone_ids: dict[str, str]) -> Any:
    """Replaces ``<zone-id:NAME>`` in a config with the id moto gave that zone."""
    if isinstance(value, str) and value.startswith("<zone-id:"):
        return zone_ids[value[len("<zone-id:"):-1]]
    if isinstance(value, dict):
        return {k: _with_zone_ids(v, zone_ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_zone_ids(v, zone_ids) for v in value]
    return value


def moto_route53() -> Any:
    return boto3.client("route53", region_name="us-east-1")


def create_zones(names: tuple[str, ...] = DEFAULT_ZONES, private: tuple[str, ...] = ()) -> dict[str, str]:
    """Public (and private) hosted zones in the moto account; returns their ids by name."""
    route53 = moto_route53()
    ids = {}
    for number, name in enumerate(names + private):
        extra = ({"VPC": {"VPCRegion": "eu-west-1", "VPCId": "vpc-12345678"}, "HostedZoneConfig": {"PrivateZone": True}}
                 if name in private else {})
        answer = route53.create_hosted_zone(Name=name, CallerReference=f"ref-{name}-{number}", **extra)
        ids[name] = answer["HostedZone"]["Id"].rsplit("/", 1)[-1]
    return ids


@contextmanager
def fake_aws():
    """moto's in-process AWS with test credentials, so nothing can reach a real account."""
    with mock.patch.dict(os.environ, {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                                      "AWS_SESSION_TOKEN": "testing", "AWS_CONFIG_FILE": "/dev/null",
                                      "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}):
        with mock_aws():
            yield


def run_program(
    config: dict[str, Any],
    mocks: Optional[RecordingMocks] = None,
    stack: str = "test",
    zones: tuple[str, ...] = DEFAULT_ZONES,
    private_zones: tuple[str, ...] = (),
    prepare: Optional[Callable[[Any, dict[str, str]], None]] = None,
    project: str = PROJECT,
) -> ProgramRun:
    """Run ``__main__.py`` with this config (``{"aws:region": ..., "ses-domains:domains": [...]}``)
    against Route 53 zones in moto; ``prepare(route53, zone_ids)`` puts records in them first."""
    with fake_aws():
        zone_ids = create_zones(zones, private_zones)
        if prepare is not None:
            prepare(moto_route53(), zone_ids)
        run = _run_under_mocks(_with_zone_ids(config, zone_ids), mocks or RecordingMocks(), stack, project=project)
    run.zone_ids = zone_ids
    return run


def refused_at_preview(config: dict[str, Any], mocks: Optional[RecordingMocks] = None, **options: Any) -> str:
    """The message with which the program refuses ``config``; fails the test if it runs, or if
    anything was declared before the refusal (bad input is caught before any resource)."""
    import pytest

    mocks = mocks or RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, mocks=mocks, **options)
    assert mocks.resources == [], "a resource was declared despite a config error"
    return str(raised.value)


def _run_under_mocks(
    config: dict[str, Any], mocks: RecordingMocks, stack: str, program: Path = PROGRAM, *, ordered: bool = True,
    project: str = PROJECT,
) -> ProgramRun:
    """``ordered``: registrations reach the mocks from one thread, in one order every run (tests);
    without it, from Pulumi's default thread pool, as in a real run (the benchmark)."""
    pulumi.runtime.set_all_config(
        {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}
    )
    pulumi_settings.ROOT.set(None)
    # Pulumi's runtime runs on the thread's current event loop; asyncio.run() in an earlier test
    # (the DNS engine's) leaves none, so each program run gets a fresh one.
    loop = asyncio.new_event_loop()
    # Pulumi sends each registration from a thread pool, so with several threads the mocks see
    # resources in a different order from run to run; one thread keeps the order a test asserts.
    if ordered:
        loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    asyncio.set_event_loop(loop)
    logger = logging.getLogger(f"ses-domains-test-{id(mocks)}")
    handler = _ListHandler()
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, organization="organization", preview=False, logger=logger, monitor=monitor)
    captured: dict[str, Any] = {}

    @pulumi.runtime.test
    def run():
        runpy.run_path(str(program), run_name="__main__")
        root = pulumi_settings.get_root_resource()
        exports = dict(root.outputs)
        return pulumi.Output.from_input(exports).apply(captured.update)

    try:
        run()
    finally:
        # The run's thread pool ends and its loop closes, refused or not: otherwise each run's thread
        # keeps all of it (Pulumi's futures, every resource) alive for the rest of the session, and
        # the garbage collector's full passes over that heap pause every thread for seconds.
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
        logger.removeHandler(handler)
    urns = list(pulumi_settings.SETTINGS.monitor.resources)
    return ProgramRun(mocks=mocks, outputs=captured, logs=handler.records, urns=urns,
                      dependencies=monitor.dependencies, typed_dependencies=monitor.typed_dependencies,
                      monitor=monitor)
