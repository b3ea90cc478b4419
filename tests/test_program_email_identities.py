"""``ses-domains:emailIdentities`` through the real program: one SES address identity each, no
DKIM, the verification step told which to wait for, the output, and every bad entry refused
before anything is declared."""

from __future__ import annotations

import pulumi
import pytest

from tests.aws_rules import check_resources
from tests.pulumi_program import refused_at_preview, run_program

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
COMPONENT = "ses-domains:index:EmailAddress"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
E = "ses-domains:emailIdentities"


def stack(*addresses, domains=({"domain": "example.com"},), **extra) -> dict:
    config = {"aws:region": "eu-west-1", E: list(addresses), **extra}
    if domains is not None:
        config["ses-domains:domains"] = list(domains)
    return config


def addresses_of(run) -> list:
    return [r for r in run.of_type(IDENTITY) if "@" in r.inputs["emailIdentity"]]


def test_each_address_is_an_identity_without_dkim_in_its_own_component():
    run = run_program(stack("ops@example.org", {"address": "Alerts@Example.NET", "wait": True, "timeout": "1h"}))

    identities = addresses_of(run)
    # SES stores the domain part in lower case; the local part is kept as written.
    assert [(r.name, r.inputs) for r in identities] == [
        ("ops@example.org", {"emailIdentity": "ops@example.org"}),
        ("alerts@example.net", {"emailIdentity": "Alerts@example.net"}),
    ]
    assert [c.name for c in run.of_type(COMPONENT)] == ["ops@example.org", "alerts@example.net"]
    for urn in (u for u in run.urns if u.endswith("::ops@example.org") and IDENTITY in u):
        assert f"{COMPONENT}${IDENTITY}" in urn, "the identity is the component's child"
    report = check_resources(identities)
    assert [r.params for r in report.requests] == [{"EmailIdentity": "ops@example.org"},
                                                   {"EmailIdentity": "Alerts@example.net"}]
    assert not report.violations, report.describe()
    assert run.outputs["emailIdentities"] == {
        "ops@example.org": {"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/ops@example.org"},
        "Alerts@example.net": {"identityArn": "arn:aws:ses:eu-west-1:123456789012:identity/Alerts@example.net"},
    }


def test_the_verification_step_gets_every_address_after_its_identity_exists():
    run = run_program(stack("ops@example.org", {"address": "alerts@example.net", "wait": True, "timeout": "1h"}))

    (verification,) = run.of_type(VERIFICATION)
    assert verification.inputs["addresses"] == {
        "ops@example.org": {"wait": False, "timeoutSeconds": 1200},
        "alerts@example.net": {"wait": True, "timeoutSeconds": 3600},
    }
    assert set(verification.inputs["domains"]) == {"example.com"}
    identities = [u for u in run.urns if IDENTITY in u and "@" in u]
    assert len(identities) == 2 and set(identities) <= set(run.dependencies["verification"])
    infos = [r.getMessage() for r in run.logs if r.levelname == "INFO"]
    assert "pulumi up waits until 1 address(es) click the link SES mails them: alerts@example.net" in infos
    assert any(m.startswith("SES mails 1 address(es) a verification link; pulumi up reports whether it was clicked "
                            "and does not wait") and m.endswith(": ops@example.org") for m in infos), infos


def test_a_stack_of_addresses_only_needs_no_domain():
    run = run_program(stack("ops@example.org", domains=None))

    assert [r.type for r in run.mocks.resources] == [COMPONENT, IDENTITY, VERIFICATION]
    assert run.of_type(VERIFICATION)[0].inputs["domains"] == {}


def test_a_stack_without_addresses_declares_the_verification_step_as_before():
    run = run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})
    (verification,) = run.of_type(VERIFICATION)
    assert set(verification.inputs) == {"domains", "aws", "__provider"}
    assert "emailIdentities" not in run.outputs


