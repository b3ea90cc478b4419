"""The account-level public components, each used alone from a program of its own, under Pulumi's
mocks: what each declares (as a child of the component), what it outputs, and how bad arguments
are refused (one ArgumentError listing every problem by argument path, nothing declared)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.pulumi_program import ProgramRun, RecordingMocks, _run_under_mocks

HEADER = """
import pulumi
import pulumi_aws as aws
import ses_domains
from ses_domains import *
"""


def run_public(tmp_path: Path, body: str) -> ProgramRun:
    """Runs ``body`` as the program of a project outside the repository (no stack config)."""
    program = tmp_path / "__main__.py"
    program.write_text(HEADER + textwrap.dedent(body))
    return _run_under_mocks({"aws:region": "eu-west-1"}, RecordingMocks(), "dev", program=program)


def refused(tmp_path: Path, body: str) -> tuple[str, RecordingMocks]:
    mocks = RecordingMocks()
    program = tmp_path / "__main__.py"
    program.write_text(HEADER + textwrap.dedent(body))
    with pytest.raises(Exception) as raised:
        _run_under_mocks({"aws:region": "eu-west-1"}, mocks, "dev", program=program)
    return str(raised.value), mocks


def child_urn(run: ProgramRun, component: str, child_type: str, name: str) -> str:
    matches = [urn for urn in run.urns if urn.endswith(f"::{name}") and f"{component}${child_type}" in urn]
    assert len(matches) == 1, run.urns
    return matches[0]


def test_the_components_and_their_args_are_exported_lazily_from_the_package_root():
    import subprocess
    import sys

    code = ("import sys, ses_domains; assert 'pulumi' not in sys.modules; "
            "from ses_domains import DedicatedIpPool, TemplateArgs; assert 'pulumi' in sys.modules; "
            "print(DedicatedIpPool.__module__, TemplateArgs.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["ses_domains.deploy.dedicated_ip_pools", "TemplateArgs"]


def test_dedicated_ip_pool_declares_its_pool_as_a_child(tmp_path):
    run = run_public(tmp_path, """
        pool = DedicatedIpPool("bulk", DedicatedIpPoolArgs(name="bulk-mail", scaling_mode="MANAGED"))
        pulumi.export("arn", pool.arn)
        pulumi.export("name", pool.pool_name)
    """)
    [pool] = run.of_type("aws:sesv2/dedicatedIpPool:DedicatedIpPool")
    assert pool.inputs == {"poolName": "bulk-mail", "scalingMode": "MANAGED"}
    child_urn(run, "ses-domains:index:DedicatedIpPool", "aws:sesv2/dedicatedIpPool:DedicatedIpPool", "bulk")
    assert run.outputs["name"] == "bulk-mail"


def test_contact_list_declares_its_topics(tmp_path):
    run = run_public(tmp_path, """
        newsletter = ContactList("newsletter", ContactListArgs(name="newsletter", topics=[
            ContactListTopicArgs(name="product", display_name="Product updates", default_subscription="OPT_IN"),
        ]))
        pulumi.export("name", newsletter.contact_list_name)
    """)
    [contact_list] = run.of_type("aws:sesv2/contactList:ContactList")
    assert contact_list.inputs["contactListName"] == "newsletter"
    assert contact_list.inputs["topics"] == [
        {"topicName": "product", "displayName": "Product updates", "defaultSubscriptionStatus": "OPT_IN"}
    ]
    child_urn(run, "ses-domains:index:ContactList", "aws:sesv2/contactList:ContactList", "newsletter")
    assert run.outputs["name"] == "newsletter"


def test_bad_contact_list_args_are_refused_all_at_once_and_nothing_is_declared(tmp_path):
    message, mocks = refused(tmp_path, """
        ContactList("newsletter", ContactListArgs(name="", topics=[
            {"name": "product", "display_name": "Product", "default_subscription": "MAYBE", "colour": "red"},
        ]))
    """)
    assert "ContactList: 3 argument problems:" in message
    assert "name: must be a non-empty string, got ''" in message
    assert "topics[0].default_subscription: must be one of OPT_IN, OPT_OUT, got 'MAYBE'" in message
    assert "topics[0].colour: unknown argument" in message
    assert "defaultSubscription" not in message and "<args>" not in message
    assert mocks.resources == []


def test_template_checks_its_placeholders_against_its_test_data(tmp_path):
    run = run_public(tmp_path, """
        welcome = Template("welcome", TemplateArgs(
            name="welcome", subject="Hello {{name}}", text="Hi {{name}}", test_data={"name": "Ada"}))
        pulumi.export("arn", welcome.arn)
    """)
    [template] = run.of_type("aws:ses/template:Template")
    assert template.inputs == {"name": "welcome", "subject": "Hello {{name}}", "text": "Hi {{name}}"}
    child_urn(run, "ses-domains:index:Template", "aws:ses/template:Template", "welcome")

    message, mocks = refused(tmp_path, """
        Template("welcome", TemplateArgs(name="wel come", subject="Hello {{name}}", text="Hi"))
    """)
    assert "name: 'wel come' is not a valid SES template name" in message
    assert mocks.resources == []

    message, mocks = refused(tmp_path, """
        Template("welcome", TemplateArgs(name="welcome", subject="Hello {{name}}", text="Hi",
                                         test_data={"nam": "Ada"}))
    """)
    assert "subject: " in message and "test_data.nam: " in message and "<args>" not in message
    assert mocks.resources == []


def test_templates_refuses_a_name_given_twice_naming_both_entries(tmp_path):
    message, mocks = refused(tmp_path, """
        Templates("mail", TemplatesArgs(templates=[
            TemplateArgs(name="welcome", subject="Hi", text="Hello"),
            TemplateArgs(name="welcome", subject="Hi again", text="Hello again"),
        ]))
    """)
    assert "templates[1].name: the template welcome is already declared at templates[0]" in message
    assert mocks.resources == []

    run = run_public(tmp_path, """
        mail = Templates("mail", TemplatesArgs(templates=[
            TemplateArgs(name="welcome", subject="Hi", text="Hello"),
            TemplateArgs(name="bye", subject="Bye", html="<p>Bye</p>"),
        ]))
        pulumi.export("arns", mail.arns)
    """)
    assert sorted(t.inputs["name"] for t in run.of_type("aws:ses/template:Template")) == ["bye", "welcome"]
    child_urn(run, "ses-domains:index:Templates", "aws:ses/template:Template", "mail-bye")
    assert set(run.outputs["arns"]) == {"welcome", "bye"}


def test_account_settings_declares_vdm_and_suppression(tmp_path):
    run = run_public(tmp_path, """
        AccountSettings("account", AccountSettingsArgs(
            vdm=AccountVdmArgs(engagement_metrics=True), suppressed_reasons=["BOUNCE"]))
    """)
    [vdm] = run.of_type("aws:sesv2/accountVdmAttributes:AccountVdmAttributes")
    assert vdm.inputs == {"vdmEnabled": "ENABLED", "dashboardAttributes": {"engagementMetrics": "ENABLED"}}
    [suppression] = run.of_type("aws:sesv2/accountSuppressionAttributes:AccountSuppressionAttributes")
    assert suppression.inputs == {"suppressedReasons": ["BOUNCE"]}

    message, mocks = refused(tmp_path, """
        AccountSettings("account", AccountSettingsArgs(
            vdm=AccountVdmArgs(enabled=False, engagement_metrics=True), suppressed_reasons=["SPAM"]))
    """)
    assert "vdm.engagement_metrics: VDM is off for the account" in message
    assert "suppressed_reasons[0]: must be one of BOUNCE, COMPLAINT, got 'SPAM'" in message
    assert mocks.resources == []


def test_email_address_takes_a_configuration_set_name_from_an_output(tmp_path):
    run = run_public(tmp_path, """
        cs = aws.sesv2.ConfigurationSet("cs", configuration_set_name="transactional")
        ops = EmailAddress("ops", EmailAddressArgs(address="Ops@Example.COM",
                                                   configuration_set=cs.configuration_set_name))
        pulumi.export("arn", ops.identity_arn)
    """)
    [identity] = run.of_type("aws:sesv2/emailIdentity:EmailIdentity")
    assert identity.inputs == {"emailIdentity": "Ops@example.com", "configurationSetName": "transactional"}
    assert run.outputs["arn"].endswith("identity/Ops@example.com")

    message, mocks = refused(tmp_path, """
        EmailAddress("ops", EmailAddressArgs(address="Ops <ops@example.com>", timeout="20m"))
    """)
    assert "address: 'Ops <ops@example.com>' is not a bare address" in message
    assert "timeout: applies only with wait: true" in message
    assert mocks.resources == []


def test_an_unknown_output_argument_is_judged_once_known_with_the_same_message(tmp_path):
    run = run_public(tmp_path, """
        topic = aws.sns.Topic("alarms", name="ses-alarms")
        alarms = ReputationAlarms("reputation", ReputationAlarmsArgs(sns_topic_arn=topic.arn, bounce_rate=0.04))
        pulumi.export("alarms", alarms.alarm_arns)
    """)
    alarms = run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert sorted(a.inputs["name"] for a in alarms) == ["ses-domains-dev-bounce-rate", "ses-domains-dev-complaint-rate"]
    assert {a.inputs["alarmActions"][0] for a in alarms} == {"arn:aws:sns:eu-west-1:123456789012:ses-alarms"}
    child_urn(run, "ses-domains:index:ReputationAlarms", "aws:cloudwatch/metricAlarm:MetricAlarm",
              "reputation-bounce-rate")

    message, _ = refused(tmp_path, """
        role = aws.iam.Role("role", assume_role_policy="{}")
        ReputationAlarms("reputation", ReputationAlarmsArgs(sns_topic_arn=role.arn))
    """)
    assert "sns_topic_arn: must be an SNS topic ARN" in message
    assert "which is an ARN of iam" in message


def test_reputation_alarm_rates_are_judged_before_anything_is_declared(tmp_path):
    message, mocks = refused(tmp_path, """
        ReputationAlarms("reputation", ReputationAlarmsArgs(
            sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:t", bounce_rate=5, complaint_rate="1%",
            name_prefx="x"))
    """)
    assert "bounce_rate: is a fraction from 0 to 1" in message
    assert "complaint_rate: must be a fraction from 0 to 1 such as 0.001, not a percentage; 1% is 0.01" in message
    assert "name_prefx: unknown argument; did you mean 'name_prefix'?" in message
    assert mocks.resources == []


def test_global_endpoint_is_created_in_the_primary_region(tmp_path):
    run = run_public(tmp_path, """
        endpoint = GlobalEndpoint("global", GlobalEndpointArgs(name="example", regions=["eu-west-1", "us-east-1"]))
        pulumi.export("id", endpoint.endpoint_id)
    """)
    [endpoint] = run.of_type("aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint")
    assert endpoint.inputs["endpointName"] == "example"
    assert endpoint.inputs["region"] == "eu-west-1"
    assert endpoint.inputs["details"] == {"routesDetails": {"region": "us-east-1"}}

    message, mocks = refused(tmp_path, """
        GlobalEndpoint("global", GlobalEndpointArgs(name="ex ample", regions=["eu-west-1", "eu-west-1"]))
    """)
    assert "name: must be 1 to 64 letters" in message
    assert "regions[1]: eu-west-1 is listed twice" in message
    assert mocks.resources == []


def test_the_package_provider_constructs_a_component_from_schema_named_inputs(tmp_path):
    """What a TypeScript or YAML program gets: the engine's Construct with camelCase inputs."""
    run = run_public(tmp_path, """
        from ses_domains.provider import provider
        served = provider()
        result = served.construct("bulk", "ses-domains:index:DedicatedIpPool",
                                  {"name": "bulk-mail", "scalingMode": "MANAGED"}, None)
        pulumi.export("urn", result.urn)
        pulumi.export("state", result.state)
    """)
    [pool] = run.of_type("aws:sesv2/dedicatedIpPool:DedicatedIpPool")
    assert pool.inputs == {"poolName": "bulk-mail", "scalingMode": "MANAGED"}
    assert run.outputs["urn"].endswith("ses-domains:index:DedicatedIpPool::bulk")
    assert run.outputs["state"]["poolName"] == "bulk-mail"

    message, mocks = refused(tmp_path, """
        from ses_domains.provider import provider
        provider().construct("bulk", "ses-domains:index:DedicatedIpPool", {"name": "Bulk Mail"}, None)
    """)
    assert "DedicatedIpPool: an argument has a problem" in message
    assert "name: 'Bulk Mail' is not a valid dedicated IP pool name" in message
    assert mocks.resources == []


