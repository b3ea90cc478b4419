"""The least-privilege policy for deploying, refreshing and destroying one stack.

From the stack's config (``StackSpec``) and its resolved hosted zones: which resource types and
invokes the program declares for it (``declared_types``), the union of their actions
(``actions.RESOURCE_TYPES``/``INVOKES``), grouped by resource scope, each group on the ARNs of
exactly what the stack names. Two scopes are narrowed further:

- Route 53 record changes: one statement per record type, on the stack's zones, with the
  condition keys ``route53:ChangeResourceRecordSetsRecordTypes`` and
  ``route53:ChangeResourceRecordSetsNormalizedRecordNames`` listing the names the stack writes.
  Easy DKIM names are ``<token>._domainkey.<domain>`` with tokens SES hands out only once the
  identity exists: the pattern is 32 ``?`` (SES's tokens are 32 characters), the narrowest one
  that matches every token, and one label only as long as a token.
- ``iam:PassRole`` only for the Firehose roles, and only to SES (``iam:PassedToService``).

Actions the Service Authorization Reference lists without a resource type take only ``*``;
they are gathered in one statement (``NoResourceType``) so that what cannot be narrowed is
visible in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ses_domains.config.configuration_sets import ConfigurationSetSpec, FirehoseSink
from ses_domains.config.domain_names import is_within
from ses_domains.config.route53_writes import BATCHED_MODES
from ses_domains.config.secondary_region import copied_pools
from ses_domains.config.stack import PROJECT, StackSpec
from ses_domains.permissions.actions import SCOPE_OF_ACTION, Scope, permissions_of
from ses_domains.permissions.policy import Condition, Policy, Statement
from ses_domains.records.dmarc import report_authorization_name, report_domains
from ses_domains.records.replicas import every_static_record
from ses_domains.records.ses import dkim_selector_host

EASY_DKIM_TOKEN_PATTERN = "?" * 32
"""SES's Easy DKIM tokens are 32 characters (``config.domains.EASY_DKIM_TOKEN_LENGTH``)."""
NAMES_KEY = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
TYPES_KEY = "route53:ChangeResourceRecordSetsRecordTypes"
SES_SERVICE = "ses.amazonaws.com"
FIREHOSE_ROLE_NAME_LIMIT = 64
FIREHOSE_ROLE_HASH_LENGTH = 8
"""The shape of ``deploy.configuration_set.firehose_role_name``: ``ses-<set>-<destination>`` cut to
fit 64 characters with ``-`` and an 8-character hash of project, stack and region."""

_NORMAL_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def normalized_record_name(name: str) -> str:
    """A record name as Route 53 compares it with ``...NormalizedRecordNames``: lower case, no
    trailing dot, any character other than a-z, 0-9, ``-``, ``_`` and ``.`` as a ``\\ooo`` octal escape."""
    lowered = name.lower().rstrip(".")
    return "".join(c if c in _NORMAL_NAME_CHARACTERS else f"\\{ord(c):03o}" for c in lowered)


@dataclass(frozen=True)
class RecordNames:
    """The names of one record type the stack writes."""

    exact: frozenset[str] = field(default_factory=frozenset)
    patterns: frozenset[str] = field(default_factory=frozenset)
    """``StringLike`` patterns for names not known before deployment (Easy DKIM)."""


def written_records(stack: StackSpec) -> dict[str, RecordNames]:
    """Record type -> the normalized names the stack may create, change or delete."""
    exact: dict[str, set[str]] = {}
    patterns: dict[str, set[str]] = {}

    def add(record_type: str, name: str) -> None:
        exact.setdefault(record_type, set()).add(normalized_record_name(name))

    for spec in stack.domains:
        domain = normalized_record_name(spec.domain)
        if spec.byodkim is None:
            patterns.setdefault("CNAME", set()).add(f"{EASY_DKIM_TOKEN_PATTERN}._domainkey.{domain}")
        else:
            for selector in spec.byodkim.strategy().selectors():
                add("TXT", dkim_selector_host(selector.selector, spec.domain))
        for record in every_static_record(spec, stack.region):
            add(record.type, record.name)
        if spec.apex_spf is not None:
            add("TXT", spec.domain)
        if spec.dmarc is not None:
            for report_domain in report_domains(spec.dmarc):
                if not is_within(report_domain, spec.domain) and not is_within(spec.domain, report_domain):
                    add("TXT", report_authorization_name(spec.domain, report_domain))
    for configuration_set in stack.configuration_sets:
        if configuration_set.tracking_domain and configuration_set.https_policy == "OPTIONAL":
            add("CNAME", configuration_set.tracking_domain)
    kinds = sorted(set(exact) | set(patterns))
    return {kind: RecordNames(frozenset(exact.get(kind, ())), frozenset(patterns.get(kind, ()))) for kind in kinds}


