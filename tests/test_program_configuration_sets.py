"""The real program under Pulumi mocks: configuration sets, their destinations, sinks and policies."""

from __future__ import annotations

import json

from tests.pulumi_program import run_program, stack_config

ACCOUNT = "123456789012"
COMPONENT = "ses-domains:index:ConfigurationSet"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RECORD = "aws:route53/record:Record"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
TRACKING_OPTIONS = "pulumi-python:dynamic/ses-domains:TrackingOptions"
SUPPRESSION_OFF = "pulumi-python:dynamic/ses-domains:SuppressionOff"
STREAM = f"arn:aws:firehose:eu-west-1:{ACCOUNT}:deliverystream/ses-events"
EXISTING_TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:existing-archive"
EXISTING_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service/ses-to-firehose"


def config_set_arn(name: str, region: str = "eu-west-1") -> str:
    return f"arn:aws:ses:{region}:{ACCOUNT}:configuration-set/{name}"


def destinations(run) -> dict:
    return {r.name: r.inputs for r in run.of_type(DESTINATION)}


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def ses_only_condition(name: str, region: str = "eu-west-1") -> dict:
    return {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": config_set_arn(name, region)}}


FULL = {
    "name": "transactional",
    "reputationMetrics": False,
    "sendingEnabled": True,
    "tlsPolicy": "REQUIRE",
    "maxDeliverySeconds": 3600,
    "suppressedReasons": ["COMPLAINT"],
    "trackingDomain": "Click.Example.COM.",
    "sendingPool": "my-pool",
    "vdm": {"engagementMetrics": True, "optimizedSharedDelivery": False},
    "eventDestinations": [
        {"name": "bounces", "events": ["BOUNCE", "COMPLAINT", "REJECT"], "sns": {"topic": "ses-bounces"}},
        {"name": "archive", "events": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "DELIVERY_DELAY"],
         "sns": {"topicArn": EXISTING_TOPIC}},
        {"name": "metrics", "events": ["SEND", "DELIVERY", "OPEN", "CLICK"],
         "cloudwatch": {"dimensions": [{"name": "campaign", "source": "MESSAGE_TAG", "default": "none"},
                                       {"name": "X-Mailer", "source": "EMAIL_HEADER", "default": "unknown"},
                                       {"name": "link", "source": "LINK_TAG", "default": "none"}]}},
        {"name": "bus", "events": ["BOUNCE", "COMPLAINT"], "eventBridge": {}},
        {"name": "lake", "events": ["SEND", "DELIVERY"], "firehose": {"deliveryStreamArn": STREAM}},
        {"name": "lake-own-role", "events": ["RENDERING_FAILURE", "SUBSCRIPTION"], "enabled": False,
         "firehose": {"deliveryStreamArn": STREAM, "roleArn": EXISTING_ROLE}},
    ],
}


def run_full(**changes):
    entry = {**FULL, **changes}
    return run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [entry],
        "ses-domains:domains": [{"domain": "example.com", "configurationSet": "transactional",
                                 "feedbackForwarding": False}],
    })


def test_every_option_block_of_the_configuration_set():
    run = run_full()

    assert [r.inputs for r in run.of_type(CONFIGURATION_SET)] == [{
        "configurationSetName": "transactional",
        "deliveryOptions": {"tlsPolicy": "REQUIRE", "maxDeliverySeconds": 3600, "sendingPoolName": "my-pool"},
        "reputationOptions": {"reputationMetricsEnabled": False},
        "sendingOptions": {"sendingEnabled": True},
        "suppressionOptions": {"suppressedReasons": ["COMPLAINT"]},
        "vdmOptions": {"dashboardOptions": {"engagementMetrics": "ENABLED"},
                       "guardianOptions": {"optimizedSharedDelivery": "DISABLED"}},
    }]
    # The tracking domain is set apart, once example.com is verified (tests/test_deploy_tracking.py).
    assert [r.inputs["trackingDomain"] for r in run.of_type(TRACKING_OPTIONS)] == ["click.example.com"]


def test_every_resource_and_its_parent():
    run = run_full()

    assert sorted((r.type, r.name) for r in run.mocks.resources if "SendingDomain" not in r.type
                  and not r.name.startswith("example.com") and r.name != "verification") == sorted([
        (COMPONENT, "transactional"),
        (CONFIGURATION_SET, "transactional"),
        (TOPIC, "transactional-topic-ses-bounces"),
        (TOPIC_POLICY, "transactional-topic-ses-bounces"),
        (ROLE, "transactional-lake-firehose"),
        (ROLE_POLICY, "transactional-lake-firehose"),
        (RECORD, "transactional-tracking"),
        (TRACKING_OPTIONS, "transactional-tracking-options"),
        *[(DESTINATION, f"transactional-{d}") for d in ("bounces", "archive", "metrics", "bus", "lake", "lake-own-role")],
    ])
    # Every child hangs under the ConfigurationSet component (parent=self).
    assert len([urn for urn in run.urns if "ses-domains:index:ConfigurationSet$" in urn]) == 13


