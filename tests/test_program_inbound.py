"""Receiving mail (``receive`` on a domain): the real program under mocks, against moto's zones and a
preset world of buckets, bucket policies and SES's active receipt rule set (tests/fake_inbound.py).

What is declared (the MX, the bucket policy, the rule set, one rule per domain, the activation, in
that order), and every refusal, each before any resource is declared."""

from __future__ import annotations

import json

import pytest

from tests.aws_rules import check_resources
from tests.fake_inbound import GET_ACTIVE_RULE_SET, GET_BUCKET_POLICY, InboundWorld
from tests.fake_route53_records import put_record
from tests.pulumi_program import RecordingMocks, refused_at_preview, run_program

D = "ses-domains:domains"
REGION = "eu-west-1"
ACCOUNT = "123456789012"
RECORD = "aws:route53/record:Record"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
RULE_SET = "aws:ses/receiptRuleSet:ReceiptRuleSet"
RULE = "aws:ses/receiptRule:ReceiptRule"
ACTIVE = "aws:ses/activeReceiptRuleSet:ActiveReceiptRuleSet"
COMPONENT = "ses-domains:index:InboundMail"
RECEIVING = {"bucket": "example-mail", "prefix": "inbound/", "recipients": ["support@example.com", "example.com"]}


def config(*domains, region=REGION):
    return {"aws:region": region, D: list(domains)}


def urn(type_, name):
    return f"urn:pulumi:test::ses-domains::{COMPONENT}${type_}::{name}"


def existing(*records):
    def prepare(route53, zone_ids):
        for zone, name, record_type, values in records:
            put_record(route53, zone_ids[zone], name, record_type, values)
    return prepare


def stopped(cfg, mocks=None, prepare=None) -> str:
    message = refused_at_preview(cfg, mocks, prepare=prepare)
    assert message.startswith("the stack config has"), message
    return message


def policy_document(run, bucket):
    [declared] = [r for r in run.of_type(POLICY) if r.inputs["bucket"] == bucket]
    return json.loads(declared.inputs["policy"])


# --- what is declared ----------------------------------------------------------------------------


def test_a_receiving_domain_gets_its_mx_bucket_policy_rule_set_rule_and_activation():
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}))

    assert [r.name for r in run.of_type(COMPONENT)] == ["inbound-mail"]
    assert [r.inputs for r in run.of_type(RULE_SET)] == [{"ruleSetName": "ses-domains-test"}]
    assert [r.inputs for r in run.of_type(ACTIVE)] == [{"ruleSetName": "ses-domains-test"}]
    [rule] = run.of_type(RULE)
    assert rule.inputs == {
        "name": "example.com", "ruleSetName": "ses-domains-test",
        "recipients": ["support@example.com", "example.com"],
        "enabled": True, "scanEnabled": True, "tlsPolicy": "Optional",
        "s3Actions": [{"bucketName": "example-mail", "objectKeyPrefix": "inbound/", "position": 1.0}],
    }
    mx = run.records()[("example.com", "MX")]
    assert mx.inputs["records"] == ["10 inbound-smtp.eu-west-1.amazonaws.com"]
    assert mx.inputs["allowOverwrite"] is False
    assert mx.inputs["ttl"] == 1800
    # Listed with the domain's records: the stack's own MX at the next preview.
    assert {"name": "example.com", "type": "MX", "values": ["10 inbound-smtp.eu-west-1.amazonaws.com"],
            "ttl": 1800, "zone": "example.com"} in run.outputs["domains"]["example.com"]["records"]


def test_the_bucket_policy_lets_only_this_accounts_ses_rule_write_under_the_prefix():
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}))

    assert policy_document(run, "example-mail") == {"Version": "2012-10-17", "Statement": [{
        "Sid": "SesDomainstestInbound1",
        "Effect": "Allow",
        "Principal": {"Service": "ses.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::example-mail/inbound/*",
        "Condition": {"StringEquals": {
            "aws:SourceAccount": ACCOUNT,
            "aws:SourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:receipt-rule-set/ses-domains-test:receipt-rule/example.com",
        }},
    }]}


def test_mail_reaches_ses_only_once_everything_behind_the_mx_exists():
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}))
    deps = run.typed_dependencies

    policy = urn(POLICY, "inbound-mail-bucket-policy-example-mail")
    rule_set = urn(RULE_SET, "inbound-mail-rule-set")
    rule = urn(RULE, "inbound-mail-example.com")
    active = urn(ACTIVE, "inbound-mail-active")
    # SES tries writing to the bucket when the rule is created.
    assert set(deps[(RULE, "inbound-mail-example.com")]) >= {policy, rule_set}
    assert rule in deps[(ACTIVE, "inbound-mail-active")]
    assert deps[(RECORD, "inbound-mail-example.com-mx")] == [active]
    assert any(d.endswith("aws:sesv2/emailIdentity:EmailIdentity::example.com") for d in deps[(COMPONENT, "inbound-mail")])


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "ap-southeast-2", "ca-central-1"])
def test_the_mx_names_the_receiving_endpoint_of_the_stacks_region(region):
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}, region=region))

    assert run.records()[("example.com", "MX")].inputs["records"] == [f"10 inbound-smtp.{region}.amazonaws.com"]
    assert json.loads(run.of_type(POLICY)[0].inputs["policy"])["Statement"][0]["Condition"]["StringEquals"][
        "aws:SourceArn"].startswith(f"arn:aws:ses:{region}:{ACCOUNT}:")


