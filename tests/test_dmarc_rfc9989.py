"""DMARC per RFC 9989 (``testing``, ``publicSuffixDomain``, ``pct`` kept with a warning, ``rf``/``ri``
refused) and BIMI (``bimi``: refused at preview unless DMARC is at enforcement), through the real
program under Pulumi's mocks: what preview refuses, warns and what record the stack writes."""

from __future__ import annotations

import pytest
import pulumi

from tests.pulumi_program import RecordingMocks, run_program
from tests.test_config_messages import refused as refused_anyhow, run_ok, warnings

D = "ses-domains:domains"
RECORD = "aws:route53/record:Record"
LOGO = "https://brand.example.com/bimi/logo.svg"
CERTIFICATE = "https://brand.example.com/bimi/vmc.pem"


def refused(domain: dict) -> str:
    """The config error preview stops with (no resource declared), in full and without a traceback."""
    message = refused_anyhow(domain)
    assert message.startswith("the stack config has") and "Traceback" not in message, message
    return message


def txt(run, name: str) -> list[str]:
    found = [r for r in run.of_type(RECORD) if r.inputs["name"] == name and r.inputs["type"] == "TXT"]
    assert len(found) == 1, [r.inputs["name"] for r in run.of_type(RECORD)]
    return found[0].inputs["records"]


# --- DMARC -----------------------------------------------------------------------------------------


def test_testing_writes_t_y_after_the_policy():
    run = run_ok({"dmarc": {"policy": "quarantine", "testing": True}})
    assert txt(run, "_dmarc.example.com") == ["v=DMARC1; p=quarantine; t=y"]
    assert not [w for w in warnings(run) if ".dmarc" in w]


def test_testing_false_and_no_new_tags_write_the_record_as_before():
    run = run_ok({"dmarc": {"policy": "reject", "testing": False, "rua": "dmarc@example.com"}})
    assert txt(run, "_dmarc.example.com") == ["v=DMARC1; p=reject; rua=mailto:dmarc@example.com"]


@pytest.mark.parametrize("given, psd", [("n", "n"), ("y", "y"), ("u", "u"), ("N", "n"), (False, "n"), (True, "y")])
def test_public_suffix_domain_writes_psd(given, psd):
    run = run_ok({"dmarc": {"policy": "reject", "subdomainPolicy": "reject", "publicSuffixDomain": given}})
    assert txt(run, "_dmarc.example.com") == [f"v=DMARC1; p=reject; sp=reject; psd={psd}"]
    psd_warnings = [w for w in warnings(run) if "publicSuffixDomain" in w]
    assert bool(psd_warnings) == (psd == "y"), psd_warnings


def test_a_public_suffix_flag_that_rfc_9989_does_not_define_is_refused():
    message = refused({"dmarc": {"policy": "reject", "publicSuffixDomain": "maybe"}})
    assert f"{D}[0].dmarc.publicSuffixDomain: must be one of y, n, u (RFC 9989 psd" in message
    assert "got 'maybe'" in message


@pytest.mark.parametrize("pct", [0, 50, 99])
def test_pct_below_100_is_kept_for_old_receivers_and_writes_t_y_with_a_warning_naming_testing(pct):
    run = run_ok({"dmarc": {"policy": "quarantine", "pct": pct}})
    assert txt(run, "_dmarc.example.com") == [f"v=DMARC1; p=quarantine; pct={pct}; t=y"]
    (warning,) = [w for w in warnings(run) if ".dmarc.pct" in w]
    assert warning.startswith(f"{D}[0].dmarc.pct: pct was removed by RFC 9989")
    assert "write testing: true instead of pct" in warning


def test_pct_100_is_kept_without_t_and_the_warning_says_to_remove_it():
    run = run_ok({"dmarc": {"policy": "reject", "pct": 100}})
    assert txt(run, "_dmarc.example.com") == ["v=DMARC1; p=reject; pct=100"]
    (warning,) = [w for w in warnings(run) if ".dmarc.pct" in w]
    assert "RFC 9989" in warning and "remove pct" in warning


def test_pct_below_100_with_testing_false_contradicts_itself():
    message = refused({"dmarc": {"policy": "reject", "pct": 20, "testing": False}})
    assert f"{D}[0].dmarc.testing: is false, but pct: 20 applies the policy to only part of the mail" in message


def test_testing_with_policy_none_warns_that_it_does_nothing():
    run = run_ok({"dmarc": {"policy": "none", "rua": "d@example.com", "testing": True}})
    assert txt(run, "_dmarc.example.com") == ["v=DMARC1; p=none; t=y; rua=mailto:d@example.com"]
    assert any(w.startswith(f"{D}[0].dmarc.testing: t=y has no effect with policy none") for w in warnings(run))


@pytest.mark.parametrize("tag, value, words", [
    ("rf", "afrf", "rf (the failure report format) was removed by RFC 9989"),
    ("ri", 86400, "ri (the aggregate report interval) was removed by RFC 9989"),
])
def test_rf_and_ri_are_refused_at_preview_naming_rfc_9989(tag, value, words):
    message = refused({"dmarc": {"policy": "reject", tag: value}})
    assert f"{D}[0].dmarc.{tag}: {words}" in message
    assert "unknown key" not in message