def test_each_event_destination_with_its_sink():
    run = run_full()

    def destination(name, events, enabled=True, **sink):
        return {"configurationSetName": "transactional", "eventDestinationName": name,
                "eventDestination": {"matchingEventTypes": events, "enabled": enabled, **sink}}

    role_arn = f"arn:aws:iam::{ACCOUNT}:role/transactional-lake-firehose-id"
    assert destinations(run) == {
        "transactional-bounces": destination(
            "bounces", ["BOUNCE", "COMPLAINT", "REJECT"],
            snsDestination={"topicArn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-bounces"}),
        "transactional-archive": destination(
            "archive", ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "DELIVERY_DELAY"],
            snsDestination={"topicArn": EXISTING_TOPIC}),
        "transactional-metrics": destination(
            "metrics", ["SEND", "DELIVERY", "OPEN", "CLICK"],
            cloudWatchDestination={"dimensionConfigurations": [
                {"dimensionName": "campaign", "dimensionValueSource": "MESSAGE_TAG", "defaultDimensionValue": "none"},
                {"dimensionName": "X-Mailer", "dimensionValueSource": "EMAIL_HEADER", "defaultDimensionValue": "unknown"},
                {"dimensionName": "link", "dimensionValueSource": "LINK_TAG", "defaultDimensionValue": "none"},
            ]}),
        "transactional-bus": destination(
            "bus", ["BOUNCE", "COMPLAINT"],
            eventBridgeDestination={"eventBusArn": f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"}),
        "transactional-lake": destination(
            "lake", ["SEND", "DELIVERY"],
            kinesisFirehoseDestination={"deliveryStreamArn": STREAM, "iamRoleArn": role_arn}),
        "transactional-lake-own-role": destination(
            "lake-own-role", ["RENDERING_FAILURE", "SUBSCRIPTION"], enabled=False,
            kinesisFirehoseDestination={"deliveryStreamArn": STREAM, "iamRoleArn": EXISTING_ROLE}),
    }


def test_created_topic_policy_lets_only_ses_of_this_account_and_set_publish():
    run = run_full()

    assert [r.inputs["name"] for r in run.of_type(TOPIC)] == ["ses-bounces"]
    (policy_resource,) = run.of_type(TOPIC_POLICY)
    topic_arn = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-bounces"
    assert policy_resource.inputs["arn"] == topic_arn
    policy = json.loads(policy_resource.inputs["policy"])
    assert policy["Version"] == "2012-10-17"
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Resource"] == topic_arn
    assert statement["Condition"] == ses_only_condition("transactional")


def test_created_firehose_role_trusts_only_ses_for_this_set_and_only_puts_to_the_stream():
    run = run_full()

    (role,) = run.of_type(ROLE)
    trust = json.loads(role.inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == ses_only_condition("transactional")
    assert "Resource" not in statement

    (role_policy,) = run.of_type(ROLE_POLICY)
    assert role_policy.inputs["role"] == "transactional-lake-firehose-id"
    permissions = json.loads(role_policy.inputs["policy"])
    (statement,) = permissions["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    assert statement["Resource"] == STREAM
    # The destination with its own role gets no role from the stack.
    assert len(run.of_type(ROLE)) == 1


def test_tracking_domain_cname_points_at_the_regional_endpoint_in_the_domain_zone():
    run = run_full()

    assert run.records()[("click.example.com", "CNAME")].inputs == {
        "zoneId": run.zone_ids["example.com"], "name": "click.example.com", "type": "CNAME", "ttl": 1800,
        "records": ["r.eu-west-1.awstrack.me"], "allowOverwrite": False,
    }
    assert run.outputs["configurationSets"]["transactional"]["trackingRecord"] == {
        "name": "click.example.com", "type": "CNAME", "values": ["r.eu-west-1.awstrack.me"], "ttl": 1800,
        "zone": "example.com",
    }


def test_identity_uses_the_set_by_default_and_feedback_emails_are_turned_off():
    run = run_full()

    (identity,) = run.of_type(IDENTITY)
    assert identity.inputs["configurationSetName"] == "transactional"
    assert [r.inputs for r in run.of_type(FEEDBACK)] == [{"emailIdentity": "example.com", "emailForwardingEnabled": False}]


def test_exports_name_arn_destinations_and_topics():
    run = run_full()

    exported = run.outputs["configurationSets"]["transactional"]
    assert exported["arn"] == config_set_arn("transactional")
    assert exported["topicArns"] == {"ses-bounces": f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-bounces"}
    assert exported["eventDestinations"]["bounces"] == {
        "events": ["BOUNCE", "COMPLAINT", "REJECT"], "enabled": True, "sink": "sns",
        "target": f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-bounces",
    }
    assert exported["eventDestinations"]["metrics"] == {
        "events": ["SEND", "DELIVERY", "OPEN", "CLICK"], "enabled": True, "sink": "cloudwatch",
    }
    assert exported["eventDestinations"]["bus"]["target"] == f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"
    assert exported["eventDestinations"]["lake"]["target"] == STREAM
    assert exported["eventDestinations"]["lake-own-role"]["enabled"] is False


def test_defaults_leave_suppression_and_tracking_to_the_account_and_forwarding_on():
    run = run_program({
        "aws:region": "us-east-1",
        "ses-domains:configurationSets": [{"name": "plain"}],
        "ses-domains:domains": [{"domain": "example.net"}],
    })

    assert [r.inputs for r in run.of_type(CONFIGURATION_SET)] == [{
        "configurationSetName": "plain",
        "deliveryOptions": {"tlsPolicy": "OPTIONAL"},
        "reputationOptions": {"reputationMetricsEnabled": True},
        "sendingOptions": {"sendingEnabled": True},
    }]
    assert run.of_type(DESTINATION) == []
    # A configuration set nobody names is still declared, and no identity uses it by default.
    assert "configurationSetName" not in run.of_type(IDENTITY)[0].inputs
    # Feedback forwarding is managed even when left out, on, SES's default (tests/test_deploy_feedback.py).
    assert [r.inputs for r in run.of_type(FEEDBACK)] == [{"emailIdentity": "example.net", "emailForwardingEnabled": True}]
    assert run.of_type(TRACKING_OPTIONS) == run.of_type(SUPPRESSION_OFF) == []
    # No topic, role or event bus: no account lookup.
    assert not [token for token, _ in run.mocks.calls if token.startswith("aws:index/")]


def test_empty_suppressed_reasons_turn_account_suppression_off_for_the_set():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "no-suppression", "suppressedReasons": []}],
        "ses-domains:domains": [{"domain": "example.net"}],
    })

    assert run.of_type(CONFIGURATION_SET)[0].inputs["suppressionOptions"] == {"suppressedReasons": []}


