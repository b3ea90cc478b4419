"""The public components as a user meets them: ``from ses_domains import ...`` in a Pulumi program of
their own, outside this repository, with no ``ses-domains:`` config (issue 19's acceptance)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.public_program import UserProgramMocks, run_user_program

ACCEPTANCE = """
import pulumi, pulumi_aws as aws
from ses_domains import SendingDomain, SendingDomainArgs, DmarcArgs, ConfigurationSet, ConfigurationSetArgs
zone = aws.route53.Zone("zone", name="example.com")
transactional = ConfigurationSet("transactional", ConfigurationSetArgs(name="transactional"))
domain = SendingDomain("example.com", SendingDomainArgs(
    domain="example.com", zone_id=zone.zone_id, mail_from="bounce",
    dmarc=DmarcArgs(policy="reject", rua=["mailto:dmarc@example.com"]),
    configuration_set=transactional))
pulumi.export("identityArn", domain.identity_arn)
pulumi.export("records", domain.records)
pulumi.export("dkimTokens", domain.dkim_tokens)
"""

VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory):
    return run_user_program(tmp_path_factory.mktemp("user-program"), ACCEPTANCE)


def test_the_domain_is_declared_in_the_zone_created_by_the_same_program(acceptance):
    run = acceptance
    zone = run.named("zone")
    zone_id = zone.state["zoneId"]
    identity = run.of_type("aws:sesv2/emailIdentity:EmailIdentity")
    assert [(i.name, i.inputs["emailIdentity"], i.inputs.get("configurationSetName")) for i in identity] == [
        ("example.com", "example.com", "transactional")
    ]
    records = run.records()
    tokens = identity[0].state["dkimSigningAttributes"]["tokens"]
    expected = {
        **{(f"{t}._domainkey.example.com", "CNAME"): [f"{t}.dkim.amazonses.com"] for t in tokens},
        ("bounce.example.com", "MX"): ["10 feedback-smtp.eu-west-1.amazonses.com"],
        ("bounce.example.com", "TXT"): ["v=spf1 include:amazonses.com ~all"],
        ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject; rua=mailto:dmarc@example.com"],
    }
    assert {key: record.inputs["records"] for key, record in records.items()} == expected
    assert {record.inputs["zoneId"] for record in records.values()} == {zone_id}
    mail_from = run.of_type("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")
    assert [(m.inputs["emailIdentity"], m.inputs["mailFromDomain"], m.inputs["behaviorOnMxFailure"])
            for m in mail_from] == [("example.com", "bounce.example.com", "USE_DEFAULT_VALUE")]
    sets = run.of_type("aws:sesv2/configurationSet:ConfigurationSet")
    assert [s.inputs["configurationSetName"] for s in sets] == ["transactional"]


def test_the_domain_waits_for_its_own_verification_after_its_records(acceptance):
    run = acceptance
    [step] = run.of_type(VERIFICATION)
    assert step.name == "example.com-verification"
    job = step.inputs["domains"]["example.com"]
    assert {(r["name"], r["type"]) for r in job["records"]} == set(run.records())
    # The zone's own name servers, read once its id was known.
    assert job["nameservers"] == run.named("zone").state["nameServers"]
    assert job["mailFromRequired"] is True
    assert step.inputs["aws"]["region"] == "eu-west-1"
    depends = run.typed_dependencies[(VERIFICATION, "example.com-verification")]
    assert any(urn.endswith("::example.com") and "EmailIdentity" in urn for urn in depends)
    assert sum("route53/record:Record" in urn for urn in depends) == 6


def test_identity_arn_records_and_tokens_resolve(acceptance):
    outputs = acceptance.outputs
    assert outputs["identityArn"] == "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    zone_id = acceptance.named("zone").state["zoneId"]
    assert len(outputs["records"]) == 6
    assert all(r["zoneId"] == zone_id and r["zone"] == "example.com" and r["ttl"] == 1800 for r in outputs["records"])
    assert {r["type"] for r in outputs["records"]} == {"CNAME", "MX", "TXT"}
    assert len(outputs["dkimTokens"]) == 3


BAD = {
    "a DMARC policy that does not exist": (
        'dmarc=DmarcArgs(policy="rejected")',
        ["dmarc.policy: must be one of none, quarantine, reject, got 'rejected'"],
    ),
    "a MAIL FROM name with a space": (
        'mail_from="a b"',
        ["mail_from: "],
    ),
    "both, and a report address that is no mailbox": (
        'mail_from="a b", dmarc=DmarcArgs(policy="rejected", rua=["dmarc"]), mail_from_on_mx_failure="BOUNCE"',
        ["mail_from: ", "mail_from_on_mx_failure: must be one of USE_DEFAULT_VALUE, REJECT_MESSAGE, got 'BOUNCE'",
         "dmarc.policy: must be one of none, quarantine, reject", "dmarc.rua[0]: 'dmarc' is not a mailbox"],
    ),
    "a misspelt argument": (
        'mail_frm="bounce"',
        ["mail_frm: unknown key; did you mean 'mail_from'?"],
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_arguments_raise_one_error_naming_each_path_and_nothing_is_declared(tmp_path, case):
    arguments, expected = BAD[case]
    from ses_domains import ArgumentError

    mocks = UserProgramMocks()
    with pytest.raises(ArgumentError) as raised:
        run_user_program(tmp_path, f"""
            import pulumi
            from ses_domains import SendingDomain, SendingDomainArgs, DmarcArgs
            SendingDomain("example.com", SendingDomainArgs(domain="example.com", zone_id="Z0123456789ABCDEFGHIJ",
                                                           {arguments}))
        """, mocks=mocks)
    message = str(raised.value)
    lines = [line.strip()[2:] for line in message.splitlines()[1:]]
    assert len(lines) == len(expected), message
    for line, start in zip(lines, expected):
        assert line.startswith(start), message
    assert "mailFrom" not in message and "ses-domains:" not in message
    assert mocks.resources == [] and mocks.calls == [], "something was declared or looked up despite bad arguments"


def test_a_mail_from_with_a_space_says_what_is_allowed(tmp_path):
    from ses_domains import ArgumentError

    with pytest.raises(ArgumentError) as raised:
        run_user_program(tmp_path, """
            from ses_domains import SendingDomain, SendingDomainArgs
            SendingDomain("example.com", SendingDomainArgs(domain="example.com", zone_id="Z0123456789ABCDEFGHIJ",
                                                           mail_from="a b"))
        """)
    assert "expected a label such as bounce, or a full name under example.com such as bounce.example.com" in str(
        raised.value)


def test_a_zone_that_cannot_hold_the_domain_fails_once_its_id_is_known(tmp_path):
    """An id known only later is judged when known, with the words a known id gets (the runtime
    reports it as the failure of a resource that needs the zone)."""
    with pytest.raises(Exception, match=r"zone_id: the zone \w+ is example.org, which cannot hold records of "
                                            r"example.com"):
        run_user_program(tmp_path, """
            import pulumi_aws as aws
            from ses_domains import SendingDomain, SendingDomainArgs
            zone = aws.route53.Zone("zone", name="example.org")
            SendingDomain("example.com", SendingDomainArgs(domain="example.com", zone_id=zone.zone_id))
        """)


def test_importing_the_package_root_loads_no_pulumi():
    code = ("import sys, ses_domains; assert 'SendingDomain' in dir(ses_domains); "
            "print(any(m == 'pulumi' or m.startswith('pulumi.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_domains_can_share_one_verification_step(tmp_path):
    run = run_user_program(tmp_path, """
        import pulumi_aws as aws
        from ses_domains import DomainVerification, DomainVerificationArgs, SendingDomain, SendingDomainArgs, VerifyArgs
        zone = aws.route53.get_zone(name="example.net")
        domains = [SendingDomain(name, SendingDomainArgs(domain=name, zone_id=zone.zone_id,
                                                         verify=VerifyArgs(shared=True, timeout="5m")))
                   for name in ("example.net", "news.example.net")]
        DomainVerification("mail-verification", DomainVerificationArgs(domains=domains))
    """, existing_zones=("example.net",))
    [step] = run.of_type(VERIFICATION)
    assert step.name == "mail-verification"
    assert sorted(step.inputs["domains"]) == ["example.net", "news.example.net"]
    assert {job["timeoutSeconds"] for job in step.inputs["domains"].values()} == {300}
    records = run.of_type("aws:route53/record:Record")
    assert len(records) == 6 and {r.inputs["zoneId"] for r in records} == {run.zone_ids["example.net"]}


def test_a_domain_with_its_own_step_cannot_join_another(tmp_path):
    from ses_domains import ArgumentError

    with pytest.raises(ArgumentError, match=r"domains\[0\]: example.net waits in a verification step of its own"):
        run_user_program(tmp_path, """
            import pulumi_aws as aws
            from ses_domains import DomainVerification, DomainVerificationArgs, SendingDomain, SendingDomainArgs
            zone_id = aws.route53.get_zone(name="example.net").zone_id
            domain = SendingDomain("example.net", SendingDomainArgs(domain="example.net", zone_id=zone_id))
            DomainVerification("mail-verification", DomainVerificationArgs(domains=[domain]))
        """, existing_zones=("example.net",))


def test_a_zone_id_that_does_not_exist_is_reported_before_anything_is_declared(tmp_path):
    from ses_domains import ArgumentError

    mocks = UserProgramMocks()
    with pytest.raises(ArgumentError) as raised:
        run_user_program(tmp_path, """
            from ses_domains import SendingDomain, SendingDomainArgs
            SendingDomain("example.net", SendingDomainArgs(domain="example.net", zone_id="Z0000000000000000000"))
        """, mocks=mocks)
    [problem] = raised.value.problems
    assert problem.key == "zone_id" and "could not read the Route 53 hosted zone with the id Z0000000000000000000" in (
        problem.message) and "set zone_id to the id of the public hosted zone" in problem.message
    assert mocks.resources == []


def test_a_known_zone_is_checked_for_records_the_domain_would_overwrite(tmp_path):
    def with_dmarc(route53, zone_ids):
        route53.change_resource_record_sets(HostedZoneId=zone_ids["example.net"], ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {"Name": "_dmarc.example.net", "Type": "TXT", "TTL": 300,
                                                      "ResourceRecords": [{"Value": '"v=DMARC1; p=none"'}]}}]})

    program = """
        import pulumi_aws as aws
        from ses_domains import SendingDomain, SendingDomainArgs, DmarcArgs
        zone = aws.route53.get_zone(name="example.net")
        SendingDomain("example.net", SendingDomainArgs(domain="example.net", zone_id=zone.zone_id,
                                                       dmarc=DmarcArgs(policy="reject"){adopt}))
    """
    from ses_domains import ArgumentError

    mocks = UserProgramMocks()
    with pytest.raises(ArgumentError) as raised:
        run_user_program(tmp_path, program.format(adopt=""), existing_zones=("example.net",), prepare=with_dmarc,
                         mocks=mocks)
    [problem] = raised.value.problems
    assert problem.key == "dmarc" and "_dmarc.example.net" in problem.message
    assert "existing_records" in problem.message and "existingRecords" not in problem.message
    assert mocks.resources == []

    run = run_user_program(tmp_path, program.format(adopt=', existing_records="adopt"'),
                           existing_zones=("example.net",), prepare=with_dmarc)
    assert run.records()[("_dmarc.example.net", "TXT")].inputs["allowOverwrite"] is True


def test_a_configuration_set_with_bad_arguments_declares_nothing(tmp_path):
    from ses_domains import ArgumentError

    mocks = UserProgramMocks()
    with pytest.raises(ArgumentError) as raised:
        run_user_program(tmp_path, """
            from ses_domains import ConfigurationSet, ConfigurationSetArgs, EventDestinationArgs
            ConfigurationSet("events", ConfigurationSetArgs(name="bad name", tls_policy="ALWAYS",
                event_destinations=[EventDestinationArgs(name="to-sns", events=["BOUNCES"], sns={"topic_arn": "x"})]))
        """, mocks=mocks)
    keys = [problem.key for problem in raised.value.problems]
    assert keys[:2] == ["name", "tls_policy"] and "event_destinations[0].events[0]" in keys
    assert "event_destinations[0].sns.topic_arn" in keys
    assert mocks.resources == []


def test_a_configuration_set_declares_its_event_destinations(tmp_path):
    run = run_user_program(tmp_path, """
        from ses_domains import ConfigurationSet, ConfigurationSetArgs, EventDestinationArgs
        ConfigurationSet("events", ConfigurationSetArgs(name="events", suppressed_reasons=["BOUNCE"],
            event_destinations=[EventDestinationArgs(name="to-sns", events=["BOUNCE", "COMPLAINT"],
                                                     sns={"topic": "ses-events"})]))
    """)
    [destination] = run.of_type("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")
    assert destination.inputs["eventDestinationName"] == "to-sns"
    assert destination.inputs["eventDestination"]["matchingEventTypes"] == ["BOUNCE", "COMPLAINT"]
    assert [t.inputs["name"] for t in run.of_type("aws:sns/topic:Topic")] == ["ses-events"]


def test_the_sdk_analyzer_infers_the_components_inputs_and_outputs():
    """What the component provider host would serve to other languages (the provider itself is
    tested with the package schema)."""
    from pulumi.provider.experimental.analyzer import Analyzer

    from ses_domains import ConfigurationSet, SendingDomain

    result = Analyzer("ses-domains").analyze([SendingDomain, ConfigurationSet])
    domain = result["component_definitions"]["SendingDomain"]
    assert {name for name, p in domain.inputs.items() if not p.optional} == {"domain", "zoneId"}
    assert {"mailFrom", "dmarc", "dkim", "configurationSet", "existingRecords", "apexSpf", "verify",
            "replicaRegions", "mailFromOnMxFailure", "ttl"} <= set(domain.inputs)
    assert set(domain.outputs) == {"identityArn", "records", "dkimTokens"}
    assert all(p.description for p in [*domain.inputs.values(), *domain.outputs.values()])
    dmarc = result["type_definitions"]["DmarcArgs"].properties
    assert set(dmarc) == {"policy", "subdomainPolicy", "nonexistentPolicy", "rua", "ruf", "adkim", "aspf", "pct",
                          "failureOptions"}
    configuration_set = result["component_definitions"]["ConfigurationSet"]
    assert "eventDestinations" in configuration_set.inputs and set(configuration_set.outputs) == {
        "arn", "configurationSetName"}


def test_a_configuration_set_name_known_only_later_is_judged_when_known(tmp_path):
    with pytest.raises(Exception, match=r"configuration_set: 'no spaces allowed' is not a valid configuration set name"):
        run_user_program(tmp_path, """
            import pulumi, pulumi_aws as aws
            from ses_domains import SendingDomain, SendingDomainArgs
            zone_id = aws.route53.get_zone(name="example.net").zone_id
            SendingDomain("example.net", SendingDomainArgs(domain="example.net", zone_id=zone_id,
                          configuration_set=pulumi.Output.from_input("no spaces allowed"),
                          verify={"enabled": False}))
        """, existing_zones=("example.net",))


def test_destinations_may_name_a_topic_and_a_stream_of_the_same_program(tmp_path):
    run = run_user_program(tmp_path, """
        import pulumi, pulumi_aws as aws
        from ses_domains import ConfigurationSet, ConfigurationSetArgs, EventDestinationArgs
        topic = aws.sns.Topic("events", name="ses-events")
        stream = pulumi.Output.from_input("arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses")
        ConfigurationSet("events", ConfigurationSetArgs(name="events", event_destinations=[
            EventDestinationArgs(name="to-sns", events=["BOUNCE"], sns={"topic_arn": topic.arn}),
            EventDestinationArgs(name="to-firehose", events=["SEND"], firehose={"delivery_stream_arn": stream}),
        ]))
    """)
    destinations = {d.inputs["eventDestinationName"]: d.inputs["eventDestination"] for d in
                    run.of_type("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination")}
    assert destinations["to-sns"]["snsDestination"]["topicArn"] == "arn:aws:sns:eu-west-1:123456789012:ses-events"
    firehose = destinations["to-firehose"]["kinesisFirehoseDestination"]
    assert firehose["deliveryStreamArn"] == "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses"
    [policy] = run.of_type("aws:iam/rolePolicy:RolePolicy")
    assert "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses" in policy.inputs["policy"]


def test_a_destination_arn_known_later_is_judged_when_known(tmp_path):
    with pytest.raises(Exception, match=r"event_destinations\[0\]\.sns\.topic_arn: must be an SNS topic ARN such as "):
        run_user_program(tmp_path, """
            import pulumi
            from ses_domains import ConfigurationSet, ConfigurationSetArgs, EventDestinationArgs
            ConfigurationSet("events", ConfigurationSetArgs(name="events", event_destinations=[
                EventDestinationArgs(name="to-sns", events=["BOUNCE"],
                                     sns={"topic_arn": pulumi.Output.from_input("arn:aws:sqs:eu-west-1:1:x")})]))
        """)


BYODKIM_FROM_SECRET = """
    import pulumi, pulumi_aws as aws
    from ses_domains import SendingDomain, SendingDomainArgs, DkimArgs
    zone_id = aws.route53.get_zone(name="example.net").zone_id
    domain = SendingDomain("example.net", SendingDomainArgs(domain="example.net", zone_id=zone_id,
        dkim=DkimArgs(selector="s2026a", private_key=pulumi.Output.secret({pem!r}))))
    pulumi.export("records", domain.records)
