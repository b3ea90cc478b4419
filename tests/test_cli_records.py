"""``ses-domains records`` and the command's basics: help, config errors, the stack file."""

from __future__ import annotations

import json

import dns.zone
import pytest

from tests.cli_fixtures import aws_env, moto_server, route53_url, ses, ses_stand_in, write_stack  # noqa: F401
from tests.cli_fixtures import run_command as run
from tests.fake_ses import SesState, tokens_for

CONFIG = {
    "aws:region": "eu-west-1",
    "ses-domains:domains": [
        {"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "quarantine", "rua": ["dmarc@example.com"]}},
        {"domain": "news.example.org", "zone": "example.org", "ttl": 300},
    ],
}


@pytest.fixture
def project(tmp_path, aws_env):
    write_stack(tmp_path, "dev", CONFIG)
    return tmp_path


@pytest.mark.parametrize("command", ["check", "records", "wait", "send-test", "iam-policy", "status"])
def test_every_subcommand_has_help(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert f"usage: ses-domains {command}" in out
    assert "--stack NAME" in out and "--cwd DIR" in out


def test_help_lists_the_subcommands_and_exit_codes(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("check", "records", "wait", "send-test", "iam-policy", "status"):
        assert command in out
    assert "exit codes" in out


def test_records_table_with_tokens_from_ses(capsys, project, ses):
    ses.script("example.com", SesState(dkim="SUCCESS", mail_from="SUCCESS"))
    ses.script("news.example.org", SesState(dkim="PENDING"))
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(project))
    assert code == 0, err
    token = tokens_for("example.com")[0]
    assert f"{token}._domainkey.example.com  CNAME  1800  {token}.dkim.amazonses.com" in out
    assert "bounce.example.com" in out and "10 feedback-smtp.eu-west-1.amazonses.com" in out
    assert "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com" in " ".join(out.split())  # wrapped
    assert "news.example.org  (zone example.org)" in out
    assert "example.com  (the closest enclosing public hosted zone)" in out
    assert "from-ses" not in out
    assert "\x1b[" not in out  # not a terminal: no colours
    assert sorted(ses.requests) == ["example.com", "news.example.org"]


def test_records_of_a_byodkim_domain_need_no_tokens_from_ses(capsys, tmp_path, aws_env, ses):
    from tests.cli_dns import BYODKIM, domain_entry

    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1", "ses-domains:domains": [domain_entry(BYODKIM)]})
    ses.script(BYODKIM, SesState(dkim="SUCCESS", origin="EXTERNAL"))
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path), "--format", "json")
    assert code == 0, err
    [domain] = json.loads(out)["domains"]
    assert domain["dkim_tokens_from_ses"] and not any(r["placeholder"] for r in domain["records"])
    assert (domain["records"][0]["name"], domain["records"][0]["type"]) == (f"s2026a._domainkey.{BYODKIM}", "TXT")
    assert "no DKIM tokens" not in out + err


def test_records_json_with_tokens_from_ses(capsys, project, ses):
    ses.script("example.com", SesState())
    ses.script("news.example.org", SesState())
    code, out, _ = run(capsys, "records", "--stack", "dev", "-C", str(project), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["stack"] == "dev" and document["region"] == "eu-west-1"
    first = document["domains"][0]
    assert first["domain"] == "example.com" and first["dkim_tokens_from_ses"]
    assert first["zone"] is None  # none given: the program takes the closest enclosing public hosted zone
    assert document["domains"][1]["zone"] == "example.org"
    names = [(r["name"], r["type"]) for r in first["records"]]
    assert names == [(f"{t}._domainkey.example.com", "CNAME") for t in tokens_for("example.com")] + [
        ("bounce.example.com", "MX"), ("bounce.example.com", "TXT"), ("_dmarc.example.com", "TXT")]
    assert not any(r["placeholder"] for r in first["records"])
    assert document["domains"][1]["records"][0]["ttl"] == 300


def test_records_zone_fragment_parses_as_a_zone(capsys, project, ses):
    ses.script("example.com", SesState())
    ses.script("news.example.org", SesState())
    code, out, _ = run(capsys, "records", "--stack", "dev", "-C", str(project), "-f", "zone")
    assert code == 0
    zone = dns.zone.from_text(out, origin=".", relativize=False, check_origin=False)
    token = tokens_for("news.example.org")[2]
    cname = zone.find_rdataset(f"{token}._domainkey.news.example.org.", "CNAME")
    assert cname.ttl == 300 and str(cname[0].target) == f"{token}.dkim.amazonses.com."
    mx = zone.find_rdataset("bounce.example.com.", "MX")
    assert (mx[0].preference, str(mx[0].exchange)) == (10, "feedback-smtp.eu-west-1.amazonses.com.")
    txt = zone.find_rdataset("_dmarc.example.com.", "TXT")
    assert b"".join(txt[0].strings) == b"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"


def test_records_without_credentials_show_placeholders_and_say_why(capsys, project, ses, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(project), "-f", "zone")
    assert code == 0
    assert ses.requests == []
    assert "note: DKIM tokens of example.com, news.example.org shown as dkim-token-N-from-ses" in err
    assert "no AWS credentials found" in err
    assert "; example.com: in the closest enclosing public hosted zone\n" in out  # not the domain itself
    assert "; news.example.org: in zone example.org\n" in out
    assert "; dkim-token-1-from-ses._domainkey.example.com. 1800 IN CNAME dkim-token-1-from-ses.dkim.amazonses.com." in out
    zone = dns.zone.from_text(out, origin=".", relativize=False, check_origin=False)
    assert {str(name) for name in zone.nodes} == {"bounce.example.com.", "_dmarc.example.com."}


def test_records_before_the_identity_exists_name_the_region(capsys, project, ses):
    ses.script("example.com", SesState())
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(project))
    assert code == 0
    assert "dkim-token-1…ses._domainkey.news.example.org  CNAME" in out  # shortened to fit 100 columns
    assert "from-ses" not in out.split("news.example.org  (zone")[0]
    assert "DKIM tokens of news.example.org shown as dkim-token-N-from-ses" in err
    assert "SES has no identity news.example.org in region eu-west-1" in err


