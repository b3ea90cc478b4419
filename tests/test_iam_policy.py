"""The deployer policy of ``ses-domains iam-policy``, checked against reality.

1. parliament (an IAM policy linter with AWS's own action, resource and condition-key lists)
   lints the policy of each example stack.
2. The real program runs under mocks on the every-option stack: every resource it declares and
   every invoke it calls needs its row in the permissions table, and each action of that row must
   be allowed by the stack's policy on the ARN of that very resource (Route 53 changes also with
   the record names and types the program writes, as the condition keys see them).
3. The command end to end: zones by id make no AWS call; zones by name are looked up.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import socket
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import botocore.session
import parliament
import pytest
from moto import mock_aws

from ses_domains.cli.main import main
from ses_domains.config.domain_names import enclosing_names
from ses_domains.config.stack import read_stack_config
from ses_domains.permissions.actions import (
    INVOKES,
    RESOURCE_TYPES,
    SCOPE_OF_ACTION,
    Scope,
    UnknownResourceType,
    every_action,
    permissions_of,
)
from ses_domains.permissions.stack_policy import (
    NAMES_KEY,
    TYPES_KEY,
    deployer_policy,
    normalized_record_name,
    written_records,
)
from tests.aws_rules import load_stack_file, requests_for
from tests.aws_rules.requests import COMPONENT_PREFIX
from tests.cli_fixtures import aws_env, moto_server, route53_url, ses, ses_stand_in, write_stack  # noqa: F401
from tests.fake_route53_records import STACK_REFERENCE
from tests.every_option import EVERY_OPTION, every_option_mocks
from tests.pulumi_program import Declared, ProgramRun, _with_zone_ids, run_program, stack_config

ACCOUNT = "123456789012"


def spec_of(config: Mapping[str, Any]):
    return read_stack_config(lambda key: config.get(f"ses-domains:{key}"), lambda key: config.get(f"aws:{key}"))


# --- a small IAM evaluator ---------------------------------------------------------------------


def _like(pattern: str, value: str, *, case: bool = True) -> bool:
    """IAM's ``*`` and ``?`` globbing (no character classes)."""
    escaped = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(value, escaped) if case else fnmatch.fnmatchcase(value.lower(), escaped.lower())


def _condition_holds(operator: str, key: str, wanted: list[str], context: Mapping[str, list[str]]) -> bool:
    values = context.get(key)
    if operator.startswith("ForAllValues:"):
        test = operator.split(":", 1)[1]
        return all(_string_match(test, wanted, v) for v in values or [])
    if values is None:
        return False
    return any(_string_match(operator, wanted, v) for v in values)


def _string_match(test: str, wanted: list[str], value: str) -> bool:
    if test == "StringEquals":
        return value in wanted
    if test == "StringLike":
        return any(_like(w, value) for w in wanted)
    raise AssertionError(f"the evaluator does not know {test}")


def allows(document: dict, action: str, resource: str, context: Optional[Mapping[str, list[str]]] = None) -> bool:
    """Whether an Allow statement of the policy grants ``action`` on ``resource`` in this context."""
    for statement in document["Statement"]:
        if not any(_like(a, action, case=False) for a in statement["Action"]):
            continue
        if not any(_like(r, resource) for r in statement["Resource"]):
            continue
        conditions = statement.get("Condition", {})
        if all(_condition_holds(op, key, list(wanted), context or {})
               for op, block in conditions.items() for key, wanted in block.items()):
            return True
    return False


