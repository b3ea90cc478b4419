"""Reading SES's recommendations: one request a second (proved on a fake clock), page after page,
stopping at the deadline with what was read; requests and answers checked by botocore's Stubber
against the SESv2 model. And the per-set CloudWatch queries, checked against CloudWatch's model."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber
from botocore.validate import validate_parameters
import botocore.session

from ses_domains.engine.ses.recommendations import (
    RecommendationsUnavailable,
    read_recommendations,
    recommendations_bucket,
)
from ses_domains.engine.ses.reputation import window_for
from ses_domains.engine.ses.set_statistics import SetSource, set_queries


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def item(n: int) -> dict:
    return {"ResourceArn": f"arn:aws:ses:eu-west-1:123456789012:identity/d{n}.example", "Type": "DKIM",
            "Description": f"advice {n}", "Status": "OPEN", "Impact": "HIGH"}


def stubbed(pages: int, calls: list[float], fake: FakeTime):
    client = boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    for page in range(pages):
        expected = {"Filter": {"STATUS": "OPEN"}, "PageSize": 100, **({"NextToken": str(page)} if page else {})}
        answer = {"Recommendations": [item(page)], **({"NextToken": str(page + 1)} if page + 1 < pages else {})}
        stubber.add_response("list_recommendations", answer, expected)
    original = client.list_recommendations

    def timed(**kwargs):
        calls.append(fake.now)
        return original(**kwargs)

    client.list_recommendations = timed
    stubber.activate()
    return client, stubber


def test_pages_are_asked_for_one_a_second():
    fake, calls = FakeTime(), []
    client, stubber = stubbed(4, calls, fake)

    reading = read_recommendations(client, deadline=fake.now + 20, clock=fake.clock,
                                   bucket=recommendations_bucket(clock=fake.clock, sleep=fake.sleep))

    assert [r.description for r in reading.recommendations] == ["advice 0", "advice 1", "advice 2", "advice 3"]
    assert reading.complete and reading.pages == 4
    assert [later - earlier for earlier, later in zip(calls, calls[1:])] == pytest.approx([1.0, 1.0, 1.0])
    assert reading.recommendations[0].identity == "d0.example"
    stubber.assert_no_pending_responses()


def test_the_deadline_ends_the_read_with_what_was_read():
    fake, calls = FakeTime(), []
    client, _ = stubbed(10, calls, fake)

    reading = read_recommendations(client, deadline=fake.now + 3.5, clock=fake.clock,
                                   bucket=recommendations_bucket(clock=fake.clock, sleep=fake.sleep))

    assert not reading.complete and reading.pages == 4  # at 0, 1, 2 and 3 s; the fifth would start after 3.5 s
    assert len(reading.recommendations) == 4
    assert fake.now <= 100 + 3.5


def test_a_shared_bucket_keeps_two_reads_to_one_request_a_second():
    fake, calls = FakeTime(), []
    bucket = recommendations_bucket(clock=fake.clock, sleep=fake.sleep)
    for _ in range(2):
        client, _ = stubbed(2, calls, fake)
        read_recommendations(client, deadline=fake.now + 20, clock=fake.clock, bucket=bucket)

    assert [later - earlier for earlier, later in zip(calls, calls[1:])] == pytest.approx([1.0, 1.0, 1.0])


def test_throttling_is_retried_a_turn_later_and_a_refusal_is_reported():
    fake, calls = FakeTime(), []
    client = boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    stubber.add_client_error("list_recommendations", "TooManyRequestsException", "slow down", 429)
    stubber.add_response("list_recommendations", {"Recommendations": [item(1)]})
    stubber.add_client_error("list_recommendations", "AccessDeniedException", "no", 403)
    stubber.activate()
    original = client.list_recommendations
    client.list_recommendations = lambda **kwargs: (calls.append(fake.now), original(**kwargs))[1]
    bucket = recommendations_bucket(clock=fake.clock, sleep=fake.sleep)

    reading = read_recommendations(client, deadline=fake.now + 20, clock=fake.clock, bucket=bucket)
    assert [r.description for r in reading.recommendations] == ["advice 1"]
    assert calls[1] - calls[0] >= 1.0  # the retry waited its turn
    assert bucket.throttles == 1 and bucket.rate_per_s == 1.0  # never slower than the limit, never faster

    with pytest.raises(RecommendationsUnavailable, match="may not call ses:ListRecommendations"):
        read_recommendations(client, deadline=fake.now + 20, clock=fake.clock, bucket=bucket)


def test_throttled_until_the_deadline_says_so():
    fake = FakeTime()
    client = boto3.client("sesv2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    for _ in range(3):
        stubber.add_client_error("list_recommendations", "TooManyRequestsException", "slow down", 429)
    stubber.activate()

    with pytest.raises(RecommendationsUnavailable, match="not answered in the time allowed: SES throttled it 3 times"):
        read_recommendations(client, deadline=fake.now + 2.5, clock=fake.clock,
                             bucket=recommendations_bucket(clock=fake.clock, sleep=fake.sleep))
    assert fake.now <= 100 + 2.5


def test_set_queries_are_valid_cloudwatch_requests():
    window = window_for(7, datetime(2026, 12, 3, 7, 30, tzinfo=timezone.utc))
    sources = (SetSource("marketing", ("SEND", "OPEN", "SUBSCRIPTION"), (), True),
               SetSource("news", ("BOUNCE",), ("campaign",), False))
    queries = set_queries(sources, window)
    request = {"MetricDataQueries": [query for _, _, query in queries.values()],
               "StartTime": window.start, "EndTime": window.end}
    model = botocore.session.get_session().get_service_model("cloudwatch")
    validate_parameters(request, model.operation_model("GetMetricData").input_shape)

    assert sorted(queries) == ["s0_bouncerate", "s0_complaintrate", "s0_open", "s0_send", "s1_bounce"]
    send = queries["s0_send"][2]["MetricStat"]
    assert send["Metric"] == {"Namespace": "AWS/SES", "MetricName": "Send",
                              "Dimensions": [{"Name": "ses:configuration-set", "Value": "marketing"}]}
    assert (send["Stat"], send["Period"]) == ("Sum", 4 * 3600)
    assert queries["s0_bouncerate"][2]["MetricStat"]["Stat"] == "Maximum"
    assert queries["s1_bounce"][2]["Expression"] == (
        "SUM(SEARCH('{\"AWS/SES\",\"ses:configuration-set\",\"campaign\"} MetricName=\"Bounce\" "
        "\"ses:configuration-set\"=\"news\"', 'Sum', 14400))")
