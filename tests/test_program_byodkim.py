"""BYODKIM and key rotation in the real program under Pulumi's mocks: what is declared, in what
order, what SES is given (and how), and what preview refuses without ever echoing a key."""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives import serialization
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

from tests.dkim_test_keys import private_pem, public_pem, rsa_key
from tests.pulumi_program import RecordingMocks, run_program
from tests.test_config_errors import run_failing

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
RECORD = "aws:route53/record:Record"
KEY_STEP = "pulumi-python:dynamic/ses-domains:DkimKeyPublished"
VERIFICATION = "pulumi-python:dynamic/ses-domains:Verification"
D = "ses-domains:domains"


def byodkim_config(dkim: dict, **domain) -> dict:
    return {"aws:region": "eu-west-1", D: [{"domain": "example.com", "mailFrom": "bounce", "dkim": dkim, **domain}]}


def key_body(pem: str) -> str:
    """The base64 body of a PEM, as one line: what must never show anywhere."""
    return "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))


def identity_of(run, region: str = ""):
    (identity,) = [r for r in run.of_type(IDENTITY) if (r.inputs.get("region") or "") == region]
    return identity


def urn_of(run, name: str) -> str:
    return next(urn for urn in run.urns if urn.endswith(f"::{name}"))


def public_b64(key_name: tuple) -> str:
    key = rsa_key(*key_name).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def test_byodkim_declares_the_txt_record_waits_for_it_and_gives_ses_the_key_only_as_a_secret():
    pem = private_pem(2048, "pkcs1", name="program")
    run = run_program(byodkim_config({"selector": "s2026a", "privateKey": pem}))

    identity = identity_of(run)
    # Pulumi keeps secrets per top-level property: the whole DKIM block is secret.
    secret = identity.inputs["dkimSigningAttributes"]
    assert is_rpc_secret(secret), "the private key reached the provider as a plain value"
    attributes = unwrap_rpc_secret(secret)
    assert attributes["domainSigningSelector"] == "s2026a"
    assert "nextSigningKeyLength" not in attributes
    ses_key = attributes["domainSigningPrivateKey"]
    pkcs8 = rsa_key(2048, "program").private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert ses_key == base64.b64encode(pkcs8).decode(), "SES gets the key's PKCS #8 DER in base64"
    assert "BEGIN" not in ses_key and "\n" not in ses_key

    # One TXT record at the selector; no Easy DKIM CNAMEs.
    records = run.records()
    txt = records[("s2026a._domainkey.example.com", "TXT")].inputs
    value = f"v=DKIM1; k=rsa; p={public_b64((2048, 'program'))}"
    assert txt["records"] == [value[:255] + '""' + value[255:]]
    assert not [key for key in records if key[1] == "CNAME"]

    # The order pulumi up follows: TXT record -> key step (every nameserver) -> identity.
    step = run.named("example.com-dkim-key-published")
    assert step.type == KEY_STEP
    assert step.inputs["records"] == [{"name": "s2026a._domainkey.example.com", "type": "TXT", "values": [value],
                                       "ttl": 1800}]
    assert len(step.inputs["nameservers"]) == 4 and all(".awsdns-" in ns for ns in step.inputs["nameservers"])
    assert urn_of(run, "example.com-dkim-key") in run.dependencies["example.com-dkim-key-published"]
    assert urn_of(run, "example.com-dkim-key-published") in run.typed_dependencies[(IDENTITY, "example.com")]

    # The stack's verification checks the TXT record too, after it exists.
    job = run.of_type(VERIFICATION)[0].inputs["domains"]["example.com"]
    assert job["records"][0] == {"name": "s2026a._domainkey.example.com", "type": "TXT", "values": [value],
                                 "ttl": 1800}
    assert urn_of(run, "example.com-dkim-key") in run.dependencies["verification"]


