"""``ses-domains:configurationSets``: SES configuration sets and where their events go.

Each entry becomes a frozen ``ConfigurationSetSpec``. The rules are SES's own (names, event
types, CloudWatch dimension names and values, delivery time range) so that a mistake is reported
at preview under its key instead of by the SES API halfway through an update.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ses_domains.config.arns import arn_problem
from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, first_of_each_name, as_text, describe, one_of

CONFIGURATION_SET_KEYS = (
    "name",
    "reputationMetrics",
    "sendingEnabled",
    "tlsPolicy",
    "maxDeliverySeconds",
    "suppressedReasons",
    "trackingDomain",
    "httpsPolicy",
    "sendingPool",
    "vdm",
    "eventDestinations",
)
VDM_KEYS = ("engagementMetrics", "optimizedSharedDelivery")
DESTINATION_KEYS = ("name", "events", "enabled", "sns", "cloudwatch", "eventBridge", "firehose")
SINKS = ("sns", "cloudwatch", "eventBridge", "firehose")
SNS_KEYS = ("topic", "topicArn")
CLOUDWATCH_KEYS = ("dimensions",)
DIMENSION_KEYS = ("name", "source", "default")
EVENT_BRIDGE_KEYS: tuple[str, ...] = ()
FIREHOSE_KEYS = ("deliveryStreamArn", "roleArn")

EVENT_TYPES = (
    "SEND",
    "REJECT",
    "BOUNCE",
    "COMPLAINT",
    "DELIVERY",
    "OPEN",
    "CLICK",
    "RENDERING_FAILURE",
    "DELIVERY_DELAY",
    "SUBSCRIPTION",
)
TLS_POLICIES = ("REQUIRE", "OPTIONAL")
HTTPS_POLICIES = ("REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL")
SUPPRESSION_REASONS = ("BOUNCE", "COMPLAINT")
DIMENSION_SOURCES = ("MESSAGE_TAG", "EMAIL_HEADER", "LINK_TAG")
MIN_DELIVERY_SECONDS = 300
MAX_DELIVERY_SECONDS = 50400
FEEDBACK_EVENTS = ("BOUNCE", "COMPLAINT")
"""The events a domain must still deliver somewhere when it turns SES's feedback emails off."""

