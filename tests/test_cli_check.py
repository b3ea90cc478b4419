"""``ses-domains check`` against real Knot servers (a primary and a secondary, one held stale),
the SES stand-in for the DKIM tokens, and moto's Route 53 for zones without ``--nameserver``."""

from __future__ import annotations

import json

import boto3
import pytest

from tests import cli_dns
from tests.cli_dns import (
    BIMI, BIMI_CERTIFICATE, BIMI_LOGO, BYODKIM, FOREIGN_RUA, HEALTHY, MX_REGION, SENDING_DOMAINS, SPF_LOOKUPS, STALE, TWO_SPF, WRONG_DKIM, stack_config,
)
from tests.cli_fixtures import aws_env, moto_server, route53_url, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.conftest import _require_knot
from tests.dns_servers import DelayingForwarder
from tests.fake_ses import SesState, tokens_for


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    _require_knot()
    world = cli_dns.start_world(tmp_path_factory.mktemp("cli-dns"),
                                primary_address="127.0.0.51", secondary_address="127.0.0.52")
    yield world
    world.stop()


@pytest.fixture
def verified_ses(ses):
    for domain in SENDING_DOMAINS:
        ses.script(domain, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{domain}")
    return ses


def check(capsys, tmp_path, world, domains, *extra):
    write_stack(tmp_path, "dev", stack_config(domains))
    return run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), *world.nameserver_options, *extra)


def by_name(document: dict) -> dict:
    return {d["domain"]: d for d in document["domains"]}


def record(domain: dict, name: str, rdtype: str) -> dict:
    return next(r for r in domain["records"] if r["name"] == name and r["type"] == rdtype)


def test_a_healthy_domain_is_all_good(capsys, tmp_path, world, aws_env, verified_ses):
    code, out, err = check(capsys, tmp_path, world, (HEALTHY,))
    assert code == 0, out + err
    token = tokens_for(HEALTHY)[0]
    primary, secondary = world.primary.endpoint, world.secondary.endpoint
    lines = out.splitlines()
    row = next(line for line in lines if f"{token}._domainkey.{HEALTHY}" in line)
    assert row.split() == ["ok", "CNAME", f"{token}._domainkey.{HEALTHY}", f"{token}.dkim.amazonses.com"]
    assert lines[lines.index(row) + 1].split()[:2] == ["ok", "CNAME"]  # served right on every nameserver
    assert f"nameservers from --nameserver: {primary}, {secondary}" in " ".join(out.split())  # wrapped at 100
    assert "SES: DKIM SUCCESS, MAIL FROM SUCCESS, verified for sending" in out
    assert f"SPF bounce.{HEALTHY}: ok" in out and f"DMARC _dmarc.{HEALTHY}: ok" in out
    assert f"MX bounce.{HEALTHY}: ok: 10 feedback-smtp.eu-west-1.amazonses.com" in out
    assert out.rstrip().endswith("1 domain: 1 ok, 0 with problems, 0 not fully checked — ok")


def test_a_byodkim_domain_needs_no_tokens_from_ses(capsys, tmp_path, world, aws_env, ses):
    # SES's answer for a BYODKIM identity: origin EXTERNAL, "Tokens": [] (the SES guide's own example).
    ses.script(BYODKIM, SesState(dkim="SUCCESS", mail_from="SUCCESS", origin="EXTERNAL"),
               mail_from_domain=f"bounce.{BYODKIM}")
    code, out, err = check(capsys, tmp_path, world, (BYODKIM,), "--json")
    assert code == 0, out + err
    domain = by_name(json.loads(out))[BYODKIM]
    assert "no DKIM tokens" not in out + err
    txt = record(domain, f"s2026a._domainkey.{BYODKIM}", "TXT")
    assert txt["status"] == "ok" and txt["expected"][0].startswith("v=DKIM1; k=rsa; p=MII")
    assert [r["status"] for r in domain["records"]] == ["ok"] * 4


