"""The public GlobalEndpoint with the configuration sets, templates and address identities its
senders use: each declared again in the endpoint's region other than the provider's, under the
same name, as children of the component; what cannot be copied refused before anything is declared."""

from __future__ import annotations

from tests.aws_rules import check_resources
from tests.test_public_account import refused, run_public

SET = "aws:sesv2/configurationSet:ConfigurationSet"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
TEMPLATE = "aws:ses/template:Template"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
TOPIC = "aws:sns/topic:Topic"
ENDPOINT = "ses-domains:index:GlobalEndpoint"
SECONDARY = "ses-domains:index:SecondaryRegion"

PROGRAM = """
    transactional = ConfigurationSetArgs(
        name="transactional", tls_policy="REQUIRE",
        event_destinations=[
            {"name": "bounces", "events": ["BOUNCE"], "sns": {"topic": "tx-bounces"}},
            {"name": "bus", "events": ["SEND"], "event_bridge": {}},
        ])
    welcome = TemplateArgs(name="welcome", subject="Hi {{name}}", text="Hello {{name}}", test_data={"name": "Ada"})
    ConfigurationSet("transactional", transactional)
    Template("welcome", welcome)
    GlobalEndpoint("global", GlobalEndpointArgs(
        name="example-global", regions=["eu-west-1", "us-east-1"],
        configuration_sets=[transactional], templates=[welcome],
        email_identities=[EmailAddressArgs(address="ops@example.org", configuration_set="transactional")]))
"""


def region_of(resource) -> str:
    return resource.inputs.get("region") or "eu-west-1"


def parent_of(run, type_token: str, name: str) -> str:
    (request,) = [r for r in run.monitor.registrations if r.type == type_token and r.name == name]
    return request.parent


def test_the_set_and_the_template_exist_in_both_regions_the_copies_under_the_component(tmp_path):
    run = run_public(tmp_path, PROGRAM)

    assert sorted((region_of(s), s.inputs["configurationSetName"]) for s in run.of_type(SET)) == [
        ("eu-west-1", "transactional"), ("us-east-1", "transactional")]
    assert sorted((region_of(t), t.inputs["name"]) for t in run.of_type(TEMPLATE)) == [
        ("eu-west-1", "welcome"), ("us-east-1", "welcome")]
    (address,) = run.of_type(IDENTITY)
    assert (address.inputs["emailIdentity"], address.inputs["configurationSetName"], address.inputs["region"]) == (
        "ops@example.org", "transactional", "us-east-1")
    assert sorted(region_of(t) for t in run.of_type(TOPIC)) == ["eu-west-1", "us-east-1"]
    bus = {region_of(d): d.inputs["eventDestination"] for d in run.of_type(DESTINATION)
           if d.inputs["eventDestinationName"] == "bus"}
    assert bus["us-east-1"]["eventBridgeDestination"]["eventBusArn"] == (
        "arn:aws:events:us-east-1:123456789012:event-bus/default")

    (endpoint,) = [u for u in run.urns if u.endswith(f"{ENDPOINT}::global")]
    (region,) = [u for u in run.urns if u.endswith(f"{SECONDARY}::global-us-east-1")]
    assert parent_of(run, SECONDARY, "global-us-east-1") == endpoint
    for type_token, name in ((TEMPLATE, "template-welcome-us-east-1"), (IDENTITY, "ops@example.org-us-east-1"),
                             ("ses-domains:index:ConfigurationSet", "transactional-us-east-1")):
        assert parent_of(run, type_token, name) == region
    report = check_resources(run.mocks.resources)
    assert report.requests and not report.violations, report.describe()


def test_without_copies_the_endpoint_declares_only_itself(tmp_path):
    run = run_public(tmp_path, """
        GlobalEndpoint("global", GlobalEndpointArgs(name="example", regions=["eu-west-1", "us-east-1"]))
    """)
    assert [r.type for r in run.mocks.resources if not r.type.startswith("ses-domains:")] == [
        "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"]


def test_what_cannot_be_copied_is_refused_before_anything_is_declared(tmp_path):
    message, mocks = refused(tmp_path, """
        GlobalEndpoint("global", GlobalEndpointArgs(
            name="example-global", regions=["eu-west-1", "us-east-1"],
            configuration_sets=[
                {"name": "tx", "event_destinations": [
                    {"name": "archive", "events": ["SEND"],
                     "sns": {"topic_arn": "arn:aws:sns:eu-west-1:123456789012:archive"}}]},
                {"name": "bulk", "region": "us-east-1"},
                {"name": "bad name!"}],
            templates=[{"name": "welcome", "subject": "Hi {{name}}", "text": "Hello"}],
            email_identities=[{"address": "not an address"}]))
    """)
    assert ("configuration_sets[0].event_destinations[0].sns.topic_arn: names eu-west-1, but this copy of the set "
            "is declared in us-east-1, where SES needs a topic of us-east-1") in message
    assert "configuration_sets[1].region: is the copy's: the component declares the set in us-east-1" in message
    assert "configuration_sets[2].name:" in message
    assert "templates[0]." in message and "name" in message
    assert "email_identities[0].address:" in message
    assert mocks.resources == []


def test_hosted_for_another_language_a_copy_that_turns_suppression_off_is_refused():
    from ses_domains.deploy.hosting import python_only_problems

    inputs = {"name": "g", "regions": ["eu-west-1", "us-east-1"],
              "configurationSets": [{"name": "a", "suppressedReasons": ["BOUNCE"]}, {"name": "b", "suppressedReasons": []}]}
    assert [p.key for p in python_only_problems("GlobalEndpoint", inputs)] == ["configurationSets[1].suppressedReasons"]
    assert python_only_problems("GlobalEndpoint", {"name": "g", "regions": ["eu-west-1", "us-east-1"]}) == []


def test_a_copy_named_by_an_output_is_refused(tmp_path):
    message, mocks = refused(tmp_path, """
        pool = aws.sesv2.DedicatedIpPool("pool", pool_name="p")
        GlobalEndpoint("global", GlobalEndpointArgs(
            name="example-global", regions=["eu-west-1", "us-east-1"],
            templates=[{"name": pool.pool_name, "subject": "Hi", "text": "Hello"}]))
    """)
    assert "templates[0].name: must be known when the program runs: it names the copy's resource" in message
    assert [r.type for r in mocks.resources] == ["aws:sesv2/dedicatedIpPool:DedicatedIpPool"]