"""


def test_a_byodkim_key_from_a_secret_is_published_and_given_to_ses_as_a_secret(tmp_path):
    import pulumi

    from ses_domains.records.dkim_keys import read_private_key
    from tests.dkim_test_keys import private_pem

    pem = private_pem(2048, name="secret-input")
    key = read_private_key(pem)
    run = run_user_program(tmp_path, BYODKIM_FROM_SECRET.format(pem=pem), existing_zones=("example.net",))
    [txt] = [r for r in run.of_type("aws:route53/record:Record") if r.inputs["name"] == "s2026a._domainkey.example.net"]
    # Route 53 values are split into strings of 255 characters (`""` between them).
    assert key.public.public_key in "".join(txt.inputs["records"]).replace('""', "")
    [identity] = run.of_type("aws:sesv2/emailIdentity:EmailIdentity")
    attributes = identity.inputs["dkimSigningAttributes"]
    assert pulumi.runtime.rpc.is_rpc_secret(attributes) or pulumi.runtime.rpc.is_rpc_secret(
        attributes.get("domainSigningPrivateKey"))
    [published] = run.of_type("pulumi-python:dynamic/ses-domains:DkimKeyPublished")
    assert published.inputs["records"][0]["name"] == "s2026a._domainkey.example.net"
    assert key.public.public_key in "".join(published.inputs["records"][0]["values"])
    [step] = run.of_type(VERIFICATION)
    job_values = [v for r in step.inputs["domains"]["example.net"]["records"] for v in r["values"]]
    assert any(key.public.public_key in value for value in job_values)
    assert not pulumi.runtime.rpc.is_rpc_secret(step.inputs["domains"])
    assert [r["name"] for r in run.outputs["records"]][0] == "s2026a._domainkey.example.net"
    assert key.ses_private_key not in repr(run.outputs) and key.ses_private_key not in repr(step.inputs)


def test_a_bad_byodkim_key_from_a_secret_fails_with_the_configs_words_and_never_shows_it(tmp_path):
    with pytest.raises(Exception) as raised:
        run_user_program(tmp_path, BYODKIM_FROM_SECRET.format(pem="-----BEGIN PUBLIC KEY-----\nTOPSECRET\n"),
                         existing_zones=("example.net",))
    assert "dkim.private_key: is a PEM PUBLIC KEY, not a private key" in str(raised.value)
    assert "TOPSECRET" not in str(raised.value)