def test_a_bimi_record_is_checked_on_each_server_and_judged_without_fetching(capsys, tmp_path, world, aws_env, ses,
                                                                           monkeypatch):
    import requests

    def no_download(self, url, **kwargs):
        raise AssertionError(f"downloaded {url} without --fetch-bimi")

    monkeypatch.setattr(requests.Session, "get", no_download)
    ses.script(BIMI, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{BIMI}")
    value = f"v=BIMI1; l={BIMI_LOGO}; a={BIMI_CERTIFICATE}"
    code, out, err = check(capsys, tmp_path, world, (BIMI,))
    assert code == 0, out + err
    assert f"BIMI default._bimi.{BIMI}: ok: {value} (logo and certificate not fetched: --fetch-bimi)" in out
    code, out, err = check(capsys, tmp_path, world, (BIMI,), "--json")
    assert code == 0, out + err
    domain = by_name(json.loads(out))[BIMI]
    assert record(domain, f"default._bimi.{BIMI}", "TXT")["status"] == "ok"
    bimi = domain["email_auth"]["bimi"]
    assert (bimi["status"], bimi["record"], bimi["fetched"], bimi["error"]) == ("ok", value, False, "")


def test_json_of_a_healthy_domain(capsys, tmp_path, world, aws_env, verified_ses):
    code, out, _ = check(capsys, tmp_path, world, (HEALTHY,), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["verdict"] == "ok"
    domain = by_name(document)[HEALTHY]
    assert domain["ses"]["dkim_status"] == "SUCCESS"
    assert [r["status"] for r in domain["records"]] == ["ok"] * 6
    mx = record(domain, f"bounce.{HEALTHY}", "MX")
    assert mx["expected"] == ["10 feedback-smtp.eu-west-1.amazonses.com"]
    assert [(s["nameserver"], s["state"], s["served"]) for s in mx["servers"]] == [
        (world.primary.endpoint, "ok", ["10 feedback-smtp.eu-west-1.amazonses.com"]),
        (world.secondary.endpoint, "ok", ["10 feedback-smtp.eu-west-1.amazonses.com"]),
    ]
    assert domain["email_auth"]["status"] == "ok"


def test_broken_domains_are_each_reported(capsys, tmp_path, world, aws_env, verified_ses):
    code, out, err = check(capsys, tmp_path, world, SENDING_DOMAINS, "--json")
    assert code == 1, err
    domains = by_name(json.loads(out))
    assert {name: d["verdict"] for name, d in domains.items()} == {
        HEALTHY: "ok", WRONG_DKIM: "problems", MX_REGION: "problems", TWO_SPF: "problems",
        SPF_LOOKUPS: "problems", FOREIGN_RUA: "problems", STALE: "problems"}

    first, second, third = tokens_for(WRONG_DKIM)
    wrong = record(domains[WRONG_DKIM], f"{first}._domainkey.{WRONG_DKIM}", "CNAME")
    assert wrong["status"] == "wrong"
    assert {s["state"] for s in wrong["servers"]} == {"wrong"}
    assert wrong["servers"][0]["served"] == [f"other{first}.dkim.amazonses.com"]
    assert record(domains[WRONG_DKIM], f"{second}._domainkey.{WRONG_DKIM}", "CNAME")["status"] == "missing"
    assert record(domains[WRONG_DKIM], f"{third}._domainkey.{WRONG_DKIM}", "CNAME")["status"] == "ok"

    mx = domains[MX_REGION]["email_auth"]["mail_from_mx"]
    assert mx["status"] == "problem" and "us-east-1" in mx["message"]
    assert record(domains[MX_REGION], f"bounce.{MX_REGION}", "MX")["status"] == "wrong"

    spf = record(domains[TWO_SPF], f"bounce.{TWO_SPF}", "TXT")
    assert spf["status"] == "conflicting" and "2 v=spf1 records" in spf["detail"]
    assert domains[TWO_SPF]["email_auth"]["spf"][0]["status"] == "problem"

    apex = next(s for s in domains[SPF_LOOKUPS]["email_auth"]["spf"] if s["name"] == SPF_LOOKUPS)
    assert apex["status"] == "problem" and "10" in apex["error"]
    assert [r["status"] for r in domains[SPF_LOOKUPS]["records"]] == ["ok"] * 6

    destinations = domains[FOREIGN_RUA]["email_auth"]["dmarc"]["report_destinations"]
    assert [(d["destination_domain"], d["status"]) for d in destinations] == [("reports.test", "problem")]
    assert destinations[0]["authorization_name"] == f"{FOREIGN_RUA}._report._dmarc.reports.test"

    token = tokens_for(STALE)[0]
    stale = record(domains[STALE], f"{token}._domainkey.{STALE}", "CNAME")
    assert stale["status"] == "stale"
    assert [(s["nameserver"], s["state"]) for s in stale["servers"]] == [
        (world.primary.endpoint, "ok"), (world.secondary.endpoint, "wrong")]
    assert stale["servers"][1]["served"] == [f"old{token}.dkim.amazonses.com"]


def test_the_table_names_each_problem(capsys, tmp_path, world, aws_env, verified_ses):
    code, out, _ = check(capsys, tmp_path, world, SENDING_DOMAINS)
    assert code == 1
    first, second, _ = tokens_for(WRONG_DKIM)
    assert f"wrong: CNAME {first}._domainkey.{WRONG_DKIM}: expected '{first}.dkim.amazonses.com'" in out
    assert f"missing: CNAME {second}._domainkey.{WRONG_DKIM}: no nameserver has it" in out
    assert f"stale: CNAME {tokens_for(STALE)[0]}._domainkey.{STALE}: stale on some servers" in out
    assert f"conflicting: TXT bounce.{TWO_SPF}: the name holds 2 v=spf1 records" in out
    assert "! DMARC _dmarc.rua.test:" in out and "reports.test" in out
    assert out.rstrip().endswith("7 domains: 1 ok, 6 with problems, 0 not fully checked — problems found")
    assert "\x1b[" not in out


def test_a_domain_without_an_identity_could_not_be_checked(capsys, tmp_path, world, aws_env, ses):
    code, out, _ = check(capsys, tmp_path, world, (HEALTHY,))
    assert code == 2
    assert f"could not check: DKIM records not checked: SES has no identity {HEALTHY} in region eu-west-1" in out
    rows = [line.split()[:3] for line in out.splitlines()]
    assert ["ok", "TXT", f"_dmarc.{HEALTHY}"] in rows  # what does not need SES is still checked
    assert not any(f"_domainkey.{HEALTHY}" in line for line in out.splitlines())


def test_a_problem_outranks_what_could_not_be_checked(capsys, tmp_path, world, aws_env, ses):
    code, out, _ = check(capsys, tmp_path, world, (MX_REGION,), "--json")
    assert code == 1
    domain = by_name(json.loads(out))[MX_REGION]
    assert domain["verdict"] == "problems" and domain["could_not_check"]


def test_without_nameserver_the_zone_nameservers_come_from_route53(capsys, tmp_path, aws_env, route53_url,
                                                                  verified_ses):
    route53 = boto3.client("route53", region_name="us-east-1", endpoint_url=route53_url)
    route53.create_hosted_zone(Name=f"{HEALTHY}.", CallerReference="cli-check")
    write_stack(tmp_path, "dev", stack_config((HEALTHY, MX_REGION)))
    zone = route53.list_hosted_zones_by_name(DNSName=f"{HEALTHY}.")["HostedZones"][0]
    expected = [ns.rstrip(".") for ns in route53.get_hosted_zone(Id=zone["Id"])["DelegationSet"]["NameServers"]]
    from ses_domains.cli.domain_plans import plan_domains
    from ses_domains.cli.ses_identities import read_identities
    from ses_domains.cli.stack_file import load_stack
    from ses_domains.engine.ses.client import AwsSettings

    spec = load_stack(tmp_path, "dev").spec
    readings = read_identities(AwsSettings(spec.region), [HEALTHY, MX_REGION])
    asked = []
    plans = plan_domains(spec, readings, (), lambda: asked.append(1) or route53)
    assert plans[0].nameservers == tuple(expected) and plans[0].nameserver_source == "Route 53 zone"
    assert plans[1].nameservers == () and "no public hosted zone holding mxregion.test" in plans[1].nameserver_problem
    assert asked == [1]


def test_without_zone_the_closest_enclosing_zone_is_used(aws_env, route53_url):
    route53 = boto3.client("route53", region_name="us-east-1", endpoint_url=route53_url)
    route53.create_hosted_zone(Name="parent.test.", CallerReference="cli-closest-parent")
    route53.create_hosted_zone(Name="sub.parent.test.", CallerReference="cli-closest-sub")
    zones = {z["Name"]: z["Id"] for z in route53.list_hosted_zones()["HostedZones"]}
    sub = [ns.rstrip(".").lower() for ns in route53.get_hosted_zone(Id=zones["sub.parent.test."])["DelegationSet"]["NameServers"]]
    parent = [ns.rstrip(".").lower() for ns in route53.get_hosted_zone(Id=zones["parent.test."])["DelegationSet"]["NameServers"]]
    from ses_domains.cli.zone_nameservers import zone_nameservers
    from ses_domains.config.domains import ZoneRef

    assert zone_nameservers(route53, ZoneRef(name="a.b.sub.parent.test", given=False)) == tuple(sub)
    assert zone_nameservers(route53, ZoneRef(name="mail.parent.test", given=False)) == tuple(parent)
    assert zone_nameservers(route53, ZoneRef(name="parent.test")) == tuple(parent)


def test_a_zone_route53_does_not_know_is_could_not_check(capsys, tmp_path, world, aws_env, route53_url,
                                                         verified_ses):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    code, out, _ = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2
    assert f"could not check: nameservers unknown: Route 53 has no public hosted zone holding {HEALTHY}" in out


def test_verify_nameservers_are_used_without_the_option(capsys, tmp_path, world, aws_env, verified_ses):
    config = stack_config((HEALTHY,))
    config["ses-domains:domains"][0]["verify"] = {"nameservers": [world.secondary.endpoint]}
    write_stack(tmp_path, "dev", config)
    code, out, err = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), "--json")
    domain = by_name(json.loads(out))[HEALTHY]
    assert domain["nameservers"] == [world.secondary.endpoint]
    assert domain["nameserver_source"] == "verify.nameservers"
    assert {s["nameserver"] for r in domain["records"] for s in r["servers"]} == {world.secondary.endpoint}


