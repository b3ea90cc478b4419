"""What the program declares for an identity where the provider's own behaviour would surprise.

- Feedback forwarding: terraform-provider-aws's Delete of
  ``aws_sesv2_email_identity_feedback_attributes`` (``resourceEmailIdentityFeedbackAttributesDelete``)
  puts ``EmailForwardingEnabled`` false. So the resource is always declared, under the same name,
  on when ``feedbackForwarding`` is left out: removing the key updates forwarding back to SES's
  default instead of deleting the resource (which would turn it off).
- DKIM key length: ``next_signing_key_length`` is not ``ForceNew`` (``email_identity.go``); the
  provider's Update calls ``PutEmailIdentityDkimSigningAttributes``: a change keeps the identity,
  its tokens and its records.
"""

from __future__ import annotations

from tests.pulumi_program import dkim_tokens, run_program

FEEDBACK = "aws:sesv2/emailIdentityFeedbackAttributes:EmailIdentityFeedbackAttributes"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
RECORD = "aws:route53/record:Record"

SET = {"name": "transactional", "eventDestinations": [
    {"name": "bounces", "events": ["BOUNCE", "COMPLAINT"], "sns": {"topic": "ses-bounces"}}]}


def stack(**domain):
    return {"aws:region": "eu-west-1", "ses-domains:configurationSets": [SET],
            "ses-domains:domains": [{"domain": "example.com", "configurationSet": "transactional", **domain}]}


def feedback_of(run) -> dict:
    (declared,) = run.of_type(FEEDBACK)
    return {"name": declared.name, **declared.inputs}


def test_removing_feedback_forwarding_updates_the_same_resource_back_to_on():
    before = run_program(stack(feedbackForwarding=False))
    after = run_program(stack())

    assert feedback_of(before) == {"name": "example.com-feedback", "emailIdentity": "example.com",
                                   "emailForwardingEnabled": False}
    assert feedback_of(after) == {"name": "example.com-feedback", "emailIdentity": "example.com",
                                  "emailForwardingEnabled": True}


def test_forwarding_off_waits_for_the_set_and_on_waits_for_nothing_but_the_identity():
    off = run_program(stack(feedbackForwarding=False))
    on = run_program(stack(feedbackForwarding=True))

    # Depending on the set's component means depending on its children, the destination among them.
    destination = [u for u in off.urns if u.endswith("ConfigurationSetEventDestination::transactional-bounces")]
    assert len(destination) == 1 and destination[0] in off.dependencies["example.com-feedback"]
    identity = [u for u in on.urns if u.endswith(f"{IDENTITY}::example.com")]
    assert on.dependencies["example.com-feedback"] == identity


def test_a_key_length_change_keeps_the_identity_its_tokens_and_its_records():
    long_key = run_program({"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com"}]})
    short_key = run_program({"aws:region": "eu-west-1",
                             "ses-domains:domains": [{"domain": "example.com", "dkim": {"keyLength": "RSA_1024_BIT"}}]})

    def identity(run):
        (declared,) = run.of_type(IDENTITY)
        return declared

    assert identity(long_key).inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    assert identity(short_key).inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_1024_BIT"}
    # Same resource, only the key length differs: an in-place update, no new identity.
    assert identity(long_key).name == identity(short_key).name
    assert {k: v for k, v in identity(long_key).inputs.items() if k != "dkimSigningAttributes"} == \
        {k: v for k, v in identity(short_key).inputs.items() if k != "dkimSigningAttributes"}
    assert long_key.records().keys() == short_key.records().keys() == {
        (f"{t}._domainkey.example.com", "CNAME") for t in dkim_tokens("example.com")}
