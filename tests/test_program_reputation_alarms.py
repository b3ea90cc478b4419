"""The real program under Pulumi mocks: CloudWatch alarms on SES's reputation rates, and every mistake in them."""

from __future__ import annotations

import pulumi
import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import Declared, RecordingMocks, refused_at_preview, run_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPONENT = "ses-domains:index:ReputationAlarms"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
R = "ses-domains:reputationAlarms"
C = "ses-domains:configurationSets"
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-alarms"


class AlarmMocks(RecordingMocks):
    def extra_state(self, args):
        if args.typ == ALARM:
            return {"arn": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{args.inputs['name']}"}
        return {}


def run_alarms(alarms, configuration_sets=None, stack="prod"):
    config = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], R: alarms}
    if configuration_sets is not None:
        config[C] = configuration_sets
    return run_program(config, mocks=AlarmMocks(), stack=stack)


def expected_alarm(name, metric, threshold, description, ok=True, dimensions=None):
    inputs = {
        "name": name,
        "alarmDescription": description,
        "namespace": "AWS/SES",
        "metricName": metric,
        "statistic": "Maximum",
        "period": 3600.0,
        "evaluationPeriods": 1.0,
        "datapointsToAlarm": 1.0,
        "threshold": threshold,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        "treatMissingData": "notBreaching",
        "actionsEnabled": True,
        "alarmActions": [TOPIC],
    }
    if ok:
        inputs["okActions"] = [TOPIC]
    if dimensions:
        inputs["dimensions"] = dimensions
    return inputs


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def test_the_account_alarms_go_off_at_the_review_levels_by_default_and_notify_the_topic():
    run = run_alarms({"snsTopicArn": TOPIC})

    assert [(r.name, r.inputs) for r in run.of_type(ALARM)] == [
        ("reputation-alarms-bounce-rate", expected_alarm(
            "ses-domains-prod-bounce-rate", "Reputation.BounceRate", 0.05,
            "SES bounce rate of the account at or above 0.05 (5 %); managed by ses-domains")),
        ("reputation-alarms-complaint-rate", expected_alarm(
            "ses-domains-prod-complaint-rate", "Reputation.ComplaintRate", 0.001,
            "SES complaint rate of the account at or above 0.001 (0.1 %); managed by ses-domains")),
    ]
    assert run.outputs["reputationAlarms"] == {
        "ses-domains-prod-bounce-rate": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:ses-domains-prod-bounce-rate",
        "ses-domains-prod-complaint-rate": f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:ses-domains-prod-complaint-rate",
    }


def test_the_alarms_are_children_of_one_component():
    run = run_alarms({"snsTopicArn": TOPIC})

    component = [urn for urn in run.urns if urn.endswith(f"{COMPONENT}::reputation-alarms")]
    alarms = [urn for urn in run.urns if f"{COMPONENT}${ALARM}::" in urn]
    assert len(component) == 1
    assert len(alarms) == 2 == len(run.of_type(ALARM))


def test_a_set_s_alarms_carry_its_dimension_and_follow_the_set():
    run = run_alarms(
        {"snsTopicArn": TOPIC, "bounceRate": 0.02, "complaintRate": 0.0005, "notifyOk": False,
         "configurationSets": ["marketing"]},
        [{"name": "marketing"}, {"name": "quiet"}],
    )

    alarms = {r.name: r.inputs for r in run.of_type(ALARM)}
    assert list(alarms) == ["reputation-alarms-bounce-rate", "reputation-alarms-complaint-rate",
                            "reputation-alarms-marketing-bounce-rate", "reputation-alarms-marketing-complaint-rate"]
    assert alarms["reputation-alarms-marketing-bounce-rate"] == expected_alarm(
        "ses-domains-prod-set-marketing-bounce-rate", "Reputation.BounceRate", 0.02,
        "SES bounce rate of configuration set marketing at or above 0.02 (2 %); managed by ses-domains",
        ok=False, dimensions={"ses:configuration-set": "marketing"})
    assert alarms["reputation-alarms-marketing-complaint-rate"]["threshold"] == 0.0005
    assert "okActions" not in alarms["reputation-alarms-bounce-rate"]
    set_urn = next(urn for urn in run.urns if urn.endswith(f"{CONFIGURATION_SET}::marketing"))
    assert run.typed_dependencies[(ALARM, "reputation-alarms-marketing-bounce-rate")] == [set_urn]
    assert run.typed_dependencies[(ALARM, "reputation-alarms-bounce-rate")] == []