def test_the_private_key_is_in_no_output_log_or_other_input():
    pem = private_pem(1024, "pkcs8", name="leak-check")
    run = run_program(byodkim_config({"selector": "s1", "privateKey": pem}))
    identity = identity_of(run)
    ses_key = unwrap_rpc_secret(identity.inputs["dkimSigningAttributes"])["domainSigningPrivateKey"]

    # The step that switches an existing identity's signing (deploy/dkim_signing_origin.py) is given
    # the key too, only as a secret.
    signing = run.named("example.com-dkim-signing")
    assert is_rpc_secret(signing.inputs["privateKey"]) and unwrap_rpc_secret(signing.inputs["privateKey"]) == ses_key

    outputs = json.dumps(run.outputs)
    logs = "\n".join(record.getMessage() for record in run.logs)
    others = json.dumps([r.inputs for r in run.mocks.resources if r not in (identity, signing)], default=str)
    for text in (outputs, logs, others):
        assert ses_key not in text and key_body(pem) not in text
        assert key_body(pem)[100:160] not in text
    # The 1024-bit warning names the key, not its text.
    assert any("ses-domains:domains[0].dkim.privateKey: a 1024-bit key" in line for line in logs.splitlines())


def test_rotation_publishes_both_selectors_and_gives_ses_the_new_key_after_its_record_is_verified():
    new, old = private_pem(2048, "pkcs8", name="new"), private_pem(2048, "pkcs1", name="old")
    run = run_program(byodkim_config({"selector": "s2026b", "privateKey": new,
                                      "previous": {"selector": "s2026a", "publicKey": public_pem(2048, name="old")}}))

    records = run.records()
    new_value = f"v=DKIM1; k=rsa; p={public_b64((2048, 'new'))}"
    old_value = f"v=DKIM1; k=rsa; p={public_b64((2048, 'old'))}"
    assert records[("s2026b._domainkey.example.com", "TXT")].inputs["records"] == [new_value[:255] + '""' + new_value[255:]]
    assert records[("s2026a._domainkey.example.com", "TXT")].inputs["records"] == [old_value[:255] + '""' + old_value[255:]]

    # SES is given the new selector, after the step that verifies both records on every nameserver.
    attributes = unwrap_rpc_secret(identity_of(run).inputs["dkimSigningAttributes"])
    assert attributes["domainSigningSelector"] == "s2026b"
    step = run.named("example.com-dkim-key-published")
    assert [r["name"] for r in step.inputs["records"]] == ["s2026b._domainkey.example.com",
                                                           "s2026a._domainkey.example.com"]
    # Each record held by a resource named by its selector (tests/test_transitions.py: how the
    # state moves between them over a rotation).
    assert {urn_of(run, "example.com-dkim-key-s2026b"), urn_of(run, "example.com-dkim-key-s2026a")} <= set(
        run.dependencies["example.com-dkim-key-published"])
    assert urn_of(run, "example.com-dkim-key-published") in run.typed_dependencies[(IDENTITY, "example.com")]
    # The exported records show both selectors (what a user checks before retiring the old one).
    exported = [r["name"] for r in run.outputs["domains"]["example.com"]["records"] if r["type"] == "TXT"]
    assert exported[:2] == ["s2026b._domainkey.example.com", "s2026a._domainkey.example.com"]


def test_retiring_the_previous_selector_leaves_only_the_new_record():
    run = run_program(byodkim_config({"selector": "s2026b", "privateKey": private_pem(2048, "pkcs8", name="new")}))

    assert [key for key in run.records() if "_domainkey" in key[0]] == [("s2026b._domainkey.example.com", "TXT")]


def test_without_verification_the_identity_waits_for_the_record_resource_only():
    run = run_program(byodkim_config({"selector": "s1", "privateKey": private_pem(2048, "pkcs8")},
                                     verify={"enabled": False}))

    assert not run.of_type(KEY_STEP)
    assert urn_of(run, "example.com-dkim-key") in run.typed_dependencies[(IDENTITY, "example.com")]


# --- refused at preview, without echoing the key ---------------------------------------------------------

def _ec_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _rsa_pem(bits: int) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _encrypted_pem() -> str:
    from cryptography.hazmat.primitives import serialization

    return rsa_key(1024, "enc").private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.BestAvailableEncryption(b"passphrase")).decode()


def _damaged_pem() -> str:
    pem = private_pem(2048, "pkcs8", name="damaged")
    lines = pem.splitlines()
    return "\n".join(lines[:5] + lines[9:])


REFUSED_KEYS = {
    "an EC key": (_ec_pem, "dkim.privateKey: is an EC private key; SES signs DKIM only with RSA keys"),
    "a 3072-bit key": (lambda: _rsa_pem(3072), "dkim.privateKey: is a 3072-bit RSA private key; SES takes 1024- or 2048-bit"),
    "an encrypted key": (_encrypted_pem, "dkim.privateKey: is encrypted with a passphrase"),
    "a damaged key": (_damaged_pem, "its body is not a readable key"),
    "a public key": (lambda: public_pem(2048, name="pub"), "dkim.privateKey: is a PEM PUBLIC KEY, not a private key"),
    "not PEM": (lambda: base64.b64encode(b"x" * 300).decode(), "dkim.privateKey: is not a PEM key"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_KEYS))
