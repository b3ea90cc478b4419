"""The ConfigurationSet component: an SES configuration set, its event destinations and their sinks."""

# No ``from __future__ import annotations``: the SDK's Analyzer reads the component's annotations
# (its outputs) and ``__init__``'s ``args`` as objects to infer the package schema.
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.arguments import ARGS_ROOT, argument_problem, as_config, snake
from ses_domains.config.configuration_sets import (
    CONFIGURATION_SET_KEYS,
    DESTINATION_KEYS,
    DIMENSION_KEYS,
    FIREHOSE_KEYS,
    SNS_KEYS,
    SINK_ARNS,
    VDM_KEYS,
    read_configuration_set,
    sink_arn_problem,
    CloudWatchSink,
    ConfigurationSetSpec,
    EventBridgeSink,
    EventDestinationSpec,
    FirehoseSink,
    SnsSink,
)
from ses_domains.config.errors import ArgumentError, Problem, Problems
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.configuration_set_policies import (
    default_event_bus_arn,
    firehose_put_policy,
    firehose_trust_policy,
    sns_topic_policy,
)
from ses_domains.deploy.configuration_set_args import ConfigurationSetArgs
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.sending_domain_arguments import is_unknown, provider_region, refuse_outputs
from ses_domains.deploy.set_options import SuppressionOff, TrackingOptions
from ses_domains.deploy.tracking_records import TrackingRecord, plan_tracking_records
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.ses import tracking_endpoint


_ns = aws.sesv2
Destination = _ns.ConfigurationSetEventDestinationEventDestinationArgs


@dataclass
class ConfigurationSetPlan:
    """What the component declares: the set's spec, read from its arguments or the stack config."""

    spec: ConfigurationSetSpec
    region: str
    tracking: Optional[TrackingRecord] = None
    """The tracking domain's CNAME and its zone; ``None``: the stack does not write it."""
    profile: Optional[str] = None
    """``aws:profile``, for the dynamic resources that call SES themselves (``set_options``)."""
    sending_pool: Optional[aws.sesv2.DedicatedIpPool] = None
    """The stack's pool that ``spec.sending_pool`` names; ``None``: an existing pool, or none."""
    own_tracking_options: bool = False
    """Set ``spec.tracking_domain`` here (public use), not through ``declare_tracking_options`` (the stack)."""
    declared_region: Optional[str] = None
    """``region`` of each resource (pulumi-aws 7's per-resource region): a global endpoint's secondary
    region; ``None``: the provider's region (the resources of a stack's own sets name none)."""


COMPONENT = "ConfigurationSet"
VOCABULARY = frozenset(CONFIGURATION_SET_KEYS + VDM_KEYS + DESTINATION_KEYS + SNS_KEYS + DIMENSION_KEYS + FIREHOSE_KEYS)


def read_configuration_set_args(args: Any, *, aws_config: Optional[pulumi.Config] = None) -> ConfigurationSetPlan:
    """The arguments as the config's reader judges a ``configurationSets`` entry; ``ArgumentError``
    lists every problem under its argument path (``event_destinations[0].events[1]``)."""
    problems = Problems()
    if not isinstance(args, Mapping):
        raise ArgumentError(COMPONENT, [Problem("args", f"must be ConfigurationSetArgs(name=...), got "
                                                        f"{type(args).__name__}")])
    region = provider_region(args.get("region"), aws_config or pulumi.Config("aws"), problems)
    refuse_outputs(args, problems, may_wait=_ARNS_KNOWN_LATER)
    raw = as_config({k: v for k, v in args.items() if k != "region"})
    later = _arns_known_later(raw)
    found = Problems()
    warnings: list[str] = []
    spec = read_configuration_set(raw, ARGS_ROOT, found, warnings)
    problems.found.extend(argument_problem(problem, VOCABULARY) for problem in found.found)
    if problems.found or spec is None or region is None:
        raise ArgumentError(COMPONENT, problems.found)
    if later:
        spec = replace(spec, event_destinations=tuple(
            replace(destination, sink=replace(destination.sink, **{
                snake(key): _judged_later(f"event_destinations[{index}].{sink}.{snake(key)}", key, value)
                for (at, sink, key), value in later.items() if at == index}))
            for index, destination in enumerate(spec.event_destinations)))
    for warning in warnings:
        pulumi.log.warn(f"{COMPONENT} {spec.name}: {argument_problem(Problem(ARGS_ROOT, warning), VOCABULARY).message}")
    return ConfigurationSetPlan(spec=spec, region=region, profile=(aws_config or pulumi.Config("aws")).get("profile"),
                                own_tracking_options=True)

IAM_ROLE_NAME_LIMIT = 64
ROLE_NAME_HASH_LENGTH = 8


