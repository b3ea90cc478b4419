"""``ses-domains status`` against loopback stand-ins: the SESv2 stand-in (GetAccount and
GetEmailIdentity over HTTP, answers validated against the SESv2 model) and moto's CloudWatch with
reputation readings put in by each test, reached through ``AWS_ENDPOINT_URL_*``."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from ses_domains.cli.colours import Palette
from ses_domains.cli.console import Console
from ses_domains.cli.main import main
from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.cli.status_report import IdentityCheck, IdentityKind, StatusIdentity
from ses_domains.engine.ses.status import parse_identity
from tests.cli_aws import AWS_VARIABLES_TO_CLEAR, aws_environment
from tests.cli_fixtures import moto_server, write_stack  # noqa: F401
from tests.cli_status_aws import PRODUCTION, SANDBOX, AccountSesStandIn, next_hour, put_rates, reset_moto
from tests.cli_terminal import command_env, run_on_terminal, run_piped
from tests.fake_ses import SesState
from tests.ses_http_standin import SesStandin, silent, trickle
from tests.wall_clock import assert_no_hang

REGION = "eu-west-1"
BOUNCE = "Reputation.BounceRate"
COMPLAINT = "Reputation.ComplaintRate"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class World:
    ses: AccountSesStandIn
    cloudwatch: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def status_ses():
    server = AccountSesStandIn()
    yield server
    server.close()


@pytest.fixture
def aws(monkeypatch, status_ses, moto_server):
    status_ses.reset()
    reset_moto(moto_server)
    for name in AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    env = {**aws_environment(status_ses.url, moto_server), "AWS_ENDPOINT_URL_CLOUDWATCH": moto_server}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return World(status_ses, moto_server, env)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def stack(tmp_path, *domains: str, mail_from: bool = True, replicas: tuple[str, ...] = ()) -> None:
    entries = []
    for domain in domains:
        entry: dict = {"domain": domain}
        if mail_from:
            entry["mailFrom"] = "bounce"
        if replicas and domain == domains[0]:
            entry["replicaRegions"] = list(replicas)
        entries.append(entry)
    write_stack(tmp_path, "prod", {"aws:region": REGION, "ses-domains:domains": entries})


def status(tmp_path, *extra: str, terminal: bool = False, colours: bool = False) -> tuple[int, str, str]:
    out, err = (Terminal() if terminal else io.StringIO()), io.StringIO()
    console = Console(out, err, Palette(colours), Palette(False))
    code = main(["status", "--stack", "prod", "-C", str(tmp_path), *extra], console)
    return code, out.getvalue(), err.getvalue()


def verified(ses, domain: str) -> None:
    ses.script(domain, SesState(dkim="SUCCESS", mail_from="SUCCESS"), mail_from_domain=f"bounce.{domain}")


def every_4_hours(end: datetime, values: list[float]) -> list[tuple[datetime, float]]:
    """``values`` oldest first, one in the middle of each of the window's last 4-hour periods (the
    middle keeps each in its period if the hour turns while the test runs)."""
    count = len(values)
    return [(end - timedelta(hours=4 * (count - index) - 2), value) for index, value in enumerate(values)]


def test_a_healthy_production_account(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.01, 0.012, 0.011]))
    put_rates(aws.cloudwatch, REGION, COMPLAINT, every_4_hours(next_hour(), [0.0002, 0.0003]))
    stack(tmp_path, "example.com")

    code, out, err = status(tmp_path)

    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[2] == "Account in eu-west-1: production access, sending enabled, enforcement HEALTHY"
    assert lines[3] == "  quota: 1,234 of 50,000 sent in the last 24 hours (2.5 %); at most 14 a second"
    assert next(line for line in lines if line.startswith("  example.com")).split() == [
        "example.com", "domain", "verified", "SUCCESS", "SUCCESS", "bounce.example.com", "default"]
    assert next(line for line in lines if "bounce rate" in line).split() == [
        "bounce", "rate", "1.10", "%", "1.20", "%", "5.00", "%", "ok"]
    assert next(line for line in lines if "complaint rate" in line).split() == [
        "complaint", "rate", "0.03", "%", "0.03", "%", "0.10", "%", "ok"]
    assert lines[-1] == "healthy"


def test_a_sandbox_account_is_shown_and_is_not_a_problem(tmp_path, aws):
    aws.ses.set_account({**SANDBOX, "Details": {"MailType": "MARKETING", "WebsiteURL": "https://example.com",
                                                "ReviewDetails": {"Status": "PENDING", "CaseId": "7"}}})
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path)

    assert code == 0
    assert ("Account in eu-west-1: sandbox (mail only to verified identities), production access request "
            "PENDING, sending enabled, enforcement HEALTHY") in " ".join(out.split())  # wrapped at 100 columns
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "  quota: 3 of 200 sent in the last 24 hours (1.5 %); at most 1 a second" in out


def test_a_pending_identity_exits_1_and_says_which(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    aws.ses.script("news.example.com", SesState(dkim="PENDING"))
    stack(tmp_path, "example.com", "news.example.com", mail_from=False)

    code, out, _ = status(tmp_path)

    assert code == 1
    assert next(line for line in out.splitlines() if line.startswith("  news.example.com")).split() == [
        "news.example.com", "domain", "pending", "PENDING", "-", "default"]
    assert out.splitlines()[-1] == "problems: news.example.com is pending"


def test_a_mail_from_the_stack_declares_must_be_verified_too(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    aws.ses.script("example.com", SesState(dkim="SUCCESS", mail_from="PENDING"), mail_from_domain="bounce.example.com")
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path)

    assert code == 1
    assert "PENDING bounce.example.com" in out and "problems: example.com is pending" in out


def test_an_identity_ses_does_not_have_is_not_created(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, "--json")

    assert code == 1
    identity = json.loads(out)["identities"][0]
    assert identity["status"] == "not created" and "SES has no identity example.com" in identity["problem"]


def test_each_replica_is_an_identity_of_its_own(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com", replicas=("us-east-1",))

    code, out, _ = status(tmp_path, "--json")

    assert code == 0
    assert [(i["identity"], i["region"], i["status"]) for i in json.loads(out)["identities"]] == [
        ("example.com", "eu-west-1", "verified"), ("example.com", "us-east-1", "verified")]
    assert aws.ses.requests.count("example.com") == 2


def test_a_bounce_rate_past_its_level_exits_1(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.02, 0.04, 0.061]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path)

    assert code == 1
    assert next(line for line in out.splitlines() if "bounce rate" in line).split()[-2:] == ["past", "level"]
    assert out.splitlines()[-1] == "problems: the bounce rate is at or past its level"


def test_a_complaint_rate_at_its_level_exits_1(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, COMPLAINT, every_4_hours(next_hour(), [0.0004, 0.001]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, "--json")

    assert code == 1
    complaint = json.loads(out)["reputation"]["complaint_rate"]
    assert (complaint["status"], complaint["latest"], complaint["level"]) == ("past level", 0.001, 0.001)


def test_a_past_excursion_is_charted_but_the_latest_reading_decides(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.01, 0.07, 0.055, 0.02]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, "--json")

    assert code == 0
    bounce = json.loads(out)["reputation"]["bounce_rate"]
    assert (bounce["status"], bounce["peak"], bounce["periods_past_level"]) == ("ok", 0.07, 2)


def test_no_reputation_data_is_healthy_and_shown_as_no_data(tmp_path, aws):
    aws.ses.set_account(SANDBOX)
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, terminal=True)

    assert code == 0
    lines = out.splitlines()
    assert next(line for line in lines if "bounce rate" in line) == (
        "  bounce rate     " + "·" * 42 + "  -       -     5.00 %  no data")
    assert lines[-1] == "healthy"


def test_the_chart_on_a_terminal(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    end = next_hour()
    bounce = [0.008, 0.009, 0.011, 0.016, 0.024, 0.031, 0.043, 0.052, 0.038, 0.021, 0.012] + [0.01] * 19
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(end, bounce))
    put_rates(aws.cloudwatch, REGION, COMPLAINT, every_4_hours(end, [0.0001, 0.0002, 0.0005, 0.0008, 0.0003, 0.0001]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, terminal=True)

    assert code == 0
    lines = out.splitlines()
    start = lines.index("Reputation over the last 7 days (highest reading per 4 hours)")
    assert lines[start + 1:start + 5] == [
        "  RATE            OLDEST → NEWEST                             LATEST  PEAK    LEVEL   STATUS",
        "  bounce rate     " + "·" * 12 + "▂▂▂▃▄▅▇█▆▃▂" + "▂" * 19 + "  1.00 %  5.20 %  5.00 %  ok",
        "  complaint rate  " + "·" * 36 + "▁▂▄▆▃▁" + "  0.01 %  0.08 %  0.10 %  ok",
        "                  ▁▂▃▄▅▆▇ below the level, █ at or past it, · no data",
    ]


def test_colours_mark_the_periods_past_the_level(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.01, 0.06, 0.07]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, terminal=True, colours=True)

    assert code == 1
    chart = next(line for line in out.splitlines() if "bounce rate" in line)
    assert "▂\x1b[31m██\x1b[0m" in chart and chart.endswith("\x1b[31mpast level\x1b[0m")


def test_the_command_on_a_pseudo_terminal_and_piped(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.01, 0.02, 0.03]))
    stack(tmp_path, "example.com")
    env = command_env(aws.env)
    argv = ["status", "--stack", "prod", "-C", str(tmp_path)]

    code, screen, err = run_on_terminal(argv, env, tmp_path)
    assert code == 0, err
    chart = next(line for line in screen.splitlines() if "bounce rate" in line)
    assert ANSI.sub("", chart).rstrip("\r") == (
        "  bounce rate     " + "·" * 39 + "▂▃▅" + "  3.00 %  3.00 %  5.00 %  ok")
    assert "\x1b[32mverified\x1b[0m" in screen

    piped = run_piped(argv, env, tmp_path)
    assert piped.returncode == 0 and "\x1b[" not in piped.stdout and "·" not in piped.stdout
    row = next(line for line in piped.stdout.splitlines() if "bounce rate" in line)
    assert row == "  bounce rate     3.00 %  3.00 %  5.00 %  ok"


def test_the_json_shape(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    end = next_hour()
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(end, [0.01, 0.02]))
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, "--json", "--days", "2")

    assert code == 0
    document = json.loads(out)
    assert set(document) == {"stack", "region", "verdict", "problems", "could_not_check", "account",
                             "account_problem", "identities", "reputation"}
    assert (document["stack"], document["region"], document["verdict"]) == ("prod", REGION, "ok")
    assert document["account"] == {
        "region": REGION, "production_access": True, "in_sandbox": False, "sending_enabled": True,
        "enforcement_status": "HEALTHY", "review_status": "GRANTED",
        "quota": {"max_24_hour_send": 50000.0, "sent_last_24_hours": 1234.0, "max_send_rate": 14.0},
    }
    assert document["identities"] == [{
        "identity": "example.com", "kind": "domain", "region": REGION, "status": "verified",
        "verified_for_sending": True, "dkim_status": "SUCCESS", "mail_from_domain": "bounce.example.com",
        "mail_from_status": "SUCCESS", "configuration_set": "default", "problem": None,
    }]
    reputation = document["reputation"]
    assert reputation["period_seconds"] == 3600 and reputation["statistic"] == "Maximum"
    assert datetime.fromisoformat(reputation["end"]) - datetime.fromisoformat(reputation["start"]) == timedelta(days=2)
    bounce = reputation["bounce_rate"]
    assert (bounce["metric"], bounce["level"], bounce["status"], bounce["latest"], bounce["peak"]) == (
        BOUNCE, 0.05, "ok", 0.02, 0.02)
    assert [p["value"] for p in bounce["points"]] == [0.01, 0.02]
    times = [datetime.fromisoformat(p["time"]) for p in bounce["points"]]
    assert times[1] - times[0] == timedelta(hours=4)
    assert reputation["complaint_rate"]["status"] == "no data" and reputation["complaint_rate"]["points"] == []


def test_sending_disabled_is_a_problem(tmp_path, aws):
    aws.ses.set_account({**PRODUCTION, "SendingEnabled": False, "EnforcementStatus": "SHUTDOWN"})
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path, "--json")

    assert code == 1
    assert json.loads(out)["problems"] == ["sending is disabled for the account in eu-west-1",
                                           "the account's enforcement status in eu-west-1 is SHUTDOWN"]


def test_an_account_ses_will_not_show_is_could_not_check(tmp_path, aws):
    verified(aws.ses, "example.com")  # no account scripted: GetAccount is denied
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path)

    assert code == 2
    assert "Account in eu-west-1: could not check: SES GetAccount in eu-west-1 failed: AccessDeniedException" in out
    assert "ses:GetAccount" in out.splitlines()[-1]


def test_a_problem_found_wins_over_what_could_not_be_checked(tmp_path, aws):
    aws.ses.script("example.com", SesState(dkim="FAILED"))
    stack(tmp_path, "example.com", mail_from=False)

    code, out, _ = status(tmp_path, "--json")

    assert code == 1
    document = json.loads(out)
    assert document["verdict"] == "problems" and document["problems"] == ["example.com is failed"]
    assert document["account"] is None and "AccessDeniedException" in document["account_problem"]


def test_cloudwatch_refusing_is_could_not_check(tmp_path, aws, monkeypatch):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:9")
    stack(tmp_path, "example.com")

    code, out, _ = status(tmp_path)

    assert code == 2
    lines = out.splitlines()
    reputation = lines.index("Reputation over the last 7 days (highest reading per 4 hours)")
    assert lines[reputation + 1].startswith("  could not check: CloudWatch GetMetricData in eu-west-1 got no usable answer")
    closing = " ".join(out.split("\n\n")[-1].split())  # the last paragraph, wrapped at 100 columns
    assert closing.startswith("could not check everything: reputation: CloudWatch GetMetricData")
    assert max(len(line) for line in lines) <= 100


@pytest.mark.parametrize("service, behaviour", [("SESV2", silent), ("CLOUDWATCH", trickle(0.2))],
                         ids=["SES silent", "CloudWatch trickling bytes"])
def test_an_endpoint_that_will_not_answer_costs_the_timeout_and_no_more(tmp_path, aws, monkeypatch, service,
                                                                         behaviour):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    standin = SesStandin(behaviour)
    try:
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", standin.url)
        stack(tmp_path, "example.com")
        started = time.monotonic()
        # long enough for the endpoints that do answer (moto's CloudWatch, the SES stand-in) on a busy machine
        code, out, _ = status(tmp_path, "--json", "--timeout", "4")
        elapsed = time.monotonic() - started
    finally:
        standin.close()

    assert code == 2
    assert_no_hang(elapsed, 4.0)  # --timeout 4
    document = json.loads(out)
    if service == "SESV2":
        assert document["account_problem"] == "no answer within 4s"
        assert document["identities"][0]["status"] == "could not check"
        problem = document["identities"][0]["problem"]  # the command's deadline, or the read's own (same length)
        assert problem == "no answer within 4s" or "did not answer GetEmailIdentity(example.com)" in problem
        assert document["reputation"]["problem"] is None  # CloudWatch still answered
    else:
        assert document["reputation"]["problem"] == "no answer within 4s"
        assert document["account"]["production_access"] and document["identities"][0]["status"] == "verified"


def test_no_credentials_exits_2_at_once(tmp_path, aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    stack(tmp_path, "example.com")

    code, out, err = status(tmp_path)

    assert code == 2 and out == ""
    assert "no AWS credentials found" in err


@pytest.mark.parametrize("days", ["0", "91", "week"])
def test_days_outside_1_to_90_are_a_usage_error(tmp_path, capsys, days):
    stack(tmp_path, "example.com")
    assert main(["status", "--stack", "prod", "-C", str(tmp_path), "--days", days]) == 2
    assert "number of days from 1 to 90" in capsys.readouterr().err


@pytest.mark.parametrize("answer, health", [
    ({"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": True, "VerificationStatus": "SUCCESS"}, "verified"),
    ({"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": False, "VerificationStatus": "PENDING"}, "pending"),
    ({"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": False, "VerificationStatus": "FAILED"}, "failed"),
])
def test_an_address_identity_is_judged_by_verified_for_sending_alone(answer, health):
    # An address has no DKIM of its own (it signs with its domain's, if any): DKIM is not asked of it.
    status = parse_identity("noreply@example.com", answer)
    check = IdentityCheck(StatusIdentity("noreply@example.com", IdentityKind.EMAIL_ADDRESS),
                          IdentityReading("noreply@example.com", status))
    assert check.health.value == health


def test_the_stack_s_addresses_are_identities_and_its_alarm_levels_are_the_levels(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    put_rates(aws.cloudwatch, REGION, BOUNCE, every_4_hours(next_hour(), [0.01, 0.035]))
    write_stack(tmp_path, "prod", {
        "aws:region": REGION,
        "ses-domains:domains": [{"domain": "example.com", "mailFrom": "bounce"}],
        "ses-domains:emailIdentities": ["ops@example.org"],
        "ses-domains:reputationAlarms": {"snsTopicArn": f"arn:aws:sns:{REGION}:123456789012:alarms", "bounceRate": 0.03},
    })

    code, out, err = status(tmp_path, "--json")

    assert code == 1, out + err
    report = json.loads(out)
    assert [(i["identity"], i["kind"], i["status"]) for i in report["identities"]] == [
        ("example.com", "domain", "verified"), ("ops@example.org", "email address", "not created")]
    bounce = report["reputation"]["bounce_rate"]
    assert (bounce["level"], bounce["status"]) == (0.03, "past level")
    assert report["reputation"]["complaint_rate"]["level"] == 0.001


def test_ses_throttling_is_retried_within_the_deadline(tmp_path, aws):
    """The account read and the identity read are each throttled (twice), then answered."""
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com")
    aws.ses.throttle_next = 4

    code, out, err = status(tmp_path, "--json", "--timeout", "30")

    assert code == 0, out + err
    assert aws.ses.throttled == 4
    document = json.loads(out)
    assert document["account_problem"] is None and document["account"]["production_access"]
    assert document["identities"][0]["status"] == "verified"
    assert sorted(aws.ses.requests) == ["GetAccount", "example.com"]  # each answered once


def test_ses_throttling_every_read_ends_at_the_deadline_with_a_plain_message(tmp_path, aws):
    aws.ses.set_account(PRODUCTION)
    verified(aws.ses, "example.com")
    stack(tmp_path, "example.com")
    aws.ses.throttle_next = 10**9

    code, out, err = status(tmp_path, "--json", "--timeout", "4")

    assert code == 2, out + err
    assert aws.ses.throttled >= 4 and aws.ses.requests == []  # each read asked again, none answered
    document = json.loads(out)
    assert document["account_problem"].startswith("SES kept throttling GetAccount in eu-west-1 (")
    assert document["identities"][0]["problem"].startswith("SES kept throttling GetEmailIdentity(example.com) (")
    assert "until the time allowed ran out" in document["account_problem"]
