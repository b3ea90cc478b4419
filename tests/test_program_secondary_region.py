"""A global endpoint's secondary region in the real program under Pulumi's mocks: the stack's
configuration sets (options, event destinations), templates, address identities, contact list and
pools declared there under the same names, with pulumi-aws's per-resource region, under one
component; what cannot be copied (an event destination's fixed ARN) refused at preview under its key."""

from __future__ import annotations

import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import ProgramRun, run_program
from tests.test_config_cases import run_failing

SET = "aws:sesv2/configurationSet:ConfigurationSet"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
TEMPLATE = "aws:ses/template:Template"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
CONTACT_LIST = "aws:sesv2/contactList:ContactList"
SUPPRESSION_OFF = "pulumi-python:dynamic/ses-domains:SuppressionOff"
SECONDARY = "ses-domains:index:SecondaryRegion"
COMPONENT_SET = "ses-domains:index:ConfigurationSet"
D = "ses-domains:domains"
G = "ses-domains:globalEndpoint"
S = "ses-domains:configurationSets"
T = "ses-domains:templates"


def endpoint_stack(**extra) -> dict:
    return {
        "aws:region": "eu-west-1",
        D: [{"domain": "example.com", "replicaRegions": ["us-east-1"], "configurationSet": "transactional"}],
        G: {"name": "example-global", "regions": ["eu-west-1", "us-east-1"]},
        S: [{"name": "transactional", "tlsPolicy": "REQUIRE", "suppressedReasons": [],
             "sendingPool": "tx-pool", "vdm": {"engagementMetrics": True},
             "eventDestinations": [
                 {"name": "bounces", "events": ["BOUNCE", "COMPLAINT"], "sns": {"topic": "example-bounces"}},
                 {"name": "metrics", "events": ["SEND", "DELIVERY"],
                  "cloudwatch": {"dimensions": [{"name": "campaign", "source": "MESSAGE_TAG", "default": "none"}]}},
                 {"name": "bus", "events": ["BOUNCE"], "eventBridge": {}},
             ]}],
        "ses-domains:dedicatedIpPools": [{"name": "tx-pool", "scalingMode": "MANAGED"},
                                         {"name": "unused-pool", "scalingMode": "MANAGED"}],
        T: [{"name": "welcome", "subject": "Hello {{name}}", "text": "Hi {{name}}", "testData": {"name": "Ada"}}],
        "ses-domains:emailIdentities": [{"address": "Ops@Example.org", "configurationSet": "transactional"}],
        "ses-domains:contactLists": [{"name": "news", "topics": [
            {"name": "updates", "displayName": "Updates", "defaultSubscription": "OPT_IN"}]}],
        **extra,
    }


def region_of(resource) -> str:
    return resource.inputs.get("region") or "eu-west-1"


