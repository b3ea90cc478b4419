"""Every configuration-set mistake stops the program before any resource is declared, naming the key."""

from __future__ import annotations

import pytest
import pulumi

from tests.pulumi_program import RecordingMocks, run_program

C = "ses-domains:configurationSets"
D = "ses-domains:domains"
STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-events"


def run_failing(configuration_sets, domains=None):
    mocks = RecordingMocks()
    config = {"aws:region": "eu-west-1", D: domains or [{"domain": "example.com"}]}
    if configuration_sets is not None:
        config[C] = configuration_sets
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, mocks=mocks)
    assert str(raised.value).startswith("the stack config has"), raised.value
    assert mocks.resources == [], "a resource was declared despite a config error"
    return str(raised.value)


def one_destination(**destination):
    return [{"name": "cs", "eventDestinations": [{"name": "d", "events": ["BOUNCE"], **destination}]}]


CASES = {
    "not a list": ({"name": "cs"}, f"{C}: must be a list of configuration sets"),
    "entry not a mapping": (["cs"], f"{C}[0]: must be a mapping of keys"),
    "missing name": ([{"tlsPolicy": "REQUIRE"}], f"{C}[0].name: is required"),
    "name with a dot": ([{"name": "my.set"}], f"{C}[0].name: 'my.set' is not a valid configuration set name"),
    "name too long": ([{"name": "a" * 65}], "at most 64 characters"),
    "duplicate set": ([{"name": "cs"}, {"name": "cs"}], f"{C}[1].name: the configuration set cs is already declared at {C}[0]"),
    "typo in a key": ([{"name": "cs", "tlspolicy": "REQUIRE"}], f"{C}[0].tlspolicy: unknown key; did you mean 'tlsPolicy'?"),
    "unknown tls policy": ([{"name": "cs", "tlsPolicy": "STRICT"}], f"{C}[0].tlsPolicy: must be one of REQUIRE, OPTIONAL, got 'STRICT'"),
    "delivery time too short": ([{"name": "cs", "maxDeliverySeconds": 299}], f"{C}[0].maxDeliverySeconds: must be from 300 to 50400, got 299"),
    "delivery time too long": ([{"name": "cs", "maxDeliverySeconds": 50401}], f"{C}[0].maxDeliverySeconds: must be from 300 to 50400, got 50401"),
    "delivery time not a number": ([{"name": "cs", "maxDeliverySeconds": "1h"}], f"{C}[0].maxDeliverySeconds: must be a whole number"),
    "reputation not a boolean": ([{"name": "cs", "reputationMetrics": "yes"}], f"{C}[0].reputationMetrics: must be true or false"),
    "unknown suppression reason": ([{"name": "cs", "suppressedReasons": ["BOUNCE", "SPAM"]}], f"{C}[0].suppressedReasons[1]: must be one of BOUNCE, COMPLAINT, got 'SPAM'"),
    "suppression not a list": ([{"name": "cs", "suppressedReasons": "BOUNCE"}], f"{C}[0].suppressedReasons: must be a list of BOUNCE, COMPLAINT"),
    "bad tracking domain": ([{"name": "cs", "trackingDomain": "click"}], f"{C}[0].trackingDomain: 'click' must have at least two labels"),
    "https policy without tracking domain": ([{"name": "cs", "httpsPolicy": "REQUIRE"}], f"{C}[0].httpsPolicy: applies only with trackingDomain"),
    "unknown https policy": ([{"name": "cs", "trackingDomain": "c.example.com", "httpsPolicy": "ALWAYS"}], f"{C}[0].httpsPolicy: must be one of REQUIRE, REQUIRE_OPEN_ONLY, OPTIONAL"),
    "bad sending pool": ([{"name": "cs", "sendingPool": "my pool"}], f"{C}[0].sendingPool: 'my pool' is not a valid dedicated IP pool name"),
    "empty vdm": ([{"name": "cs", "vdm": {}}], f"{C}[0].vdm: must set at least one of engagementMetrics, optimizedSharedDelivery"),
    "vdm typo": ([{"name": "cs", "vdm": {"engagement": True}}], f"{C}[0].vdm.engagement: unknown key; did you mean 'engagementMetrics'?"),
    "vdm not a boolean": ([{"name": "cs", "vdm": {"engagementMetrics": "ENABLED"}}], f"{C}[0].vdm.engagementMetrics: must be true or false"),
    "destinations not a list": ([{"name": "cs", "eventDestinations": {"name": "d"}}], f"{C}[0].eventDestinations: must be a list"),
    "unknown event type": (one_destination(events=["BOUNCE", "OPENED"], cloudwatch={"dimensions": [{"name": "n", "source": "MESSAGE_TAG", "default": "x"}]}),
                           f"{C}[0].eventDestinations[0].events[1]: 'OPENED' is not an SES event type"),
    "event type in lower case": (one_destination(events=["delivery_delay"], eventBridge={}), "did you mean DELIVERY_DELAY?"),
    "event listed twice": (one_destination(events=["BOUNCE", "BOUNCE"], eventBridge={}), f"{C}[0].eventDestinations[0].events[1]: BOUNCE is listed twice"),
    "no events": ([{"name": "cs", "eventDestinations": [{"name": "d", "events": [], "eventBridge": {}}]}], f"{C}[0].eventDestinations[0].events: is required"),
    "destination without a sink": (one_destination(), f"{C}[0].eventDestinations[0]: needs one destination: one of sns, cloudwatch, eventBridge, firehose"),
    "destination with two sinks": (one_destination(eventBridge={}, sns={"topic": "t"}), f"{C}[0].eventDestinations[0]: has 2 destinations (sns, eventBridge): give exactly one"),
    "bad destination name": ([{"name": "cs", "eventDestinations": [{"name": "to sns", "events": ["SEND"], "eventBridge": {}}]}],
                             f"{C}[0].eventDestinations[0].name: 'to sns' is not a valid event destination name"),
    "duplicate destination": ([{"name": "cs", "eventDestinations": [{"name": "d", "events": ["SEND"], "eventBridge": {}},
                                                                   {"name": "d", "events": ["BOUNCE"], "eventBridge": {}}]}],
                              f"{C}[0].eventDestinations[1].name: the event destination d is already declared at {C}[0].eventDestinations[0]"),
    "topic by name and arn": (one_destination(sns={"topic": "t", "topicArn": "arn:aws:sns:eu-west-1:123456789012:t"}),
                              f"{C}[0].eventDestinations[0].sns: gives the topic both by name (topic) and by ARN (topicArn): keep one"),
    "sns without topic": (one_destination(sns={}), f"{C}[0].eventDestinations[0].sns: needs topic"),
    "bad topic name": (one_destination(sns={"topic": "ses.bounces"}), f"{C}[0].eventDestinations[0].sns.topic: 'ses.bounces' is not a valid SNS topic name"),
    "topic arn of another service": (one_destination(sns={"topicArn": "arn:aws:sqs:eu-west-1:123456789012:q"}),
                                     f"{C}[0].eventDestinations[0].sns.topicArn: must be an SNS topic ARN such as"),
    "topic arn names its service": (one_destination(sns={"topicArn": "arn:aws:sqs:eu-west-1:123456789012:q"}), "got 'arn:aws:sqs:eu-west-1:123456789012:q', which is an ARN of sqs"),
    "malformed topic arn": (one_destination(sns={"topicArn": "arn:aws:sns:eu-west-1:1234:t"}), f"{C}[0].eventDestinations[0].sns.topicArn: must be an SNS topic ARN"),
    "topic arn of an 11-digit account": (
        one_destination(sns={"topicArn": "arn:aws:sns:eu-west-1:12345678901:t"}),
        f"{C}[0].eventDestinations[0].sns.topicArn: must be an SNS topic ARN such as "
        "arn:aws:sns:eu-west-1:123456789012:ses-events, got 'arn:aws:sns:eu-west-1:12345678901:t', whose account id "
        "has 11 digits instead of 12"),
    "topic arn without a region": (one_destination(sns={"topicArn": "arn:aws:sns::123456789012:t"}),
                                   "got 'arn:aws:sns::123456789012:t', which names no region"),
    "role arn with a region": (one_destination(firehose={"deliveryStreamArn": STREAM,
                                                         "roleArn": "arn:aws:iam:eu-west-1:123456789012:role/r"}),
                               "which names the region eu-west-1, but ARNs of iam have none"),
    "stream arn of a short account": (one_destination(firehose={"deliveryStreamArn": STREAM.replace("123456789012", "1234567890123")}),
                                      "whose account id has 13 digits instead of 12"),
    "sns key typo": (one_destination(sns={"topicarn": "x"}), f"{C}[0].eventDestinations[0].sns.topicarn: unknown key; did you mean 'topicArn'?"),
    "cloudwatch without dimensions": (one_destination(cloudwatch={}), f"{C}[0].eventDestinations[0].cloudwatch.dimensions: is required"),
    "unknown dimension source": (one_destination(cloudwatch={"dimensions": [{"name": "n", "source": "TAG", "default": "x"}]}),
                                 f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0].source: must be one of MESSAGE_TAG, EMAIL_HEADER, LINK_TAG, got 'TAG'"),
    "dimension without default": (one_destination(cloudwatch={"dimensions": [{"name": "n", "source": "MESSAGE_TAG"}]}),
                                  f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0].default: is required"),
    "bad dimension name": (one_destination(cloudwatch={"dimensions": [{"name": "my campaign", "source": "MESSAGE_TAG", "default": "x"}]}),
                           f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0].name: 'my campaign' is not a valid dimension name"),
    "auto-tag outside message tags": (one_destination(cloudwatch={"dimensions": [{"name": "ses:from-domain", "source": "EMAIL_HEADER", "default": "x"}]}),
                                      f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0].name: 'ses:from-domain' is not a valid dimension name"),
    "bad dimension default": (one_destination(cloudwatch={"dimensions": [{"name": "n", "source": "LINK_TAG", "default": "a b"}]}),
                              f"{C}[0].eventDestinations[0].cloudwatch.dimensions[0].default: 'a b' is not a valid default value"),
    "duplicate dimension": (one_destination(cloudwatch={"dimensions": [{"name": "n", "source": "LINK_TAG", "default": "a"},
                                                                      {"name": "n", "source": "MESSAGE_TAG", "default": "a"}]}),
                            f"{C}[0].eventDestinations[0].cloudwatch.dimensions[1].name: the dimension n is already declared"),
    "event bridge with a bus": (one_destination(eventBridge={"eventBusArn": "arn:aws:events:eu-west-1:123456789012:event-bus/x"}),
                                f"{C}[0].eventDestinations[0].eventBridge.eventBusArn: unknown key"),
    "firehose without stream": (one_destination(firehose={}), f"{C}[0].eventDestinations[0].firehose.deliveryStreamArn: is required"),
    "firehose stream arn of another service": (one_destination(firehose={"deliveryStreamArn": "arn:aws:kinesis:eu-west-1:123456789012:stream/s"}),
                                               f"{C}[0].eventDestinations[0].firehose.deliveryStreamArn: must be a Firehose stream ARN"),
    "firehose role arn of a user": (one_destination(firehose={"deliveryStreamArn": STREAM, "roleArn": "arn:aws:iam::123456789012:user/bob"}),
                                    f"{C}[0].eventDestinations[0].firehose.roleArn: must be an IAM role ARN"),
    "firehose role arn of another service": (one_destination(firehose={"deliveryStreamArn": STREAM, "roleArn": "arn:aws:sns:eu-west-1:123456789012:t"}),
                                             "got 'arn:aws:sns:eu-west-1:123456789012:t', which is an ARN of sns"),
    "topic created by two sets": ([{"name": "a", "eventDestinations": [{"name": "d", "events": ["BOUNCE"], "sns": {"topic": "t"}}]},
                                   {"name": "b", "eventDestinations": [{"name": "d", "events": ["BOUNCE"], "sns": {"topic": "t"}}]}],
                                  f"{C}[1]: creates the SNS topic t, which {C}[0] creates too"),
    "tracking domain on the identity": ([{"name": "cs", "trackingDomain": "example.com"}],
                                        f"{C}[0].trackingDomain: example.com already has records of {D}[0]; a CNAME cannot share its name"),
}