def test_the_evaluator_refuses_what_the_policy_does_not_grant():
    document = {"Statement": [{"Action": ["route53:ChangeResourceRecordSets"], "Resource": ["arn:aws:route53:::hostedzone/Z1"],
                               "Condition": {"ForAllValues:StringLike": {NAMES_KEY: ["????._domainkey.example.com"]},
                                             "ForAllValues:StringEquals": {TYPES_KEY: ["CNAME"]}}}]}
    good = {NAMES_KEY: ["abcd._domainkey.example.com"], TYPES_KEY: ["CNAME"]}

    assert allows(document, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", good)
    assert not allows(document, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z2", good)
    assert not allows(document, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1",
                      {**good, TYPES_KEY: ["CNAME", "TXT"]})
    assert not allows(document, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1",
                      {**good, NAMES_KEY: ["abcde._domainkey.example.com"]})
    assert not allows(document, "route53:GetChange", "arn:aws:route53:::hostedzone/Z1", good)


# --- 1. parliament -------------------------------------------------------------------------------


def _example_stacks() -> dict[str, dict]:
    every = load_stack_file(EVERY_OPTION)
    every = json.loads(json.dumps(every).replace("<zone-id:example.org>", "Z0EXAMPLEORG0000000001"))
    return {"dev": stack_config("dev"), "prod": stack_config("prod"), "every_option": every}


def _policy_buckets(config: dict) -> list[str]:
    """The buckets whose policy the stack writes (receive.bucketPolicy left true)."""
    return [d.receive.bucket for d in spec_of(config).domains if d.receive and d.receive.bucket_policy]


def _policy_of(name: str, config: dict) -> dict:
    spec = spec_of(config)
    zone_ids = {d.domain: d.zone.zone_id or f"Z{index:020d}" for index, d in enumerate(spec.domains)}
    return deployer_policy(spec, zone_ids, ACCOUNT, stack_name=name).document()


def _sesv2_resource_types(action: str) -> list[str]:
    (service,) = [s for s in parliament.iam_definition if s["service_name"] == "Amazon Simple Email Service v2"]
    (privilege,) = [p for p in service["privileges"] if p["privilege"] == action]
    return [r["resource_type"] for r in privilege["resource_types"]]


@pytest.mark.parametrize("stack", ["dev", "prod", "every_option"])
def test_parliament_finds_nothing_wrong_with_the_policy(stack):
    config = _example_stacks()[stack]
    document = _policy_of(stack, config)
    findings = parliament.analyze_policy_string(json.dumps(document)).findings

    unexplained = []
    for finding in findings:
        if finding.issue == "RESOURCE_MISMATCH" and all(
            _sesv2_resource_types(detail["action"].split(":")[1])[0] in ("identity*", "configuration-set*", "dedicated-ip-pool*", "contact-list*")
            for detail in finding.detail
        ):
            # parliament reads the three services of the ses prefix as one (Pinpoint Email and SES v1
            # list CreateEmailIdentity, CreateConfigurationSet and CreateDedicatedIpPool without a resource type); SESv2, the
            # API the provider calls, authorizes them on the identity, configuration-set or pool ARN.
            continue
        if finding.issue == "RESOURCE_POLICY_PRIVILEGE_ESCALATION" and any(
            f"arn:aws:s3:::{bucket} " in f"{finding.detail} " for bucket in _policy_buckets(config)
        ):
            # Writing the mail bucket's policy (the SES grant) is the stack's job: whoever may write
            # it may grant themselves the bucket's objects. Limited to those buckets; README says so.
            continue
        unexplained.append((finding.issue, finding.detail))
    assert unexplained == []
    actions = [a for s in document["Statement"] for a in s["Action"]]
    assert not [a for a in actions if "*" in a or "?" in a]
    assert {"ses:CreateEmailIdentity", "route53:ChangeResourceRecordSets"} <= set(actions)


def test_every_action_of_the_table_is_known_to_iam_and_to_botocore():
    """Each action exists in parliament's IAM definition, and every SDK-called one is an operation of
    the service whose signing name is its prefix (botocore's models)."""
    known = {(s["prefix"], p["privilege"]) for s in parliament.iam_definition for p in s["privileges"]}
    unknown = [a for a in every_action() if tuple(a.split(":")) not in known]
    assert unknown == []
    assert set(SCOPE_OF_ACTION) >= every_action()
    operations = _operations_by_iam_prefix()
    missing = [a for a in every_action()
               if AUTHORIZES.get(a, a.split(":")[1]) not in operations.get(a.split(":")[0], set())]
    assert missing == []


AUTHORIZES = {"s3:ListBucket": "HeadBucket"}
"""IAM actions named otherwise than the operation they authorize (S3 User Guide, "Amazon S3 API
operations and the permissions they require": HeadBucket needs s3:ListBucket)."""


def _operations_by_iam_prefix() -> dict[str, set[str]]:
    session = botocore.session.get_session()
    found: dict[str, set[str]] = {}
    for service in ("sesv2", "ses", "route53", "sns", "iam", "cloudwatch", "s3", "sts"):
        model = session.get_service_model(service)
        # The IAM prefix is the signing name (sesv2 -> ses), or for CloudWatch the service's own
        # name (its signing name is "monitoring").
        for prefix in {model.signing_name or model.endpoint_prefix, service}:
            found.setdefault(prefix, set()).update(model.operation_names)
    return found


def test_actions_that_support_no_resource_type_are_alone_on_star():
    document = _policy_of("every_option", _example_stacks()["every_option"])

    on_star = [s for s in document["Statement"] if "*" in s["Resource"]]
    assert [s["Sid"] for s in on_star] == ["NoResourceType"]
    assert {"route53:ListHostedZones", "ses:CreateMultiRegionEndpoint"} <= set(on_star[0]["Action"])
    # Each is on "*" because AWS's own list gives it no resource type (parliament carries that list).
    scoped = [a for a in on_star[0]["Action"] if any(_resource_types(a))]
    assert scoped == []


def _resource_types(action: str) -> list[str]:
    prefix, name = action.split(":")
    return [r["resource_type"] for s in parliament.iam_definition if s["prefix"] == prefix
            for p in s["privileges"] if p["privilege"] == name for r in p["resource_types"] if r["resource_type"]]


def test_route53_changes_are_limited_to_the_stack_zones_names_and_types():
    config = _example_stacks()["every_option"]
    spec = spec_of(config)
    document = _policy_of("every_option", config)
    changes = [s for s in document["Statement"] if "route53:ChangeResourceRecordSets" in s["Action"]]

    assert sorted(s["Sid"] for s in changes) == ["Route53WriteCnameRecords", "Route53WriteMxRecords", "Route53WriteTxtRecords"]
    for statement in changes:
        assert all(r.startswith("arn:aws:route53:::hostedzone/Z") and "*" not in r for r in statement["Resource"])
    cname = written_records(spec)["CNAME"]
    assert "????????????????????????????????._domainkey.example.com" in cname.patterns
    assert "click.example.com" in cname.exact
    assert "s2026a._domainkey.example.net" in written_records(spec)["TXT"].exact


def test_record_names_are_normalized_as_route53_compares_them():
    assert normalized_record_name("Mail.Example.COM.") == "mail.example.com"
    assert normalized_record_name("_dmarc.example.com") == "_dmarc.example.com"
    assert normalized_record_name("*.example.com") == "\\052.example.com"


# --- 2. derivation from what the program declares ------------------------------------------------


@pytest.fixture(scope="module")
def every_option_run():
    config = load_stack_file(EVERY_OPTION)
    run = run_program(config, mocks=every_option_mocks())
    return run, _with_zone_ids(config, run.zone_ids)


def _domain_zone_ids(spec, zone_ids: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for domain in spec.domains:
        if domain.zone.zone_id:
            found[domain.domain] = domain.zone.zone_id
        elif domain.zone.given:
            found[domain.domain] = zone_ids[domain.zone.name]
        else:
            found[domain.domain] = next(zone_ids[n] for n in enclosing_names(domain.domain) if n in zone_ids)
    return found


class _Arns:
    """The ARN each declared resource's calls are authorized on, by scope."""

    def __init__(self, run: ProgramRun, region: str):
        self.run, self.region = run, region
        self.role_names = {f"{r.name}-id": r.inputs["name"] for r in run.of_type("aws:iam/role:Role")}
        self.identities = [r.state["arn"] for r in run.of_type("aws:sesv2/emailIdentity:EmailIdentity")]

    def ses(self, region: Optional[str], resource: str) -> str:
        return f"arn:aws:ses:{region or self.region}:{ACCOUNT}:{resource}"

    def role(self, name: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"

    def of(self, scope: Scope, token: str, values: Mapping[str, Any]) -> list[str]:
        region = values.get("region")
        identity = [self.ses(region, f"identity/{values['emailIdentity']}")] if "emailIdentity" in values else []
        configuration_set = ([self.ses(region, f"configuration-set/{values['configurationSetName']}")]
                             if "configurationSetName" in values else [])
        zone = [f"arn:aws:route53:::hostedzone/{values['zoneId']}"] if values.get("zoneId") else []
        if token == "pulumi-python:dynamic/ses-domains:Verification":
            return self.identities if scope is Scope.IDENTITY else []
        if scope is Scope.IDENTITY:
            return identity
        if scope is Scope.IDENTITY_AND_SET:
            return identity + configuration_set
        if scope is Scope.CONFIGURATION_SET:
            return configuration_set
        if scope is Scope.SES_RESOURCE:
            endpoint = ([self.ses(region, f"multi-region-endpoint/{values['endpointName']}")]
                        if "endpointName" in values else [])
            return identity + configuration_set + endpoint
        if scope is Scope.MULTI_REGION_ENDPOINT:
            return [self.ses(region, f"multi-region-endpoint/{values['endpointName']}")]
        if scope in (Scope.STACK_ZONE, Scope.ANY_ZONE):
            if not zone and token == "aws:route53/getZone:getZone" and values.get("name") in self.run.zone_ids:
                zone = [f"arn:aws:route53:::hostedzone/{self.run.zone_ids[values['name']]}"]
            return zone or ([f"arn:aws:route53:::hostedzone/{next(iter(self.run.zone_ids.values()))}"]
                            if scope is Scope.ANY_ZONE else [])
        if scope is Scope.CHANGE:
            return ["arn:aws:route53:::change/C0123456789"]
        if scope is Scope.TOPIC:
            return [values.get("arn") or f"arn:aws:sns:{self.region}:{ACCOUNT}:{values['name']}"]
        if scope is Scope.ROLE:
            name = values.get("name") if token == "aws:iam/role:Role" else self.role_names[values["role"]]
            return [self.role(name)]
        if scope is Scope.ANY:
            return ["*"]
        if scope is Scope.CONTACT_LIST:
            return [self.ses(region, f"contact-list/{values['contactListName']}")]
        if scope is Scope.DEDICATED_IP_POOL:
            return [self.ses(region, f"dedicated-ip-pool/{values['poolName']}")]
        if scope is Scope.ALARM:
            return [f"arn:aws:cloudwatch:{region or self.region}:{ACCOUNT}:alarm:{values['name']}"]
        if scope in (Scope.BUCKET, Scope.POLICY_BUCKET):
            return [f"arn:aws:s3:::{values['bucket']}"]
        if scope is Scope.SERVICE_LINKED_ROLE:
            # What SES asks IAM for on the first CreateMultiRegionEndpoint.
            return [f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ses.amazonaws.com/AWSServiceRoleForAmazonSES"]
        raise AssertionError(f"no ARN for {scope}")


def _declared(run: ProgramRun) -> list[Declared]:
    return [r for r in run.mocks.resources if not r.type.startswith(COMPONENT_PREFIX) and r.type != STACK_REFERENCE]


def _unallowed(document: dict, run: ProgramRun, region: str) -> list[str]:
    arns = _Arns(run, region)
    missing = []
    calls: Iterable[tuple[str, str, Mapping[str, Any]]] = [
        *((r.type, r.name, {**r.state, **r.inputs}) for r in _declared(run)),
        *((token, "invoke", args) for token, args in run.mocks.calls),
    ]
    for token, name, values in calls:
        row = permissions_of(token)
        for action in sorted(row.actions()):
            if action == "route53:ChangeResourceRecordSets":
                continue  # checked with its conditions, request by request
            # The request context IAM sees: SES asks for its own service-linked role.
            context = ({"iam:AWSServiceName": ["ses.amazonaws.com"]}
                       if action == "iam:CreateServiceLinkedRole" else None)
            for arn in arns.of(SCOPE_OF_ACTION[action], token, values):
                if not allows(document, action, arn, context):
                    missing.append(f"{token} {name}: {action} on {arn}")
    return missing


def test_every_declared_type_and_invoke_has_its_permissions_and_the_policy_allows_them(every_option_run):
    run, config = every_option_run
    spec = spec_of(config)
    document = deployer_policy(spec, _domain_zone_ids(spec, run.zone_ids), ACCOUNT, stack_name="test").document()

    assert run.of_type("aws:iam/role:Role") and run.of_type("pulumi-python:dynamic/ses-domains:ApexSpf")
    assert _unallowed(document, run, spec.region) == []


def test_every_record_change_the_program_makes_passes_the_conditions(every_option_run):
    run, config = every_option_run
    spec = spec_of(config)
    document = deployer_policy(spec, _domain_zone_ids(spec, run.zone_ids), ACCOUNT, stack_name="test").document()
    requests = requests_for(_declared(run), {zone_id: name for name, zone_id in run.zone_ids.items()})

    changes = [r for r in requests if r.operation == "ChangeResourceRecordSets"]
    refused = []
    for request in changes:
        record_sets = [c["ResourceRecordSet"] for c in request.params["ChangeBatch"]["Changes"]]
        context = {NAMES_KEY: [normalized_record_name(s["Name"]) for s in record_sets],
                   TYPES_KEY: [s["Type"] for s in record_sets]}
        arn = f"arn:aws:route53:::hostedzone/{request.params['HostedZoneId']}"
        if not allows(document, "route53:ChangeResourceRecordSets", arn, context):
            refused.append(f"{request.resource_name}: {context}")
    assert len(changes) > 20
    assert refused == []
    # A name the stack does not write is refused, in a zone of the stack.
    assert not allows(document, "route53:ChangeResourceRecordSets", arn, {NAMES_KEY: ["www.example.com"], TYPES_KEY: ["CNAME"]})


IAM_PREFIX_OF_SERVICE = {"cloudwatch": "cloudwatch"}


def test_every_create_request_is_an_action_of_its_row(every_option_run):
    """The create requests tests/aws_rules maps each resource to, as IAM actions (botocore's
    signing name + operation), are in the row of that resource's type."""
    run, _ = every_option_run
    session = botocore.session.get_session()
    absent = []
    for request in requests_for(_declared(run), {zone_id: name for name, zone_id in run.zone_ids.items()}):
        model = session.get_service_model(request.service)
        # IAM's prefix is the signing name (sesv2 -> ses), except CloudWatch's (signed as "monitoring").
        prefix = IAM_PREFIX_OF_SERVICE.get(request.service) or model.signing_name or model.endpoint_prefix
        action = f"{prefix}:{request.operation}"
        if action not in permissions_of(request.resource_type).create:
            absent.append(f"{request.resource_type}: {action}")
    assert absent == []


def test_the_firehose_roles_are_passed_only_to_ses(every_option_run):
    run, config = every_option_run
    spec = spec_of(config)
    document = deployer_policy(spec, _domain_zone_ids(spec, run.zone_ids), ACCOUNT, stack_name="test").document()
    roles = _Arns(run, spec.region)
    destinations = [r.inputs["eventDestination"]["kinesisFirehoseDestination"]["iamRoleArn"]
                    for r in run.of_type("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
                    if "kinesisFirehoseDestination" in r.inputs["eventDestination"]]
    passed = [roles.role(roles.role_names[arn.rsplit("/", 1)[1]]) if arn.rsplit("/", 1)[1] in roles.role_names else arn
              for arn in destinations]

    # lake and lake-own-role, in eu-west-1 and in the global endpoint's secondary region us-east-1.
    assert len(passed) == 4
    for arn in passed:
        assert allows(document, "iam:PassRole", arn, {"iam:PassedToService": ["ses.amazonaws.com"]})
        assert not allows(document, "iam:PassRole", arn, {"iam:PassedToService": ["lambda.amazonaws.com"]})
    assert not allows(document, "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/admin", {"iam:PassedToService": ["ses.amazonaws.com"]})


def test_the_global_endpoint_may_create_only_the_ses_service_linked_role(every_option_run):
    run, config = every_option_run
    spec = spec_of(config)
    assert spec.global_endpoint is not None
    document = deployer_policy(spec, _domain_zone_ids(spec, run.zone_ids), ACCOUNT, stack_name="test").document()
    ses_role = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ses.amazonaws.com/AWSServiceRoleForAmazonSES"

    assert allows(document, "iam:CreateServiceLinkedRole", ses_role, {"iam:AWSServiceName": ["ses.amazonaws.com"]})
    assert not allows(document, "iam:CreateServiceLinkedRole", ses_role,
                      {"iam:AWSServiceName": ["elasticloadbalancing.amazonaws.com"]})
    other = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    assert not allows(document, "iam:CreateServiceLinkedRole", other, {"iam:AWSServiceName": ["ses.amazonaws.com"]})


def test_without_a_global_endpoint_no_service_linked_role_is_allowed(every_option_run):
    run, config = every_option_run
    spec = dataclasses.replace(spec_of(config), global_endpoint=None)
    document = deployer_policy(spec, _domain_zone_ids(spec, run.zone_ids), ACCOUNT, stack_name="test").document()

    assert "iam:CreateServiceLinkedRole" not in json.dumps(document)


def test_a_type_without_a_row_fails_naming_it():
    with pytest.raises(UnknownResourceType, match="aws:s3/bucket:Bucket"):
        permissions_of("aws:s3/bucket:Bucket")
    assert "aws:route53/record:Record" in RESOURCE_TYPES and "aws:route53/getZone:getZone" in INVOKES


# --- 3. the command ------------------------------------------------------------------------------


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _stack(zone: str) -> dict:
    return {"aws:region": "eu-west-1", "ses-domains:domains": [
        {"domain": "example.com", "zone": zone, "mailFrom": "bounce", "dmarc": {"policy": "none"}}]}


def test_zones_by_id_need_no_aws_call(tmp_path, capsys, monkeypatch):
    write_stack(tmp_path, "ids", _stack("Z0123456789ABCDEFGHIJ"))
    closed = _closed_port()
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ROUTE_53", "AWS_ENDPOINT_URL_STS"):
        monkeypatch.setenv(variable, closed)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    code = main(["iam-policy", "--stack", "ids", "--cwd", str(tmp_path), "--account-id", ACCOUNT])

    out = capsys.readouterr().out
    assert code == 0
    document = json.loads(out)
    assert allows(document, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
                  {NAMES_KEY: ["_dmarc.example.com"], TYPES_KEY: ["TXT"]})
    assert allows(document, "ses:CreateEmailIdentity", f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/example.com")


def test_zones_by_name_are_looked_up_in_route53(tmp_path, capsys, aws_env, route53_url):
    import boto3

    route53 = boto3.client("route53", region_name="us-east-1", endpoint_url=route53_url)
    zone_id = route53.create_hosted_zone(Name="example.com", CallerReference="r1")["HostedZone"]["Id"].rsplit("/", 1)[1]
    write_stack(tmp_path, "names", _stack("example.com"))

    code = main(["iam-policy", "--stack", "names", "--cwd", str(tmp_path), "--account-id", ACCOUNT])

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    zones = {r for s in document["Statement"] if "route53:ChangeResourceRecordSets" in s["Action"] for r in s["Resource"]}
    assert zones == {f"arn:aws:route53:::hostedzone/{zone_id}"}


def test_a_zone_that_cannot_be_looked_up_says_to_give_its_id(tmp_path, capsys, monkeypatch):
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    write_stack(tmp_path, "names", _stack("example.com"))

    code = main(["iam-policy", "--stack", "names", "--cwd", str(tmp_path), "--account-id", ACCOUNT])

    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "example.com" in captured.err and "zone as its id" in captured.err


def test_a_bad_stack_exits_2(tmp_path, capsys):
    write_stack(tmp_path, "bad", {"aws:region": "eu-west-1", "ses-domains:domains": [{"domian": "example.com"}]})

    code = main(["iam-policy", "--stack", "bad", "--cwd", str(tmp_path), "--account-id", ACCOUNT])

    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "domian" in captured.err


def test_the_account_comes_from_sts_when_not_given(tmp_path, capsys, monkeypatch):
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    write_stack(tmp_path, "ids", _stack("Z0123456789ABCDEFGHIJ"))

    with mock_aws():
        code = main(["iam-policy", "--stack", "ids", "--cwd", str(tmp_path)])

    assert code == 0
    assert f":{ACCOUNT}:identity/example.com" in capsys.readouterr().out
