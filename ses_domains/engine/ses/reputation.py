"""The account's reputation over the last days, as SES publishes it to CloudWatch: one bounded
``GetMetricData`` read of ``Reputation.BounceRate`` and ``Reputation.ComplaintRate``, and a pure
judge of each rate against the level where AWS reviews an account.

The rates are gauges: SES computes each over a representative volume of the account's recent mail
(not over a time window) and publishes the current value, a fraction between 0 and 1. Summing them
means nothing; the choice is between the average and the highest reading of each period. This
module reads ``Maximum``: AWS reviews an account when the rate *reaches* a level, so the chart must
show a period in which the rate touched 5 % even if it spent the rest of the period lower (an
average over four hours would hide it), and a CI check built on it errs towards telling.

The window ends at the next full hour (CloudWatch answers fastest for periods aligned to the hour)
and spans ``days`` days, cut into at most ``MAX_POINTS`` periods of a whole number of hours that
divides a day or two (``period_for``): hourly for one or two days, every 4 hours for a week, daily
for a month. A new account, or one that has sent too little mail, has no reputation data at all:
the series are then empty, which the judge calls ``NO_DATA`` (not a problem).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError

from ses_domains.engine.ses.errors import is_throttling
from ses_domains.records.ses import (
    BOUNCE_RATE_METRIC,
    BOUNCE_RATE_REVIEW_LEVEL,
    COMPLAINT_RATE_METRIC,
    COMPLAINT_RATE_REVIEW_LEVEL,
    REPUTATION_NAMESPACE,
)

STATISTIC = "Maximum"
"""The statistic read for each period (see the module's docstring for why not ``Average``)."""
MAX_POINTS = 48
"""At most this many periods in a window: a chart that fits a terminal line."""
PERIOD_HOURS = (1, 2, 3, 4, 6, 8, 12, 24, 48)
"""The periods a window may use: each divides a day (or two), so periods start at the same hours every day."""
MAX_DAYS = 90
"""The longest window: ``MAX_POINTS`` periods of 48 hours, well inside CloudWatch's 455 days of hourly data."""
MAX_PAGES = 5
"""``GetMetricData`` pages read at most (two series of ``MAX_POINTS`` fit in one page)."""

_QUERY_IDS = {"bounce": BOUNCE_RATE_METRIC, "complaint": COMPLAINT_RATE_METRIC}


class ReputationError(Exception):
    """Root of this module's errors."""


class ReputationUnavailable(ReputationError):
    """CloudWatch gave no usable answer (refused, denied, silent past the client's timeouts, an
    answer that is not CloudWatch's, or more pages than ``MAX_PAGES``); the message says which.
    ``throttled``: CloudWatch said "too many requests" (worth asking again later)."""

    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


@dataclass(frozen=True)
class ReputationWindow:
    """The time read: ``start`` to ``end`` (UTC), cut into periods of ``period_s`` seconds."""

    start: datetime
    end: datetime
    period_s: int

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    @property
    def slot_count(self) -> int:
        return int((self.end - self.start).total_seconds() // self.period_s)

    def slots(self, series: "RateSeries") -> tuple[Optional[float], ...]:
        """The series laid on the window's periods, oldest first; ``None`` where a period has no data."""
        slots: list[Optional[float]] = [None] * self.slot_count
        for moment, value in zip(series.timestamps, series.values):
            index = int((moment - self.start).total_seconds() // self.period_s)
            if 0 <= index < len(slots):
                slots[index] = value
        return tuple(slots)


def period_for(days: int) -> int:
    """Seconds per period for a window of ``days`` days: the shortest of ``PERIOD_HOURS`` that
    gives at most ``MAX_POINTS`` periods."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}, not {days}")
    hours = next(h for h in PERIOD_HOURS if days * 24 / h <= MAX_POINTS)
    return hours * 3600


def window_for(days: int, now: datetime) -> ReputationWindow:
    """The ``days`` days up to the next full hour after ``now``."""
    now = now.astimezone(timezone.utc)
    hour = now.replace(minute=0, second=0, microsecond=0)
    end = hour if hour == now else hour + timedelta(hours=1)
    return ReputationWindow(end - timedelta(days=days), end, period_for(days))


@dataclass(frozen=True)
class RateSeries:
    """One metric's readings, sorted by time (each timestamp is the start of its period)."""

    metric: str
    timestamps: tuple[datetime, ...] = ()
    values: tuple[float, ...] = ()

    @property
    def latest(self) -> Optional[float]:
        return self.values[-1] if self.values else None

    @property
    def peak(self) -> Optional[float]:
        return max(self.values) if self.values else None


@dataclass(frozen=True)
class ReputationReading:
    window: ReputationWindow
    bounce_rate: RateSeries
    complaint_rate: RateSeries
    statistic: str = STATISTIC


@dataclass(frozen=True)
class ReputationLevels:
    """The levels a rate is judged against: AWS's review levels unless the stack sets its own."""

    bounce_rate: float = BOUNCE_RATE_REVIEW_LEVEL
    complaint_rate: float = COMPLAINT_RATE_REVIEW_LEVEL


class RateVerdict(str, Enum):
    OK = "ok"
    PAST_LEVEL = "past level"
    """The latest reading is at or above the level."""
    NO_DATA = "no data"
    """SES published nothing in the window: a new or quiet account. Not a problem."""


@dataclass(frozen=True)
class RateJudgement:
    verdict: RateVerdict
    level: float
    latest: Optional[float] = None
    peak: Optional[float] = None
    periods_past_level: int = 0
    """How many periods of the window reached the level (the latest one included)."""


def judge_rate(series: RateSeries, level: float) -> RateJudgement:
    """The latest reading against ``level`` (reaching it counts: AWS reviews at the level)."""
    if not series.values:
        return RateJudgement(RateVerdict.NO_DATA, level)
    latest = series.values[-1]
    verdict = RateVerdict.PAST_LEVEL if latest >= level else RateVerdict.OK
    past = sum(1 for value in series.values if value >= level)
    return RateJudgement(verdict, level, latest, max(series.values), past)


def metric_queries(window: ReputationWindow) -> list[dict[str, Any]]:
    """The ``MetricDataQueries`` of one read: both rates of the whole account (no dimension)."""
    return [
        {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": REPUTATION_NAMESPACE, "MetricName": metric},
                "Period": window.period_s,
                "Stat": STATISTIC,
            },
            "ReturnData": True,
        }
        for query_id, metric in _QUERY_IDS.items()
    ]


def read_reputation(client: Any, window: ReputationWindow) -> ReputationReading:
    """Both rates over ``window`` from a bounded ``cloudwatch`` client, at most ``MAX_PAGES`` calls;
    ``ReputationUnavailable`` when CloudWatch gives no usable answer."""
    region = client.meta.region_name or ""
    request: dict[str, Any] = {
        "MetricDataQueries": metric_queries(window),
        "StartTime": window.start,
        "EndTime": window.end,
        "ScanBy": "TimestampAscending",
    }
    points: dict[str, dict[datetime, float]] = {query_id: {} for query_id in _QUERY_IDS}
    read_pages(client, request, points, _QUERY_IDS, region, MAX_PAGES)
    return ReputationReading(
        window,
        series_of(BOUNCE_RATE_METRIC, points["bounce"]),
        series_of(COMPLAINT_RATE_METRIC, points["complaint"]),
    )


def read_pages(client: Any, request: dict[str, Any], points: dict[str, dict[datetime, float]],
               names: Mapping[str, str], region: str, max_pages: int) -> None:
    """Every page of one ``GetMetricData`` request into ``points`` (see ``collect_points``), at most
    ``max_pages`` calls: an answer that keeps paging past them is not the answer to this read."""
    for _ in range(max_pages):
        response = get_metric_data_page(client, request, region)
        collect_points(response, points, names, region)
        token = response.get("NextToken")
        if not token:
            return
        request["NextToken"] = token
    raise ReputationUnavailable(
        f"CloudWatch GetMetricData in {region} still had more pages after {max_pages}: "
        f"not the answer to a read of {len(names)} metrics"
    )


def get_metric_data_page(client: Any, request: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    """One ``GetMetricData`` call; ``ReputationUnavailable`` (``throttled`` when it is worth asking again) when
    CloudWatch gives no usable answer."""
    try:
        response = client.get_metric_data(**request)
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "Unknown")
        hint = (
            ": the credentials may not call cloudwatch:GetMetricData"
            if code in ("AccessDenied", "AccessDeniedException") else ""
        )
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        raise ReputationUnavailable(
            f"CloudWatch GetMetricData in {region} failed: {code}: {error.get('Message', '')}{hint}",
            throttled=is_throttling(code, status),
        ) from None
    except BotoCoreError as err:
        raise ReputationUnavailable(f"CloudWatch GetMetricData in {region} got no usable answer: {err}") from None
    if not isinstance(response, Mapping) or not isinstance(response.get("MetricDataResults"), list):
        raise ReputationUnavailable(f"CloudWatch GetMetricData in {region} answered with something that is not metric data")
    return response


def collect_points(response: Mapping[str, Any], points: dict[str, dict[datetime, float]],
                   names: Mapping[str, str], region: str) -> None:
    """Each query's finite values into ``points`` (by query id; ids not in it are ignored);
    ``ReputationUnavailable`` when CloudWatch could not read one (``names``: what each id reads)."""
    for result in response["MetricDataResults"]:
        query_id = result.get("Id")
        if query_id not in points:
            continue
        status = result.get("StatusCode", "Complete")
        if status in ("InternalError", "Forbidden"):
            messages = "; ".join(m.get("Value", "") for m in result.get("Messages") or ())
            raise ReputationUnavailable(
                f"CloudWatch could not read {names[query_id]} in {region}: {status}"
                + (f" ({messages})" if messages else "")
            )
        for moment, value in zip(result.get("Timestamps") or (), result.get("Values") or ()):
            if isinstance(value, (int, float)) and math.isfinite(value):
                points[query_id][moment.astimezone(timezone.utc)] = float(value)


def series_of(metric: str, points: Mapping[datetime, float]) -> RateSeries:
    moments = tuple(sorted(points))
    return RateSeries(metric, moments, tuple(points[moment] for moment in moments))