def test_region_reaches_arns_conditions_and_the_tracking_endpoint():
    run = run_program({
        "aws:region": "ap-southeast-2",
        "ses-domains:configurationSets": [{
            "name": "apac", "trackingDomain": "t.example.org",
            "eventDestinations": [{"name": "bus", "events": ["SEND"], "eventBridge": {}},
                                  {"name": "b", "events": ["BOUNCE"], "sns": {"topic": "apac-bounces"}}],
        }],
        "ses-domains:domains": [{"domain": "mail.example.org", "zone": "example.org", "configurationSet": "apac"}],
    })

    assert run.records()[("t.example.org", "CNAME")].inputs["records"] == ["r.ap-southeast-2.awstrack.me"]
    assert run.records()[("t.example.org", "CNAME")].inputs["zoneId"] == run.zone_ids["example.org"]
    assert destinations(run)["apac-bus"]["eventDestination"]["eventBridgeDestination"] == {
        "eventBusArn": f"arn:aws:events:ap-southeast-2:{ACCOUNT}:event-bus/default"
    }
    statement = json.loads(run.of_type(TOPIC_POLICY)[0].inputs["policy"])["Statement"][0]
    assert statement["Condition"] == ses_only_condition("apac", "ap-southeast-2")
    assert statement["Resource"] == f"arn:aws:sns:ap-southeast-2:{ACCOUNT}:apac-bounces"


def test_two_destinations_share_one_created_topic_and_one_policy():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "feedback", "eventDestinations": [
            {"name": "bounces", "events": ["BOUNCE"], "sns": {"topic": "ses-feedback"}},
            {"name": "complaints", "events": ["COMPLAINT"], "sns": {"topic": "ses-feedback"}},
        ]}],
        "ses-domains:domains": [{"domain": "example.net", "configurationSet": "feedback", "feedbackForwarding": False}],
    })

    assert [r.inputs for r in run.of_type(TOPIC)] == [{"name": "ses-feedback"}]
    assert len(run.of_type(TOPIC_POLICY)) == 1
    topic_arn = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-feedback"
    assert {d["eventDestination"]["snsDestination"]["topicArn"] for d in destinations(run).values()} == {topic_arn}


