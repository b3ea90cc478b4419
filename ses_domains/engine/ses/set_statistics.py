"""Sending statistics of each configuration set, as SES publishes them to CloudWatch through the
set's CloudWatch event destination: the counts of each event (``Send``, ``Delivery``, ``Bounce``...)
over a window, the rates the SES console's dashboard shows, and the set's own reputation rates.

SES publishes an event's count under the event's metric name in ``AWS/SES`` with *every* dimension
the destination declares, each set to the message's tag (or the dimension's default). CloudWatch
matches a metric by its whole set of dimensions, so a destination whose only dimension is
``ses:configuration-set`` (an auto-tag SES sets to the set's name) is read with one exact query per
event; a destination with more dimensions splits each count over their values, and is read with a
``SEARCH`` over those dimensions for this set's name, summed. A set whose destinations have no
``ses:configuration-set`` dimension cannot be told apart from the account's other sets: the caller
says so instead of reading.

The set's reputation rates (``Reputation.BounceRate``/``ComplaintRate`` with the
``ses:configuration-set`` dimension) exist only when the set has reputation metrics on; they are
gauges read as the highest reading per period, like the account's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Optional

from ses_domains.engine.ses.reputation import (
    STATISTIC,
    RateSeries,
    ReputationWindow,
    read_pages,
    series_of,
)
from ses_domains.records.ses import (
    BOUNCE_RATE_METRIC,
    COMPLAINT_RATE_METRIC,
    CONFIGURATION_SET_DIMENSION,
    REPUTATION_NAMESPACE,
)

EVENT_METRICS = {
    "SEND": "Send",
    "DELIVERY": "Delivery",
    "BOUNCE": "Bounce",
    "COMPLAINT": "Complaint",
    "REJECT": "Reject",
    "OPEN": "Open",
    "CLICK": "Click",
    "RENDERING_FAILURE": "RenderingFailure",
    "DELIVERY_DELAY": "DeliveryDelay",
}
"""SES event types (as a destination lists them) and the CloudWatch metric each is counted under."""
COUNT_STATISTIC = "Sum"
MAX_QUERIES = 500
"""CloudWatch's limit of queries in one ``GetMetricData`` request."""
MAX_PAGES = 20


@dataclass(frozen=True)
class SetSource:
    """What CloudWatch holds for one configuration set, from the stack's declaration of it."""

    name: str
    events: tuple[str, ...]
    """Event types a CloudWatch destination with the ``ses:configuration-set`` dimension publishes."""
    other_dimensions: tuple[str, ...] = ()
    """That destination's other dimensions (each count is split over their values)."""
    reputation_metrics: bool = False


@dataclass(frozen=True)
class SetStatistics:
    source: SetSource
    counts: Mapping[str, RateSeries] = field(default_factory=dict)
    """Event type -> its count per period (only the events the set publishes)."""
    bounce_rate: Optional[RateSeries] = None
    """The set's own reputation rate; ``None`` when reputation metrics are off."""
    complaint_rate: Optional[RateSeries] = None

    def total(self, event: str) -> Optional[float]:
        """The event's count over the window; ``None`` when the set does not publish it."""
        series = self.counts.get(event)
        return None if series is None else float(sum(series.values))

    def share(self, event: str, of: str) -> Optional[float]:
        """``event``'s total over ``of``'s (0 to 1); ``None`` when either is unpublished or ``of`` is 0."""
        part, whole = self.total(event), self.total(of)
        if part is None or not whole:
            return None
        return part / whole


def _set_dimension(name: str) -> list[dict[str, str]]:
    return [{"Name": CONFIGURATION_SET_DIMENSION, "Value": name}]


def event_query(query_id: str, source: SetSource, event: str, window: ReputationWindow) -> dict[str, Any]:
    """The query of one event's count for one set (see the module's docstring for the two forms)."""
    metric = EVENT_METRICS[event]
    if not source.other_dimensions:
        return {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": REPUTATION_NAMESPACE, "MetricName": metric,
                           "Dimensions": _set_dimension(source.name)},
                "Period": window.period_s,
                "Stat": COUNT_STATISTIC,
            },
            "ReturnData": True,
        }
    schema = ",".join(f'"{part}"' for part in (REPUTATION_NAMESPACE, CONFIGURATION_SET_DIMENSION,
                                               *source.other_dimensions))
    search = (f"SEARCH('{{{schema}}} MetricName=\"{metric}\" \"{CONFIGURATION_SET_DIMENSION}\"=\"{source.name}\"', "
              f"'{COUNT_STATISTIC}', {window.period_s})")
    return {"Id": query_id, "Expression": f"SUM({search})", "Label": metric, "ReturnData": True}


def rate_query(query_id: str, source: SetSource, metric: str, window: ReputationWindow) -> dict[str, Any]:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": REPUTATION_NAMESPACE, "MetricName": metric,
                       "Dimensions": _set_dimension(source.name)},
            "Period": window.period_s,
            "Stat": STATISTIC,
        },
        "ReturnData": True,
    }


def set_queries(sources: tuple[SetSource, ...], window: ReputationWindow) -> dict[str, tuple[int, str, dict[str, Any]]]:
    """Query id -> (the set's index, what it reads: an event type or a rate metric, the query)."""
    queries: dict[str, tuple[int, str, dict[str, Any]]] = {}
    for index, source in enumerate(sources):
        for event in source.events:
            if event in EVENT_METRICS:
                query_id = f"s{index}_{event.lower()}"
                queries[query_id] = (index, event, event_query(query_id, source, event, window))
        if source.reputation_metrics:
            for metric in (BOUNCE_RATE_METRIC, COMPLAINT_RATE_METRIC):
                query_id = f"s{index}_{metric.split('.')[-1].lower()}"
                queries[query_id] = (index, metric, rate_query(query_id, source, metric, window))
    return queries


def read_set_statistics(client: Any, sources: tuple[SetSource, ...],
                        window: ReputationWindow) -> tuple[SetStatistics, ...]:
    """Each set's counts and rates over ``window`` from a bounded ``cloudwatch`` client, at most
    ``MAX_QUERIES`` queries a request; ``ReputationUnavailable`` when CloudWatch gives no usable answer."""
    region = client.meta.region_name or ""
    queries = set_queries(sources, window)
    points: dict[str, dict[datetime, float]] = {query_id: {} for query_id in queries}
    names = {query_id: what for query_id, (_, what, _) in queries.items()}
    ids = list(queries)
    for start in range(0, len(ids), MAX_QUERIES):
        request: dict[str, Any] = {
            "MetricDataQueries": [queries[query_id][2] for query_id in ids[start:start + MAX_QUERIES]],
            "StartTime": window.start,
            "EndTime": window.end,
            "ScanBy": "TimestampAscending",
        }
        read_pages(client, request, points, names, region, MAX_PAGES)
    found: list[SetStatistics] = []
    for index, source in enumerate(sources):
        mine = {what: series_of(EVENT_METRICS.get(what, what), points[query_id])
                for query_id, (owner, what, _) in queries.items() if owner == index}
        counts = {event: series for event, series in mine.items() if event in EVENT_METRICS}
        found.append(SetStatistics(source, counts, mine.get(BOUNCE_RATE_METRIC), mine.get(COMPLAINT_RATE_METRIC)))
    return tuple(found)