def test_inbound_mail_declares_policy_rule_set_rule_activation_and_mx_in_order(tmp_path):
    run = run_public(tmp_path, """
        zone = aws.route53.Zone("zone", name="example.com")
        inbound = InboundMail("inbound", InboundMailArgs(
            region="eu-west-1", rule_set="example-inbound",
            domains=[InboundDomainArgs(domain="Example.com", zone_id=zone.id, recipients=["support@example.com"],
                                       bucket="example-mail", prefix="in/")],
            bucket_policies={"example-mail": '{"Version":"2012-10-17","Statement":[]}'}))
        pulumi.export("records", inbound.records)
    """)
    [rule] = run.of_type("aws:ses/receiptRule:ReceiptRule")
    assert rule.inputs["ruleSetName"] == "example-inbound"
    assert rule.inputs["recipients"] == ["support@example.com"]
    assert rule.inputs["s3Actions"] == [{"bucketName": "example-mail", "objectKeyPrefix": "in/", "position": 1}]
    [mx] = run.of_type("aws:route53/record:Record")
    assert (mx.inputs["name"], mx.inputs["type"], mx.inputs["records"]) == (
        "example.com", "MX", ["10 inbound-smtp.eu-west-1.amazonaws.com"])
    assert mx.inputs["zoneId"] == "zone-id"
    [active] = run.of_type("aws:ses/activeReceiptRuleSet:ActiveReceiptRuleSet")
    mx_urn = child_urn(run, "ses-domains:index:InboundMail", "aws:route53/record:Record", "inbound-example.com-mx")
    assert any(urn.endswith("::inbound-active") for urn in run.dependencies["inbound-example.com-mx"])
    assert any("BucketPolicy" in urn for urn in run.dependencies["inbound-example.com"])
    assert mx_urn and run.outputs["records"]["example.com"][0]["type"] == "MX"