def test_alarm_names_are_unique_per_stack():
    run = run_alarms({"snsTopicArn": TOPIC}, stack="staging")

    assert sorted(r.inputs["name"] for r in run.of_type(ALARM)) == [
        "ses-domains-staging-bounce-rate", "ses-domains-staging-complaint-rate"]


def test_a_level_above_the_review_level_is_warned_about():
    run = run_alarms({"snsTopicArn": TOPIC, "bounceRate": 0.08})

    assert f"{R}.bounceRate: 0.08 is above 0.05, the bounce rate at which SES starts reviewing the account: the alarm " \
           "would go off only after that" in warnings(run)


def test_without_the_key_there_are_no_alarms():
    run = run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})

    assert run.of_type(ALARM) == []
    assert "reputationAlarms" not in run.outputs


def test_the_put_metric_alarm_requests_are_ones_cloudwatch_accepts():
    run = run_alarms({"snsTopicArn": TOPIC, "configurationSets": ["marketing"]}, [{"name": "marketing"}])

    report = check_resources(run.of_type(ALARM))
    assert not report.violations, report.describe()
    request = next(r for r in report.requests if r.params["AlarmName"] == "ses-domains-prod-set-marketing-bounce-rate")
    assert request.params == {
        "AlarmName": "ses-domains-prod-set-marketing-bounce-rate",
        "AlarmDescription": "SES bounce rate of configuration set marketing at or above 0.05 (5 %); managed by ses-domains",
        "ActionsEnabled": True,
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "DatapointsToAlarm": 1,
        "Dimensions": [{"Name": "ses:configuration-set", "Value": "marketing"}],
        "EvaluationPeriods": 1,
        "MetricName": "Reputation.BounceRate",
        "Namespace": "AWS/SES",
        "Period": 3600,
        "Statistic": "Maximum",
        "Threshold": 0.05,
        "TreatMissingData": "notBreaching",
    }


def test_the_aws_layer_refuses_what_put_metric_alarm_refuses():
    base = {"comparisonOperator": "GreaterThanOrEqualToThreshold", "evaluationPeriods": 1.0, "threshold": 0.05,
            "namespace": "AWS/SES", "metricName": "Reputation.BounceRate", "statistic": "Maximum", "period": 3600.0}
    found = check_resources([
        Declared(ALARM, "period", {**base, "name": "a", "period": 90.0}, {}),
        Declared(ALARM, "control", {**base, "name": "a\tb"}, {}),
        Declared(ALARM, "missing", {**base, "name": "a", "treatMissingData": "zero"}, {}),
        Declared(ALARM, "statistic", {**base, "name": "a", "extendedStatistic": "p99"}, {}),
        Declared(ALARM, "long", {**base, "name": "a" * 256}, {}),
        Declared(ALARM, "actions", {**base, "name": "a", "alarmActions": [f"{TOPIC}{i}" for i in range(6)]}, {}),
    ]).violations

    assert [(v.resource_name, v.path) for v in found] == [
        ("period", "Period"), ("control", "AlarmName"), ("missing", "TreatMissingData"), ("statistic", "Statistic"),
        ("long", "AlarmName"), ("actions", "AlarmActions")]


