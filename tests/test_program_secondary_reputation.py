"""A global endpoint's secondary region under Pulumi's mocks, for what SES measures and looks up per
region: the reputation alarms declared there too (notifying a topic of that region, given under
``globalEndpoint.alarmTopics``, or refused at preview under that key), the public ``ReputationAlarms``
in a region of its choosing, and the replica identity there naming the copy of its domain's
configuration set as its default set (a replica in a region with no copy names none)."""

from __future__ import annotations

import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import ProgramRun, RecordingMocks, run_program
from tests.test_config_cases import run_failing
from tests.test_program_secondary_region import D, G, S, SECONDARY, endpoint_stack, region_of
from tests.test_public_account import refused, run_public

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ALARMS = "ses-domains:index:ReputationAlarms"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
REPLICA = "ses-domains:index:ReplicaIdentity"
SET = "aws:sesv2/configurationSet:ConfigurationSet"
R = "ses-domains:reputationAlarms"
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-alarms"
US_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:ses-alarms-us"


class RegionalAlarmMocks(RecordingMocks):
    """An alarm's ARN names the region it was created in, as CloudWatch's do."""

    def extra_state(self, args):
        if args.typ == ALARM:
            return {"arn": f"arn:aws:cloudwatch:{args.inputs.get('region', 'eu-west-1')}:{ACCOUNT}:alarm:"
                           f"{args.inputs['name']}"}
        return {}


def alarm_stack(**endpoint) -> dict:
    """The endpoint stack with alarms on the account and its set; ``endpoint``: keys of its
    ``globalEndpoint`` (``None`` leaves one out)."""
    config = endpoint_stack()
    config[R] = {"snsTopicArn": TOPIC, "bounceRate": 0.04, "complaintRate": 0.0008, "notifyOk": False,
                 "configurationSets": ["transactional"]}
    given = {"alarmTopics": {"us-east-1": US_TOPIC}, **endpoint}
    config[G] = {**config[G], **{key: value for key, value in given.items() if value is not None}}
    return config


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_program(alarm_stack(), mocks=RegionalAlarmMocks())


def urn(run: ProgramRun, ending: str) -> str:
    (found,) = [u for u in run.urns if u.endswith(ending)]
    return found


def test_the_secondary_region_gets_the_same_alarms_notifying_its_own_topic(run):
    alarms = {(region_of(a), a.name): a.inputs for a in run.of_type(ALARM)}

    assert sorted(alarms) == [
        ("eu-west-1", "reputation-alarms-bounce-rate"), ("eu-west-1", "reputation-alarms-complaint-rate"),
        ("eu-west-1", "reputation-alarms-transactional-bounce-rate"),
        ("eu-west-1", "reputation-alarms-transactional-complaint-rate"),
        ("us-east-1", "reputation-alarms-us-east-1-bounce-rate"),
        ("us-east-1", "reputation-alarms-us-east-1-complaint-rate"),
        ("us-east-1", "reputation-alarms-us-east-1-transactional-bounce-rate"),
        ("us-east-1", "reputation-alarms-us-east-1-transactional-complaint-rate"),
    ]
    # The stack region's alarms are what they were: no region input, the stack's topic.
    primary = alarms[("eu-west-1", "reputation-alarms-transactional-bounce-rate")]
    assert "region" not in primary and primary["alarmActions"] == [TOPIC]
    for rate in ("bounce", "complaint", "transactional-bounce", "transactional-complaint"):
        original = alarms[("eu-west-1", f"reputation-alarms-{rate}-rate")]
        copy = alarms[("us-east-1", f"reputation-alarms-us-east-1-{rate}-rate")]
        # Same alarm name (CloudWatch names alarms per region), levels, metric and dimension.
        assert copy == {**original, "region": "us-east-1", "alarmActions": [US_TOPIC]}, rate
    assert alarms[("us-east-1", "reputation-alarms-us-east-1-transactional-bounce-rate")]["name"] == (
        "ses-domains-test-set-transactional-bounce-rate")
    assert alarms[("us-east-1", "reputation-alarms-us-east-1-bounce-rate")]["threshold"] == 0.04
    assert "okActions" not in alarms[("us-east-1", "reputation-alarms-us-east-1-bounce-rate")]


