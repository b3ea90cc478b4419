"""What AWS would refuse: every request the program declares, checked against AWS's own rules.

The layer (``tests/aws_rules``) maps each declared resource to the request terraform-provider-aws
sends on create and validates it against botocore's models and the limits they do not carry.
Here: the example stacks and the every-option stack pass it; whatever the program accepts, AWS
accepts too (or the program refuses it at preview); and the layer itself catches each kind of
violation, fed with declared resources directly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from ses_domains.config import configuration_sets as set_keys
from ses_domains.config.account import ACCOUNT_KEYS, ACCOUNT_VDM_KEYS
from ses_domains.config.contact_lists import CONTACT_LIST_KEYS, TOPIC_KEYS
from ses_domains.config.dedicated_ip_pools import DEDICATED_IP_POOL_KEYS
from ses_domains.config.dkim import PREVIOUS_KEYS
from ses_domains.config.dmarc import DMARC_KEYS
from ses_domains.config.domains import DKIM_KEYS, DOMAIN_KEYS
from ses_domains.config.global_endpoint import GLOBAL_ENDPOINT_KEYS
from ses_domains.config.reputation_alarms import REPUTATION_ALARM_KEYS
from ses_domains.config.email_identities import EMAIL_IDENTITY_KEYS
from ses_domains.config.receive import RECEIVE_KEYS
from ses_domains.config.stack import PROJECT_KEYS
from ses_domains.config.templates import TEMPLATE_KEYS
from ses_domains.config.verification import VERIFY_KEYS
from ses_domains.records.model import DnsRecord
from tests.aws_rules import check_resources, check_stack, load_stack_file, requests_for
from tests.aws_rules.requests import UnmappedResource, txt_value_as_sent
from tests.aws_rules.validate import route53_txt_strings
from tests.every_option import EVERY_OPTION, every_option_mocks
from tests.pulumi_program import Declared, RecordingMocks, stack_config


IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
RECORD = "aws:route53/record:Record"
TOPIC = "aws:sns/topic:Topic"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

ALL_OPERATIONS = {
    "CreateEmailIdentity", "PutEmailIdentityMailFromAttributes", "PutEmailIdentityFeedbackAttributes",
    "CreateConfigurationSet", "CreateConfigurationSetEventDestination", "ChangeResourceRecordSets",
    "CreateTopic", "SetTopicAttributes", "CreateRole", "PutRolePolicy",
    "PutConfigurationSetTrackingOptions", "PutConfigurationSetSuppressionOptions", "CreateMultiRegionEndpoint",
    "PutAccountVdmAttributes", "PutAccountSuppressionAttributes",
    "CreateContactList", "CreateDedicatedIpPool", "PutMetricAlarm",
    "CreateTemplate",
    "CreateReceiptRule", "PutBucketPolicy",
    "GetEmailIdentity", "PutEmailIdentityDkimSigningAttributes",
}
STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses-events"


def stacks():
    return {"dev": stack_config("dev"), "prod": stack_config("prod"), "every_option": load_stack_file(EVERY_OPTION)}


def mocks_for(stack: str) -> RecordingMocks:
    return every_option_mocks() if stack == "every_option" else RecordingMocks()


# --- the stacks pass -----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod", "every_option"])
def test_every_request_of_the_stack_is_one_aws_accepts(stack):
    report = check_stack(stacks()[stack], mocks=mocks_for(stack))

    assert report.requests, "the program declared nothing: the check would be vacuous"
    assert not report.violations, report.describe()


def test_the_every_option_stack_makes_every_kind_of_request():
    report = check_stack(load_stack_file(EVERY_OPTION), mocks=every_option_mocks())

    assert {r.operation for r in report.requests} == ALL_OPERATIONS
    # One identity per domain and region (3 domains in eu-west-1, 4 replicas) and per email address
    # (2), one record per record set: nothing was dropped on the way.
    assert sum(r.operation == "CreateEmailIdentity" for r in report.requests) == 7 + 2
    # One DKIM signing step per domain identity (not per address): each signing request it may send
    # passes the model (EXTERNAL with selector and key, AWS_SES with the key length).
    signing = [r.params for r in report.requests if r.operation == "PutEmailIdentityDkimSigningAttributes"]
    assert len(signing) == 7
    assert {p["SigningAttributesOrigin"] for p in signing} == {"EXTERNAL", "AWS_SES"}
    assert [r.params for r in report.requests if r.operation == "CreateMultiRegionEndpoint"] == [
        {"EndpointName": "every-option-global", "Details": {"RoutesDetails": [{"Region": "us-east-1"}]}}
    ]
    assert sum(r.operation == "CreateConfigurationSetEventDestination" for r in report.requests) == 6


def test_the_every_option_stack_gives_ses_byodkim_keys_the_provider_accepts():
    report = check_stack(load_stack_file(EVERY_OPTION), mocks=every_option_mocks())

    signing = [(r.params["EmailIdentity"], r.params["DkimSigningAttributes"])
               for r in report.requests if r.operation == "CreateEmailIdentity" and "@" not in r.params["EmailIdentity"]]
    # Each domain's replicas get the same DKIM settings as its identity in the stack's region.
    assert [s for d, s in signing if d == "example.com"] == [{"NextSigningKeyLength": "RSA_1024_BIT"}] * 2
    for domain, count in (("news.example.org", 3), ("example.net", 2)):
        mine = [s for d, s in signing if d == domain]
        assert len(mine) == count
        for attributes in mine:
            assert set(attributes) == {"DomainSigningPrivateKey", "DomainSigningSelector"}
            assert attributes["DomainSigningSelector"] == "s2026b"
    assert not report.violations, report.describe()


def test_the_every_option_stack_uses_every_key_the_config_knows():
    """A key added to the config must be added to the every-option stack, so the layer sees it."""
    config = load_stack_file(EVERY_OPTION)
    domains, sets = config["ses-domains:domains"], config["ses-domains:configurationSets"]
    destinations = [d for s in sets for d in s.get("eventDestinations", [])]

    def used(entries):
        return {key for entry in entries for key in entry}

    assert used(domains) == set(DOMAIN_KEYS)
    assert {key.split(":", 1)[1] for key in config if key.startswith("ses-domains:")} == set(PROJECT_KEYS)
    assert set(config["ses-domains:globalEndpoint"]) == set(GLOBAL_ENDPOINT_KEYS)
    assert set(config["ses-domains:account"]) == set(ACCOUNT_KEYS)
    assert set(config["ses-domains:account"]["vdm"]) == set(ACCOUNT_VDM_KEYS)
    assert used(d["dkim"] for d in domains if "dkim" in d) == set(DKIM_KEYS)
    assert used(d["dkim"]["previous"] for d in domains if "previous" in d.get("dkim", {})) == set(PREVIOUS_KEYS)
    assert used(d["dmarc"] for d in domains if "dmarc" in d) == set(DMARC_KEYS)
    assert used(d["verify"] for d in domains if "verify" in d) == set(VERIFY_KEYS)
    assert used(d["receive"] for d in domains if "receive" in d) == set(RECEIVE_KEYS)
    assert used(sets) == set(set_keys.CONFIGURATION_SET_KEYS)
    assert used(s["vdm"] for s in sets if "vdm" in s) == set(set_keys.VDM_KEYS)
    assert used(destinations) == set(set_keys.DESTINATION_KEYS)
    assert used(d["sns"] for d in destinations if "sns" in d) == set(set_keys.SNS_KEYS)
    assert used(d["firehose"] for d in destinations if "firehose" in d) == set(set_keys.FIREHOSE_KEYS)
    dimensions = [x for d in destinations if "cloudwatch" in d for x in d["cloudwatch"]["dimensions"]]
    assert used(dimensions) == set(set_keys.DIMENSION_KEYS)
    assert {x["source"] for x in dimensions} == {"MESSAGE_TAG", "EMAIL_HEADER", "LINK_TAG"}
    assert used(config["ses-domains:contactLists"]) == set(CONTACT_LIST_KEYS)
    assert used(t for c in config["ses-domains:contactLists"] for t in c["topics"]) == set(TOPIC_KEYS)
    assert used(config["ses-domains:dedicatedIpPools"]) == set(DEDICATED_IP_POOL_KEYS)
    assert set(config["ses-domains:reputationAlarms"]) == set(REPUTATION_ALARM_KEYS)
    addresses = config["ses-domains:emailIdentities"]
    assert used(a for a in addresses if isinstance(a, dict)) == set(EMAIL_IDENTITY_KEYS)
    assert any(isinstance(a, str) for a in addresses), "the short form (a bare address) too"
    assert used(config["ses-domains:templates"]) == set(TEMPLATE_KEYS)


# --- what the program accepts, AWS accepts -------------------------------------------------------


def _cloudwatch(dimension_name):
    return {
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": "metrics", "eventDestinations": [{
            "name": "cw", "events": ["SEND"],
            "cloudwatch": {"dimensions": [{"name": dimension_name, "source": "MESSAGE_TAG", "default": "none"}]}}]}],
        "ses-domains:domains": [{"domain": "example.com"}],
    }


def _firehose(set_name, destination_name):
    return {
        "aws:region": "eu-west-1",
        "ses-domains:configurationSets": [{"name": set_name, "eventDestinations": [{
            "name": destination_name, "events": ["SEND"], "firehose": {"deliveryStreamArn": STREAM}}]}],
        "ses-domains:domains": [{"domain": "example.com"}],
    }


ACCEPTED_BY_CONFIG_TODAY = {
    # The table: each was accepted by the config and refused by AWS.
    "dimension name with a dot": _cloudwatch("ses.campaign"),
    "dimension name with an at sign": _cloudwatch("team@example"),
    "firehose role auto-named over 64": _firehose("s" * 40, "d" * 20),
    "firehose role of the longest names": _firehose("s" * 64, "d" * 64),
    "DMARC of 70 report addresses": {"aws:region": "eu-west-1", "ses-domains:domains": [{
        "domain": "example.com",
        "dmarc": {"policy": "reject",
                  "rua": [f"mailto:aggregate-dmarc-reports-for-example-com-{i:03d}@reports.example.com" for i in range(70)]},
    }]},
    "DKIM names over 253": {"aws:region": "eu-west-1", "ses-domains:domains": [{
        "domain": ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 24]) + ".example.com", "zone": "example.com",
    }]},
}


@pytest.mark.parametrize("case", sorted(ACCEPTED_BY_CONFIG_TODAY))
def test_what_the_program_declares_aws_accepts(case):
    """Either preview refuses the config (a config error under its key), or every request it
    declares is one AWS accepts."""
    try:
        report = check_stack(ACCEPTED_BY_CONFIG_TODAY[case])
    except pulumi.RunError as error:
        assert str(error).startswith("the stack config has"), error
        return
    assert not report.violations, report.describe()


# --- the layer catches each kind of violation ----------------------------------------------------


def declared(type_, logical_name, /, **inputs):
    return Declared(type=type_, name=logical_name, inputs=inputs, state={})


def violations(*resources, zone_names=None):
    return list(check_resources(resources, zone_names).violations)


def rules(found):
    return [(v.resource_name, v.operation, v.path, v.rule) for v in found]


def test_an_auto_named_role_over_64_characters():
    logical = "x" * 57  # + "-" + 7 random characters = 65
    found = violations(
        declared(ROLE, logical, assumeRolePolicy=json.dumps({"Version": "2012-10-17", "Statement": []})),
        declared(ROLE, "y" * 56, assumeRolePolicy="{}"),
    )

    assert [(v.resource_name, v.path) for v in found] == [(logical, "RoleName")]
    assert "at most 64 characters" in found[0].rule
    assert "57-character logical name + 8" in found[0].rule
    assert len(found[0].value) == 65


def test_a_named_role_over_64_and_its_policy():
    role = declared(ROLE, "r", name="n" * 65, assumeRolePolicy="{}")
    policy = declared(ROLE_POLICY, "p", role="r-id", name="ok", policy="not json")

    found = rules(violations(role, policy))

    assert ("r", "CreateRole", "RoleName", "at most 64 characters (roleNameType)") in found
    # role.id resolves to the role's name: the policy's request carries the same too-long name.
    assert ("p", "PutRolePolicy", "RoleName", "at most 64 characters (roleNameType)") in found
    assert ("p", "PutRolePolicy", "PolicyDocument", "a policy must be a JSON object") in found


def _dimension_destination(name, default="none"):
    return declared(
        DESTINATION, "set-cw", configurationSetName="set", eventDestinationName="cw",
        eventDestination={"enabled": True, "matchingEventTypes": ["SEND"], "cloudWatchDestination": {
            "dimensionConfigurations": [{"dimensionName": name, "dimensionValueSource": "MESSAGE_TAG",
                                         "defaultDimensionValue": default}]}},
    )


@pytest.mark.parametrize("name", ["ses.campaign", "team@example", "has space", "d" * 257])
def test_a_dimension_name_aws_refuses(name):
    found = violations(_dimension_destination(name))

    assert [v.path for v in found] == ["EventDestination.CloudWatchDestination.DimensionConfigurations[0].DimensionName"]
    assert "letters, digits, _ -" in found[0].rule


@pytest.mark.parametrize("name", ["campaign", "X-Mailer", "link_kind", "ses:from-domain", "d" * 256])
def test_a_dimension_name_aws_accepts(name):
    assert violations(_dimension_destination(name, default="user@example.com")) == []


def test_a_default_dimension_value_aws_refuses():
    found = violations(_dimension_destination("campaign", default="no spaces"))

    assert [v.path for v in found] == [
        "EventDestination.CloudWatchDestination.DimensionConfigurations[0].DefaultDimensionValue"]


def _txt(name, values, zone_id="Z1"):
    return declared(RECORD, name, zoneId=zone_id, name=name, type="TXT", ttl=300.0, records=values, allowOverwrite=False)


def test_a_dmarc_value_of_5000_characters():
    text = "v=DMARC1; p=reject; rua=" + ",".join(["mailto:r@example.com"] * 400)
    text = text[:5000]
    record = DnsRecord("_dmarc.example.com", "TXT", (text,), 300)

    found = violations(_txt("_dmarc.example.com", record.route53_values()))

    assert [(v.path, v.rule) for v in found] == [(
        "ChangeBatch.Changes[0].ResourceRecordSet.ResourceRecords[0].Value", "at most 4000 characters (RData)")]
    # What Route 53 counts is the value as sent: 20 quoted chunks of at most 255 characters.
    assert len(found[0].value) == 5000 + 2 + 19 * 2


def test_a_long_txt_value_split_by_the_record_model_is_accepted():
    record = DnsRecord("_dmarc.example.com", "TXT", ("x" * 3900,), 300)

    assert violations(_txt("_dmarc.example.com", record.route53_values())) == []


def test_a_txt_string_over_255_characters():
    found = violations(_txt("long.example.com", ["y" * 256]))

    assert [v.rule for v in found] == ["TXT string 1 has 256 characters; each is at most 255"]


def test_a_record_set_whose_values_exceed_32000_characters():
    found = violations(_txt("many.example.com", ['""'.join(["z" * 250] * 15)] * 9))

    assert [(v.path, v.value) for v in found] == [("ChangeBatch", 9 * (15 * 250 + 14 * 2 + 2))]


def test_a_300_character_dns_name():
    name = ".".join(["a" * 59] * 5) + ".example.com"  # 307 characters
    found = violations(declared(IDENTITY, "id", emailIdentity=name), _txt(name, ["v=spf1 -all"]))

    assert [(v.operation, v.path) for v in found] == [
        ("CreateEmailIdentity", "EmailIdentity"), ("ChangeResourceRecordSets", "ChangeBatch.Changes[0].ResourceRecordSet.Name")]
    assert all("at most 253" in v.rule for v in found)


def test_a_64_character_label():
    found = violations(declared(RECORD, "c", zoneId="Z1", name="a" * 64 + ".example.com", type="CNAME", ttl=60.0,
                                records=["b" * 64 + ".example.net"], allowOverwrite=False))

    assert [v.path for v in found] == ["ChangeBatch.Changes[0].ResourceRecordSet.Name",
                                      "ChangeBatch.Changes[0].ResourceRecordSet.ResourceRecords[0].Value"]
    assert all("label is at most 63" in v.rule for v in found)


def test_unknown_enum_values():
    found = violations(
        declared(CONFIGURATION_SET, "set", configurationSetName="set", deliveryOptions={"tlsPolicy": "ALWAYS"}),
        declared(DESTINATION, "set-d", configurationSetName="set", eventDestinationName="d", eventDestination={
            "enabled": True, "matchingEventTypes": ["OPENED"], "snsDestination": {"topicArn": "arn:aws:sns:eu-west-1:1:t"}}),
        declared(MAIL_FROM, "m", emailIdentity="example.com", mailFromDomain="b.example.com", behaviorOnMxFailure="BOUNCE"),
        declared(IDENTITY, "i", emailIdentity="example.com", dkimSigningAttributes={"nextSigningKeyLength": "RSA_4096_BIT"}),
        declared(RECORD, "r", zoneId="Z1", name="x.example.com", type="ALIAS", ttl=60.0, records=["y"], allowOverwrite=False),
    )

    assert [(v.operation, v.path) for v in found] == [
        ("CreateConfigurationSet", "DeliveryOptions.TlsPolicy"),
        ("CreateConfigurationSetEventDestination", "EventDestination.MatchingEventTypes[0]"),
        ("PutEmailIdentityMailFromAttributes", "BehaviorOnMxFailure"),
        ("CreateEmailIdentity", "DkimSigningAttributes.NextSigningKeyLength"),
        ("ChangeResourceRecordSets", "ChangeBatch.Changes[0].ResourceRecordSet.Type"),
    ]
    assert all(v.rule.startswith("not one of") for v in found)


@pytest.mark.parametrize("seconds, rule", [(299.0, "botocore ParamValidator: invalid range {'min_allowed': 300}"),
                                           (50401.0, "at most 50400 (MaxDeliverySeconds)")])
def test_a_number_out_of_range(seconds, rule):
    found = violations(declared(CONFIGURATION_SET, "s", configurationSetName="s", deliveryOptions={"maxDeliverySeconds": seconds}))

    assert [(v.path, v.rule) for v in found] == [("DeliveryOptions.MaxDeliverySeconds", rule)]


def test_names_ses_and_sns_refuse():
    found = violations(
        declared(CONFIGURATION_SET, "s", configurationSetName="my.set"),
        declared(TOPIC, "t", name="my.topic"),
    )

    assert [(v.operation, v.path) for v in found] == [("CreateConfigurationSet", "ConfigurationSetName"), ("CreateTopic", "Name")]


def test_what_the_provider_itself_refuses():
    found = violations(
        declared(MAIL_FROM, "m", emailIdentity="example.com", behaviorOnMxFailure="REJECT_MESSAGE"),
        declared(DESTINATION, "d", configurationSetName="s", eventDestinationName="d",
                 eventDestination={"enabled": True, "matchingEventTypes": ["SEND"]}),
    )

    assert [(v.operation, v.path) for v in found] == [
        ("PutEmailIdentityMailFromAttributes", "MailFromDomain"), ("CreateConfigurationSetEventDestination", "EventDestination")]


def test_botocore_s_own_checks_are_kept():
    found = violations(declared(IDENTITY, "i", emailIdentity=""), declared(TOPIC, "t", name=None))

    assert [(v.operation, v.path) for v in found] == [("CreateEmailIdentity", "EmailIdentity"), ("CreateTopic", "Name")]
    assert found[0].rule.startswith("botocore ParamValidator: invalid length")
    assert found[1].rule.startswith("botocore ParamValidator: invalid type")


def test_an_aws_resource_without_a_mapping_is_an_error_not_a_pass():
    with pytest.raises(UnmappedResource, match="aws:s3/bucket:Bucket"):
        requests_for([declared("aws:s3/bucket:Bucket", "b", bucket="b")])


# --- the mappings follow the provider's source ---------------------------------------------------


def _request(resource, zone_names=None):
    (request,) = requests_for([resource], zone_names)
    return request


def test_suppressed_reasons_on_create():
    """configuration_set.go: on create an empty list is sent as an empty list (suppression off);
    without suppressedReasons no SuppressionOptions at all."""
    empty = _request(declared(CONFIGURATION_SET, "s", configurationSetName="s", suppressionOptions={"suppressedReasons": []}))
    left_out = _request(declared(CONFIGURATION_SET, "s", configurationSetName="s"))

    assert empty.params["SuppressionOptions"] == {"SuppressedReasons": []}
    assert "SuppressionOptions" not in left_out.params


def test_tracking_and_delivery_options():
    request = _request(declared(
        CONFIGURATION_SET, "s", configurationSetName="s",
        deliveryOptions={"tlsPolicy": "REQUIRE", "maxDeliverySeconds": 3600.0, "sendingPoolName": None},
        trackingOptions={"customRedirectDomain": "click.example.com", "httpsPolicy": "OPTIONAL"},
        vdmOptions={"dashboardOptions": {"engagementMetrics": "ENABLED"}},
    ))

    assert request.params == {
        "ConfigurationSetName": "s",
        "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 3600},
        "TrackingOptions": {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "OPTIONAL"},
        "VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
    }


def test_a_record_is_a_create_change_with_quoted_txt_and_the_zone_name():
    request = _request(_txt("_dmarc", ["v=DMARC1; p=none"], zone_id="/hostedzone/Z1"), {"Z1": "example.com"})

    assert request.params == {"HostedZoneId": "Z1", "ChangeBatch": {"Comment": "Managed by Terraform", "Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": "_dmarc.example.com", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"v=DMARC1; p=none"'}]}}]}}


def test_a_long_txt_value_reaches_route53_as_adjacent_strings():
    text = "p=" + "k" * 400
    (value,) = DnsRecord("sel._domainkey.example.com", "TXT", (text,), 300).route53_values()

    strings = route53_txt_strings(txt_value_as_sent(value))

    assert [len(s) for s in strings] == [255, 147]
    assert "".join(strings) == text


def test_an_unset_enabled_creates_a_disabled_destination():
    request = _request(declared(DESTINATION, "d", configurationSetName="s", eventDestinationName="d",
                                eventDestination={"matchingEventTypes": ["SEND", "SEND"], "eventBridgeDestination": {
                                    "eventBusArn": "arn:aws:events:eu-west-1:1:event-bus/default"}}))

    assert request.params["EventDestination"]["Enabled"] is False
    assert request.params["EventDestination"]["MatchingEventTypes"] == ["SEND"]


def test_generated_iam_names():
    auto = _request(declared(ROLE, "set-dest-firehose", assumeRolePolicy="{}"))
    prefixed = _request(declared(ROLE, "r", namePrefix="ses-firehose-", assumeRolePolicy="{}"))

    assert len(auto.params["RoleName"]) == len("set-dest-firehose") + 8
    assert auto.params["RoleName"].startswith("set-dest-firehose-")
    assert len(prefixed.params["RoleName"]) == len("ses-firehose-") + 26
    assert auto.autonamed == prefixed.autonamed == ("RoleName",)