CASES = {
    "not a mapping": ("arn", None, f"{R}: must be a mapping of keys (snsTopicArn, bounceRate, complaintRate"),
    "no topic": ({"bounceRate": 0.05}, None, f"{R}.snsTopicArn: is required: an SNS topic ARN such as "
                                             "arn:aws:sns:eu-west-1:123456789012:ses-alarms"),
    "an SQS ARN": ({"snsTopicArn": f"arn:aws:sqs:eu-west-1:{ACCOUNT}:alarms"}, None,
                   f"{R}.snsTopicArn: must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ses-alarms, "
                   f"got 'arn:aws:sqs:eu-west-1:{ACCOUNT}:alarms', which is an ARN of sqs"),
    "an 11-digit account": ({"snsTopicArn": "arn:aws:sns:eu-west-1:12345678901:alarms"}, None,
                            f"{R}.snsTopicArn: must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:ses-alarms, "
                            "got 'arn:aws:sns:eu-west-1:12345678901:alarms', whose account id has 11 digits instead of 12"),
    "a topic name": ({"snsTopicArn": "ses-alarms"}, None, f"{R}.snsTopicArn: must be an SNS topic ARN"),
    "topic in another region": ({"snsTopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:alarms"}, None,
                                f"{R}.snsTopicArn: the topic is in us-east-1, but the alarms are in eu-west-1 (aws:region): "
                                "a CloudWatch alarm notifies only a topic of its own region; give a topic in eu-west-1"),
    "a percentage": ({"snsTopicArn": TOPIC, "bounceRate": 5}, None,
                     f"{R}.bounceRate: is a fraction from 0 to 1, as SES publishes the bounce rate: 5 would mean 500 %; "
                     "for 5 % write 0.05"),
    "a percentage with a decimal": ({"snsTopicArn": TOPIC, "complaintRate": 0.1 * 10}, None,
                                    f"{R}.complaintRate: is a fraction from 0 to 1, as SES publishes the complaint rate"),
    "a percent sign": ({"snsTopicArn": TOPIC, "bounceRate": "5%"}, None,
                       f"{R}.bounceRate: must be a fraction from 0 to 1 such as 0.05, not a percentage; 5% is 0.05"),
    "zero": ({"snsTopicArn": TOPIC, "complaintRate": 0}, None,
             f"{R}.complaintRate: must be a fraction above 0 and below 1 such as 0.001, got 0"),
    "negative": ({"snsTopicArn": TOPIC, "bounceRate": -0.1}, None, f"{R}.bounceRate: must be a fraction above 0 and below 1"),
    "above 100": ({"snsTopicArn": TOPIC, "bounceRate": 500}, None, f"{R}.bounceRate: must be a fraction above 0 and below 1"),
    "text": ({"snsTopicArn": TOPIC, "bounceRate": "high"}, None,
             f"{R}.bounceRate: must be a fraction from 0 to 1 such as 0.05, got 'high'"),
    "a boolean": ({"snsTopicArn": TOPIC, "bounceRate": True}, None, f"{R}.bounceRate: must be a fraction from 0 to 1"),
    "notifyOk not a boolean": ({"snsTopicArn": TOPIC, "notifyOk": "yes"}, None, f"{R}.notifyOk: must be true or false"),
    "typo in a key": ({"snsTopicArn": TOPIC, "bounceRat": 0.01}, None, f"{R}.bounceRat: unknown key; did you mean 'bounceRate'?"),
    "sets not a list": ({"snsTopicArn": TOPIC, "configurationSets": "tx"}, [{"name": "tx"}],
                        f"{R}.configurationSets: must be a list of configuration set names of this stack"),
    "unknown set": ({"snsTopicArn": TOPIC, "configurationSets": ["tx", "bulk"]}, [{"name": "tx"}],
                    f"{R}.configurationSets[1]: there is no configuration set bulk in {C} (tx)"),
    "set listed twice": ({"snsTopicArn": TOPIC, "configurationSets": ["tx", "tx"]}, [{"name": "tx"}],
                         f"{R}.configurationSets[1]: tx is listed twice"),
    "set without reputation metrics": (
        {"snsTopicArn": TOPIC, "configurationSets": ["tx"]}, [{"name": "tx", "reputationMetrics": False}],
        f"{R}.configurationSets[0]: tx has reputationMetrics false ({C}[0].reputationMetrics): SES publishes no "
        "reputation metrics for it, so its alarms would never go off; turn reputationMetrics on or remove it from this list"),
}


@pytest.mark.parametrize("alarms, sets, expected", CASES.values(), ids=CASES.keys())
def test_bad_reputation_alarms_are_reported_with_their_key_before_anything_is_declared(alarms, sets, expected):
    config = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}], R: alarms}
    if sets is not None:
        config[C] = sets
    assert expected in refused_at_preview(config)


def test_a_set_with_its_own_problem_is_not_also_called_missing():
    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}],
                     C: [{"name": "tx", "tlsPolicy": "STRICT"}], R: {"snsTopicArn": TOPIC, "configurationSets": ["tx"]}},
                    mocks=mocks)

    assert "tlsPolicy" in str(raised.value)
    assert f"{R}.configurationSets" not in str(raised.value)