@pytest.mark.parametrize("configuration_sets, expected", list(CASES.values()), ids=list(CASES))
def test_bad_configuration_sets_are_reported_with_their_key_before_anything_is_declared(configuration_sets, expected):
    message = run_failing(configuration_sets)
    assert expected in message


FEEDBACK_SET = [{"name": "cs", "eventDestinations": [
    {"name": "bounces", "events": ["BOUNCE"], "sns": {"topic": "b"}},
    {"name": "metrics", "events": ["COMPLAINT"], "cloudwatch": {"dimensions": [{"name": "n", "source": "MESSAGE_TAG", "default": "x"}]}},
    {"name": "paused", "events": ["COMPLAINT"], "enabled": False, "eventBridge": {}},
]}]

DOMAIN_CASES = {
    "unknown configuration set": (
        [{"name": "cs"}], [{"domain": "example.com", "configurationSet": "marketing"}],
        f"{D}[0].configurationSet: there is no configuration set marketing in {C} (cs)",
    ),
    "configuration set without any declared": (
        None, [{"domain": "example.com", "configurationSet": "marketing"}],
        f"{D}[0].configurationSet: there is no configuration set marketing in {C} (none is declared)",
    ),
    "invalid configuration set name on a domain": (
        [{"name": "cs"}], [{"domain": "example.com", "configurationSet": "c s"}],
        f"{D}[0].configurationSet: 'c s' is not a valid configuration set name",
    ),
    "feedback forwarding not a boolean": (
        None, [{"domain": "example.com", "feedbackForwarding": "off"}], f"{D}[0].feedbackForwarding: must be true or false",
    ),
    "feedback forwarding off without a set": (
        None, [{"domain": "example.com", "feedbackForwarding": False}],
        f"{D}[0].feedbackForwarding: false turns off SES's bounce and complaint emails: give the domain a configurationSet",
    ),
    "feedback forwarding off with complaints only counted or paused": (
        FEEDBACK_SET, [{"domain": "example.com", "configurationSet": "cs", "feedbackForwarding": False}],
        f"{D}[0].feedbackForwarding: false turns off SES's bounce and complaint emails, but the configuration set cs "
        "sends no COMPLAINT events to an enabled sns, eventBridge or firehose destination",
    ),
    "feedback forwarding off with no destination at all": (
        [{"name": "cs"}], [{"domain": "example.com", "configurationSet": "cs", "feedbackForwarding": False}],
        "sends no BOUNCE and no COMPLAINT events",
    ),
    "configuration set key typo": (
        [{"name": "cs"}], [{"domain": "example.com", "configurationset": "cs"}],
        f"{D}[0].configurationset: unknown key; did you mean 'configurationSet'?",
    ),
}