def test_a_bad_nameserver_option_is_a_usage_error(capsys, tmp_path, aws_env):
    write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
    code, out, err = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), "--nameserver", "127.0.0.1:99999")
    assert code == 2 and out == ""
    assert "argument --nameserver/-n: bad port in nameserver '127.0.0.1:99999'" in err


def test_ses_failed_is_a_problem_even_when_dns_is_right(capsys, tmp_path, world, aws_env, ses):
    ses.script(HEALTHY, SesState(dkim="FAILED", mail_from="SUCCESS"), mail_from_domain=f"bounce.{HEALTHY}")
    code, out, _ = check(capsys, tmp_path, world, (HEALTHY,), "--json")
    assert code == 1
    domain = by_name(json.loads(out))[HEALTHY]
    assert domain["verdict"] == "problems"
    assert "FAILED is final" in domain["ses_failure"]


def test_a_healthy_domain_behind_nameservers_800ms_away_is_confirmed(capsys, tmp_path, world, aws_env, verified_ses):
    """Records and the SPF/DMARC judgment both wait for far servers (the judgment used a fixed
    0.5 s per try and wrote them off: exit 2, "stopped answering during this check")."""
    forwarders = [DelayingForwarder((server.address, server.port), address, 0.8)
                  for server, address in ((world.primary, "127.0.0.53"), (world.secondary, "127.0.0.54"))]
    try:
        write_stack(tmp_path, "dev", stack_config((HEALTHY,)))
        code, out, err = run(capsys, "check", "--stack", "dev", "-C", str(tmp_path), "--json",
                             *[option for f in forwarders for option in ("--nameserver", f.endpoint)])
    finally:
        for forwarder in forwarders:
            forwarder.close()
    assert code == 0, out + err
    domain = by_name(json.loads(out))[HEALTHY]
    assert domain["verdict"] == "ok"
    assert [r["status"] for r in domain["records"]] == ["ok"] * 6
    assert {s["nameserver"] for r in domain["records"] for s in r["servers"]} == {f.endpoint for f in forwarders}
    auth = domain["email_auth"]
    assert auth["status"] == "ok" and auth["error"] == ""
    assert [(s["name"], s["status"]) for s in auth["spf"]] == [(f"bounce.{HEALTHY}", "ok")]
    assert auth["dmarc"]["status"] == "ok" and auth["mail_from_mx"]["status"] == "ok"