def test_records_json_marks_placeholders(capsys, project, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:9")  # nothing listens: SES unreachable
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(project), "-f", "json")
    assert code == 0
    domain = json.loads(out)["domains"][0]
    assert not domain["dkim_tokens_from_ses"] and "Cannot reach SES" in domain["placeholder_reason"]
    assert [r["placeholder"] for r in domain["records"]] == [True, True, True, False, False, False]
    assert "Cannot reach SES" in err


def test_a_config_error_exits_2_naming_the_key(capsys, tmp_path, aws_env):
    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1",
                                  "ses-domains:domains": [{"domain": "example.com", "mailfrom": "bounce"}]})
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2 and out == ""
    assert "Pulumi.dev.yaml: the stack config has a problem:" in err
    assert "ses-domains:domains[0].mailfrom: unknown key; did you mean 'mailFrom'?" in err
    assert "Traceback" not in err


def test_an_unknown_stack_lists_the_stacks_there(capsys, project):
    code, _, err = run(capsys, "records", "--stack", "prod", "-C", str(project))
    assert code == 2
    assert "no stack file Pulumi.prod.yaml" in err and "stacks here: dev" in err


def test_secure_values_the_config_does_not_read_are_left_alone(capsys, tmp_path, aws_env, ses):
    config = dict(CONFIG, **{"aws:accessKey": {"secure": "v1:AAAA"}, "datadog:apiKey": {"secure": "v1:BBBB"}})
    config["ses-domains:domains"] = CONFIG["ses-domains:domains"][:1]
    write_stack(tmp_path, "dev", config)
    ses.script("example.com", SesState())
    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 0, err
    assert f"{tokens_for('example.com')[0]}._domainkey.example.com" in out
    assert "encrypted" not in err and "secure" not in err


def test_a_secure_value_the_config_needs_is_named(capsys, tmp_path, aws_env):
    write_stack(tmp_path, "dev", dict(CONFIG, **{"aws:profile": {"secure": "v1:AAAA"}}))
    code, _, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2
    assert "aws:profile: must be the name of a profile in ~/.aws/config, got an encrypted (secure:) value" in err
    assert "aws:profile is encrypted in Pulumi.dev.yaml (secure:)" in err


def test_invalid_yaml_is_a_message_not_a_traceback(capsys, tmp_path, aws_env):
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: [eu-west-1\n")
    code, _, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2 and "Pulumi.dev.yaml is not valid YAML" in err and "line 2" in err




def test_records_list_the_receiving_mx(capsys, tmp_path, aws_env, ses):
    write_stack(tmp_path, "dev", {"aws:region": "eu-west-1", "ses-domains:domains": [
        {"domain": "example.com", "receive": {"bucket": "example-mail", "recipients": ["example.com"]}}]})
    ses.script("example.com", SesState(dkim="SUCCESS"))

    code, out, err = run(capsys, "records", "--stack", "dev", "-C", str(tmp_path), "--format", "zone")

    assert code == 0, err
    zone = dns.zone.from_text(out, origin="example.com.", check_origin=False)
    assert [str(mx) for mx in zone.find_rdataset("@", "MX")] == ["10 inbound-smtp.eu-west-1.amazonaws.com."]
