"""The arguments of the public ``ConfigurationSet`` component, field by field.

Plain ``TypedDict`` classes, as ``sending_domain_args``; each field is judged as the stack
config's key of the same name (``ses-domains:configurationSets``). (No ``from __future__ import
annotations`` here: the SDK's Analyzer reads these annotations as objects.)
"""

from typing import Sequence, TypedDict

import pulumi
from typing_extensions import Required


class VdmArgs(TypedDict, total=False):
    """Virtual Deliverability Manager options of the set (each left out: the account's setting applies)."""

    engagement_metrics: pulumi.Input[bool]
    """Engagement tracking (opens and clicks) in the VDM dashboard."""
    optimized_shared_delivery: pulumi.Input[bool]
    """Optimized shared delivery (VDM's Guardian)."""


class SnsDestinationArgs(TypedDict, total=False):
    """Events to an SNS topic: ``topic`` (created, with a policy that lets only SES publish for this set)
    or ``topic_arn`` (an existing topic)."""

    topic: pulumi.Input[str]
    """The name of a topic the component creates."""
    topic_arn: pulumi.Input[str]
    """The ARN of an existing topic."""


class CloudWatchDimensionArgs(TypedDict, total=False):
    """One CloudWatch dimension of the events' metrics."""

    name: Required[pulumi.Input[str]]
    """The dimension's name (required)."""
    source: Required[pulumi.Input[str]]
    """Where its value comes from: ``MESSAGE_TAG``, ``EMAIL_HEADER`` or ``LINK_TAG`` (required)."""
    default: Required[pulumi.Input[str]]
    """The value when the message has none (required)."""


class CloudWatchDestinationArgs(TypedDict, total=False):
    """Events as CloudWatch metrics."""

    dimensions: Sequence[CloudWatchDimensionArgs]
    """The metrics' dimensions (at least one)."""


class EventBridgeDestinationArgs(TypedDict, total=False):
    """Events to the account's default EventBridge bus (no option)."""


class FirehoseDestinationArgs(TypedDict, total=False):
    """Events to a Kinesis Data Firehose stream."""

    delivery_stream_arn: Required[pulumi.Input[str]]
    """The stream's ARN (required)."""
    role_arn: pulumi.Input[str]
    """The role SES assumes to put records; left out, the component creates one only SES can assume."""


class EventDestinationArgs(TypedDict, total=False):
    """One event destination of the set: exactly one of ``sns``, ``cloudwatch``, ``event_bridge`` and
    ``firehose``."""

    name: Required[pulumi.Input[str]]
    """The destination's name (required)."""
    events: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """The event types sent: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE,
    DELIVERY_DELAY, SUBSCRIPTION (required)."""
    enabled: pulumi.Input[bool]
    """Whether events are sent (default: true)."""
    sns: SnsDestinationArgs
    """To an SNS topic."""
    cloudwatch: CloudWatchDestinationArgs
    """As CloudWatch metrics."""
    event_bridge: EventBridgeDestinationArgs
    """To the default EventBridge bus."""
    firehose: FirehoseDestinationArgs
    """To a Firehose stream."""


class ConfigurationSetArgs(TypedDict, total=False):
    """An Amazon SES (v2) configuration set with its options and event destinations."""

    name: Required[pulumi.Input[str]]
    """The configuration set's name (required): letters, digits, ``_`` and ``-``, at most 64."""
    reputation_metrics: pulumi.Input[bool]
    """Reputation metrics of the messages sent with the set (default: true)."""
    sending_enabled: pulumi.Input[bool]
    """Whether SES sends messages with the set (default: true)."""
    tls_policy: pulumi.Input[str]
    """``OPTIONAL`` (default) or ``REQUIRE`` (TLS to the receiver, else the message is not delivered)."""
    max_delivery_seconds: pulumi.Input[int]
    """How long SES tries to deliver, 300 to 50400 seconds (default: SES's own)."""
    suppressed_reasons: pulumi.Input[Sequence[pulumi.Input[str]]]
    """The suppression list reasons: ``BOUNCE``, ``COMPLAINT``; ``[]`` turns suppression off for the set;
    left out: the account's setting."""
    tracking_domain: pulumi.Input[str]
    """A custom domain for open and click tracking links, such as ``click.example.com``: it must be under a
    verified identity (pass ``depends_on`` on that domain's verification) and point at SES's tracking
    endpoint (a CNAME with ``https_policy`` OPTIONAL, which this component does not write)."""
    https_policy: pulumi.Input[str]
    """HTTPS for the tracking domain: ``OPTIONAL`` (default), ``REQUIRE`` or ``REQUIRE_OPEN_ONLY``."""
    sending_pool: pulumi.Input[str]
    """The dedicated IP pool the set sends from (its name)."""
    vdm: VdmArgs
    """Virtual Deliverability Manager options."""
    event_destinations: Sequence[EventDestinationArgs]
    """Where SES sends the set's email events."""
    region: pulumi.Input[str]
    """The SES region of the AWS provider the resources use (default: ``aws:region``, then ``AWS_REGION``)."""