def test_replica_regions_send_but_receiving_stays_in_the_stacks_region():
    run = run_program(config({"domain": "example.com", "replicaRegions": ["us-east-1"], "receive": RECEIVING}))

    assert [r.inputs["records"] for r in run.of_type(RECORD) if r.inputs["type"] == "MX"] == [
        ["10 inbound-smtp.eu-west-1.amazonaws.com"]]
    assert all(not r.inputs.get("region") for r in run.of_type(RULE) + run.of_type(RULE_SET) + run.of_type(ACTIVE))


def test_domains_share_one_rule_set_and_a_bucket_one_policy_with_a_statement_each():
    run = run_program(config(
        {"domain": "example.com", "receive": RECEIVING},
        {"domain": "example.org", "receive": {"bucket": "example-mail", "prefix": "org/", "recipients": ["example.org"],
                                              "scan": False, "requireTls": True}},
        {"domain": "example.net", "receive": {"bucket": "net-mail", "recipients": ["abuse@example.net"]}},
    ))

    assert len(run.of_type(RULE_SET)) == len(run.of_type(ACTIVE)) == 1
    rules = {r.inputs["name"]: r.inputs for r in run.of_type(RULE)}
    assert sorted(rules) == ["example.com", "example.net", "example.org"]
    assert {r["ruleSetName"] for r in rules.values()} == {"ses-domains-test"}
    assert (rules["example.org"]["scanEnabled"], rules["example.org"]["tlsPolicy"]) == (False, "Require")
    assert "objectKeyPrefix" not in rules["example.net"]["s3Actions"][0]
    shared = policy_document(run, "example-mail")["Statement"]
    assert [(s["Resource"], s["Condition"]["StringEquals"]["aws:SourceArn"].rsplit("/", 1)[-1]) for s in shared] == [
        ("arn:aws:s3:::example-mail/inbound/*", "example.com"), ("arn:aws:s3:::example-mail/org/*", "example.org")]
    assert [s["Resource"] for s in policy_document(run, "net-mail")["Statement"]] == ["arn:aws:s3:::net-mail/*"]
    assert {r.inputs["name"] for r in run.of_type(RECORD) if r.inputs["type"] == "MX"} == {
        "example.com", "example.org", "example.net"}


def test_every_receiving_request_is_one_aws_accepts():
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}))
    report = check_resources(run.mocks.resources, {zone_id: name for name, zone_id in run.zone_ids.items()})

    operations = {r.operation for r in report.requests}
    assert {"CreateReceiptRuleSet", "CreateReceiptRule", "SetActiveReceiptRuleSet", "PutBucketPolicy"} <= operations
    assert not report.violations, report.describe()
    [rule] = [r.params for r in report.requests if r.operation == "CreateReceiptRule"]
    assert rule["Rule"]["Actions"] == [{"S3Action": {"BucketName": "example-mail", "ObjectKeyPrefix": "inbound/"}}]


def test_a_domain_without_receive_gets_nothing_of_it_and_nothing_is_read():
    mocks = RecordingMocks()
    run = run_program(config({"domain": "example.com"}), mocks=mocks)

    assert not run.of_type(COMPONENT) and ("example.com", "MX") not in run.records()
    assert not {GET_ACTIVE_RULE_SET, GET_BUCKET_POLICY} & {token for token, _ in mocks.calls}


# --- what is already there ---------------------------------------------------------------------