def test_testing_must_be_a_boolean():
    assert f"{D}[0].dmarc.testing: must be true or false, got 'yes'" in refused(
        {"dmarc": {"policy": "reject", "testing": "yes"}})


# --- BIMI ------------------------------------------------------------------------------------------


def test_bimi_with_dmarc_at_reject_writes_the_assertion_record():
    run = run_ok({"dmarc": {"policy": "reject"}, "bimi": {"logo": LOGO, "certificate": CERTIFICATE}})
    assert txt(run, "default._bimi.example.com") == [f"v=BIMI1; l={LOGO}; a={CERTIFICATE}"]
    assert txt(run, "_dmarc.example.com") == ["v=DMARC1; p=reject"]


def test_a_bimi_selector_names_the_record():
    run = run_ok({"dmarc": {"policy": "quarantine"},
                  "bimi": {"logo": LOGO, "certificate": CERTIFICATE, "selector": "Brand2026"}})
    assert txt(run, "brand2026._bimi.example.com") == [f"v=BIMI1; l={LOGO}; a={CERTIFICATE}"]


def test_bimi_with_dmarc_policy_none_is_refused_under_bimi():
    message = refused({"dmarc": {"policy": "none", "rua": "d@example.com"},
                       "bimi": {"logo": LOGO, "certificate": CERTIFICATE}})
    assert (f"{D}[0].bimi: BIMI needs DMARC at enforcement, but dmarc.policy: p=none asks receivers to do nothing "
            "with failing mail; set dmarc.policy to quarantine or reject") in message


def test_bimi_without_dmarc_is_refused_under_bimi():
    message = refused({"bimi": {"logo": LOGO, "certificate": CERTIFICATE}})
    assert f"{D}[0].bimi: BIMI needs DMARC at enforcement, and this domain publishes no DMARC record" in message


def test_each_dmarc_gap_is_its_own_problem_under_bimi():
    message = refused({"dmarc": {"policy": "quarantine", "subdomainPolicy": "none", "pct": 50},
                       "bimi": {"logo": LOGO, "certificate": CERTIFICATE}})
    gaps = [line for line in message.splitlines() if line.strip().startswith(f"- {D}[0].bimi:")]
    assert len(gaps) == 2, message
    assert any("dmarc.subdomainPolicy: sp=none leaves mail from subdomains unenforced" in g for g in gaps)
    assert any("dmarc.pct: pct=50 applies the policy to only part of the failing mail" in g for g in gaps)


def test_bimi_with_dmarc_in_testing_is_refused():
    message = refused({"dmarc": {"policy": "reject", "testing": True}, "bimi": {"logo": LOGO}})
    assert f"{D}[0].bimi: BIMI needs DMARC at enforcement, but dmarc.testing: t=y" in message


def test_bimi_with_pct_100_is_at_enforcement():
    run = run_ok({"dmarc": {"policy": "quarantine", "pct": 100}, "bimi": {"logo": LOGO, "certificate": CERTIFICATE}})
    assert txt(run, "default._bimi.example.com") == [f"v=BIMI1; l={LOGO}; a={CERTIFICATE}"]


@pytest.mark.parametrize("bimi, words", [
    ({}, "bimi.logo: is required"),
    ({"logo": "http://brand.example.com/logo.svg"}, "bimi.logo: 'http://brand.example.com/logo.svg' must be an https:// URL"),
    ({"logo": "https://brand.example.com/a;b.svg"}, "bimi.logo: 'https://brand.example.com/a;b.svg' holds white space, ';'"),
    ({"logo": "https://localhost/logo.svg"}, "bimi.logo: 'https://localhost/logo.svg' must name its server by a fully qualified"),
    ({"logo": LOGO, "certificate": "ftp://brand.example.com/vmc.pem"}, "bimi.certificate: 'ftp://brand.example.com/vmc.pem' must be an https:// URL"),
    ({"logo": LOGO, "selector": "a_b"}, "bimi.selector: must be a DNS label"),
    ({"logo": LOGO, "size": 1}, "bimi.size: unknown key"),
])
def test_a_bad_bimi_block_is_refused_under_its_key(bimi, words):
    assert f"{D}[0].{words}" in refused({"dmarc": {"policy": "reject"}, "bimi": bimi})


def test_bimi_without_a_certificate_or_an_svg_logo_warns():
    run = run_ok({"dmarc": {"policy": "reject"}, "bimi": {"logo": "https://brand.example.com/logo.png"}})
    assert txt(run, "default._bimi.example.com") == ["v=BIMI1; l=https://brand.example.com/logo.png"]
    found = warnings(run)
    assert any(w.startswith(f"{D}[0].bimi.logo: https://brand.example.com/logo.png does not end in .svg") for w in found)
    assert any(w.startswith(f"{D}[0].bimi.certificate: no mark certificate") for w in found)


def test_a_foreign_bimi_record_stops_the_program_like_any_record_the_stack_did_not_write():
    from tests.fake_route53_records import put_record

    def prepare(route53, zone_ids):
        put_record(route53, zone_ids["example.com"], "default._bimi.example.com", "TXT", ["v=BIMI1; l="])

    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", "dmarc": {"policy": "reject"},
                                                    "bimi": {"logo": LOGO, "certificate": CERTIFICATE}}]},
                    mocks=mocks, prepare=prepare)
    assert f"{D}[0].bimi" in str(raised.value) and "default._bimi.example.com" in str(raised.value)
