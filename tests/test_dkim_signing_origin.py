"""The step that switches an existing identity's DKIM signing (deploy/dkim_signing_origin.py):
what it sends to SES, and when it sends nothing. SES is botocore's Stubber: every request is
validated against the SESv2 model by the client, and again by tests/aws_rules (enums, patterns)."""

from __future__ import annotations

import pytest

from ses_domains.deploy import dkim_signing_origin_ops as ops
from ses_domains.deploy import set_options_ops
from ses_domains.deploy.dkim_signing_origin import DkimSigningOriginProvider
from ses_domains.engine.ses.policy import Backoff
from tests.aws_rules.requests import ApiRequest
from tests.aws_rules.validate import validate_request
from tests.test_deploy_set_options import StubbedSes

KEY = "TUlJQ2RnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUF3Z2dKY0FnRUFBb0dCQVAzcGxGQ21qdzhQ"
AWS = {"region": "eu-west-1", "profile": None}
BYODKIM = {"emailIdentity": "example.com", "origin": "EXTERNAL", "selector": "s2026b", "privateKey": KEY,
           "keyLength": None, "aws": AWS}
EASY = {"emailIdentity": "example.com", "origin": "AWS_SES", "selector": None, "privateKey": None,
        "keyLength": "RSA_2048_BIT", "aws": AWS}


@pytest.fixture
def ses(monkeypatch):
    stub = StubbedSes()
    monkeypatch.setattr(set_options_ops, "sesv2_client", lambda settings, timeouts: stub.client)
    monkeypatch.setattr(set_options_ops, "RETRY", Backoff(initial=0.01, factor=2.0, cap=0.05))
    yield stub
    stub.stubber.assert_no_pending_responses()


def identity(origin: str, tokens: list[str], next_length: str | None = None) -> dict:
    dkim = {"SigningEnabled": True, "Status": "SUCCESS", "Tokens": tokens, "SigningAttributesOrigin": origin}
    if next_length:
        dkim["NextSigningKeyLength"] = next_length
    return {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": True, "DkimAttributes": dkim}


def valid(operation: str, params: dict) -> None:
    violations = validate_request(ApiRequest("test", "test", "sesv2", operation, params, "test"))
    assert not violations, violations


def test_easy_dkim_to_byodkim_sends_external_with_selector_and_key(ses):
    expected = {"EmailIdentity": "example.com", "SigningAttributesOrigin": "EXTERNAL",
                "SigningAttributes": {"DomainSigningSelector": "s2026b", "DomainSigningPrivateKey": KEY}}
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["a", "b", "c"], "RSA_2048_BIT"))
    ses.answer("put_email_identity_dkim_signing_attributes", expected,
               {"DkimStatus": "PENDING", "DkimTokens": ["s2026b"]})
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", ["s2026b"]))

    result = DkimSigningOriginProvider().update("id", {**EASY, "keyFingerprint": None}, BYODKIM)

    assert result.outs["reportedOrigin"] == "EXTERNAL" and result.outs["tokens"] == ["s2026b"]
    assert "privateKey" not in result.outs and KEY not in repr(result.outs)
    valid("PutEmailIdentityDkimSigningAttributes", expected)


def test_byodkim_to_easy_dkim_sends_aws_ses_with_the_key_length_and_reports_the_new_tokens(ses):
    expected = {"EmailIdentity": "example.com", "SigningAttributesOrigin": "AWS_SES",
                "SigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"}}
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", ["s2026b"]))
    ses.answer("put_email_identity_dkim_signing_attributes", expected, {})
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["t1", "t2", "t3"], "RSA_2048_BIT"))

    result = DkimSigningOriginProvider().update("id", BYODKIM, EASY)

    assert result.outs["tokens"] == ["t1", "t2", "t3"]
    valid("PutEmailIdentityDkimSigningAttributes", expected)


def test_first_run_on_an_existing_stack_only_reads(ses):
    """The step is new in stacks deployed before it: its create finds SES signing as declared."""
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", ["s2026b"]))
    created = DkimSigningOriginProvider().create(BYODKIM)
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["a", "b", "c"], "RSA_2048_BIT"))
    DkimSigningOriginProvider().create(EASY)
    # SES's own BYODKIM example answer has no tokens: the origin is enough then.
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", []))
    DkimSigningOriginProvider().create(BYODKIM)

    assert created.outs["keyFingerprint"] == ops.key_fingerprint(KEY) != KEY
    assert [name for name, _ in ses.bodies] == ["GetEmailIdentity"] * 3


def test_a_new_key_under_the_same_selector_is_sent_though_ses_reports_that_selector(ses):
    new_key = KEY[::-1]
    expected = {"EmailIdentity": "example.com", "SigningAttributesOrigin": "EXTERNAL",
                "SigningAttributes": {"DomainSigningSelector": "s2026b", "DomainSigningPrivateKey": new_key}}
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", ["s2026b"]))
    ses.answer("put_email_identity_dkim_signing_attributes", expected, {})
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("EXTERNAL", ["s2026b"]))
    olds = {**BYODKIM, "privateKey": None, "keyFingerprint": ops.key_fingerprint(KEY)}
    news = {**BYODKIM, "privateKey": new_key}

    assert DkimSigningOriginProvider().diff("id", olds, news).changes
    DkimSigningOriginProvider().update("id", olds, news)


def test_a_key_length_change_is_sent_and_an_unchanged_one_is_no_change():
    olds = {**EASY, "keyFingerprint": None, "tokens": ["a"], "reportedOrigin": "AWS_SES"}
    provider = DkimSigningOriginProvider()
    assert not provider.diff("id", olds, EASY).changes
    assert provider.diff("id", olds, {**EASY, "keyLength": "RSA_1024_BIT"}).changes
    assert ops.signing_request({**EASY, "keyLength": "RSA_1024_BIT"})["SigningAttributes"] == {
        "NextSigningKeyLength": "RSA_1024_BIT"}


def test_a_refusal_names_the_domain_and_selector_never_the_key(ses):
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["a", "b", "c"]))
    ses.refuse("put_email_identity_dkim_signing_attributes",
               {"EmailIdentity": "example.com", "SigningAttributesOrigin": "EXTERNAL",
                "SigningAttributes": {"DomainSigningSelector": "s2026b", "DomainSigningPrivateKey": KEY}},
               "BadRequestException", 400, "Invalid DKIM key")

    with pytest.raises(ops.SigningNotSwitched) as raised:
        ops.apply_signing(BYODKIM)

    message = str(raised.value)
    assert "example.com" in message and "s2026b" in message and "Invalid DKIM key" in message
    assert KEY not in message and KEY[:20] not in message


def test_ses_still_signing_otherwise_after_the_switch_fails_the_step(ses):
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["a", "b", "c"]))
    ses.answer("put_email_identity_dkim_signing_attributes",
               {"EmailIdentity": "example.com", "SigningAttributesOrigin": "EXTERNAL",
                "SigningAttributes": {"DomainSigningSelector": "s2026b", "DomainSigningPrivateKey": KEY}}, {})
    ses.answer("get_email_identity", {"EmailIdentity": "example.com"}, identity("AWS_SES", ["a", "b", "c"]))

    with pytest.raises(ops.SigningNotSwitched, match="reports origin AWS_SES"):
        ops.apply_signing(BYODKIM)