def test_an_existing_mx_stops_the_program_and_is_never_adopted():
    for policy in ("stop", "adopt"):
        message = stopped(
            config({"domain": "example.com", "existingRecords": policy, "receive": RECEIVING}),
            prepare=existing(("example.com", "example.com", "MX", ["10 mx.mail-provider.example"])),
        )
        assert f"{D}[0].receive: the zone example.com (" in message
        assert "already has MX example.com = 10 mx.mail-provider.example (TTL 300), which this stack did not create" in message
        assert "it would write MX example.com = 10 inbound-smtp.eu-west-1.amazonaws.com" in message
        assert "the stack never adopts it, whatever existingRecords says" in message
        assert "receive on a name of its own (a domain entry for a subdomain such as inbound.example.com" in message
        assert "adopt it (existingRecords" not in message


def test_the_stacks_own_mx_is_not_foreign_on_the_next_run():
    cfg = config({"domain": "example.com", "receive": RECEIVING})
    first = run_program(cfg)
    mocks = RecordingMocks(stack_outputs={"domains": first.outputs["domains"]})

    second = run_program(cfg, mocks=mocks, prepare=existing(
        ("example.com", "example.com", "MX", ["10 inbound-smtp.eu-west-1.amazonaws.com"])))

    assert mocks.reads == ["organization/ses-domains/test"]
    assert second.records()[("example.com", "MX")].inputs["allowOverwrite"] is False


def test_another_active_rule_set_stops_the_program_naming_it_and_the_way_on():
    mocks = RecordingMocks(inbound=InboundWorld(active_rule_set="legacy-rules"))
    message = stopped(config({"domain": "example.com", "receive": RECEIVING}), mocks)

    assert (
        f"{D}[0].receive: SES's active receipt rule set in eu-west-1 is legacy-rules, which this stack did not "
        "create: one rule set is active per account and region, and activating the stack's ses-domains-test would "
        "switch legacy-rules and every rule in it off. Choose: set ruleSet: legacy-rules under receive"
    ) in message


def test_the_stacks_own_active_rule_set_is_kept_active():
    mocks = RecordingMocks(inbound=InboundWorld(active_rule_set="ses-domains-test"))
    run = run_program(config({"domain": "example.com", "receive": RECEIVING}), mocks=mocks)

    assert [r.inputs for r in run.of_type(ACTIVE)] == [{"ruleSetName": "ses-domains-test"}]


def test_rule_set_adds_the_rules_to_the_active_set_and_leaves_its_activation_alone():
    mocks = RecordingMocks(inbound=InboundWorld(active_rule_set="legacy-rules"))
    run = run_program(config({"domain": "example.com", "receive": {**RECEIVING, "ruleSet": "legacy-rules"}}), mocks=mocks)

    assert run.of_type(RULE_SET) == [] and run.of_type(ACTIVE) == []
    assert [r.inputs["ruleSetName"] for r in run.of_type(RULE)] == ["legacy-rules"]
    assert policy_document(run, "example-mail")["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"] == (
        f"arn:aws:ses:{REGION}:{ACCOUNT}:receipt-rule-set/legacy-rules:receipt-rule/example.com")
    assert run.typed_dependencies[(RECORD, "inbound-mail-example.com-mx")] == [urn(RULE, "inbound-mail-example.com")]


@pytest.mark.parametrize("active, now", [(None, "no rule set is active"), ("other", "the active one is other")])
def test_a_rule_set_that_is_not_the_active_one_is_refused(active, now):
    mocks = RecordingMocks(inbound=InboundWorld(active_rule_set=active))
    message = stopped(config({"domain": "example.com", "receive": {**RECEIVING, "ruleSet": "legacy-rules"}}), mocks)

    assert f"{D}[0].receive.ruleSet: legacy-rules is not SES's active receipt rule set in eu-west-1 ({now})" in message