def test_the_secondary_alarms_hang_under_the_region_s_component_and_follow_its_copy_of_the_set(run):
    region_component = urn(run, f"{SECONDARY}::global-endpoint-us-east-1")
    (component,) = [r for r in run.monitor.registrations if r.type == ALARMS and r.name == "reputation-alarms-us-east-1"]
    assert component.parent == region_component
    component_urn = urn(run, f"{SECONDARY}${ALARMS}::reputation-alarms-us-east-1")
    children = sorted(r.name for r in run.monitor.registrations if r.type == ALARM and r.parent == component_urn)
    assert children == ["reputation-alarms-us-east-1-bounce-rate", "reputation-alarms-us-east-1-complaint-rate",
                        "reputation-alarms-us-east-1-transactional-bounce-rate",
                        "reputation-alarms-us-east-1-transactional-complaint-rate"]
    copied_set = urn(run, f"{SET}::transactional-us-east-1")
    assert run.typed_dependencies[(ALARM, "reputation-alarms-us-east-1-transactional-bounce-rate")] == [copied_set]
    assert run.typed_dependencies[(ALARM, "reputation-alarms-us-east-1-bounce-rate")] == []
    # The stack region's alarms keep their parent (and so their URNs).
    primary = urn(run, f"Stack${ALARMS}::reputation-alarms")
    assert sorted(r.name for r in run.monitor.registrations if r.type == ALARM and r.parent == primary) == [
        "reputation-alarms-bounce-rate", "reputation-alarms-complaint-rate",
        "reputation-alarms-transactional-bounce-rate", "reputation-alarms-transactional-complaint-rate"]