def test_bad_inbound_mail_args_are_refused_by_the_config_rules(tmp_path):
    message, mocks = refused(tmp_path, """
        InboundMail("inbound", InboundMailArgs(region="eu-north-1", domains=[
            InboundDomainArgs(domain="example.com", zone_id="Z1", recipients=["support@example.org"],
                              bucket="Example_Mail", require_tls="yes"),
        ]))
    """)
    assert "InboundMail: 4 argument problems:" in message
    assert "region: SES does not receive mail in 'eu-north-1'" in message
    assert "domains[0].bucket: 'Example_Mail' is not an S3 bucket name" in message
    assert "domains[0].recipients[0]: support@example.org is not within example.com" in message
    assert "domains[0].require_tls: must be true or false, got 'yes'" in message
    assert mocks.resources == []


def test_an_address_in_a_message_is_not_taken_for_an_argument_path(tmp_path):
    message, _ = refused(tmp_path, """
        EmailAddress("ops", EmailAddressArgs(address="ops@example.com", wait=True, timeout="3d"))
    """)
    assert "timeout: must be a duration such as 90s, 20m or 1h, got '3d'" in message
    message, _ = refused(tmp_path, """
        InboundMail("in", InboundMailArgs(region="eu-west-1", domains=[InboundDomainArgs(
            domain="example.com", zone_id="Z1", recipients=["ops@example.org"], bucket="example-mail")]))
    """)
    assert "domains[0].recipients[0]: ops@example.org is not within example.com" in message