def test_a_bucket_policy_the_stack_did_not_write_is_never_replaced():
    theirs = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-mail/AWSLogs/*"}]})
    mocks = RecordingMocks(inbound=InboundWorld(policies={"example-mail": theirs}))
    message = stopped(config({"domain": "example.com", "receive": RECEIVING}), mocks)

    assert (f"{D}[0].receive.bucket: the bucket example-mail already has a policy, which this stack did not write: "
            "the stack would replace it whole") in message
    assert "Add this statement to it yourself and set bucketPolicy: false under receive: " in message
    pasted = json.loads(message.split("under receive: ", 1)[1].split("\n", 1)[0])
    assert pasted[0]["Resource"] == "arn:aws:s3:::example-mail/inbound/*"
    assert pasted[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_the_stacks_own_bucket_policy_is_updated():
    first = run_program(config({"domain": "example.com", "receive": RECEIVING}))
    ours = first.of_type(POLICY)[0].inputs["policy"]
    mocks = RecordingMocks(inbound=InboundWorld(policies={"example-mail": ours}))
    run = run_program(config({"domain": "example.com", "receive": {**RECEIVING, "prefix": "mail/"}}), mocks=mocks)

    assert policy_document(run, "example-mail")["Statement"][0]["Resource"] == "arn:aws:s3:::example-mail/mail/*"


def test_bucket_policy_false_leaves_the_policy_to_the_user_who_must_grant_ses():
    cfg = config({"domain": "example.com", "receive": {**RECEIVING, "bucketPolicy": False}})
    message = stopped(cfg)
    assert (f"{D}[0].receive.bucket: bucketPolicy is false, but the policy of the bucket example-mail grants nothing "
            "to ses.amazonaws.com") in message

    theirs = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["ses.amazonaws.com"]},
                                        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::example-mail/*"}]})
    run = run_program(cfg, mocks=RecordingMocks(inbound=InboundWorld(policies={"example-mail": theirs})))
    assert run.of_type(POLICY) == []
    assert run.typed_dependencies[(RULE, "inbound-mail-example.com")] == [urn(RULE_SET, "inbound-mail-rule-set")]


def test_a_missing_bucket_and_a_bucket_where_ses_does_not_receive_are_refused():
    mocks = RecordingMocks(inbound=InboundWorld(buckets={"paris-mail": "eu-west-3"}))
    message = stopped(config(
        {"domain": "example.com", "receive": RECEIVING},
        {"domain": "example.org", "receive": {"bucket": "paris-mail", "recipients": ["example.org"]}},
    ), mocks)

    assert (f"{D}[0].receive.bucket: there is no S3 bucket example-mail this account can see: create it first") in message
    assert (f"{D}[1].receive.bucket: the bucket paris-mail is in eu-west-3, where SES does not receive mail") in message


def test_a_failed_read_names_the_permission_it_needs():
    mocks = RecordingMocks(inbound=InboundWorld(failures={
        GET_ACTIVE_RULE_SET: "operation error SES: DescribeActiveReceiptRuleSet, AccessDenied"}))
    message = stopped(config({"domain": "example.com", "receive": RECEIVING}), mocks)

    assert "could not read SES's active receipt rule set" in message
    assert "the stack's credentials need ses:DescribeActiveReceiptRuleSet" in message


# --- the config ----------------------------------------------------------------------------------


def test_a_region_where_ses_does_not_receive_is_refused_at_preview():
    message = stopped(config({"domain": "example.com", "receive": RECEIVING}, region="eu-west-3"))

    assert (f"{D}[0].receive: SES does not receive mail in eu-west-3 (aws:region; AWS General Reference, SES "
            "\"Email Receiving endpoints\"): there is no inbound-smtp.eu-west-3.amazonaws.com for an MX to name. "
            "Receiving regions: eu-central-1, eu-west-1, eu-west-2") in message


@pytest.mark.parametrize("bucket, why", [
    ("ab", "3 to 63 characters"),
    ("Example-Mail", "3 to 63 characters"),
    ("example_mail", "3 to 63 characters"),
    ("-example", "3 to 63 characters"),
    ("a" * 64, "3 to 63 characters"),
    ("mail..example", "two dots in a row"),
    ("192.168.5.4", "is an IP address"),
    ("xn--mail", "S3 reserves the prefix xn--"),
    ("mail-s3alias", "S3 reserves the suffix -s3alias"),
    (42, "must be the name of an existing S3 bucket"),
])
def test_a_bad_bucket_name_is_refused_under_its_key(bucket, why):
    message = stopped(config({"domain": "example.com", "receive": {**RECEIVING, "bucket": bucket}}))

    assert f"{D}[0].receive.bucket: " in message and why in message


@pytest.mark.parametrize("recipients, key, why", [
    (["support@example.org"], "recipients[0]", "support@example.org is not within example.com"),
    (["example.org"], "recipients[0]", "example.org is not within example.com"),
    ([".example.net"], "recipients[0]", ".example.net is not within example.com"),
    (["@example.com"], "recipients[0]", "is not an email address"),
    (["a b@example.com"], "recipients[0]", "is not an email address"),
    (["support@exa_mple.com"], "recipients[0]", "labels may hold only letters"),
    (["example.com", "EXAMPLE.com."], "recipients[1]", "example.com is listed twice"),
    ([], "recipients", "is required"),
    ([f"u{i}@example.com" for i in range(101)], "recipients", "an SES receipt rule holds at most 100"),
])
def test_recipients_must_be_addresses_or_domains_within_the_domain(recipients, key, why):
    message = stopped(config({"domain": "example.com", "receive": {**RECEIVING, "recipients": recipients}}))

    assert f"{D}[0].receive.{key}: " in message and why in message


def test_other_receive_mistakes_are_refused_under_their_keys():
    message = stopped(config(
        {"domain": "example.com", "receive": {"prefix": "/mail", "recipients": ["example.com"], "scan": "yes",
                                              "ruleSet": "-bad", "bukket": "x"}},
    ))

    for expected in (
        f"{D}[0].receive.bucket: is required",
        f"{D}[0].receive.prefix: '/mail' starts with /",
        f"{D}[0].receive.scan: must be true or false",
        f"{D}[0].receive.ruleSet: '-bad' is not an SES receipt rule set name",
        f"{D}[0].receive.bukket: unknown key; did you mean 'bucket'?",
    ):
        assert expected in message


def test_domains_must_agree_on_the_rule_set_and_a_buckets_policy():
    message = stopped(config(
        {"domain": "example.com", "receive": {**RECEIVING, "ruleSet": "one"}},
        {"domain": "example.org", "receive": {"bucket": "example-mail", "recipients": ["example.org"]}},
    ))
    assert f"{D}[1].receive.ruleSet: every domain with receive must use the same rule set" in message

    message = stopped(config(
        {"domain": "example.com", "receive": RECEIVING},
        {"domain": "example.org", "receive": {"bucket": "example-mail", "recipients": ["example.org"],
                                              "bucketPolicy": False}},
    ))
    assert f"{D}[0].receive.bucket: the domains that store mail in example-mail disagree on bucketPolicy" in message


def test_no_other_record_of_the_stack_may_write_the_receiving_mx():
    """A replica's MAIL FROM MX (<region>.<mailFrom>) at the name of a receiving domain."""
    message = stopped(config(
        {"domain": "example.com", "mailFrom": "bounce", "replicaRegions": ["us-east-1"]},
        {"domain": "us-east-1.bounce.example.com", "zone": "example.com", "receive": {
            "bucket": "example-mail", "recipients": ["us-east-1.bounce.example.com"]}},
    ))

    assert (f"{D}[1]: its MX record us-east-1.bounce.example.com is also written by {D}[0]") in message


def test_a_subdomain_recipient_is_accepted_with_a_warning_about_its_mx():
    run = run_program(config({"domain": "example.com", "receive": {**RECEIVING, "recipients": [
        "example.com", "help@support.example.com", ".example.com"]}}))

    warnings = [r.getMessage() for r in run.logs if r.levelname == "WARNING"]
    assert [w.split(":", 2)[1] for w in warnings if ".receive.recipients" in w] == [
        "domains[0].receive.recipients[1]", "domains[0].receive.recipients[2]"]
    assert any("mail for help@support.example.com reaches SES only if its domain has an MX" in w for w in warnings)
    assert run.of_type(RULE)[0].inputs["recipients"] == ["example.com", "help@support.example.com", ".example.com"]


def test_the_aws_rules_layer_catches_receipt_names_and_bucket_names_aws_refuses():
    from tests.pulumi_program import Declared

    found = check_resources([
        Declared(RULE_SET, "set", {"ruleSetName": "x" * 65}, {}),
        Declared(RULE, "rule", {"name": "-rule", "ruleSetName": "ok", "enabled": True,
                                "s3Actions": [{"bucketName": "Bad_Bucket", "position": 1.0}]}, {}),
        Declared(POLICY, "policy", {"bucket": "ok-bucket", "policy": "not json"}, {}),
    ]).violations

    assert sorted((v.resource_name, v.path) for v in found) == [
        ("policy", "Policy"), ("rule", "Rule.Actions[0].S3Action.BucketName"), ("rule", "Rule.Name"),
        ("set", "RuleSetName")]


def test_receipt_names_stay_valid_for_long_domains_and_odd_stack_names():
    from ses_domains.config.receive import receipt_name_problem, receipt_rule_name, stack_rule_set_name

    long_domain = ".".join(["a" * 40, "b" * 40]) + ".example.com"
    name = receipt_rule_name(long_domain)
    assert len(name) == 64 and receipt_name_problem(name, "rule") is None
    assert name != receipt_rule_name(".".join(["a" * 40, "c" * 40]) + ".example.com")
    assert receipt_rule_name("example.com") == "example.com"
    assert stack_rule_set_name("prod") == "ses-domains-prod"
    for stack in ("x" * 80, "dev-", "team/prod"):
        assert receipt_name_problem(stack_rule_set_name(stack), "rule set") is None