def test_the_stack_exports_each_region_s_alarms_apart(run):
    assert run.outputs["reputationAlarms"]["ses-domains-test-bounce-rate"] == (
        f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:ses-domains-test-bounce-rate")
    assert run.outputs["secondaryRegions"]["us-east-1"]["reputationAlarms"] == {
        name: f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:{name}"
        for name in ("ses-domains-test-bounce-rate", "ses-domains-test-complaint-rate",
                     "ses-domains-test-set-transactional-bounce-rate",
                     "ses-domains-test-set-transactional-complaint-rate")}


def test_every_alarm_request_is_one_cloudwatch_accepts_and_notifies_a_topic_of_its_region(run):
    report = check_resources(run.mocks.resources, {zone_id: name for name, zone_id in run.zone_ids.items()})
    assert not report.violations, report.describe()
    put_alarms = [r for r in report.requests if r.operation == "PutMetricAlarm"]
    assert len(put_alarms) == 8
    for alarm in run.of_type(ALARM):
        # PutMetricAlarm refuses an action of another region ("Invalid region ... Only <region> is supported").
        assert {arn.split(":")[3] for arn in alarm.inputs["alarmActions"]} == {region_of(alarm)}, alarm.name


def test_without_reputation_alarms_the_secondary_region_gets_none():
    config = endpoint_stack()
    run = run_program(config)
    assert run.of_type(ALARM) == []
    assert "reputationAlarms" not in run.outputs["secondaryRegions"]["us-east-1"]


def test_without_an_endpoint_the_alarms_stay_in_the_stack_region():
    config = alarm_stack()
    del config[G]
    config[D][0]["replicaRegions"] = ["us-east-1"]
    run = run_program(config)
    assert sorted(a.name for a in run.of_type(ALARM)) == [
        "reputation-alarms-bounce-rate", "reputation-alarms-complaint-rate",
        "reputation-alarms-transactional-bounce-rate", "reputation-alarms-transactional-complaint-rate"]
    assert all("region" not in a.inputs for a in run.of_type(ALARM))


TOPICS = f"{G}.alarmTopics"
REFUSED = {
    "a topic of another region": (
        alarm_stack(alarmTopics={"us-east-1": TOPIC}),
        f"{TOPICS}.us-east-1: names eu-west-1, but this entry is for us-east-1: a CloudWatch alarm notifies only a "
        "topic of its own region; give a topic of us-east-1",
    ),
    "a topic for the stack's own region": (
        alarm_stack(alarmTopics={"us-east-1": US_TOPIC, "eu-west-1": TOPIC}),
        f"{TOPICS}.eu-west-1: eu-west-1 is not a region of {G} other than aws:region (those are: us-east-1); the "
        f"alarms of aws:region notify {R}.snsTopicArn",
    ),
    "something that is not a topic ARN": (
        alarm_stack(alarmTopics={"us-east-1": "arn:aws:sqs:us-east-1:123456789012:q"}),
        f"{TOPICS}.us-east-1: must be an SNS topic ARN of us-east-1 such as "
        "arn:aws:sns:us-east-1:123456789012:ses-alarms, got 'arn:aws:sqs:us-east-1:123456789012:q', which is an "
        "ARN of sqs",
    ),
    "not a mapping": (
        alarm_stack(alarmTopics=[US_TOPIC]),
        f"{TOPICS}: must be a mapping of region -> SNS topic ARN of that region",
    ),
    "topics with no alarms to notify": (
        {**endpoint_stack(), G: {**endpoint_stack()[G], "alarmTopics": {"us-east-1": US_TOPIC}}},
        f"{TOPICS}: there are no reputation alarms to notify: set {R}, or leave alarmTopics out",
    ),
}


def test_a_secondary_region_without_a_topic_gets_no_alarms_and_a_warning_so_existing_stacks_keep_working():
    run = run_program(alarm_stack(alarmTopics=None))

    assert [a.name for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if "us-east-1" in a.name] == []
    assert sorted(a.name for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))  # the stack region's remain
    assert (f"{TOPICS}.us-east-1: not set, so us-east-1 has no reputation alarms: {G} also sends from us-east-1, "
            f"where SES publishes that region's bounce and complaint rates apart, and a CloudWatch alarm notifies "
            f"only a topic of its own region ({R}.snsTopicArn is in eu-west-1); give an SNS topic of us-east-1 such "
            "as arn:aws:sns:us-east-1:123456789012:ses-alarms") in [
        r.getMessage() for r in run.logs if r.levelname == "WARNING"]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_secondary_region_without_a_topic_of_its_own_is_refused_at_preview_under_its_key(case):
    config, expected = REFUSED[case]
    assert expected in run_failing(config)


def test_a_bad_reputation_alarms_key_is_not_also_called_missing():
    config = endpoint_stack()
    config[R] = {"snsTopicArn": "not an arn"}
    config[G] = {**config[G], "alarmTopics": {"us-east-1": US_TOPIC}}
    message = run_failing(config)
    assert f"{R}.snsTopicArn: must be an SNS topic ARN" in message
    assert "there are no reputation alarms to notify" not in message


# --- the public component, in a region of its choosing -------------------------------------------


def test_reputation_alarms_in_another_region_than_the_provider_s(tmp_path):
    run = run_public(tmp_path, f"""
        alarms = ReputationAlarms("alarms-us", ReputationAlarmsArgs(
            sns_topic_arn="{US_TOPIC}", region="us-east-1", configuration_sets=["tx"]))
    """)
    alarms = {a.name: a.inputs for a in run.of_type(ALARM)}
    assert sorted(alarms) == ["alarms-us-bounce-rate", "alarms-us-complaint-rate",
                              "alarms-us-tx-bounce-rate", "alarms-us-tx-complaint-rate"]
    assert {a["region"] for a in alarms.values()} == {"us-east-1"}
    assert {tuple(a["alarmActions"]) for a in alarms.values()} == {(US_TOPIC,)}
    assert alarms["alarms-us-tx-bounce-rate"]["dimensions"] == {"ses:configuration-set": "tx"}