def by_region(run: ProgramRun, type_token: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for resource in run.of_type(type_token):
        found.setdefault(region_of(resource), []).append(resource)
    return found


def parent_of(run: ProgramRun, type_token: str, name: str) -> str:
    (request,) = [r for r in run.monitor.registrations if r.type == type_token and r.name == name]
    return request.parent


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_program(endpoint_stack())


def test_the_configuration_set_and_the_template_exist_in_both_regions_under_the_same_names(run):
    sets, templates = by_region(run, SET), by_region(run, TEMPLATE)

    assert {region: [s.inputs["configurationSetName"] for s in found] for region, found in sets.items()} == {
        "eu-west-1": ["transactional"], "us-east-1": ["transactional"]}
    assert {region: [t.inputs["name"] for t in found] for region, found in templates.items()} == {
        "eu-west-1": ["welcome"], "us-east-1": ["welcome"]}
    # The stack region's resources name no region (their inputs are what they were before).
    assert "region" not in sets["eu-west-1"][0].inputs and "region" not in templates["eu-west-1"][0].inputs
    (copy,), (original,) = sets["us-east-1"], sets["eu-west-1"]
    for option in ("deliveryOptions", "reputationOptions", "sendingOptions", "suppressionOptions", "vdmOptions"):
        if option == "deliveryOptions":
            assert copy.inputs[option]["tlsPolicy"] == original.inputs[option]["tlsPolicy"] == "REQUIRE"
        else:
            assert copy.inputs.get(option) == original.inputs.get(option), option
    (template_copy,), (template,) = templates["us-east-1"], templates["eu-west-1"]
    assert {k: v for k, v in template_copy.inputs.items() if k != "region"} == template.inputs


def test_the_copies_hang_under_one_component_per_secondary_region(run):
    (component,) = [u for u in run.urns if u.endswith(f"{SECONDARY}::global-endpoint-us-east-1")]
    assert parent_of(run, COMPONENT_SET, "transactional-us-east-1") == component
    copied_set = next(u for u in run.urns if u.endswith(f"{SECONDARY}${COMPONENT_SET}::transactional-us-east-1"))
    assert parent_of(run, SET, "transactional-us-east-1") == copied_set
    for type_token, name in ((TEMPLATE, "template-welcome-us-east-1"), (IDENTITY, "ops@example.org-us-east-1"),
                             (POOL, "dedicated-ip-pool-tx-pool-us-east-1"), (CONTACT_LIST, "contact-list-news-us-east-1")):
        assert parent_of(run, type_token, name) == component, name
    # The stack region's set keeps its place (the stack is its parent) and the component its region.
    assert parent_of(run, COMPONENT_SET, "transactional").endswith("pulumi:pulumi:Stack::ses-domains-test")
    assert parent_of(run, SECONDARY, "global-endpoint-us-east-1").endswith("pulumi:pulumi:Stack::ses-domains-test")
    assert run.outputs["secondaryRegions"]["us-east-1"]["configurationSets"]["transactional"] == (
        "arn:aws:ses:us-east-1:123456789012:configuration-set/transactional")


def test_each_event_destination_publishes_to_a_sink_of_its_own_region(run):
    destinations = {(region_of(d), d.inputs["eventDestinationName"]): d.inputs for d in run.of_type(DESTINATION)}
    assert sorted(destinations) == sorted((region, name) for region in ("eu-west-1", "us-east-1")
                                          for name in ("bounces", "metrics", "bus"))
    for region in ("eu-west-1", "us-east-1"):
        sns = destinations[(region, "bounces")]["eventDestination"]["snsDestination"]["topicArn"]
        assert sns == f"arn:aws:sns:{region}:123456789012:example-bounces"
        bus = destinations[(region, "bus")]["eventDestination"]["eventBridgeDestination"]["eventBusArn"]
        assert bus == f"arn:aws:events:{region}:123456789012:event-bus/default"
    assert (destinations[("us-east-1", "metrics")]["eventDestination"]
            == destinations[("eu-west-1", "metrics")]["eventDestination"])
    # The topic the stack creates exists in each region, each with a policy for its own set.
    topics, policies = by_region(run, TOPIC), by_region(run, TOPIC_POLICY)
    assert {region: [t.inputs["name"] for t in found] for region, found in topics.items()} == {
        "eu-west-1": ["example-bounces"], "us-east-1": ["example-bounces"]}
    assert "arn:aws:ses:us-east-1:123456789012:configuration-set/transactional" in policies["us-east-1"][0].inputs["policy"]
    # suppressedReasons: [] turns the account's suppression list off for the copy too, in its region.
    assert sorted(s.inputs["aws"]["region"] for s in run.of_type(SUPPRESSION_OFF)) == ["eu-west-1", "us-east-1"]


def test_addresses_the_pool_a_set_sends_through_and_the_contact_list_are_copied(run):
    (address,) = [i for i in by_region(run, IDENTITY)["us-east-1"] if "@" in i.inputs["emailIdentity"]]
    assert address.inputs["emailIdentity"] == "Ops@example.org"
    assert address.inputs["configurationSetName"] == "transactional"
    pools = by_region(run, POOL)
    assert [p.inputs["poolName"] for p in pools["us-east-1"]] == ["tx-pool"]
    assert sorted(p.inputs["poolName"] for p in pools["eu-west-1"]) == ["tx-pool", "unused-pool"]
    copy = next(s for s in run.of_type(SET) if region_of(s) == "us-east-1")
    assert copy.inputs["deliveryOptions"]["sendingPoolName"] == "tx-pool"
    assert [c.inputs["contactListName"] for c in by_region(run, CONTACT_LIST)["us-east-1"]] == ["news"]


def test_every_request_of_the_copies_is_one_aws_accepts(run):
    copies = [r for r in run.mocks.resources if r.inputs.get("region") == "us-east-1"]
    assert {r.type for r in copies} >= {SET, DESTINATION, TEMPLATE, IDENTITY, TOPIC, TOPIC_POLICY, POOL, CONTACT_LIST}
    report = check_resources(run.mocks.resources, {zone_id: name for name, zone_id in run.zone_ids.items()})
    assert report.requests and not report.violations, report.describe()


def test_a_stack_region_outside_the_endpoint_copies_into_both_endpoint_regions():
    config = endpoint_stack()
    config[D][0]["replicaRegions"] = ["us-east-1", "eu-central-1"]
    config[G]["regions"] = ["eu-central-1", "us-east-1"]
    run = run_program(config)
    assert sorted(region_of(s) for s in run.of_type(SET)) == ["eu-central-1", "eu-west-1", "us-east-1"]
    assert sorted(region_of(t) for t in run.of_type(TEMPLATE)) == ["eu-central-1", "eu-west-1", "us-east-1"]


def test_what_the_copies_do_differently_is_said_under_its_key():
    config = endpoint_stack()
    config[S][0].update(trackingDomain="click.example.com", sendingPool="pool-made-elsewhere")
    warnings = [r.getMessage() for r in run_program(config).logs if r.levelname == "WARNING"]
    assert any(w.startswith(f"{S}[0].trackingDomain: click.example.com points at the tracking endpoint of one region")
               and "in us-east-1 tracks opens and clicks on SES's own tracking domain" in w for w in warnings), warnings
    assert any(w.startswith(f"{S}[0].sendingPool: configuration set transactional is declared in us-east-1 too")
               and "pool-made-elsewhere, which this stack does not declare: that pool must exist in us-east-1" in w
               for w in warnings), warnings


def test_without_an_endpoint_nothing_is_copied():
    config = endpoint_stack()
    del config[G]
    run = run_program(config)
    assert {region_of(r) for r in run.of_type(SET) + run.of_type(TEMPLATE)} == {"eu-west-1"}
    assert "secondaryRegions" not in run.outputs


def test_fixed_sink_arns_take_the_ones_given_for_the_secondary_region():
    config = endpoint_stack()
    config[S][0]["eventDestinations"] += [
        {"name": "archive", "events": ["SEND"], "sns": {"topicArn": "arn:aws:sns:eu-west-1:123456789012:archive"}},
        {"name": "lake", "events": ["SEND"], "firehose": {
            "deliveryStreamArn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses",
            "roleArn": "arn:aws:iam::123456789012:role/ses-firehose"}},
    ]
    config[G]["sinks"] = {"us-east-1": {"transactional": {
        "archive": {"topicArn": "arn:aws:sns:us-east-1:123456789012:archive"},
        "lake": {"deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses"}}}}
    run = run_program(config)
    destinations = {(region_of(d), d.inputs["eventDestinationName"]): d.inputs["eventDestination"]
                    for d in run.of_type(DESTINATION)}
    assert destinations[("us-east-1", "archive")]["snsDestination"]["topicArn"] == (
        "arn:aws:sns:us-east-1:123456789012:archive")
    assert destinations[("eu-west-1", "archive")]["snsDestination"]["topicArn"] == (
        "arn:aws:sns:eu-west-1:123456789012:archive")
    # IAM roles have no region: the role given in aws:region is passed in us-east-1 too.
    assert destinations[("us-east-1", "lake")]["kinesisFirehoseDestination"] == {
        "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses",
        "iamRoleArn": "arn:aws:iam::123456789012:role/ses-firehose"}
    report = check_resources(run.mocks.resources, {zone_id: name for name, zone_id in run.zone_ids.items()})
    assert not report.violations, report.describe()


def _with_destination(destination: dict, sinks=None) -> dict:
    config = endpoint_stack()
    config[S][0]["eventDestinations"].append(destination)
    if sinks is not None:
        config[G]["sinks"] = sinks
    return config


ARCHIVE = {"name": "archive", "events": ["SEND"], "sns": {"topicArn": "arn:aws:sns:eu-west-1:123456789012:archive"}}
LAKE = {"name": "lake", "events": ["SEND"], "firehose": {
    "deliveryStreamArn": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses"}}
REFUSED = {
    "a topic ARN with no topic for the secondary region": (
        _with_destination(ARCHIVE),
        f"{S}[0].eventDestinations[3].sns.topicArn: names a topic of one region, and {G} also sends from "
        f"us-east-1, where configuration set transactional is declared too and needs a topic of us-east-1: give it "
        f"as {G}.sinks.us-east-1.transactional.archive.topicArn",
    ),
    "a Firehose stream with no stream for the secondary region": (
        _with_destination(LAKE),
        f"{S}[0].eventDestinations[3].firehose.deliveryStreamArn: names a Firehose stream of one region",
    ),
    "a sink ARN of another region": (
        _with_destination(ARCHIVE, {"us-east-1": {"transactional": {"archive": {
            "topicArn": "arn:aws:sns:eu-west-1:123456789012:archive"}}}}),
        f"{G}.sinks.us-east-1.transactional.archive.topicArn: names eu-west-1, but this entry is for us-east-1",
    ),
    "a sink for a destination that has no fixed ARN": (
        endpoint_stack(**{G: {"name": "g", "regions": ["eu-west-1", "us-east-1"], "sinks": {"us-east-1": {
            "transactional": {"metrics": {"topicArn": "arn:aws:sns:us-east-1:123456789012:x"}}}}}}),
        f"{G}.sinks.us-east-1.transactional.metrics: the stack has no configuration set transactional with an event "
        "destination metrics that publishes to a topicArn or a Firehose stream",
    ),
    "a sink for a region that is not a secondary one": (
        _with_destination(ARCHIVE, {
            "us-east-1": {"transactional": {"archive": {"topicArn": "arn:aws:sns:us-east-1:123456789012:archive"}}},
            "eu-west-1": {"transactional": {"archive": {"topicArn": "arn:aws:sns:eu-west-1:123456789012:archive"}}}}),
        f"{G}.sinks.eu-west-1.transactional.archive: eu-west-1 is not a secondary region of {G}",
    ),
    "a stream for an SNS destination": (
        _with_destination(ARCHIVE, {"us-east-1": {"transactional": {"archive": {
            "deliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses"}}}}),
        f"{S}[0].eventDestinations[3].sns.topicArn: names a topic of one region",
    ),
    "sinks that are not a mapping": (
        endpoint_stack(**{G: {"name": "g", "regions": ["eu-west-1", "us-east-1"], "sinks": ["us-east-1"]}}),
        f"{G}.sinks: must be a mapping of secondary region -> configuration set -> event destination",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_cannot_be_copied_is_refused_at_preview_under_its_key(case):
    config, expected = REFUSED[case]
    assert expected in run_failing(config)