def test_a_configuration_set_of_the_stack_is_the_address_default():
    run = run_program(stack({"address": "ops@example.org", "configurationSet": "transactional"},
                            **{"ses-domains:configurationSets": [{"name": "transactional"}]}))
    (identity,) = addresses_of(run)
    assert identity.inputs == {"emailIdentity": "ops@example.org", "configurationSetName": "transactional"}
    assert any(u.endswith("::transactional") and "ConfigurationSet" in u for u in run.dependencies["ops@example.org"])


def test_an_address_in_a_domain_the_stack_verifies_is_kept_with_a_warning():
    run = run_program(stack("ops@mail.example.com"))

    assert [r.inputs["emailIdentity"] for r in addresses_of(run)] == ["ops@mail.example.com"]
    warnings = [r.getMessage() for r in run.logs if r.levelname == "WARNING"]
    assert any(m.startswith(f"{E}[0]: ops@mail.example.com is in example.com, which this stack verifies "
                            "(ses-domains:domains[0])") for m in warnings), warnings


BAD = [
    (["ops"], f"{E}[0]: 'ops' must hold exactly one @, as in ops@example.com"),
    (["ops@@example.com"], f"{E}[0]: 'ops@@example.com' must hold exactly one @"),
    (["@example.com"], f"{E}[0]: '@example.com' has nothing before the @"),
    (["Ops <ops@example.org>"], f"{E}[0]: 'Ops <ops@example.org>' is not a bare address"),
    (["o..ps@example.org"], f"{E}[0]: 'o..ps@example.org' has the local part 'o..ps'"),
    (['"o p"@example.org'], "is not a bare address"),
    (["ops@localhost"], f"{E}[0]: its domain: 'localhost' must have at least two labels"),
    (["ops@exa_mple.org"], f"{E}[0]: its domain: 'exa_mple.org' has the label 'exa_mple'"),
    ([("x" * 65) + "@example.org"], "has a local part of 65 characters: at most 64"),
    ([42], f"{E}[0]: must be an email address such as ops@example.com, got 42"),
    (["ops@example.org", "ops@EXAMPLE.org"], f"{E}[1]: ops@example.org is already declared at {E}[0]"),
    (["Ops@example.org", {"address": "ops@example.org"}], f"{E}[1].address: ops@example.org is already declared at {E}[0]"),
    ([{"wait": True}], f"{E}[0].address: is required: the email address SES verifies"),
    ([{"address": "ops@example.org", "wait": "yes"}], f"{E}[0].wait: must be true or false, got 'yes'"),
    ([{"address": "ops@example.org", "timeout": "1h"}], f"{E}[0].timeout: applies only with wait: true"),
    ([{"address": "ops@example.org", "wait": True, "timeout": "2d"}], f"{E}[0].timeout: must be a duration"),
    ([{"address": "ops@example.org", "wait": True, "timeout": "25h"}], f"{E}[0].timeout: must be from 10s to 86400s"),
    ([{"address": "ops@example.org", "configurationSet": "missing"}],
     f"{E}[0].configurationSet: there is no configuration set missing in ses-domains:configurationSets (none is declared)"),
    ([{"adress": "ops@example.org"}], f"{E}[0].adress: unknown key; did you mean 'address'?"),
]


@pytest.mark.parametrize("addresses, expected", BAD, ids=[e.split(": ", 1)[-1][:40] for _, e in BAD])
def test_a_bad_address_is_refused_under_its_key_before_anything_is_declared(addresses, expected):
    assert expected in refused_at_preview(stack(*addresses))


def test_a_list_is_required_and_domains_stay_required_without_addresses():
    with pytest.raises(pulumi.RunError) as raised:
        run_program(stack(domains=None, **{E: "ops@example.org"}))
    assert f"{E}: must be a list of email addresses, such as [ops@example.com], got 'ops@example.org'" in str(raised.value)
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", E: []})
    assert "ses-domains:domains: is required" in str(raised.value)
