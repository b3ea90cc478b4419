"""What the stack writes for RFC 9989 DMARC and for BIMI, served by a real Knot server and judged as
``check`` judges it: the records on the server and checkdmarc's DMARC (RFC 9989) and BIMI parsers.

Each domain's records are computed from a stack config by the same code the program and the
command use (``read_stack_config`` then ``records.plan``); the logo and certificate are never
downloaded unless asked (the test counts the HTTP requests made)."""

from __future__ import annotations

import pytest
import requests

from ses_domains.config.stack import read_stack_config
from ses_domains.engine.audit import AuditTarget, AuditVerdict, audit_sync
from ses_domains.engine.email_auth import JudgmentStatus, ResolverSettings
from ses_domains.records.plan import domain_records
from tests.audit_world import AMAZON_SPF
from tests.conftest import _require_knot
from tests.dns_servers import KnotServer, zone_lines, zone_text
from tests.fake_ses import tokens_for

REGION = "eu-west-1"
LOGO = "https://brand.example.com/bimi/logo.svg"
CERTIFICATE = "https://brand.example.com/bimi/vmc.pem"
DOMAINS = {
    "testing.test": {"dmarc": {"policy": "quarantine", "testing": True}},
    "bimi.test": {"dmarc": {"policy": "reject"}, "bimi": {"logo": LOGO, "certificate": CERTIFICATE}},
    "psd.test": {"dmarc": {"policy": "reject", "publicSuffixDomain": "n", "pct": 40}},
}


def stack_spec():
    config = {"aws:region": REGION,
              "ses-domains:domains": [{"domain": d, "mailFrom": "bounce", **extra} for d, extra in DOMAINS.items()]}
    return read_stack_config(lambda k: config.get(f"ses-domains:{k}"), lambda k: config.get(f"aws:{k}"))


def records_of(domain: str):
    spec = next(d for d in stack_spec().domains if d.domain == domain)
    return domain_records(spec, REGION, tokens_for(domain))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_knot()
    zones = {d: zone_text(d, "".join(line + "\n" for r in records_of(d) for line in zone_lines(r))) for d in DOMAINS}
    zones["amazonses.com"] = zone_text("amazonses.com", f'amazonses.com. 60 IN TXT "{AMAZON_SPF}"\n')
    knot = KnotServer(tmp_path_factory.mktemp("dmarc-bimi"), "127.0.0.71", zones).start()
    yield knot
    knot.stop()


@pytest.fixture
def downloads(monkeypatch):
    """Every HTTP request any requests.Session makes, answered by ``responses`` (url -> (status, body))."""
    made: list[str] = []
    responses: dict[str, tuple[int, bytes]] = {}

    def get(self, url, **kwargs):
        made.append(url)
        status, body = responses.get(url, (404, b""))
        response = requests.Response()
        response.status_code, response._content, response.url = status, body, url
        return response

    monkeypatch.setattr(requests.Session, "get", get)
    return made, responses


def check(server, domain: str, **settings):
    target = AuditTarget(domain, records_of(domain), (server.endpoint,), REGION)
    report = audit_sync([target], email_auth=ResolverSettings(nameservers=(server.endpoint,), **settings))
    (audited,) = report.domains
    return audited


def test_testing_writes_t_y_and_checkdmarc_finds_no_error_in_it_on_knot(server, downloads):
    assert [r.values for r in records_of("testing.test") if r.name == "_dmarc.testing.test"] == [
        ("v=DMARC1; p=quarantine; t=y",)]
    audited = check(server, "testing.test")
    assert audited.verdict is AuditVerdict.OK, audited.as_json()
    dmarc = audited.email_auth.dmarc
    assert (dmarc.status, dmarc.error, dmarc.record) == (JudgmentStatus.OK, "", "v=DMARC1; p=quarantine; t=y")
    assert dict(dmarc.tags) == {"v": "DMARC1", "p": "quarantine", "t": "y"}
    assert dmarc.warnings == ("rua tag (destination for aggregate reports) not found.",)  # t=y: no warning
    assert audited.email_auth.bimi is None and downloads[0] == []


def test_psd_and_pct_are_judged_as_rfc_9989_has_them(server):
    audited = check(server, "psd.test")
    dmarc = audited.email_auth.dmarc
    assert dmarc.record == "v=DMARC1; p=reject; psd=n; pct=40; t=y"
    assert dmarc.status is JudgmentStatus.OK and dmarc.error == ""
    assert dict(dmarc.tags)["psd"] == "n" and dict(dmarc.tags)["t"] == "y"
    assert "Support for the pct tag was removed in RFC 9989" in dmarc.warnings


def test_bimi_with_reject_is_written_and_judged_by_checkdmarcs_parser_without_fetching(server, downloads):
    (bimi_record,) = [r for r in records_of("bimi.test") if r.name == "default._bimi.bimi.test"]
    assert bimi_record.values == (f"v=BIMI1; l={LOGO}; a={CERTIFICATE}",)
    audited = check(server, "bimi.test")
    assert audited.verdict is AuditVerdict.OK, audited.as_json()
    bimi = audited.email_auth.bimi
    assert (bimi.name, bimi.status, bimi.error, bimi.fetched) == (
        "default._bimi.bimi.test", JudgmentStatus.OK, "", False)
    assert dict(bimi.tags) == {"v": "BIMI1", "l": LOGO, "a": CERTIFICATE}
    assert bimi.warnings == ()  # nothing about a logo or certificate that was not fetched
    assert downloads[0] == [], "the logo or the certificate was downloaded without fetch_bimi"
    assert audited.as_json()["email_auth"]["bimi"]["record"] == bimi_record.values[0]


def test_fetch_bimi_downloads_the_logo_and_certificate_and_judges_them(server, downloads):
    made, responses = downloads
    responses[LOGO] = (200, b"this is not an SVG")
    audited = check(server, "bimi.test", fetch_bimi=True)
    bimi = audited.email_auth.bimi
    assert sorted(made) == sorted([LOGO, CERTIFICATE])
    assert bimi.fetched and bimi.status is JudgmentStatus.PROBLEM
    assert f"Failed to process BIMI image at {LOGO}" in bimi.error
    assert f"Failed to download the mark certificate at {CERTIFICATE}" in bimi.error
    assert audited.verdict is AuditVerdict.PROBLEMS


def test_bimi_served_while_dmarc_is_not_at_enforcement_is_a_problem(server):
    """A zone changed by hand after the stack wrote it: DMARC at p=none beside the BIMI record."""
    server.update("bimi.test", replace=[("_dmarc.bimi.test.", 60, "TXT", '"v=DMARC1; p=none"')])
    try:
        audited = check(server, "bimi.test")
    finally:
        server.update("bimi.test", replace=[("_dmarc.bimi.test.", 60, "TXT", '"v=DMARC1; p=reject"')])
    bimi = audited.email_auth.bimi
    assert bimi.status is JudgmentStatus.PROBLEM
    assert "The DMARC policy (p tag) must be set to quarantine or reject." in bimi.error
    assert any(p.startswith("BIMI default._bimi.bimi.test: ") for p in audited.email_auth.problems())
