"""``SendingDomainArgs`` and the stack config are one set of rules: the stack program's domains,
turned into arguments, read back into the very specs the config gave (so the program's resources
cannot change), and bad arguments are reported as the config reports them, under argument paths."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from ses_domains.config.errors import ArgumentError
from ses_domains.config.stack import read_stack_config
from ses_domains.deploy.sending_domain_arguments import read_sending_domain_args
from tests.dkim_test_keys import with_test_keys
from tests.every_option import every_option_config
from tests.pulumi_program import _with_zone_ids, stack_config
from tests.stack_domain_args import domain_args


class Config:
    """``pulumi.Config("aws")`` as the arguments reader asks it."""

    def __init__(self, values: dict):
        self.values = values

    def get(self, key: str):
        return self.values.get(key)


def stacks():
    yield "every-option", _with_zone_ids(every_option_config(), {"example.org": "Z0000000000EXAMPLEORG"})
    for stack in ("dev", "prod"):
        yield stack, with_test_keys(stack_config(stack))


@pytest.mark.parametrize("name,config", list(stacks()), ids=lambda value: value if isinstance(value, str) else "")
def test_each_domain_of_a_stack_reads_back_from_its_arguments_into_the_same_spec(name, config):
    aws = {key.split(":", 1)[1]: value for key, value in config.items() if key.startswith("aws:")}
    stack = read_stack_config(lambda key: config.get(f"ses-domains:{key}"), aws.get)
    assert stack.domains
    for spec in stack.domains:
        read = read_sending_domain_args(domain_args(spec, "Z0123456789ABCDEFGHIJ", stack.region), aws_config=Config(aws))
        assert replace(read.spec, key=spec.key, zone=spec.zone, receive=spec.receive) == spec
        assert read.region == stack.region and read.zone_id == "Z0123456789ABCDEFGHIJ"
        assert read.shared_verification == spec.verify.enabled
        if spec.byodkim is not None:
            assert read.spec.byodkim.key.ses_private_key == spec.byodkim.key.ses_private_key


def read(**arguments):
    return read_sending_domain_args({"zone_id": "Z0123456789ABCDEFGHIJ", "region": "eu-west-1", **arguments},
                                    aws_config=Config({}))


def problems_of(**arguments) -> list[str]:
    with pytest.raises(ArgumentError) as raised:
        read(**arguments)
    return [str(problem) for problem in raised.value.problems]


def test_every_problem_is_listed_under_its_argument_path_in_argument_order():
    assert problems_of(
        domain="example.com", mail_from_on_mx_failure="REJECT_MESSAGE",
        dmarc={"policy": "reject", "rua": ["mailto:dmarc@example.com", "not an address"], "failure_options": "x"},
        dkim={"key_length": "RSA_4096_BIT"}, verify={"timeout": "forever", "nameservers": ["a b"]},
        replica_regions=["eu-west-1", "mars-1"], apex_spf={"include": ["%{i}.example.com"]},
    ) == [
        "mail_from_on_mx_failure: applies only with mail_from: set mail_from or remove this key",
        "dmarc.rua[1]: 'not an address' is not a mailbox: write mailto:name@example.com or name@example.com",
        "dmarc.failure_options: must be 0, 1, d or s, joined by ':' (such as 1:d), got 'x'",
        "dkim.key_length: must be one of RSA_2048_BIT, RSA_1024_BIT, got 'RSA_4096_BIT'",
        "replica_regions[1]: must be an AWS region such as us-east-1, got 'mars-1'",
        "apex_spf.include[0]: '%{i}.example.com' is not a domain an SPF include can name, such as _spf.example.net "
        "(letters, digits, - and _ in each label, at least two labels, no SPF macros)",
        "verify.nameservers[0]: 'a b' is not a host name: labels of 1 to 63 letters, digits and inner hyphens, "
        "separated by dots; expected host, host:port, an IP address or [IPv6]:port",
        "verify.timeout: must be a duration such as 90s, 20m or 1h, got 'forever'; a number of seconds such as 600 "
        "works too",
    ]


def test_a_replica_in_the_providers_own_region_is_refused():
    assert problems_of(domain="example.com", replica_regions=["eu-west-1"]) == [
        "replica_regions[0]: eu-west-1 is the region of the component (region, else aws:region), where the "
        "identity is created anyway; list only the other regions"]


def test_the_domain_and_the_zone_id_are_required_and_a_zone_name_is_no_id():
    assert problems_of() == [
        "domain: is required: the domain to send from, such as example.com",
    ]
    with pytest.raises(ArgumentError) as raised:
        read_sending_domain_args({"domain": "example.com", "zone_id": "example.com", "region": "eu-west-1"},
                                 aws_config=Config({}))
    assert [str(p) for p in raised.value.problems] == [
        "zone_id: must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got 'example.com'"]
    with pytest.raises(ArgumentError, match="zone_id: is required"):
        read_sending_domain_args({"domain": "example.com", "region": "eu-west-1"}, aws_config=Config({}))


@pytest.fixture
def event_loop_of_its_own():
    """A Pulumi ``Output`` made outside a program run needs the thread's event loop; this test
    brings one rather than borrowing whatever an earlier test left set."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


def test_a_private_key_never_appears_in_a_message_and_an_output_key_is_refused_with_replicas(event_loop_of_its_own):
    import pulumi

    secret = "-----BEGIN PRIVATE KEY-----\nTOPSECRETTOPSECRET\n-----END PRIVATE KEY-----\n"
    message = "\n".join(problems_of(domain="example.com", dkim={"selector": "s1", "private_key": secret}))
    assert message.startswith("dkim.private_key: ") and "TOPSECRET" not in message
    refused = problems_of(domain="example.com", dkim={"selector": "s1", "private_key": pulumi.Output.secret(secret)},
                          replica_regions=["us-east-1"])
    assert refused == ["dkim.private_key: must be known when the program runs with replica_regions (read it with "
                       "pulumi.Config().require(...); the component keeps it a secret)"]


def test_mail_from_is_a_label_or_a_full_name():
    assert read(domain="example.com", mail_from="bounce").spec.mail_from == "bounce.example.com"
    assert read(domain="example.com", mail_from="bounce.example.com").spec.mail_from == "bounce.example.com"
    assert problems_of(domain="example.com", mail_from="bounce.example.org") == [
        "mail_from: bounce.example.org is not under example.com; expected a label such as bounce, or a full name "
        "under example.com such as bounce.example.com"]


def test_warnings_name_argument_paths():
    assert read(domain="example.com", dmarc={"policy": "none"}).warnings == (
        "dmarc: policy none without rua asks receivers to do nothing and report to nobody: add rua (aggregate "
        "reports) to learn who sends as this domain, or set quarantine or reject",
    )
