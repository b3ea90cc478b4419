"""``ses-domains status``: SES's recommendations and the enforcement status in words (from the SESv2
stand-in, requests and answers validated against botocore's model), and each configuration set's
sending statistics from moto's CloudWatch, with the metrics put the way SES publishes them for the
stack's CloudWatch event destination (dimension ``ses:configuration-set``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from tests.cli_fixtures import moto_server, write_stack  # noqa: F401
from tests.cli_status_aws import PRODUCTION, next_hour, put_rates
from tests.test_cli_status import REGION, aws, every_4_hours, status, status_ses, verified  # noqa: F401
from tests.wall_clock import assert_no_hang, assert_rate_at_most, stopwatch

SET = "ses:configuration-set"
CREATED = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


def said(text: str, out: str) -> bool:
    """``text`` is in ``out``, whatever lines it was wrapped onto (at most 100 columns each)."""
    return " ".join(text.split()) in " ".join(out.split()) and all(len(line) <= 100 for line in out.splitlines())


def recommendation(identity: str | None, kind: str, impact: str, text: str, status: str = "OPEN") -> dict:
    arn = (f"arn:aws:ses:{REGION}:123456789012:identity/{identity}" if identity
           else f"arn:aws:ses:{REGION}:123456789012:dedicated-ip-pool/bulk")
    return {"ResourceArn": arn, "Type": kind, "Impact": impact, "Description": text, "Status": status,
            "CreatedTimestamp": CREATED, "LastUpdatedTimestamp": CREATED}


def sets_stack(tmp_path, *, dimensions=None, reputation: bool = True, extra_sets=()) -> None:
    dimensions = dimensions or [{"name": SET, "source": "MESSAGE_TAG", "default": "none"}]
    write_stack(tmp_path, "prod", {
        "aws:region": REGION,
        "ses-domains:domains": [{"domain": "example.com", "mailFrom": "bounce"}],
        "ses-domains:configurationSets": [
            {"name": "marketing", "reputationMetrics": reputation, "eventDestinations": [
                {"name": "metrics", "events": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "OPEN", "CLICK"],
                 "cloudwatch": {"dimensions": dimensions}}]},
            *extra_sets,
        ],
    })


def put_counts(aws, name: str, end: datetime, counts: dict[str, list[float]]) -> None:
    for metric, values in counts.items():
        put_rates(aws.cloudwatch, REGION, metric, every_4_hours(end, values), {SET: name})


COUNTS = {"Send": [400, 600], "Delivery": [380, 570], "Bounce": [15, 25], "Complaint": [1, 0],
          "Reject": [0, 2], "Open": [95, 190], "Click": [19, 38]}


def test_recommendations_and_enforcement_are_shown_per_identity_and_for_the_account(tmp_path, aws):
    aws.ses.set_account({**PRODUCTION, "EnforcementStatus": "PROBATION"})
    verified(aws.ses, "example.com")
    aws.ses.set_recommendations([
        recommendation("example.com", "DMARC", "HIGH", "DMARC is not at enforcement for example.com"),
        recommendation(None, "IP_LISTING", "LOW", "An IP of the pool is on a block list"),
        recommendation("example.com", "SPF", "LOW", "fixed long ago", status="FIXED"),
    ])
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path)

    assert code == 1  # probation is a problem; the recommendations are advice
    lines = out.splitlines()
    assert lines[4].startswith("  enforcement: SES is reviewing the account")
    assert said("enforcement: SES is reviewing the account (usually for its bounce or complaint rate): it may "
                "still send, but unless the cause is fixed before the review ends SES pauses its sending", out)
    assert "  production access request was granted (support case 1234)" in lines
    start = lines.index(f"SES recommendations (open, in {REGION})")
    assert lines[start + 1:start + 3] == [
        "  example.com: DMARC (high impact): DMARC is not at enforcement for example.com",
        "  dedicated-ip-pool/bulk: IP on a block list (low impact): An IP of the pool is on a block list",
    ]
    assert "fixed long ago" not in out
    assert aws.ses.recommendation_requests == [{"Filter": {"STATUS": "OPEN"}, "PageSize": 100}]


def test_recommendations_are_read_page_by_page(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    aws.ses.set_recommendations([recommendation("example.com", "BIMI", "LOW", f"advice {n}") for n in range(3)],
                                page_size=1)
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path, "--json")

    assert code == 0
    document = json.loads(out)["recommendations"]
    assert [r["description"] for r in document["open"]] == ["advice 0", "advice 1", "advice 2"]
    assert document["complete"] is True and document["problem"] is None
    assert document["open"][0] == {
        "resource_arn": f"arn:aws:ses:{REGION}:123456789012:identity/example.com", "identity": "example.com",
        "type": "BIMI", "impact": "LOW", "description": "advice 0", "created": CREATED.isoformat(),
        "updated": CREATED.isoformat()}
    assert [r.get("NextToken") for r in aws.ses.recommendation_requests] == [None, "1", "2"]


def test_recommendations_that_cannot_be_read_are_said_and_do_not_change_the_verdict(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    aws.ses.set_recommendations(None)
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path)

    assert code == 0
    assert said("could not check: SES ListRecommendations in eu-west-1 failed: AccessDeniedException: not authorized "
                "to perform ses:ListRecommendations: the credentials may not call ses:ListRecommendations", out)


def test_a_sets_counts_and_rates_come_from_its_cloudwatch_destination(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    end = next_hour()
    put_counts(aws, "marketing", end, COUNTS)
    put_counts(aws, "other-set", end, {"Send": [9999]})  # another set's: not counted
    put_rates(aws.cloudwatch, REGION, "Send", every_4_hours(end, [777]))  # no dimension: not this set's
    put_rates(aws.cloudwatch, REGION, "Reputation.BounceRate", every_4_hours(end, [0.03, 0.04]), {SET: "marketing"})
    put_rates(aws.cloudwatch, REGION, "Reputation.ComplaintRate", every_4_hours(end, [0.0005]), {SET: "marketing"})
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path)

    assert code == 0, out
    lines = out.splitlines()
    assert "Configuration sets over the last 7 days" in lines
    first = lines.index("  marketing (per 4 hours)") + 1
    rows = {line.split()[0]: line.split()[1:] for line in lines[first:lines.index("", first)]}
    assert rows["sends"] == ["1,000", "-"]
    assert rows["deliveries"] == ["950", "95.00", "%", "of", "sends"]
    assert rows["bounces"] == ["40", "4.00", "%", "of", "sends"]
    assert rows["complaints"] == ["1", "0.10", "%", "of", "sends"]
    assert rows["rejects"] == ["2", "0.20", "%", "of", "sends"]
    assert rows["opens"] == ["285", "30.00", "%", "of", "deliveries"]
    assert rows["clicks"] == ["57", "6.00", "%", "of", "deliveries"]
    assert rows["bounce"] == ["rate", "4.00", "%", "4.00", "%", "5.00", "%", "ok"]
    assert rows["complaint"] == ["rate", "0.05", "%", "0.05", "%", "0.10", "%", "ok"]

    code, out, _ = status(tmp_path, "--json")
    document = json.loads(out)["configuration_sets"]
    assert document["problem"] is None and document["not_counted"] == []
    (marketing,) = document["sets"]
    assert {event: counted["total"] for event, counted in marketing["counts"].items()} == {
        "send": 1000, "delivery": 950, "bounce": 40, "complaint": 1, "reject": 2, "open": 285, "click": 57}
    assert marketing["counts"]["send"]["metric"] == "Send"
    assert [p["value"] for p in marketing["counts"]["send"]["points"]] == [400, 600]
    assert marketing["rates"] == {"delivery": 0.95, "bounce": 0.04, "complaint": 0.001, "reject": 0.002, "open": 0.3,
                                  "click": 0.06}
    assert (marketing["bounce_rate"]["latest"], marketing["bounce_rate"]["status"]) == (0.04, "ok")


def test_a_sets_reputation_past_its_level_is_a_problem(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, "Reputation.BounceRate", every_4_hours(next_hour(), [0.06]), {SET: "marketing"})
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path, "--json")

    assert code == 1
    # (moto also counts the set's reading in the account's read, which has no dimension; CloudWatch would not)
    assert "configuration set marketing: the bounce rate is at or past its level" in json.loads(out)["problems"]


def test_charts_on_a_terminal(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    end = next_hour()
    put_counts(aws, "marketing", end, {"Send": [100, 200, 400], "Delivery": [100, 200, 400]})
    sets_stack(tmp_path, reputation=False)

    code, out, _ = status(tmp_path, terminal=True)

    assert code == 0
    send = next(line for line in out.splitlines() if line.startswith("  sends"))
    assert send.split() == ["sends", "·" * 39 + "▃▄▇", "700", "-"]  # 42 periods of 4 hours, scaled to the peak
    assert "  reputation metrics are off for this set" in out


def test_a_set_without_the_set_dimension_is_not_counted_and_says_why(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    sets_stack(tmp_path, dimensions=[{"name": "campaign", "source": "MESSAGE_TAG", "default": "none"}],
               reputation=False, extra_sets=[{"name": "quiet"}])

    code, out, _ = status(tmp_path)

    assert code == 0
    assert said("marketing: counts not read: its CloudWatch event destination has no ses:configuration-set "
                "dimension (source MESSAGE_TAG), so its counts cannot be told from other sets'", out)
    assert "marketing (per" not in out  # nothing of it is read: no reputation metrics either
    lines = out.splitlines()
    quiet = lines.index("  quiet (per 4 hours)")  # its reputation metrics are on (the default): read
    assert lines[quiet + 1].startswith("  counts not read: it has no enabled CloudWatch event destination")
    assert said("quiet (per 4 hours) counts not read: it has no enabled CloudWatch event destination, so SES "
                "publishes no counts for it REPUTATION LATEST", out)


def test_the_enforcement_status_in_json(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    sets_stack(tmp_path)

    code, out, _ = status(tmp_path, "--json")

    assert code == 0
    assert json.loads(out)["enforcement"] == {
        "status": "HEALTHY", "meaning": "SES has no concern with how the account sends",
        "review_status": "GRANTED", "review_case_id": "1234"}


def test_cloudwatch_refusing_the_sets_read_is_could_not_check(tmp_path, aws, monkeypatch):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    sets_stack(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", aws.ses.url)  # the SES stand-in: 404 to CloudWatch

    code, out, _ = status(tmp_path, "--json")

    assert code == 2
    gaps = json.loads(out)["could_not_check"]
    assert any(gap.startswith("configuration sets: CloudWatch GetMetricData in eu-west-1") for gap in gaps)


def test_many_pages_of_recommendations_stop_at_the_deadline_at_one_request_a_second(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    aws.ses.set_recommendations([recommendation("example.com", "DKIM", "LOW", f"advice {n}") for n in range(30)],
                                page_size=1)
    put_counts(aws, "marketing", next_hour(), {"Send": [1]})  # moto's CloudWatch loaded before the clock runs
    sets_stack(tmp_path)

    with stopwatch() as watch:
        code, out, _ = status(tmp_path, "--json", "--timeout", "6")

    assert_no_hang(watch.elapsed, 6.0)
    document = json.loads(out)
    # The recommendations left unread are said, and are no gap (the other reads only share the machine).
    assert code in (0, 2) and not any("ListRecommendations" in gap for gap in document["could_not_check"])
    asked = len(aws.ses.recommendation_requests)
    # One a second, stopping before the deadline: at most the pages of seconds 0 to 5 (30 unpaced).
    assert 1 <= asked <= 6
    assert_rate_at_most(asked, 1.0, watch.elapsed, "ListRecommendations requests")
    recommendations = document["recommendations"]
    assert recommendations["complete"] is False and len(recommendations["open"]) == asked