_SES_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Configuration sets, event destinations and dedicated IP pools: letters, digits, _ and -, at most 64."""
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
"""Standard SNS topic names."""
_DIMENSION_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
"""SESv2's rule for a CloudWatch dimension name and for its default value: ASCII letters, digits,
``_`` and ``-``, at most 255 characters. botocore's sesv2 model gives ``DimensionName`` and
``DefaultDimensionValue`` no pattern or length; the rule is in the documentation of both shapes
(the model's text, as in the SESv2 API reference). SES v1 also allowed ``.`` and ``@``; SESv2 does not."""
_AUTO_TAG = re.compile(r"^ses:[a-z0-9-]{1,251}$")
"""SES auto-tags (``ses:configuration-set``, ``ses:from-domain``...) may name MESSAGE_TAG dimensions."""
_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_ACCOUNT = r"\d{12}"
_SNS_ARN = re.compile(rf"^arn:{_PARTITION}:sns:{_REGION}:{_ACCOUNT}:[A-Za-z0-9_-]{{1,256}}(?:\.fifo)?$")
_FIREHOSE_ARN = re.compile(rf"^arn:{_PARTITION}:firehose:{_REGION}:{_ACCOUNT}:deliverystream/[A-Za-z0-9_.-]{{1,64}}$")
_ROLE_ARN = re.compile(rf"^arn:{_PARTITION}:iam::{_ACCOUNT}:role/(?:[\x21-\x7e]+/)?[A-Za-z0-9+=,.@_-]{{1,64}}$")


@dataclass(frozen=True)
class Dimension:
    name: str
    source: str
    default: str


@dataclass(frozen=True)
class SnsSink:
    topic_name: Optional[str] = None
    """A topic the stack creates (with a policy that lets only this configuration set publish)."""
    topic_arn: Optional[str] = None
    """An existing topic; its policy is its owner's business."""


@dataclass(frozen=True)
class CloudWatchSink:
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class EventBridgeSink:
    """The default event bus of the account and region (the only bus SES publishes to)."""


@dataclass(frozen=True)
class FirehoseSink:
    delivery_stream_arn: str
    role_arn: Optional[str] = None
    """``None``: the stack creates a role that only SES, for this configuration set, can assume."""


Sink = SnsSink | CloudWatchSink | EventBridgeSink | FirehoseSink


@dataclass(frozen=True)
class EventDestinationSpec:
    key: str
    name: str
    events: tuple[str, ...]
    enabled: bool
    sink: Sink

    @property
    def notifies(self) -> bool:
        """True when each event reaches someone as a message (not only as a CloudWatch count)."""
        return self.enabled and not isinstance(self.sink, CloudWatchSink)


def feature_status(enabled: Optional[bool]) -> Optional[str]:
    """SES's FeatureStatus for a boolean of the config; ``None`` (left out) stays unsent."""
    return None if enabled is None else ("ENABLED" if enabled else "DISABLED")


@dataclass(frozen=True)
class VdmSpec:
    engagement_metrics: Optional[bool]
    optimized_shared_delivery: Optional[bool]

    @property
    def engagement_metrics_status(self) -> Optional[str]:
        return feature_status(self.engagement_metrics)

    @property
    def optimized_shared_delivery_status(self) -> Optional[str]:
        return feature_status(self.optimized_shared_delivery)


@dataclass(frozen=True)
class ConfigurationSetSpec:
    key: str
    """The config key of this entry (``ses-domains:configurationSets[0]``), for messages about it."""
    name: str
    reputation_metrics: bool
    sending_enabled: bool
    tls_policy: str
    max_delivery_seconds: Optional[int]
    suppressed_reasons: Optional[tuple[str, ...]]
    """``None``: the account-level suppression list applies; ``()``: no suppression for this set."""
    tracking_domain: Optional[str]
    https_policy: Optional[str]
    sending_pool: Optional[str]
    vdm: Optional[VdmSpec]
    event_destinations: tuple[EventDestinationSpec, ...]

    def notified_events(self) -> set[str]:
        """The events some enabled SNS, EventBridge or Firehose destination receives."""
        return {event for d in self.event_destinations if d.notifies for event in d.events}

    @property
    def created_topics(self) -> tuple[str, ...]:
        """Names of the SNS topics the stack creates for this set, each once, in config order."""
        names: list[str] = []
        for destination in self.event_destinations:
            sink = destination.sink
            if isinstance(sink, SnsSink) and sink.topic_name and sink.topic_name not in names:
                names.append(sink.topic_name)
        return tuple(names)


def check_ses_name(value: Any, what: str) -> Optional[str]:
    """The problem with a configuration set / destination / pool name, or ``None`` when it is fine.

    A whole number (YAML's reading of ``name: 2024``) is the name its digits spell: pass the value
    through ``as_text`` before using it."""
    value = as_text(value)
    if not isinstance(value, str) or not _SES_NAME.match(value):
        return f"{describe(value)} is not a valid {what} name: use letters, digits, _ and -, at most 64 characters"
    return None


@dataclass(frozen=True)
class ConfigurationSets:
    """What ``ses-domains:configurationSets`` declares."""

    specs: tuple[ConfigurationSetSpec, ...] = ()
    """Every valid entry, in config order."""
    names_with_problems: frozenset[str] = frozenset()
    """Names of entries left out for a problem already reported: a domain naming one of them is
    not told that the set does not exist."""


def read_configuration_sets(raw: Any, key: str, problems: Problems, warnings: list[str]) -> ConfigurationSets:
    """Every valid entry of the list (bad entries are reported and left out)."""
    if raw is None:
        return ConfigurationSets()
    if not isinstance(raw, list):
        problems.add(key, f"must be a list of configuration sets, each at least {{name: transactional}}, got {describe(raw)}")
        return ConfigurationSets()
    specs: list[ConfigurationSetSpec] = []
    with_problems: set[str] = set()
    for index, item in enumerate(raw):
        spec = read_configuration_set(item, f"{key}[{index}]", problems, warnings)
        if spec is None:
            name = as_text(item.get("name")) if isinstance(item, dict) else None
            if isinstance(name, str):
                with_problems.add(name)
            continue
        specs.append(spec)
    return ConfigurationSets(tuple(first_of_each_name(specs, "configuration set", problems)), frozenset(with_problems))


def read_configuration_set(
    raw: Any, key: str, problems: Problems, warnings: list[str]
) -> Optional[ConfigurationSetSpec]:
    before = len(problems.found)
    section = Section(raw, key, problems, CONFIGURATION_SET_KEYS)
    name = _name(section, "name", "configuration set", example="transactional")
    tracking_domain = _tracking_domain(section)
    https_policy = section.choice("httpsPolicy", HTTPS_POLICIES)
    if https_policy and not section.has("trackingDomain"):
        section.problem("httpsPolicy", "applies only with trackingDomain: set trackingDomain or remove this key")
    if tracking_domain and https_policy is None:
        https_policy = "OPTIONAL"
    sending_pool = None
    if section.has("sendingPool"):
        sending_pool = as_text(section.raw["sendingPool"])
        error = check_ses_name(sending_pool, "dedicated IP pool")
        if error:
            section.problem("sendingPool", error)
    spec = ConfigurationSetSpec(
        key=key,
        name=name or "",
        reputation_metrics=section.boolean("reputationMetrics", default=True),
        sending_enabled=section.boolean("sendingEnabled", default=True),
        tls_policy=section.choice("tlsPolicy", TLS_POLICIES, default="OPTIONAL") or "OPTIONAL",
        max_delivery_seconds=section.integer(
            "maxDeliverySeconds", default=None, minimum=MIN_DELIVERY_SECONDS, maximum=MAX_DELIVERY_SECONDS
        ),
        suppressed_reasons=read_suppressed_reasons(section),
        tracking_domain=tracking_domain,
        https_policy=https_policy if tracking_domain else None,
        sending_pool=sending_pool,
        vdm=_vdm(section),
        event_destinations=_event_destinations(section),
    )
    if not spec.sending_enabled:
        warnings.append(f"{section.path('sendingEnabled')}: SES refuses every message sent with {spec.name}")
    if len(problems.found) != before or name is None:
        return None
    return spec


def _name(section: Section, key: str, what: str, *, example: str) -> Optional[str]:
    raw = as_text(section.raw.get(key))
    if raw is None:
        section.problem(key, f"is required: the {what} name, such as {example}")
        return None
    error = check_ses_name(raw, what)
    if error:
        section.problem(key, error)
        return None
    return raw


def _tracking_domain(section: Section) -> Optional[str]:
    raw = section.raw.get("trackingDomain")
    if raw is None:
        return None
    try:
        return normalize_domain(raw)
    except InvalidDomainName as error:
        section.problem("trackingDomain", f"{error}; expected a domain name such as click.example.com")
        return None


def read_suppressed_reasons(section: Section) -> Optional[tuple[str, ...]]:
    """``suppressedReasons`` of a configuration set or of the account: ``None`` when left out,
    ``()`` for ``[]`` (suppression off)."""
    if "suppressedReasons" not in section.raw:
        return None
    if not isinstance(section.raw["suppressedReasons"], list):
        section.problem(
            "suppressedReasons",
            f"must be a list of {', '.join(SUPPRESSION_REASONS)} ([] turns suppression off), "
            f"got {describe(section.raw['suppressedReasons'])}",
        )
        return None
    return section.distinct_choices(
        "suppressedReasons", SUPPRESSION_REASONS,
        lambda item: f"must be {one_of(SUPPRESSION_REASONS)}, got {describe(item)}",
    )


def _vdm(section: Section) -> Optional[VdmSpec]:
    vdm = section.section("vdm", VDM_KEYS)
    return None if vdm is None else read_vdm_features(vdm)


def read_vdm_features(vdm: Section) -> VdmSpec:
    """The VDM features of a ``vdm`` block (of a configuration set or of the account), each
    ``None`` when left out; an empty block is reported, naming every key the block knows."""
    engagement = vdm.boolean("engagementMetrics", default=None) if vdm.has("engagementMetrics") else None  # type: ignore[arg-type]
    optimized = (
        vdm.boolean("optimizedSharedDelivery", default=None)  # type: ignore[arg-type]
        if vdm.has("optimizedSharedDelivery")
        else None
    )
    if not vdm.raw:
        vdm.problems.add(vdm.key, f"must set at least one of {', '.join(vdm.known)} (true or false), or be left out")
    return VdmSpec(engagement_metrics=engagement, optimized_shared_delivery=optimized)


def _event_destinations(section: Section) -> tuple[EventDestinationSpec, ...]:
    raw = section.raw.get("eventDestinations")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        section.problem("eventDestinations", f"must be a list of event destinations, got {describe(raw)}")
        return ()
    read = (_event_destination(Section(item, key, section.problems, DESTINATION_KEYS))
            for key, item in section.items("eventDestinations"))
    return tuple(first_of_each_name((d for d in read if d is not None), "event destination", section.problems))


def _event_destination(section: Section) -> Optional[EventDestinationSpec]:
    before = len(section.problems.found)
    name = _name(section, "name", "event destination", example="bounces")
    events = _events(section)
    enabled = section.boolean("enabled", default=True)
    given = [sink for sink in SINKS if sink in section.raw]
    sink: Optional[Sink] = None
    if not given:
        section.problems.add(section.key, f"needs one destination: {one_of(SINKS)}")
    elif len(given) > 1:
        section.problems.add(
            section.key, f"has {len(given)} destinations ({', '.join(given)}): give exactly one; make one entry per destination"
        )
    else:
        sink = _SINK_READERS[given[0]](section, given[0])
    if len(section.problems.found) != before or name is None or sink is None:
        return None
    return EventDestinationSpec(key=section.key, name=name, events=events, enabled=enabled, sink=sink)


def _events(section: Section) -> tuple[str, ...]:
    raw = section.raw.get("events")
    if raw is None or raw == []:
        section.problem("events", f"is required: a list of SES event types ({', '.join(EVENT_TYPES)})")
        return ()
    return section.distinct_choices("events", EVENT_TYPES, _unknown_event_type)


def _unknown_event_type(item: object) -> str:
    upper = item.upper().replace("-", "_").replace(" ", "_") if isinstance(item, str) else None
    hint = f"; did you mean {upper}?" if upper in EVENT_TYPES else ""
    return f"{describe(item)} is not an SES event type{hint} ({one_of(EVENT_TYPES)})"


def _sink_section(section: Section, name: str, known: tuple[str, ...]) -> Optional[Section]:
    raw = section.raw.get(name)
    if raw is None:
        raw = {}
    return Section(raw, section.path(name), section.problems, known)


def _sns(section: Section, name: str) -> Optional[Sink]:
    sns = _sink_section(section, name, SNS_KEYS)
    if sns is None:
        return None
    if sns.has("topic") and sns.has("topicArn"):
        sns.problems.add(sns.key, "gives the topic both by name (topic) and by ARN (topicArn): keep one")
        return None
    if sns.has("topic"):
        topic = as_text(sns.raw["topic"])
        if not isinstance(topic, str) or not _TOPIC_NAME.match(topic):
            sns.problem(
                "topic",
                f"{describe(topic)} is not a valid SNS topic name: use letters, digits, _ and -, at most 256 "
                "characters (an existing topic is given by topicArn)",
            )
            return None
        return SnsSink(topic_name=topic)
    if sns.has("topicArn"):
        arn = _arn(sns, "topicArn", *SINK_ARNS["topicArn"])
        return SnsSink(topic_arn=arn) if arn else None
    sns.problems.add(sns.key, "needs topic (a topic the stack creates) or topicArn (an existing topic)")
    return None


def _cloudwatch(section: Section, name: str) -> Optional[Sink]:
    cloudwatch = _sink_section(section, name, CLOUDWATCH_KEYS)
    if cloudwatch is None:
        return None
    items = cloudwatch.items("dimensions")
    if not items:
        cloudwatch.problem(
            "dimensions",
            "is required: at least one dimension such as {name: ses:configuration-set, source: MESSAGE_TAG, "
            "default: none}",
        )
        return None
    dimensions: list[Dimension] = []
    first: dict[str, str] = {}
    for key, item in items:
        dimension = _dimension(Section(item, key, cloudwatch.problems, DIMENSION_KEYS))
        if dimension is None:
            continue
        if dimension.name in first:
            cloudwatch.problems.add(f"{key}.name", f"the dimension {dimension.name} is already declared at {first[dimension.name]}")
            continue
        first[dimension.name] = key
        dimensions.append(dimension)
    return CloudWatchSink(dimensions=tuple(dimensions)) if len(dimensions) == len(items) else None


def _dimension(section: Section) -> Optional[Dimension]:
    before = len(section.problems.found)
    source = section.choice("source", DIMENSION_SOURCES, required=True)
    name = as_text(section.raw.get("name"))
    if name is None:
        section.problem("name", "is required: the CloudWatch dimension name, such as campaign")
    elif not isinstance(name, str) or not (
        _DIMENSION_TEXT.match(name) or (source == "MESSAGE_TAG" and _AUTO_TAG.match(name))
    ):
        section.problem(
            "name",
            f"{describe(name)} is not a valid dimension name: SESv2 allows letters, digits, _ and -, at most 255 "
            "characters (and, with source MESSAGE_TAG, an SES auto-tag such as ses:from-domain)",
        )
    default = as_text(section.raw.get("default"))
    if default is None:
        section.problem("default", "is required: the value SES publishes when a message does not carry the dimension")
    elif not isinstance(default, str) or not _DIMENSION_TEXT.match(default):
        section.problem(
            "default", f"{describe(default)} is not a valid default value: SESv2 allows letters, digits, _ and -, at most 255 characters"
        )
    if len(section.problems.found) != before:
        return None
    return Dimension(name=name, source=source or "", default=default)


def _event_bridge(section: Section, name: str) -> Optional[Sink]:
    event_bridge = _sink_section(section, name, EVENT_BRIDGE_KEYS)
    if event_bridge is not None and event_bridge.raw:
        return None
    return EventBridgeSink()


def _firehose(section: Section, name: str) -> Optional[Sink]:
    firehose = _sink_section(section, name, FIREHOSE_KEYS)
    if firehose is None:
        return None
    stream = _arn(firehose, "deliveryStreamArn", *SINK_ARNS["deliveryStreamArn"], required=True)
    role = None
    if firehose.has("roleArn"):
        role = _arn(firehose, "roleArn", *SINK_ARNS["roleArn"])
        if role is None:
            return None
    return FirehoseSink(delivery_stream_arn=stream, role_arn=role) if stream else None


SINK_ARNS = {
    "topicArn": (_SNS_ARN, "an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ses-events", "sns"),
    "deliveryStreamArn": (_FIREHOSE_ARN, "a Firehose stream ARN such as "
                                         "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-events", "firehose"),
    "roleArn": (_ROLE_ARN, "an IAM role ARN such as arn:aws:iam::123456789012:role/ses-firehose", "iam"),
}
"""The ARNs a destination names, by key: what each must match, how a message says what is expected,
and the service it belongs to."""


def sink_arn_problem(key: str, value: Any) -> Optional[str]:
    """What is wrong with ``value`` as the destination's ``key`` (one of :data:`SINK_ARNS`), in the
    words the config read uses; ``None`` when it is fine. For an ARN known only later."""
    problems = Problems()
    _arn(Section({key: value}, "", problems, (key,)), key, *SINK_ARNS[key])
    return problems.found[0].message if problems.found else None


def _arn(
    section: Section, key: str, pattern: re.Pattern, expected: str, service: str, *, required: bool = False
) -> Optional[str]:
    raw = section.raw.get(key)
    if raw is None:
        if required:
            section.problem(key, f"is required: {expected}")
        return None
    if not isinstance(raw, str) or not pattern.match(raw):
        reason = arn_problem(raw, service, regional=service != "iam")
        section.problem(key, f"must be {expected}, got {describe(raw)}{', ' + reason if reason else ''}")
        return None
    return raw


_SINK_READERS = {"sns": _sns, "cloudwatch": _cloudwatch, "eventBridge": _event_bridge, "firehose": _firehose}