def firehose_role_name(configuration_set: str, destination: str, region: Optional[str] = None) -> str:
    """The IAM role a Firehose destination without ``roleArn`` gets: readable, at most 64
    characters (IAM's limit; Pulumi's auto-name would add 8 to a name that can already be 133),
    and unique per project, stack, region, set and destination (IAM names are global to the
    account, SES names only to a region): ``ses-<set>-<destination>`` cut to fit, then a hash.
    ``region``: the set's, when it is not the stack's (a global endpoint's secondary region)."""
    readable = f"ses-{configuration_set}-{destination}"
    digest = hashlib.sha256(
        "/".join((pulumi.get_project(), pulumi.get_stack(), region or _stack_region(), configuration_set, destination)).encode()
    ).hexdigest()[:ROLE_NAME_HASH_LENGTH]
    return f"{readable[:IAM_ROLE_NAME_LIMIT - ROLE_NAME_HASH_LENGTH - 1]}-{digest}"


def _stack_region() -> str:
    return pulumi.Config("aws").get("region") or ""


_ARNS_KNOWN_LATER = frozenset(snake(key) for key in SINK_ARNS)
"""Arguments that may be ``Output`` s (a topic, stream or role of the same program): judged when known."""


def _arns_known_later(raw: dict) -> dict[tuple[int, str, str], pulumi.Output]:
    """The destinations' ARNs that are ``Output`` s, by (destination, sink, key); each replaced in
    ``raw`` by an ARN of the right shape, so that the rest of the entry is judged now."""
    later = {}
    destinations = raw.get("eventDestinations")
    for index, destination in enumerate(destinations if isinstance(destinations, list) else ()):
        for sink, block in (destination.items() if isinstance(destination, dict) else ()):
            for key in (k for k in SINK_ARNS if isinstance(block, dict) and is_unknown(block.get(k))):
                later[(index, sink, key)] = block[key]
                block[key] = _SHAPED[key]
    return later


_SHAPED = {
    "topicArn": "arn:aws:sns:us-east-1:000000000000:known-later",
    "deliveryStreamArn": "arn:aws:firehose:us-east-1:000000000000:deliverystream/known-later",
    "roleArn": "arn:aws:iam::000000000000:role/known-later",
}


def _judged_later(path: str, key: str, value: pulumi.Output) -> pulumi.Output:
    def judged(arn: Any) -> Any:
        problem = sink_arn_problem(key, arn)
        if problem:
            raise ArgumentError(COMPONENT, [Problem(path, problem)])
        return arn

    return pulumi.Output.from_input(value).apply(judged)


