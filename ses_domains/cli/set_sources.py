"""Which CloudWatch metrics hold each configuration set's statistics, from the stack's declaration:
the set's CloudWatch event destination that carries the ``ses:configuration-set`` dimension (the
stats query the dimensions the stack configured, nothing else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.config.configuration_sets import CloudWatchSink, ConfigurationSetSpec
from ses_domains.config.stack import StackSpec
from ses_domains.engine.ses.set_statistics import SetSource
from ses_domains.records.ses import CONFIGURATION_SET_DIMENSION


@dataclass(frozen=True)
class UnreadSet:
    name: str
    why: str


@dataclass(frozen=True)
class SetPlan:
    sources: tuple[SetSource, ...]
    """Sets read from CloudWatch (counts, their own reputation rates, or both)."""
    notes: tuple[UnreadSet, ...]
    """Why a set's counts are not read (it may still be in ``sources`` for its reputation rates)."""


def counted_source(spec: ConfigurationSetSpec) -> Optional[SetSource]:
    """The set's destination whose counts can be read for this set alone: one with the
    ``ses:configuration-set`` dimension (from the message tag SES sets); of several, the one with
    the fewest other dimensions, whose counts are split the least."""
    candidates = []
    for destination in spec.event_destinations:
        sink = destination.sink
        if not destination.enabled or not isinstance(sink, CloudWatchSink):
            continue
        if any(d.name == CONFIGURATION_SET_DIMENSION and d.source == "MESSAGE_TAG" for d in sink.dimensions):
            others = tuple(d.name for d in sink.dimensions if d.name != CONFIGURATION_SET_DIMENSION)
            candidates.append(SetSource(spec.name, destination.events, others, spec.reputation_metrics))
    return min(candidates, key=lambda source: len(source.other_dimensions)) if candidates else None


def why_not_counted(spec: ConfigurationSetSpec) -> str:
    if any(isinstance(d.sink, CloudWatchSink) and d.enabled for d in spec.event_destinations):
        return (f"its CloudWatch event destination has no {CONFIGURATION_SET_DIMENSION} dimension (source "
                "MESSAGE_TAG), so its counts cannot be told from other sets'")
    return "it has no enabled CloudWatch event destination, so SES publishes no counts for it"


def plan_set_reads(spec: StackSpec) -> SetPlan:
    sources: list[SetSource] = []
    notes: list[UnreadSet] = []
    for configuration_set in spec.configuration_sets:
        source = counted_source(configuration_set)
        if source is None:
            notes.append(UnreadSet(configuration_set.name, why_not_counted(configuration_set)))
            if configuration_set.reputation_metrics:
                source = SetSource(configuration_set.name, (), (), True)
        if source is not None:
            sources.append(source)
    return SetPlan(tuple(sources), tuple(notes))