def test_a_key_that_is_not_rsa_pem_is_refused_at_preview_without_echoing_it(case):
    make, expected = REFUSED_KEYS[case]
    pem = make()

    message = run_failing([{"domain": "example.com", "dkim": {"selector": "s1", "privateKey": pem}}])

    assert f"{D}[0].{expected}" in message or expected in message, message
    body = key_body(pem)
    for start in range(0, max(1, len(body) - 40), 40):
        assert body[start:start + 40] not in message, "a part of the key is in the message"


def test_keylength_beside_a_private_key_is_refused_without_echoing_it():
    pem = private_pem(2048, "pkcs8", name="beside")

    message = run_failing([{"domain": "example.com",
                            "dkim": {"selector": "s1", "privateKey": pem, "keyLength": "RSA_1024_BIT"}}])

    assert f"{D}[0].dkim.keyLength: applies only to Easy DKIM" in message
    assert key_body(pem)[:40] not in message and key_body(pem)[-40:] not in message


@pytest.mark.parametrize("selector, expected", [
    ("s_2026", "is not a selector SES takes"),
    ("-s1", "is not a selector SES takes"),
    ("s1.", "is not a selector SES takes"),
    ("a" * 64, "is not a selector SES takes"),
    ("sel ector", "is not a selector SES takes"),
    ("mail.s2026", "'mail.s2026' is not a selector SES takes: use 1 to 63 letters, digits and inner hyphens, "
                   "in one label with no dots"),
    (2026.5, "must be a DKIM selector such as s2026a"),
])
def test_bad_selectors_are_refused_at_preview(selector, expected):
    pem = private_pem(2048, "pkcs8", name="selector")

    message = run_failing([{"domain": "example.com", "dkim": {"selector": selector, "privateKey": pem}}])

    assert f"{D}[0].dkim.selector: " in message and expected in message, message
    assert key_body(pem)[:40] not in message


def test_the_selector_rule_is_the_one_in_the_sesv2_model():
    import botocore.session
    from ses_domains.config.dkim import SES_SELECTOR_PATTERN

    model = botocore.session.get_session().get_service_model("sesv2")
    for operation in ("CreateEmailIdentity", "PutEmailIdentityDkimSigningAttributes"):
        members = model.operation_model(operation).input_shape.members
        attributes = members.get("DkimSigningAttributes") or members["SigningAttributes"]
        assert attributes.members["DomainSigningSelector"].metadata["pattern"] == SES_SELECTOR_PATTERN


def test_selector_and_key_come_together_and_previous_needs_its_own_selector():
    pem = private_pem(2048, "pkcs8", name="pairs")

    message = run_failing([
        {"domain": "example.com", "dkim": {"selector": "s1"}},
        {"domain": "example.org", "dkim": {"privateKey": pem}},
        {"domain": "example.net", "dkim": {"selector": "s1", "privateKey": pem,
                                           "previous": {"selector": "S1", "publicKey": public_pem(2048, name="p")}}},
        {"domain": "a.example.net", "zone": "example.net", "dkim": {"previous": {"selector": "s0"}}},
        {"domain": "b.example.net", "zone": "example.net",
         "dkim": {"selector": "s1", "privateKey": pem, "previous": {"selector": "s0", "publicKey": "not a key"}}},
    ])

    assert f"{D}[0].dkim.privateKey: is required with selector" in message
    assert f"{D}[1].dkim.selector: is required with privateKey" in message
    assert f"{D}[2].dkim.previous.selector: is s1, the same as the new selector" in message
    assert f"{D}[3].dkim.previous: applies only to BYODKIM" in message
    assert f"{D}[4].dkim.previous.publicKey: is not a readable public key" in message
    assert key_body(pem)[:40] not in message


def test_a_key_pasted_as_the_whole_dkim_block_is_not_echoed():
    pem = private_pem(2048, "pkcs8", name="pasted")

    message = run_failing([{"domain": "example.com", "dkim": pem}])

    assert f"{D}[0].dkim: must be a mapping of keys" in message
    assert re.search(r"text of \d+ characters", message)
    assert "BEGIN" not in message and key_body(pem)[:30] not in message