def test_tracking_domain_outside_the_stack_zones_is_left_to_the_user_with_a_warning():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "ext", "trackingDomain": "click.example.io"}],
        "ses-domains:domains": [{"domain": "example.com"}],
    })

    assert ("click.example.io", "CNAME") not in run.records()
    assert any("ses-domains:configurationSets[0].trackingDomain" in w
               and "click.example.io CNAME r.eu-west-1.awstrack.me" in w for w in warnings(run)), warnings(run)
    # SES refuses a tracking domain that is not under a verified identity: said at preview.
    assert any("verified identity" in w and "click.example.io" in w for w in warnings(run)), warnings(run)


def test_https_tracking_is_not_pointed_at_the_plain_http_endpoint():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "secure", "trackingDomain": "click.example.com",
                                           "httpsPolicy": "REQUIRE"}],
        "ses-domains:domains": [{"domain": "example.com"}],
    })

    assert "trackingOptions" not in run.of_type(CONFIGURATION_SET)[0].inputs
    (tracking,) = run.of_type(TRACKING_OPTIONS)
    assert (tracking.inputs["trackingDomain"], tracking.inputs["httpsPolicy"]) == ("click.example.com", "REQUIRE")
    assert ("click.example.com", "CNAME") not in run.records()
    assert any("CloudFront" in w and "us-east-1" in w and "click.example.com" in w for w in warnings(run)), warnings(run)


def test_a_tracking_domain_shared_by_two_sets_gets_one_record():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "a", "trackingDomain": "click.example.com"},
                                          {"name": "b", "trackingDomain": "click.example.com"}],
        "ses-domains:domains": [{"domain": "example.com"}],
    })

    assert [r.name for r in run.of_type(RECORD) if r.inputs["name"] == "click.example.com"] == ["a-tracking"]


def test_feedback_forwarding_true_is_managed_explicitly():
    run = run_program({
        "aws:region": "eu-west-1",
        "ses-domains:domains": [{"domain": "example.net", "feedbackForwarding": True}],
    })

    assert [r.inputs for r in run.of_type(FEEDBACK)] == [{"emailIdentity": "example.net", "emailForwardingEnabled": True}]
    assert run.outputs["configurationSets"] == {}


def test_prod_stack_sends_bounces_and_complaints_to_its_own_topic():
    run = run_program(stack_config("prod"), stack="prod")

    (configuration_set,) = run.of_type(CONFIGURATION_SET)
    assert configuration_set.inputs["deliveryOptions"] == {"tlsPolicy": "REQUIRE", "maxDeliverySeconds": 3600}
    assert configuration_set.inputs["suppressionOptions"] == {"suppressedReasons": ["BOUNCE", "COMPLAINT"]}
    topic_arn = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-prod-bounces-and-complaints"
    assert destinations(run)["transactional-bounces-and-complaints"]["eventDestination"] == {
        "matchingEventTypes": ["BOUNCE", "COMPLAINT", "REJECT"], "enabled": True,
        "snsDestination": {"topicArn": topic_arn},
    }
    statement = json.loads(run.of_type(TOPIC_POLICY)[0].inputs["policy"])["Statement"][0]
    assert statement["Resource"] == topic_arn
    assert statement["Condition"] == ses_only_condition("transactional")
    identities = {r.inputs["emailIdentity"]: r.inputs for r in run.of_type(IDENTITY)}
    assert identities["example.com"]["configurationSetName"] == "transactional"
    assert "configurationSetName" not in identities["news.example.org"]


def test_dev_stack_has_metrics_only():
    run = run_program(stack_config("dev"), stack="dev")

    assert {r.type for r in run.mocks.resources} & {TOPIC, TOPIC_POLICY, ROLE, ROLE_POLICY, SUPPRESSION_OFF} == set()
    assert [r.inputs["emailForwardingEnabled"] for r in run.of_type(FEEDBACK)] == [True]
    assert destinations(run) == {"dev-default-metrics": {
        "configurationSetName": "dev-default", "eventDestinationName": "metrics",
        "eventDestination": {
            "matchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "OPEN", "CLICK"],
            "enabled": True,
            "cloudWatchDestination": {"dimensionConfigurations": [
                {"dimensionName": "ses:configuration-set", "dimensionValueSource": "MESSAGE_TAG",
                 "defaultDimensionValue": "dev-default"},
                {"dimensionName": "campaign", "dimensionValueSource": "MESSAGE_TAG", "defaultDimensionValue": "none"},
            ]},
        },
    }}
    assert run.of_type(IDENTITY)[0].inputs["configurationSetName"] == "dev-default"
