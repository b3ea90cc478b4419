"""BYODKIM end to end on real DNS: the TXT record the stack publishes, served by Knot, verifies a
DKIM signature (dkimpy) made with the user's private key and with the form SES is given; and the
step before the identity holds until every nameserver serves the record."""

from __future__ import annotations

import base64
import textwrap
import time

import dkim
import dns.message
import dns.query
import dns.rdatatype
import pytest

from ses_domains.config.stack import read_stack_config
from ses_domains.deploy.dkim_key_published import DkimKeyPublishedProvider, KeyNotPublished, records_props
from ses_domains.records.plan import domain_records
from tests.conftest import _require_knot
from tests.dkim_test_keys import private_pem, ses_form_as_pem
from tests.dns_servers import start_primary_and_secondary, update_items, wait_in_sync, zone_text
from tests.wall_clock import assert_no_hang


ZONE = "byodkim.test"
REGION = "eu-west-1"
MESSAGE = textwrap.dedent("""\
    From: Alerts <alerts@{domain}>
    To: someone@example.org
    Subject: key rotation drill
    Date: Thu, 01 Jan 2026 00:00:00 +0000
    Message-ID: <drill-1@{domain}>

    A message SES would sign with the stack's BYODKIM key.
    """).replace("\n", "\r\n")


@pytest.fixture(scope="module")
def knot(tmp_path_factory):
    _require_knot()
    primary, secondary = start_primary_and_secondary(
        tmp_path_factory.mktemp("byodkim"), {ZONE: zone_text(ZONE)},
        primary_address="127.0.0.61", secondary_address="127.0.0.62",
    )
    yield primary, secondary
    secondary.stop()
    primary.stop()


def spec_of(domain: dict):
    return read_stack_config({"domains": [domain]}.get, {"region": REGION}.get).domains[0]


def publish(knot, records) -> None:
    primary, secondary = knot
    primary.update(ZONE, add=update_items(records))
    wait_in_sync(primary, secondary, ZONE)


def txt_from(server):
    """dkimpy's DNS lookup, asked of one authoritative server (no resolver in between)."""
    def lookup(name, timeout=5):
        query = dns.message.make_query(name.decode() if isinstance(name, bytes) else name, "TXT")
        answer = dns.query.udp(query, server.address, port=server.port, timeout=timeout)
        for rrset in answer.answer:
            if rrset.rdtype == dns.rdatatype.TXT:
                return b"".join(next(iter(rrset)).strings)
        return None
    return lookup


def wire_strings(server, name: str) -> list[bytes]:
    answer = dns.query.udp(dns.message.make_query(name, "TXT"), server.address, port=server.port, timeout=2)
    return [s for rrset in answer.answer for rdata in rrset for s in rdata.strings]


@pytest.mark.parametrize("bits", [1024, 2048])
@pytest.mark.parametrize("fmt", ["pkcs1", "pkcs8"])
def test_the_published_record_verifies_signatures_made_with_the_key(knot, bits, fmt):
    domain = f"k{bits}-{fmt}.{ZONE}"
    pem = private_pem(bits, fmt, name=domain)
    spec = spec_of({"domain": domain, "zone": ZONE, "dkim": {"selector": "s2026a", "privateKey": pem}})
    records = domain_records(spec, REGION, ())
    publish(knot, records)
    primary, secondary = knot

    # The record, as every server serves it: one TXT, cut into strings of at most 255 octets.
    strings = wire_strings(secondary, f"s2026a._domainkey.{domain}")
    assert b"".join(strings).startswith(b"v=DKIM1; k=rsa; p=")
    assert all(len(s) <= 255 for s in strings)
    assert len(strings) == (2 if bits == 2048 else 1)

    message = MESSAGE.format(domain=domain).encode()
    for key in (pem.encode(), ses_form_as_pem(spec.byodkim.key.ses_private_key).encode()):
        signed = dkim.sign(message, b"s2026a", domain.encode(), key, include_headers=[b"from", b"subject"]) + message
        for server in (primary, secondary):
            assert dkim.verify(signed, dnsfunc=txt_from(server)), (bits, fmt, server.endpoint)
        # And a tampered message does not: the check is real.
        assert not dkim.verify(signed.replace(b"rotation drill", b"rotation drilL"), dnsfunc=txt_from(secondary))