@pytest.mark.parametrize("configuration_sets, domains, expected", list(DOMAIN_CASES.values()), ids=list(DOMAIN_CASES))
def test_bad_domain_references_are_reported_with_their_key(configuration_sets, domains, expected):
    message = run_failing(configuration_sets, domains)
    assert expected in message


def test_bounces_and_complaints_split_over_two_notifying_destinations_are_enough():
    run = run_program({
        "aws:region": "eu-west-1",
        C: [{"name": "cs", "eventDestinations": [
            {"name": "bounces", "events": ["BOUNCE"], "sns": {"topic": "b"}},
            {"name": "complaints", "events": ["COMPLAINT"], "firehose": {"deliveryStreamArn": STREAM}},
        ]}],
        D: [{"domain": "example.com", "configurationSet": "cs", "feedbackForwarding": False}],
    })
    assert run.outputs["configurationSets"]["cs"]["eventDestinations"]["complaints"]["sink"] == "firehose"


def test_every_problem_of_every_set_is_listed_at_once():
    message = run_failing(
        [{"name": "a b", "maxDeliverySeconds": 10, "eventDestinations": [{"name": "d", "events": ["NOPE"]}]}],
        [{"domain": "example.com", "configurationSet": "missing"}],
    )
    for key in (f"{C}[0].name", f"{C}[0].maxDeliverySeconds", f"{C}[0].eventDestinations[0].events[0]",
                f"{C}[0].eventDestinations[0]: needs one destination", f"{D}[0].configurationSet"):
        assert key in message, message
