"""What a global endpoint's other region needs from the stack (README, "Global endpoint").

SES splits the endpoint's sending between its two regions, and a send names its configuration set,
template and (for an address identity) its sender by name: each must exist, under the same name, in
every endpoint region. The stack declares its configuration sets, templates, address identities and
dedicated IP pools once more in each endpoint region that is not ``aws:region`` (its *secondary
regions*). Most options copy as they are; an event destination's fixed ARN names one region, so a
secondary region needs its own, given under ``globalEndpoint.sinks``:

```yaml
ses-domains:globalEndpoint:
  name: example-global
  regions: [eu-west-1, us-east-1]
  sinks:
    us-east-1:                  # a secondary region
      transactional:            # a configuration set of the stack
        archive: {topicArn: "arn:aws:sns:us-east-1:123456789012:archive"}   # one of its destinations
        lake: {deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses"}
```
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Optional

from ses_domains.config.configuration_sets import (
    ConfigurationSetSpec,
    EventDestinationSpec,
    FirehoseSink,
    SnsSink,
    sink_arn_problem,
)
from ses_domains.config.dedicated_ip_pools import DedicatedIpPoolSpec
from ses_domains.config.errors import Problems
from ses_domains.config.fields import describe

SINKS_KEY = "sinks"
SINK_KEYS = ("topicArn", "deliveryStreamArn", "roleArn")


@dataclass(frozen=True)
class SecondarySink:
    """The ARNs a destination publishes to in one secondary region, and the key they were given under."""

    key: str
    topic_arn: Optional[str] = None
    delivery_stream_arn: Optional[str] = None
    role_arn: Optional[str] = None


SinkTable = dict[tuple[str, str, str], SecondarySink]
"""By (region, configuration set, event destination)."""


def read_sinks(raw: Any, key: str, problems: Problems) -> SinkTable:
    """``globalEndpoint.sinks``: region -> configuration set -> event destination -> its ARNs."""
    table: SinkTable = {}
    if raw is None:
        return table
    shape = "a mapping of secondary region -> configuration set -> event destination -> {topicArn} or " \
            "{deliveryStreamArn, roleArn}"
    for level_key, level in _mapping(raw, key, shape, problems):
        region = level_key.rsplit(".", 1)[-1]
        for set_key, destinations in _mapping(level, level_key, shape, problems):
            for destination_key, arns in _mapping(destinations, set_key, shape, problems):
                if not isinstance(arns, dict) or not arns:
                    problems.add(destination_key, f"must be {{topicArn: ...}} or {{deliveryStreamArn: ..., roleArn: ...}}, "
                                                  f"got {describe(arns)}")
                    continue
                known = {}
                for name, value in arns.items():
                    if name not in SINK_KEYS:
                        problems.add(f"{destination_key}.{name}", f"unknown key (known keys: {', '.join(SINK_KEYS)})")
                        continue
                    problem = sink_arn_problem(name, value)
                    if problem:
                        problems.add(f"{destination_key}.{name}", problem)
                    elif name != "roleArn" and value.split(":")[3] != region:
                        problems.add(f"{destination_key}.{name}", f"names {value.split(':')[3]}, but this entry is "
                                                                  f"for {region}: give a {_what(name)} of {region}")
                    else:
                        known[name] = value
                if "topicArn" in arns and ("deliveryStreamArn" in arns or "roleArn" in arns):
                    problems.add(destination_key, "gives a topic and a Firehose stream: an event destination has one sink")
                    continue
                table[(region, set_key.rsplit(".", 1)[-1], destination_key.rsplit(".", 1)[-1])] = SecondarySink(
                    key=destination_key, topic_arn=known.get("topicArn"),
                    delivery_stream_arn=known.get("deliveryStreamArn"), role_arn=known.get("roleArn"))
    return table


def _mapping(raw: Any, key: str, shape: str, problems: Problems) -> Iterable[tuple[str, Any]]:
    if not isinstance(raw, dict):
        problems.add(key, f"must be {shape}, got {describe(raw)}")
        return []
    return [(f"{key}.{name}", value) for name, value in raw.items()]


def _what(arn_key: str) -> str:
    return {"topicArn": "topic", "deliveryStreamArn": "Firehose stream", "roleArn": "role"}[arn_key]


def _fixed_arn_key(destination: EventDestinationSpec) -> Optional[tuple[str, str]]:
    """(sink key, ARN key) of a destination whose sink is an ARN of one region; ``None`` otherwise
    (a topic the stack creates, CloudWatch, EventBridge: declared in each region as they are)."""
    sink = destination.sink
    if isinstance(sink, SnsSink) and sink.topic_arn:
        return "sns", "topicArn"
    if isinstance(sink, FirehoseSink):
        return "firehose", "deliveryStreamArn"
    return None


def check_secondary_sinks(
    endpoint_key: str, secondary_regions: Iterable[str], sinks: SinkTable,
    configuration_sets: Iterable[ConfigurationSetSpec], problems: Problems,
) -> None:
    """Each destination with a fixed ARN has one of each secondary region; each ``sinks`` entry
    names a secondary region, a configuration set of the stack and such a destination of it."""
    regions = tuple(secondary_regions)
    wanted: set[tuple[str, str, str]] = set()
    for region in regions:
        for configuration_set in configuration_sets:
            for destination in configuration_set.event_destinations:
                fixed = _fixed_arn_key(destination)
                if fixed is None:
                    continue
                sink_key, arn_key = fixed
                at = (region, configuration_set.name, destination.name)
                wanted.add(at)
                given = sinks.get(at)
                if given is None or getattr(given, _attribute(arn_key)) is None:
                    problems.add(
                        f"{destination.key}.{sink_key}.{arn_key}",
                        f"names a {_what(arn_key)} of one region, and {endpoint_key} also sends from {region}, where "
                        f"configuration set {configuration_set.name} is declared too and needs a {_what(arn_key)} of "
                        f"{region}: give it as {endpoint_key}.{SINKS_KEY}.{region}.{configuration_set.name}."
                        f"{destination.name}.{arn_key}"
                        + (" (or use topic: the stack then creates a topic of that name in each region)"
                           if sink_key == "sns" else ""),
                    )
                elif sink_key == "sns" and (given.delivery_stream_arn or given.role_arn):
                    problems.add(given.key, f"{destination.name} publishes to an SNS topic: give topicArn only")
                elif sink_key == "firehose" and given.topic_arn:
                    problems.add(given.key, f"{destination.name} publishes to Firehose: give deliveryStreamArn "
                                            "(and roleArn) instead of topicArn")
    for at, given in sinks.items():
        if at[0] not in regions:
            problems.add(given.key, f"{at[0]} is not a secondary region of {endpoint_key} (those are the endpoint's "
                                    f"regions other than aws:region: {', '.join(regions) or 'none'})")
        elif at not in wanted:
            problems.add(given.key, f"the stack has no configuration set {at[1]} with an event destination {at[2]} "
                                    "that publishes to a topicArn or a Firehose stream")


def _attribute(arn_key: str) -> str:
    return {"topicArn": "topic_arn", "deliveryStreamArn": "delivery_stream_arn"}[arn_key]


def secondary_configuration_set(spec: ConfigurationSetSpec, region: str, sinks: SinkTable) -> ConfigurationSetSpec:
    """``spec`` as declared in the secondary ``region``: every fixed ARN replaced by the one given
    for that region (a Firehose role given in ``aws:region`` is kept: IAM roles have no region)."""
    destinations = []
    for destination in spec.event_destinations:
        sink, given = destination.sink, sinks.get((region, spec.name, destination.name))
        if given is not None and isinstance(sink, SnsSink) and sink.topic_arn:
            sink = SnsSink(topic_arn=given.topic_arn)
        elif given is not None and isinstance(sink, FirehoseSink):
            sink = FirehoseSink(delivery_stream_arn=given.delivery_stream_arn or sink.delivery_stream_arn,
                                role_arn=given.role_arn or sink.role_arn)
        destinations.append(replace(destination, sink=sink))
    return replace(spec, event_destinations=tuple(destinations))


def secondary_region_warnings(
    secondary_regions: Iterable[str], configuration_sets: Iterable[ConfigurationSetSpec], stack_pools: set[str],
) -> list[str]:
    """What the copies in the secondary regions do differently, or leave to the user."""
    regions = tuple(secondary_regions)
    if not regions:
        return []
    where = " and ".join(regions)
    warnings = []
    for spec in configuration_sets:
        if spec.tracking_domain:
            warnings.append(
                f"{spec.key}.trackingDomain: {spec.tracking_domain} points at the tracking endpoint of one region, so "
                f"configuration set {spec.name} in {where} tracks opens and clicks on SES's own tracking domain")
        if spec.sending_pool and spec.sending_pool not in stack_pools:
            warnings.append(
                f"{spec.key}.sendingPool: configuration set {spec.name} is declared in {where} too and sends there "
                f"through {spec.sending_pool}, which this stack does not declare: that pool must exist in {where}")
    return warnings


def copied_pools(
    pools: Iterable[DedicatedIpPoolSpec], configuration_sets: Iterable[ConfigurationSetSpec]
) -> list[DedicatedIpPoolSpec]:
    """The stack's dedicated IP pools a secondary region gets: those a configuration set sends through."""
    used = {spec.sending_pool for spec in configuration_sets if spec.sending_pool}
    return [pool for pool in pools if pool.name in used]