def test_during_a_rotation_both_selectors_verify_their_own_signatures(knot):
    domain = f"rotating.{ZONE}"
    old, new = private_pem(2048, "pkcs8", name="old-" + domain), private_pem(2048, "pkcs1", name="new-" + domain)
    spec = spec_of({"domain": domain, "zone": ZONE, "dkim": {
        "selector": "s2026b", "privateKey": new, "previous": {"selector": "s2026a", "privateKey": old}}})
    publish(knot, domain_records(spec, REGION, ()))
    message = MESSAGE.format(domain=domain).encode()

    for selector, key in ((b"s2026a", old), (b"s2026b", new)):
        signed = dkim.sign(message, selector, domain.encode(), key.encode()) + message
        assert dkim.verify(signed, dnsfunc=txt_from(knot[1])), selector
    # A signature by the old key under the new selector fails: each record holds its own key.
    crossed = dkim.sign(message, b"s2026b", domain.encode(), old.encode()) + message
    assert not dkim.verify(crossed, dnsfunc=txt_from(knot[1]))


def _props(domain: str, records, knot, timeout_s: float) -> dict:
    primary, secondary = knot
    return {"domain": domain, "records": records_props(records),
            "nameservers": [primary.endpoint, secondary.endpoint], "timeoutSeconds": timeout_s,
            "publishedAt": None, "dnsSeconds": None}


def test_the_step_before_the_identity_holds_until_every_nameserver_serves_the_key(knot):
    primary, secondary = knot
    domain = f"held.{ZONE}"
    spec = spec_of({"domain": domain, "zone": ZONE,
                    "dkim": {"selector": "s1", "privateKey": private_pem(1024, "pkcs8", name=domain)}})
    records = domain_records(spec, REGION, ())
    secondary.freeze(ZONE)
    try:
        primary.update(ZONE, add=update_items(records))
        started = time.monotonic()
        with pytest.raises(KeyNotPublished) as refused:
            DkimKeyPublishedProvider().create(_props(domain, records, knot, timeout_s=1.0))
        assert_no_hang(time.monotonic() - started, 1.0)  # the provider's timeoutSeconds
        message = str(refused.value)
        assert f"s1._domainkey.{domain}" in message and secondary.endpoint in message
        assert primary.endpoint not in message.split("\n", 2)[-1], "the primary serves it: not at fault"
    finally:
        secondary.thaw(ZONE)
    wait_in_sync(primary, secondary, ZONE)
    done = DkimKeyPublishedProvider().create(_props(domain, records, knot, timeout_s=5.0))
    assert done.outs["publishedAt"]
    assert_no_hang(done.outs["dnsSeconds"], 5.0)


def test_the_step_waits_again_only_when_the_records_or_servers_change():
    provider = DkimKeyPublishedProvider()
    old = {"domain": "d.test", "records": [{"name": "a", "type": "TXT", "values": ["v"], "ttl": 60}],
           "nameservers": ["127.0.0.1:53"], "timeoutSeconds": 60, "publishedAt": "2026-01-01T00:00:00Z"}
    same = {**old, "timeoutSeconds": 90, "publishedAt": None}
    rotated = {**same, "records": old["records"] + [{"name": "b", "type": "TXT", "values": ["w"], "ttl": 60}]}

    assert not provider.diff("id", old, same).changes
    assert provider.diff("id", old, rotated).changes
    assert provider.diff("id", old, {**same, "nameservers": ["127.0.0.2:53"]}).changes


def test_ses_gets_base64_pkcs8_der_of_the_same_key_whatever_the_pem_format():
    from cryptography.hazmat.primitives import serialization

    pkcs1 = spec_of({"domain": "a.example.com", "dkim": {"selector": "s", "privateKey": private_pem(2048, "pkcs1")}})
    pkcs8 = spec_of({"domain": "a.example.com", "dkim": {"selector": "s", "privateKey": private_pem(2048, "pkcs8")}})

    assert pkcs1.byodkim.key.ses_private_key == pkcs8.byodkim.key.ses_private_key
    der = base64.b64decode(pkcs1.byodkim.key.ses_private_key, validate=True)
    key = serialization.load_der_private_key(der, password=None)
    assert key.key_size == 2048
    assert "BEGIN" not in pkcs1.byodkim.key.ses_private_key and "\n" not in pkcs1.byodkim.key.ses_private_key
    # Nothing that prints the spec shows the private key.
    assert pkcs1.byodkim.key.ses_private_key not in repr(pkcs1)