def declared_types(stack: StackSpec) -> frozenset[str]:
    """The resource types and invokes the program declares or calls for this stack."""
    types = {
        "aws:route53/getZone:getZone", "aws:route53/getZones:getZones", "aws:route53/getRecords:getRecords",
        "aws:sesv2/getEmailIdentity:getEmailIdentity", "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getPartition:getPartition",
    }
    if stack.domains:
        types |= {"aws:sesv2/emailIdentity:EmailIdentity", "aws:route53/record:Record",
                  "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"}
    for spec in stack.domains:
        if spec.mail_from:
            types.add("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")
        if spec.verify.enabled:
            types.add("pulumi-python:dynamic/ses-domains:Verification")
        if spec.byodkim is not None:
            types.add("pulumi-python:dynamic/ses-domains:DkimKeyPublished")
        if spec.apex_spf is not None:
            types.add("pulumi-python:dynamic/ses-domains:ApexSpf")
    for configuration_set in stack.configuration_sets:
        types.add("aws:sesv2/configurationSet:ConfigurationSet")
        if configuration_set.event_destinations:
            types.add("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
        if configuration_set.created_topics:
            types |= {"aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"}
        if _created_firehose_roles(configuration_set):
            types |= {"aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"}
        if configuration_set.tracking_domain:
            types.add("pulumi-python:dynamic/ses-domains:TrackingOptions")
        if configuration_set.suppressed_reasons == ():
            types.add("pulumi-python:dynamic/ses-domains:SuppressionOff")
    if stack.global_endpoint is not None:
        types.add("aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint")
    if stack.route53_writes in BATCHED_MODES:
        types.add("pulumi-python:dynamic/ses-domains:ZoneRecords")
    types |= _declared_types_of_newer_keys(stack)
    return frozenset(types)


def _declared_types_of_newer_keys(stack: StackSpec) -> set[str]:
    """The types of email addresses, templates, contact lists, dedicated IP pools, reputation
    alarms, the account's settings and inbound mail, each when its key is set."""
    types: set[str] = set()
    if stack.email_identities:
        types.add("aws:sesv2/emailIdentity:EmailIdentity")
    if stack.templates:
        types.add("aws:ses/template:Template")
    if stack.contact_lists:
        types.add("aws:sesv2/contactList:ContactList")
    if stack.dedicated_ip_pools:
        types.add("aws:sesv2/dedicatedIpPool:DedicatedIpPool")
    if stack.reputation_alarms is not None:
        types.add("aws:cloudwatch/metricAlarm:MetricAlarm")
    if stack.account is not None:
        types |= {"aws:sesv2/accountVdmAttributes:AccountVdmAttributes",
                  "aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes"}
    receiving = [spec.receive for spec in stack.domains if spec.receive is not None]
    if receiving:
        types |= {"aws:ses/receiptRule:ReceiptRule", "aws:s3/getBucket:getBucket",
                  "aws:s3/getBucketPolicy:getBucketPolicy", "aws:ses/getActiveReceiptRuleSet:getActiveReceiptRuleSet"}
    if any(receive.bucket_policy for receive in receiving):
        types.add("aws:s3/bucketPolicy:BucketPolicy")
    if any(receive.rule_set is None for receive in receiving):
        # The stack's own rule set, and its activation; with ruleSet the rules go into the active one.
        types |= {"aws:ses/receiptRuleSet:ReceiptRuleSet", "aws:ses/activeReceiptRuleSet:ActiveReceiptRuleSet"}
    return types


def _created_firehose_roles(configuration_set: ConfigurationSetSpec) -> list[str]:
    """The Firehose roles the stack creates for this set: ``roleArn`` left out."""
    roles = []
    for destination in configuration_set.event_destinations:
        sink = destination.sink
        if isinstance(sink, FirehoseSink) and not sink.role_arn:
            readable = f"ses-{configuration_set.name}-{destination.name}"
            roles.append(f"{readable[:FIREHOSE_ROLE_NAME_LIMIT - FIREHOSE_ROLE_HASH_LENGTH - 1]}-"
                         f"{'?' * FIREHOSE_ROLE_HASH_LENGTH}")
    return roles


def _given_firehose_roles(configuration_set: ConfigurationSetSpec) -> list[str]:
    return [d.sink.role_arn for d in configuration_set.event_destinations
            if isinstance(d.sink, FirehoseSink) and d.sink.role_arn]


@dataclass(frozen=True)
class _Arns:
    """Every ARN of the stack, by scope."""

    by_scope: dict[Scope, tuple[str, ...]]

    def of(self, scope: Scope) -> tuple[str, ...]:
        return self.by_scope.get(scope, ())


def _arns(stack: StackSpec, zone_ids: Mapping[str, str], account_id: str, partition: str, stack_name: str) -> _Arns:
    def ses(region: str, resource: str) -> str:
        return f"arn:{partition}:ses:{region}:{account_id}:{resource}"

    # A global endpoint's secondary regions get copies of the sets, templates, addresses, contact
    # list and the pools the sets send through (deploy/secondary_region.py), under the same names.
    secondary = stack.global_endpoint.secondary_regions(stack.region) if stack.global_endpoint is not None else ()
    copied = copied_pools(stack.dedicated_ip_pools, stack.configuration_sets)
    identities = [ses(region, f"identity/{spec.domain}")
                  for spec in stack.domains for region in (stack.region, *spec.replica_regions)]
    identities += [ses(region, f"identity/{address.address}")
                   for region in (stack.region, *secondary) for address in stack.email_identities]
    sets = [ses(region, f"configuration-set/{s.name}")
            for region in (stack.region, *secondary) for s in stack.configuration_sets]
    endpoint = ([ses(stack.global_endpoint.primary, f"multi-region-endpoint/{stack.global_endpoint.name}")]
                if stack.global_endpoint is not None else [])
    contact_lists = [ses(region, f"contact-list/{c.name}")
                     for region in (stack.region, *secondary) for c in stack.contact_lists]
    pools = [ses(stack.region, f"dedicated-ip-pool/{p.name}") for p in stack.dedicated_ip_pools]
    pools += [ses(region, f"dedicated-ip-pool/{p.name}") for region in secondary for p in copied]
    zones = sorted(set(zone_ids.values()))
    return _Arns({
        Scope.IDENTITY: _unique(identities),
        Scope.IDENTITY_AND_SET: _unique(identities + sets),
        Scope.CONFIGURATION_SET: _unique(sets),
        Scope.MULTI_REGION_ENDPOINT: tuple(endpoint),
        Scope.CONTACT_LIST: _unique(contact_lists),
        Scope.DEDICATED_IP_POOL: _unique(pools),
        Scope.SES_RESOURCE: _unique(identities + sets + endpoint + contact_lists + pools),
        Scope.STACK_ZONE: tuple(f"arn:{partition}:route53:::hostedzone/{zone}" for zone in zones),
        Scope.ANY_ZONE: (f"arn:{partition}:route53:::hostedzone/*",),
        Scope.CHANGE: (f"arn:{partition}:route53:::change/*",),
        Scope.TOPIC: _unique(f"arn:{partition}:sns:{region}:{account_id}:{topic}" for region in (stack.region, *secondary)
                             for s in stack.configuration_sets for topic in s.created_topics),
        Scope.ROLE: _unique(f"arn:{partition}:iam::{account_id}:role/{role}"
                            for s in stack.configuration_sets for role in _created_firehose_roles(s)),
        Scope.SERVICE_LINKED_ROLE: ((f"arn:{partition}:iam::{account_id}:role/aws-service-role/{SES_SERVICE}/"
                                     "AWSServiceRoleForAmazonSES",) if stack.global_endpoint is not None else ()),
        # Reputation alarms are declared in each secondary region too, under the same names.
        Scope.ALARM: tuple(f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:{PROJECT}-{stack_name}-*"
                           for region in (stack.region, *(secondary if stack.reputation_alarms is not None else ()))),
        Scope.BUCKET: _unique(f"arn:{partition}:s3:::{d.receive.bucket}" for d in stack.domains if d.receive),
        Scope.POLICY_BUCKET: _unique(f"arn:{partition}:s3:::{d.receive.bucket}"
                                     for d in stack.domains if d.receive and d.receive.bucket_policy),
        Scope.ANY: ("*",),
    })


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


_STATEMENT_IDS = {
    Scope.IDENTITY: "SesIdentities",
    Scope.IDENTITY_AND_SET: "SesIdentityDefaultConfigurationSet",
    Scope.CONFIGURATION_SET: "SesConfigurationSets",
    Scope.MULTI_REGION_ENDPOINT: "SesMultiRegionEndpoint",
    Scope.CONTACT_LIST: "SesContactLists",
    Scope.DEDICATED_IP_POOL: "SesDedicatedIpPools",
    Scope.SES_RESOURCE: "SesTags",
    Scope.STACK_ZONE: "Route53StackZonesRead",
    Scope.ANY_ZONE: "Route53ZoneLookup",
    Scope.CHANGE: "Route53ChangeStatus",
    Scope.TOPIC: "SnsTopics",
    Scope.ROLE: "IamFirehoseRoles",
    Scope.ALARM: "CloudWatchAlarms",
    Scope.SERVICE_LINKED_ROLE: "IamSesServiceLinkedRole",
    Scope.BUCKET: "S3InboundBucketsRead",
    Scope.POLICY_BUCKET: "S3InboundBucketPolicy",
    Scope.ANY: "NoResourceType",
}
CHANGE_ACTION = "route53:ChangeResourceRecordSets"
_CONDITIONS = {
    Scope.SERVICE_LINKED_ROLE: (Condition("StringEquals", "iam:AWSServiceName", (SES_SERVICE,)),),
}


def needed_actions(stack: StackSpec) -> frozenset[str]:
    """The union of the actions of every type and invoke the stack declares."""
    return frozenset(action for token in declared_types(stack) for action in permissions_of(token).actions())


def deployer_policy(
    stack: StackSpec, zone_ids: Mapping[str, str], account_id: str, *, stack_name: str, partition: str = "aws"
) -> Policy:
    """The policy a principal needs to run ``pulumi up``, ``refresh`` and ``destroy`` on this stack.

    ``zone_ids``: each domain's hosted zone id (``Z...``, without ``/hostedzone/``)."""
    arns = _arns(stack, zone_ids, account_id, partition, stack_name)
    by_scope: dict[Scope, set[str]] = {}
    for action in needed_actions(stack):
        if action != CHANGE_ACTION:
            by_scope.setdefault(SCOPE_OF_ACTION[action], set()).add(action)
    statements = [
        Statement(_STATEMENT_IDS[scope], tuple(sorted(actions)), arns.of(scope), _CONDITIONS.get(scope, ()))
        for scope, actions in sorted(by_scope.items(), key=lambda item: list(Scope).index(item[0]))
        if arns.of(scope)
    ]
    if CHANGE_ACTION in needed_actions(stack):
        statements += _record_change_statements(stack, arns.of(Scope.STACK_ZONE))
    passed = _unique([*arns.of(Scope.ROLE), *(role for s in stack.configuration_sets for role in _given_firehose_roles(s))])
    if passed:
        statements.append(Statement(
            "IamPassFirehoseRoleToSes", ("iam:PassRole",), passed,
            (Condition("StringEquals", "iam:PassedToService", (SES_SERVICE,)),),
        ))
    return Policy(tuple(statements))


def _record_change_statements(stack: StackSpec, zones: tuple[str, ...]) -> list[Statement]:
    statements = []
    for record_type, names in written_records(stack).items():
        operator = "ForAllValues:StringLike" if names.patterns else "ForAllValues:StringEquals"
        statements.append(Statement(
            f"Route53Write{record_type.title()}Records", (CHANGE_ACTION,), zones,
            (
                Condition("ForAllValues:StringEquals", TYPES_KEY, (record_type,)),
                Condition(operator, NAMES_KEY, tuple(sorted(names.exact | names.patterns))),
            ),
        ))
    return statements