def test_the_public_component_without_region_declares_no_region_input(tmp_path):
    run = run_public(tmp_path, f"""
        ReputationAlarms("alarms", ReputationAlarmsArgs(sns_topic_arn="{TOPIC}"))
    """)
    assert [("region" in a.inputs) for a in run.of_type(ALARM)] == [False, False]


@pytest.mark.parametrize("body, expected", [
    (f'ReputationAlarms("a", ReputationAlarmsArgs(sns_topic_arn="{TOPIC}", region="us-east-1"))',
     "sns_topic_arn: the topic is in eu-west-1, but the alarms are in us-east-1 (region): a CloudWatch alarm "
     "notifies only a topic of its own region; give a topic of us-east-1"),
    (f'ReputationAlarms("a", ReputationAlarmsArgs(sns_topic_arn="{US_TOPIC}"))',
     "sns_topic_arn: the topic is in us-east-1, but the alarms are in eu-west-1 (the AWS provider's region "
     "(aws:region)): a CloudWatch alarm notifies only a topic of its own region; give a topic of eu-west-1"),
    (f'ReputationAlarms("a", ReputationAlarmsArgs(sns_topic_arn="{US_TOPIC}", region="us-east-9"))',
     "region: us-east-9 is not a region where SES is offered"),
])
def test_the_public_component_refuses_a_topic_of_another_region_before_declaring_anything(tmp_path, body, expected):
    message, mocks = refused(tmp_path, body)
    assert expected in message
    assert mocks.resources == []


def test_a_region_known_only_later_is_judged_once_known(tmp_path):
    message, _ = refused(tmp_path, f"""
        region = pulumi.Output.from_input("us-east-1").apply(lambda r: r)
        ReputationAlarms("a", ReputationAlarmsArgs(sns_topic_arn="{TOPIC}", region=region))
    """)
    assert "sns_topic_arn: the topic is in eu-west-1, but the alarms are in us-east-1 (region)" in message


# --- the replica identity's default configuration set ---------------------------------------------


def test_the_replica_in_the_secondary_region_names_the_copy_of_its_domain_s_set(run):
    identities = {(region_of(i), i.inputs["emailIdentity"]): i for i in run.of_type(IDENTITY)}
    replica, primary = identities[("us-east-1", "example.com")], identities[("eu-west-1", "example.com")]

    assert replica.inputs["configurationSetName"] == primary.inputs["configurationSetName"] == "transactional"
    copied_set = urn(run, f"{SET}::transactional-us-east-1")
    assert copied_set in run.typed_dependencies[(IDENTITY, "example.com-us-east-1")]
    # The stack region's identity names the stack region's set, not the copy.
    assert copied_set not in run.typed_dependencies[(IDENTITY, "example.com")]
    assert urn(run, f"{SET}::transactional") in run.typed_dependencies[(IDENTITY, "example.com")]


def test_a_replica_in_a_region_with_no_copy_of_the_set_names_none():
    config = endpoint_stack()
    config[D][0]["replicaRegions"] = ["us-east-1", "ap-southeast-2"]
    run = run_program(config)
    sets = {region_of(i): i.inputs.get("configurationSetName") for i in run.of_type(IDENTITY)
            if i.inputs["emailIdentity"] == "example.com"}
    assert sets == {"eu-west-1": "transactional", "us-east-1": "transactional", "ap-southeast-2": None}
    assert all(region_of(s) != "ap-southeast-2" for s in run.of_type(SET))


def test_without_an_endpoint_replicas_name_no_set():
    config = endpoint_stack()
    del config[G]
    run = run_program(config)
    (replica,) = [i for i in run.of_type(IDENTITY) if region_of(i) == "us-east-1"]
    assert "configurationSetName" not in replica.inputs


def test_a_domain_without_a_set_has_replicas_without_one():
    config = endpoint_stack()
    del config[D][0]["configurationSet"]
    run = run_program(config)
    (replica,) = [i for i in run.of_type(IDENTITY) if region_of(i) == "us-east-1" and "@" not in i.inputs["emailIdentity"]]
    assert "configurationSetName" not in replica.inputs
