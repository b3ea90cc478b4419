"""The ConfigurationSet component: an SES configuration set, its event destinations and their sinks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.configuration_sets import (
    CloudWatchSink,
    ConfigurationSetSpec,
    EventBridgeSink,
    EventDestinationSpec,
    FirehoseSink,
    SnsSink,
)
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.configuration_set_policies import (
    default_event_bus_arn,
    firehose_put_policy,
    firehose_trust_policy,
    sns_topic_policy,
)
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.set_options import SuppressionOff
from ses_domains.deploy.tracking_records import TrackingRecord, plan_tracking_records
from ses_domains.deploy.zones import HostedZone

_ns = aws.sesv2
Destination = _ns.ConfigurationSetEventDestinationEventDestinationArgs


@dataclass
class ConfigurationSetArgs:
    spec: ConfigurationSetSpec
    region: str
    tracking: Optional[TrackingRecord] = None
    """The tracking domain's CNAME and its zone; ``None``: the stack does not write it."""
    profile: Optional[str] = None
    """``aws:profile``, for the dynamic resources that call SES themselves (``set_options``)."""
    sending_pool: Optional[aws.sesv2.DedicatedIpPool] = None
    """The stack's pool that ``spec.sending_pool`` names; ``None``: an existing pool, or none."""

IAM_ROLE_NAME_LIMIT = 64
ROLE_NAME_HASH_LENGTH = 8


def firehose_role_name(configuration_set: str, destination: str) -> str:
    """The IAM role a Firehose destination without ``roleArn`` gets: readable, at most 64
    characters (IAM's limit; Pulumi's auto-name would add 8 to a name that can already be 133),
    and unique per project, stack, region, set and destination (IAM names are global to the
    account, SES names only to a region): ``ses-<set>-<destination>`` cut to fit, then a hash."""
    readable = f"ses-{configuration_set}-{destination}"
    digest = hashlib.sha256(
        "/".join((pulumi.get_project(), pulumi.get_stack(), _stack_region(), configuration_set, destination)).encode()
    ).hexdigest()[:ROLE_NAME_HASH_LENGTH]
    return f"{readable[:IAM_ROLE_NAME_LIMIT - ROLE_NAME_HASH_LENGTH - 1]}-{digest}"


def _stack_region() -> str:
    return pulumi.Config("aws").get("region") or ""


class ConfigurationSet(pulumi.ComponentResource):
    """An SESv2 configuration set with every option block, and one event destination per entry.

    A topic given by name is created with a policy that lets only SES publish, for this set of
    this account; a Firehose destination without a role gets one that only SES can assume, for
    this set, and that may only put records to that stream.

    Outputs: ``arn``, ``configuration_set_name`` and ``summary`` (what the stack exports).
    """

    configuration_set: aws.sesv2.ConfigurationSet
    tracking_record: Optional[aws.route53.Record]
    """The tracking domain's CNAME, when the stack writes it."""
    arn: pulumi.Output[str]
    configuration_set_name: pulumi.Output[str]
    topics: dict[str, aws.sns.Topic]
    summary: dict

    def __init__(self, name: str, args: ConfigurationSetArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ses-domains:index:ConfigurationSet", name, None, opts)
        spec = args.spec
        self._region = args.region
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
            topic = aws.sns.Topic(f"{name}-topic-{topic_name}", name=topic_name, opts=pulumi.ResourceOptions(parent=self))
            self.topics[topic_name] = topic
            topic_policies[topic_name] = aws.sns.TopicPolicy(
                f"{name}-topic-{topic_name}",
                arn=topic.arn,
                policy=pulumi.Output.all(topic.arn, self._account_id(), self.arn).apply(
                    lambda values: json.dumps(sns_topic_policy(*values))
                ),
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
        self, name: str, destination: EventDestinationSpec, topic_policies: dict[str, aws.sns.TopicPolicy]
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
                name=firehose_role_name(self.spec.name, destination.name),
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
                    policy=json.dumps(firehose_put_policy(sink.delivery_stream_arn)),
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
        spec.name: ConfigurationSet(
            spec.name,
            ConfigurationSetArgs(spec=spec, region=stack.region, tracking=plan.records.get(spec.name),
                                 profile=stack.profile, sending_pool=(pools or {}).get(spec.sending_pool or "")),
        )
        for spec in stack.configuration_sets
    }