class ConfigurationSet(pulumi.ComponentResource):
    """An Amazon SES (v2) configuration set with every option block, and one event destination per entry.

    A topic given by name is created with a policy that lets only SES publish, for this set of
    this account; a Firehose destination without a role gets one that only SES can assume, for
    this set, and that may only put records to that stream.

    Outputs: ``arn``, ``configuration_set_name`` and ``summary`` (what the stack exports).
    """

    # Only the outputs are annotated (the Analyzer makes each annotation a schema output). Also set:
    # ``configuration_set``, ``tracking_record`` (the tracking domain's CNAME, when the stack writes
    # it), ``topics`` (the topics created, by name) and ``summary`` (what the stack exports).
    arn: pulumi.Output[str]
    """The configuration set's ARN."""
    configuration_set_name: pulumi.Output[str]
    """The configuration set's name."""

    def __init__(self, name: str, args: ConfigurationSetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Judged before the component is registered: bad arguments declare nothing.
        self._declare(name, read_configuration_set_args(args), opts)

    @classmethod
    def in_stack(
        cls, name: str, plan: ConfigurationSetPlan, opts: Optional[pulumi.ResourceOptions] = None
    ) -> "ConfigurationSet":
        """A set of the stack-config program: read with the stack, with its tracking record planned."""
        component = cls.__new__(cls)
        component._declare(name, plan, opts)
        return component

    def _declare(self, name: str, args: ConfigurationSetPlan, opts: Optional[pulumi.ResourceOptions]) -> None:
        super().__init__("ses-domains:index:ConfigurationSet", name, None, opts)
        spec = args.spec
        self._region = args.region
        self._declared_region = args.declared_region
        region = args.declared_region
        self._account: Optional[pulumi.Output[str]] = None
        self._partition: Optional[pulumi.Output[str]] = None

        self.spec = spec
        # SES names configuration sets itself: a replacement must delete the old one first. The
        # tracking options are not set here but by TrackingOptions (see deploy/set_options.py),
        # after the parent identity verifies; ignored so that the provider never clears them.
        self.configuration_set = aws.sesv2.ConfigurationSet(
            name,
            configuration_set_name=spec.name,
            delivery_options=aws.sesv2.ConfigurationSetDeliveryOptionsArgs(
                tls_policy=spec.tls_policy,
                max_delivery_seconds=spec.max_delivery_seconds,
                sending_pool_name=args.sending_pool.pool_name if args.sending_pool is not None else spec.sending_pool,
            ),
            reputation_options=aws.sesv2.ConfigurationSetReputationOptionsArgs(
                reputation_metrics_enabled=spec.reputation_metrics,
            ),
            sending_options=aws.sesv2.ConfigurationSetSendingOptionsArgs(sending_enabled=spec.sending_enabled),
            suppression_options=(
                aws.sesv2.ConfigurationSetSuppressionOptionsArgs(suppressed_reasons=list(spec.suppressed_reasons))
                if spec.suppressed_reasons is not None
                else None
            ),
            vdm_options=_vdm_options(spec),
            region=region,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True, ignore_changes=["trackingOptions"]),
        )
        self.arn = self.configuration_set.arn
        self.configuration_set_name = self.configuration_set.configuration_set_name
        if spec.suppressed_reasons == ():
            SuppressionOff(f"{name}-suppression-off", self.configuration_set_name, args.region, args.profile,
                           opts=pulumi.ResourceOptions(parent=self))

        self.topics = {}
        topic_policies: dict[str, aws.sns.TopicPolicy] = {}
        for topic_name in spec.created_topics:
            topic = aws.sns.Topic(f"{name}-topic-{topic_name}", name=topic_name, region=region,
                                  opts=pulumi.ResourceOptions(parent=self))
            self.topics[topic_name] = topic
            topic_policies[topic_name] = aws.sns.TopicPolicy(
                f"{name}-topic-{topic_name}",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, self._account_id(), self.arn).apply(
                    lambda values: json.dumps(sns_topic_policy(*values))
                ),
                region=region,
                opts=pulumi.ResourceOptions(parent=self),
            )

        destinations: dict[str, dict] = {}
        for destination in spec.event_destinations:
            sink_args, target, needs = self._sink(name, destination, topic_policies)
            aws.sesv2.ConfigurationSetEventDestination(
                f"{name}-{destination.name}",
                configuration_set_name=self.configuration_set_name,
                event_destination_name=destination.name,
                event_destination=Destination(
                    matching_event_types=list(destination.events), enabled=destination.enabled, **sink_args
                ),
                region=region,
                # SES checks that it may publish when the destination is created: the topic
                # policy or the role's permissions must exist first.
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True, depends_on=list(needs)),
            )
            destinations[destination.name] = {
                "events": list(destination.events),
                "enabled": destination.enabled,
                "sink": _sink_kind(destination),
                **({"target": target} if target is not None else {}),
            }

        tracking: Optional[dict] = None
        self.tracking_record = None
        if args.tracking is not None:
            self.tracking_record = declare_known_record(f"{name}-tracking", args.tracking.zone, self, args.tracking.record)
            tracking = record_output(args.tracking.record, args.tracking.zone)

        if args.own_tracking_options and spec.tracking_domain:
            if spec.https_policy == "OPTIONAL":
                pulumi.log.warn(
                    f"{COMPONENT} {spec.name}: tracking_domain {spec.tracking_domain} must point at SES: create "
                    f"{spec.tracking_domain} CNAME {tracking_endpoint(args.region)} (this component does not write it)"
                )
            TrackingOptions(
                f"{spec.name}-tracking-options", self.configuration_set_name, spec.tracking_domain,
                spec.https_policy or "OPTIONAL", args.region, args.profile,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.configuration_set]),
            )

        self.summary = {
            "arn": self.arn,
            "eventDestinations": destinations,
            "topicArns": {topic_name: topic.arn for topic_name, topic in self.topics.items()},
            **({"trackingRecord": tracking} if tracking else {}),
        }
        self.register_outputs({"arn": self.arn, "summary": self.summary})

    def _account_id(self) -> pulumi.Output[str]:
        if self._account is None:
            self._account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        return self._account

    def _partition_name(self) -> pulumi.Output[str]:
        if self._partition is None:
            self._partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition
        return self._partition

    def _sink(
        self, name: str, destination: EventDestinationSpec, topic_policies: "dict[str, aws.sns.TopicPolicy]"
    ) -> tuple[dict, Optional[pulumi.Input[str]], Iterable[pulumi.Resource]]:
        """The destination block's keyword arguments, the ARN events go to, and what must exist first."""
        sink = destination.sink
        if isinstance(sink, SnsSink):
            if sink.topic_name:
                arn: pulumi.Input[str] = self.topics[sink.topic_name].arn
                needs = [topic_policies[sink.topic_name]]
            else:
                arn, needs = sink.topic_arn or "", []
            return {"sns_destination": _ns.ConfigurationSetEventDestinationEventDestinationSnsDestinationArgs(topic_arn=arn)}, arn, needs
        if isinstance(sink, CloudWatchSink):
            dimensions = [
                _ns.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationDimensionConfigurationArgs(
                    dimension_name=d.name, dimension_value_source=d.source, default_dimension_value=d.default
                )
                for d in sink.dimensions
            ]
            cloud_watch = _ns.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationArgs(
                dimension_configurations=dimensions
            )
            return {"cloud_watch_destination": cloud_watch}, None, []
        if isinstance(sink, EventBridgeSink):
            bus = pulumi.Output.all(self._partition_name(), self._account_id()).apply(
                lambda values: default_event_bus_arn(values[0], self._region, values[1])
            )
            return {"event_bridge_destination": _ns.ConfigurationSetEventDestinationEventDestinationEventBridgeDestinationArgs(event_bus_arn=bus)}, bus, []
        assert isinstance(sink, FirehoseSink)
        needs: list[pulumi.Resource] = []
        role_arn: pulumi.Input[str]
        if sink.role_arn:
            role_arn = sink.role_arn
        else:
            role = aws.iam.Role(
                f"{name}-{destination.name}-firehose",
                name=firehose_role_name(self.spec.name, destination.name, self._declared_region),
                description=f"SES configuration set {destination.name} puts email events to its Firehose stream",
                assume_role_policy=pulumi.Output.all(self._account_id(), self.arn).apply(
                    lambda values: json.dumps(firehose_trust_policy(*values))
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            needs.append(
                aws.iam.RolePolicy(
                    f"{name}-{destination.name}-firehose",
                    # Policy names are per role; an auto-name from long set and destination names
                    # would pass IAM's 128 characters.
                    name="ses-firehose-put-records",
                    role=role.id,
                    policy=(pulumi.Output.from_input(sink.delivery_stream_arn).apply(
                        lambda arn: json.dumps(firehose_put_policy(arn)))
                        if is_unknown(sink.delivery_stream_arn) else json.dumps(firehose_put_policy(sink.delivery_stream_arn))),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
            role_arn = role.arn
        return (
            {
                "kinesis_firehose_destination": _ns.ConfigurationSetEventDestinationEventDestinationKinesisFirehoseDestinationArgs(
                    delivery_stream_arn=sink.delivery_stream_arn, iam_role_arn=role_arn
                )
            },
            sink.delivery_stream_arn,
            needs,
        )


def _sink_kind(destination: EventDestinationSpec) -> str:
    return {SnsSink: "sns", CloudWatchSink: "cloudwatch", EventBridgeSink: "eventBridge", FirehoseSink: "firehose"}[
        type(destination.sink)
    ]


def _vdm_options(spec: ConfigurationSetSpec) -> Optional[aws.sesv2.ConfigurationSetVdmOptionsArgs]:
    if spec.vdm is None:
        return None
    engagement, optimized = spec.vdm.engagement_metrics_status, spec.vdm.optimized_shared_delivery_status
    return aws.sesv2.ConfigurationSetVdmOptionsArgs(
        dashboard_options=(
            aws.sesv2.ConfigurationSetVdmOptionsDashboardOptionsArgs(engagement_metrics=engagement) if engagement else None
        ),
        guardian_options=(
            aws.sesv2.ConfigurationSetVdmOptionsGuardianOptionsArgs(optimized_shared_delivery=optimized)
            if optimized
            else None
        ),
    )


def declare_configuration_sets(
    stack: StackSpec,
    zones: dict[str, HostedZone],
    pools: Optional[Mapping[str, aws.sesv2.DedicatedIpPool]] = None,
) -> dict[str, ConfigurationSet]:
    """One component per configuration set of the stack, keyed by name; the tracking CNAMEs as
    ``tracking_records.plan_tracking_records`` decides (its warnings are shown here). A set whose
    ``sendingPool`` is one of ``pools`` (the stack's, by name) sends through that resource."""
    plan = plan_tracking_records(stack, zones)
    for warning in plan.warnings:
        pulumi.log.warn(warning)
    return {
        spec.name: ConfigurationSet.in_stack(
            spec.name,
            ConfigurationSetPlan(spec=spec, region=stack.region, tracking=plan.records.get(spec.name),
                                 profile=stack.profile, sending_pool=(pools or {}).get(spec.sending_pool or "")),
        )
        for spec in stack.configuration_sets
    }
