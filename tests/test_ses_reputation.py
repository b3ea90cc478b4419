"""The reputation read and its judge: the window and period, GetMetricData's pages (the Stubber
checks each request and answer against CloudWatch's model), the bound on pages, and the chart's scale."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ses_domains.cli.colours import Palette
from ses_domains.cli.sparkline import sparkline
from ses_domains.engine.ses.reputation import (
    MAX_PAGES,
    MAX_POINTS,
    RateSeries,
    RateVerdict,
    ReputationUnavailable,
    judge_rate,
    period_for,
    read_reputation,
    window_for,
)

NOW = datetime(2024, 5, 8, 9, 41, 7, tzinfo=timezone.utc)


def _client():
    return boto3.client("cloudwatch", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")


@pytest.mark.parametrize("days, hours", [(1, 1), (2, 1), (3, 2), (7, 4), (14, 8), (30, 24), (48, 24), (60, 48), (90, 48)])
def test_the_period_keeps_the_series_chart_sized(days, hours):
    assert period_for(days) == hours * 3600
    assert days * 24 / hours <= MAX_POINTS


def test_days_outside_the_range_are_refused():
    with pytest.raises(ValueError):
        period_for(0)
    with pytest.raises(ValueError):
        period_for(91)


def test_the_window_ends_at_the_next_full_hour():
    window = window_for(7, NOW)
    assert window.end == datetime(2024, 5, 8, 10, tzinfo=timezone.utc)
    assert window.start == datetime(2024, 5, 1, 10, tzinfo=timezone.utc)
    assert (window.period_s, window.slot_count) == (4 * 3600, 42)
    on_the_hour = window_for(1, datetime(2024, 5, 8, 10, tzinfo=timezone.utc))
    assert on_the_hour.end == datetime(2024, 5, 8, 10, tzinfo=timezone.utc)


def _result(query_id, points, status="Complete"):
    return {"Id": query_id, "Label": query_id, "StatusCode": status,
            "Timestamps": [t for t, _ in points], "Values": [v for _, v in points]}


def test_pages_are_merged_and_each_series_sorted_by_time():
    window = window_for(1, NOW)
    t = [window.start + timedelta(hours=h) for h in range(4)]
    client = _client()
    first = {"StartTime": window.start, "EndTime": window.end, "ScanBy": "TimestampAscending",
             "MetricDataQueries": ANY}
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {
            "MetricDataResults": [_result("bounce", [(t[3], 0.03), (t[2], 0.02)], "PartialData"),
                                  _result("complaint", [])],
            "NextToken": "page-2"}, first)
        stub.add_response("get_metric_data", {
            "MetricDataResults": [_result("bounce", [(t[0], 0.01)]), _result("complaint", [(t[1], 0.0004)])]},
            {**first, "NextToken": "page-2"})
        reading = read_reputation(client, window)
    assert reading.bounce_rate.timestamps == (t[0], t[2], t[3])
    assert reading.bounce_rate.values == (0.01, 0.02, 0.03)
    assert reading.complaint_rate.values == (0.0004,)
    assert window.slots(reading.bounce_rate)[:5] == (0.01, None, 0.02, 0.03, None)


def test_the_queries_ask_for_both_account_rates_at_the_window_s_period():
    window = window_for(7, NOW)
    client = _client()
    expected = {
        "StartTime": window.start, "EndTime": window.end, "ScanBy": "TimestampAscending",
        "MetricDataQueries": [
            {"Id": query_id, "ReturnData": True,
             "MetricStat": {"Metric": {"Namespace": "AWS/SES", "MetricName": metric}, "Period": 14400,
                            "Stat": "Maximum"}}
            for query_id, metric in (("bounce", "Reputation.BounceRate"), ("complaint", "Reputation.ComplaintRate"))
        ],
    }
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": []}, expected)
        reading = read_reputation(client, window)
    assert reading.bounce_rate.values == () and reading.complaint_rate.values == ()


def test_an_endpoint_that_never_stops_paging_is_cut_off():
    client = _client()
    with Stubber(client) as stub:
        for page in range(MAX_PAGES):
            stub.add_response("get_metric_data", {"MetricDataResults": [], "NextToken": f"p{page}"})
        with pytest.raises(ReputationUnavailable, match=f"more pages after {MAX_PAGES}"):
            read_reputation(client, window_for(1, NOW))
        stub.assert_no_pending_responses()


def test_a_forbidden_series_is_unavailable():
    client = _client()
    with Stubber(client) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {**_result("bounce", [], "Forbidden"), "Messages": [{"Code": "Forbidden", "Value": "no access"}]}]})
        with pytest.raises(ReputationUnavailable, match="Reputation.BounceRate.*Forbidden.*no access"):
            read_reputation(client, window_for(1, NOW))


def test_access_denied_names_the_permission():
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("get_metric_data", "AccessDenied", "not allowed", 403)
        with pytest.raises(ReputationUnavailable, match="cloudwatch:GetMetricData"):
            read_reputation(client, window_for(1, NOW))


def _series(*values):
    return RateSeries("Reputation.BounceRate", tuple(NOW + timedelta(hours=i) for i in range(len(values))), values)


def test_the_judge_reads_the_latest_value_and_reaching_the_level_counts():
    assert judge_rate(_series(0.01, 0.02), 0.05).verdict is RateVerdict.OK
    at_level = judge_rate(_series(0.01, 0.05), 0.05)
    assert (at_level.verdict, at_level.latest, at_level.periods_past_level) == (RateVerdict.PAST_LEVEL, 0.05, 1)
    passed = judge_rate(_series(0.02, 0.07, 0.06, 0.03), 0.05)
    assert (passed.verdict, passed.peak, passed.periods_past_level) == (RateVerdict.OK, 0.07, 2)
    empty = judge_rate(_series(), 0.05)
    assert (empty.verdict, empty.latest, empty.peak) == (RateVerdict.NO_DATA, None, None)


def test_the_chart_is_scaled_to_the_level():
    slots = (None, 0.0, 0.0072, 0.0143, 0.0215, 0.0286, 0.0358, 0.043, 0.0499, 0.05, 0.2)
    assert sparkline(slots, 0.05, Palette(False)) == "·▁▂▃▄▅▆▇▇██"
    coloured = sparkline(slots, 0.05, Palette(True))
    assert coloured == "\x1b[2m·\x1b[0m▁▂▃▄▅▆▇▇\x1b[31m██\x1b[0m"
