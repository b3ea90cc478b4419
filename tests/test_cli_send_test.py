"""``ses-domains send-test`` against a stand-in SESv2 endpoint that validates every request with
botocore's model (tests/sesv2_standin.py): what SES receives, the sandbox check before SendEmail,
SES's refusals as readable errors, and bounded time when SES is silent."""

from __future__ import annotations

import email
import email.policy
import json
import time

import pytest

from ses_domains.cli.main import main
from ses_domains.engine.ses.sandbox import covering_identities
from tests.cli_aws import AWS_VARIABLES_TO_CLEAR, aws_environment
from tests.cli_fixtures import run_command, write_stack
from tests.ses_http_standin import SesStandin, silent
from tests.sesv2_standin import Refusal, Sesv2StandIn
from tests.wall_clock import assert_no_hang

CONFIG = {"aws:region": "eu-west-1", "ses-domains:domains": [{"domain": "example.com", "mailFrom": "bounce"}]}
SENDER = "hello@example.com"

RAW = (
    b"From: Hello <hello@example.com>\r\n"
    b"To: you@example.org\r\n"
    b"Subject: =?utf-8?q?raw_test_=E2=9C=93?=\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
    b"\r\n"
    b"--b1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"plain body \xe2\x9c\x93\r\n"
    b"--b1\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<p>html body</p>\r\n"
    b"--b1--\r\n"
)


@pytest.fixture
def ses(monkeypatch):
    """The stand-in, with example.com verified; every request it got must have been valid."""
    stand_in = Sesv2StandIn()
    stand_in.state.identities["example.com"] = True
    for name in AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_environment(stand_in.url).items():
        monkeypatch.setenv(name, value)
    yield stand_in
    stand_in.close()
    assert stand_in.invalid == [], "requests SES would refuse as malformed"


@pytest.fixture
def project(tmp_path):
    write_stack(tmp_path, "dev", CONFIG)
    return tmp_path


def send(capsys, project, *argv):
    return run_command(capsys, "send-test", "--stack", "dev", "-C", str(project), *argv)


def test_a_production_account_sends_the_default_message_to_anyone_without_reading_identities(capsys, project, ses):
    ses.state.production_access = True

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "anyone@elsewhere.test")

    assert code == 0, err
    assert ses.operations() == ["GetAccount", "SendEmail"]
    (request,) = ses.sent()
    assert request["FromEmailAddress"] == SENDER
    assert request["Destination"] == {"ToAddresses": ["anyone@elsewhere.test"]}
    assert "ConfigurationSetName" not in request
    simple = request["Content"]["Simple"]
    assert simple["Subject"]["Data"].startswith("ses-domains test from stack dev (eu-west-1) at ")
    text = simple["Body"]["Text"]["Data"]
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in text.splitlines() if ":" in line}
    assert lines["stack"] == "dev" and lines["region"] == "eu-west-1" and lines["from"] == SENDER
    assert lines["configuration set"].startswith("none given")
    assert "<th align=\"left\">stack</th><td>dev</td>" in simple["Body"]["Html"]["Data"]
    assert out == "0102019a-standin-0001-000000\n"
    assert "through SES in eu-west-1: message id 0102019a-standin-0001-000000" in err


def test_the_configuration_set_reaches_the_request_and_the_message(capsys, project, ses):
    ses.state.production_access = True
    ses.state.configuration_sets.add("tracking")

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "a@elsewhere.test", "--to", "b@elsewhere.test",
                        "--configuration-set", "tracking", "--subject", "Hello <there>")

    assert code == 0, err
    (request,) = ses.sent()
    assert request["ConfigurationSetName"] == "tracking"
    assert request["Destination"]["ToAddresses"] == ["a@elsewhere.test", "b@elsewhere.test"]
    simple = request["Content"]["Simple"]
    assert simple["Subject"]["Data"] == "Hello <there>"
    assert "\nconfiguration set: tracking\n" in simple["Body"]["Text"]["Data"]
    assert "configuration set tracking" in err


def test_raw_mime_reaches_ses_byte_for_byte_and_parses_back(capsys, project, ses, tmp_path):
    ses.state.production_access = True
    path = tmp_path / "message.eml"
    path.write_bytes(RAW)

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--raw", str(path))

    assert code == 0, err
    (request,) = ses.sent()
    assert set(request["Content"]) == {"Raw"}
    data = request["Content"]["Raw"]["Data"]
    assert data == RAW
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["From"].addresses[0].addr_spec == SENDER
    assert str(parsed["Subject"]) == "raw test \u2713"
    parts = [part for part in parsed.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content() == "plain body \u2713"
    assert parts[1].get_content().strip() == "<p>html body</p>"
    assert request["Destination"] == {"ToAddresses": ["you@example.org"]}
    assert f"raw MIME ({len(RAW)} bytes)" in err and out.strip()


def test_raw_recipients_the_headers_do_not_name_are_noted(capsys, project, ses, tmp_path):
    ses.state.production_access = True
    path = tmp_path / "message.eml"
    path.write_bytes(RAW)

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "other@example.org", "--raw", str(path))

    assert code == 0, err
    assert "you@example.org is in the message's To/Cc but not in --to" in err
    assert "other@example.org is not in the message's To/Cc: it gets the message as a blind copy" in err


@pytest.mark.parametrize("as_file", [False, True])
def test_a_template_with_its_data(capsys, project, ses, tmp_path, as_file):
    ses.state.production_access = True
    ses.state.templates.add("welcome")
    data = {"name": "Ann", "order": {"id": 42, "items": ["tea"]}}
    if as_file:
        (tmp_path / "data.json").write_text(json.dumps(data))
        argument = f"@{tmp_path / 'data.json'}"
    else:
        argument = json.dumps(data)

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org",
                        "--template", "welcome", "--data", argument)

    assert code == 0, err
    (request,) = ses.sent()
    template = request["Content"]["Template"]
    assert template["TemplateName"] == "welcome"
    assert json.loads(template["TemplateData"]) == data
    assert "template welcome" in err


def test_the_sandbox_refuses_an_unknown_recipient_before_send_email_and_says_what_to_do(capsys, project, ses):
    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@mail.gmail.test")

    assert code == 2 and out == ""
    assert "SendEmail" not in ses.operations()
    asked = sorted(r.params["EmailIdentity"] for r in ses.requests if r.operation == "GetEmailIdentity")
    assert asked == ["gmail.test", "mail.gmail.test", "you@mail.gmail.test"]
    assert "the SES account is in the sandbox in eu-west-1" in err
    assert ("you@mail.gmail.test: no identity in eu-west-1 covers it (neither the address nor mail.gmail.test or "
            "gmail.test is an SES identity there)") in err
    assert "add it to the ses-domains:emailIdentities list in Pulumi.dev.yaml" in err
    assert "aws sesv2 create-email-identity --email-identity you@mail.gmail.test --region eu-west-1" in err
    assert "request production access" in err and "aws sesv2 put-account-details --production-access-enabled" in err
    assert "success@simulator.amazonses.com" in err


@pytest.mark.parametrize("status, says", [
    ("PENDING", "you@gmail.test: the identity you@gmail.test is not verified yet (PENDING): its owner must click"),
    ("FAILED", "you@gmail.test: the identity you@gmail.test failed verification (FAILED: its link was not clicked "
               "within 24 hours): delete the identity and create it again"),
])
def test_an_address_identity_not_clicked_is_refused_naming_the_click(capsys, project, ses, status, says):
    ses.state.identities["you@gmail.test"] = status
    ses.state.identities["gmail.test"] = "PENDING"

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "ok@example.com", "--to", "you@gmail.test")

    assert code == 2
    assert "SendEmail" not in ses.operations()
    assert "1 recipient is not covered" in err
    assert says in err
    assert "the domain identity gmail.test is not verified yet (PENDING, DKIM PENDING)" in err
    assert "ok@example.com:" not in err


def test_the_sandbox_sends_to_verified_addresses_domains_subdomains_and_the_simulator(capsys, project, ses):
    ses.state.identities["you@gmail.test"] = True
    recipients = ["you@gmail.test", "ops@example.com", "Ann <ann@mail.example.com>", "success@simulator.amazonses.com"]

    code, _, err = send(capsys, project, "--from", SENDER, *[a for r in recipients for a in ("--to", r)])

    assert code == 0, err
    (request,) = ses.sent()
    assert request["Destination"]["ToAddresses"] == recipients
    assert "in the sandbox in eu-west-1 (3 of 200 messages sent in the last 24 hours)" in err


def test_an_unverified_from_address_is_ses_s_refusal_made_readable(capsys, project, ses):
    ses.state.production_access = True

    code, out, err = send(capsys, project, "--from", "hello@unverified.test", "--to", "you@example.org")

    assert code == 2 and out == ""
    assert ses.operations() == ["GetAccount", "SendEmail"]
    assert "not sent: SES refused the message: an address is not in a verified identity in eu-west-1" in err
    assert "The From address hello@unverified.test must be covered by a verified identity" in err
    assert "SES said: MessageRejected: Email address is not verified" in err


def test_an_unknown_template_is_named_with_where_to_declare_it(capsys, project, ses):
    ses.state.production_access = True

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org",
                        "--template", "missing", "--data", "{}")

    assert code == 2
    assert "SES has no template missing in eu-west-1: declare it in ses-domains:templates" in err
    assert "NotFoundException" in err


def test_an_unknown_configuration_set_is_named(capsys, project, ses):
    ses.state.production_access = True

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--configuration-set", "nope")

    assert code == 2
    assert "SES has no configuration set nope in eu-west-1: declare it in ses-domains:configurationSets" in err


@pytest.mark.parametrize("code_name, status, says", [
    ("AccountSuspendedException", 400, "only AWS Support can lift it"),
    ("SendingPausedException", 400, "aws sesv2 put-account-sending-attributes --sending-enabled"),
    ("MailFromDomainNotVerifiedException", 400, "mailFromOnMxFailure: REJECT_MESSAGE"),
    ("LimitExceededException", 400, "200 messages a day"),
])
def test_ses_refusals_say_what_to_do(capsys, project, ses, code_name, status, says):
    ses.state.production_access = True
    ses.state.refuse_sends = Refusal(status, code_name, "refused by the stand-in")

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org")

    assert code == 2 and out == ""
    assert says in err and f"(SES said: {code_name}: refused by the stand-in)" in err
    assert ses.operations().count("SendEmail") == 1


def test_a_silent_endpoint_ends_in_bounded_time(capsys, project, ses, monkeypatch):
    quiet = SesStandin(silent)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SESV2", quiet.url)
    try:
        started = time.monotonic()
        code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--timeout", "1s")
        took = time.monotonic() - started
    finally:
        quiet.close()

    assert code == 2 and out == ""
    assert_no_hang(took, 1.0)  # --timeout 1s
    assert "GetAccount" in err and "nothing was sent" in err
    # the command's deadline or the read's own timeout, both the 1 s it was given, whichever fires first
    assert "did not answer GetAccount within 1s" in err or "Read timeout on endpoint URL" in err
    assert quiet.request_count() == 1


def test_silence_after_send_email_is_not_retried_and_says_it_may_have_been_sent(capsys, project, ses):
    ses.state.production_access = True
    ses.state.silent_on.add("SendEmail")

    started = time.monotonic()
    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--timeout", "1s")
    took = time.monotonic() - started

    assert code == 2 and out == ""
    assert_no_hang(took, 1.0)  # --timeout 1s
    assert "the message may or may not have been sent" in err
    # the command's deadline or the read's own timeout, both the 1 s it was given, whichever fires first
    assert "gave no answer within 1s" in err or "Read timeout on endpoint URL" in err
    assert ses.operations().count("SendEmail") == 1


@pytest.mark.parametrize("arguments, says", [
    (["--raw", "m.eml", "--template", "welcome", "--data", "{}"], "not allowed with argument"),
    (["--subject", "x", "--template", "welcome", "--data", "{}"], "not allowed with argument"),
    (["--template", "welcome", "--data", "[1, 2]"], "--data: the template data must be a JSON object"),
    (["--template", "welcome", "--data", "{name: 1}"], "--data: the template data is not JSON"),
    (["--template", "welcome"], "--template welcome needs --data"),
    (["--data", "{}"], "--data goes with --template NAME"),
    (["--template", "welcome", "--data", "@missing.json"], "--data: cannot read missing.json"),
    (["--raw", "missing.eml"], "--raw: cannot read missing.eml"),
])
def test_bad_arguments_exit_2_with_a_message_and_call_nobody(capsys, project, ses, monkeypatch, arguments, says):
    monkeypatch.chdir(project)
    (project / "m.eml").write_bytes(RAW)

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", *arguments)

    assert code == 2 and out == ""
    assert says in err
    assert ses.requests == []


@pytest.mark.parametrize("mime, says", [
    (RAW.replace(b"From: Hello <hello@example.com>", b"From: someone@example.net"),
     "its From header is someone@example.net but --from is hello@example.com"),
    (RAW.replace(b"From: Hello <hello@example.com>\r\n", b""), "the message must have one From address (found: none)"),
    (b"just some text, no headers\r\n", "the message is not well-formed MIME: MissingHeaderBodySeparatorDefect"),
    (b"\r\n\r\n", "the message is empty"),
])
def test_a_raw_file_that_is_no_sendable_message_is_refused_before_any_call(capsys, project, ses, tmp_path, mime, says):
    path = tmp_path / "message.eml"
    path.write_bytes(mime)

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--raw", str(path))

    assert code == 2
    assert says in err
    assert ses.requests == []


@pytest.mark.parametrize("address", ["not-an-address", "@example.com", "you@", "two words@example.com"])
def test_an_address_that_is_none_is_a_usage_error(capsys, project, ses, address):
    code, _, err = send(capsys, project, "--from", SENDER, "--to", address)

    assert code == 2
    assert f"{address!r} is not an email address" in err
    assert ses.requests == []


def test_send_test_is_listed_and_documents_its_exit_codes(capsys):
    assert main(["--help"]) == 0
    assert "send-test" in capsys.readouterr().out
    assert main(["send-test", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "exit codes: 0 sent" in help_text and "2 not sent" in help_text


def test_the_identities_that_cover_an_address_go_from_narrowest_to_two_labels():
    assert covering_identities("Ops@Mail.Example.COM") == ("Ops@mail.example.com", "mail.example.com", "example.com")
    assert covering_identities("root@localhost") == ("root@localhost", "localhost")


def test_the_stand_in_refuses_what_botocore_s_model_refuses():
    """A request SES would refuse as malformed gets a 400 and is kept for the fixture to fail on."""
    import urllib.error
    import urllib.request

    stand_in = Sesv2StandIn()
    try:
        bodies = [{"Content": {"Raw": {"Data": "not base64!"}}},
                  {"Content": {"Simple": {"Subject": {"Data": "no body"}}}},
                  {"Content": {"Template": {"TemplateName": "t", "TemplateData": {"not": "a string"}}}}]
        statuses = []
        for body in bodies:
            request = urllib.request.Request(f"{stand_in.url}/v2/email/outbound-emails", method="POST",
                                             data=json.dumps(body).encode())
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)
            statuses.append(refused.value.code)
    finally:
        stand_in.close()
    assert statuses == [400, 400, 400]
    assert [why.split(":")[0] for why in stand_in.invalid] == ["SendEmail"] * 3
    assert "Missing required parameter in Content.Simple: \"Body\"" in stand_in.invalid[1]
    assert stand_in.requests == []


def _stack_with_template(project) -> None:
    (project / "welcome.html").write_text("<p>Hello {{name}}, order {{order.id}}</p>")
    write_stack(project, "dev", {**CONFIG, "ses-domains:templates": [{
        "name": "welcome", "subject": "Welcome {{name}}", "htmlFile": "welcome.html",
        "testData": {"name": "Test", "order": {"id": 1}}}]})


def test_a_template_of_the_stack_sends_its_test_data_without_data(capsys, project, ses):
    ses.state.production_access = True
    ses.state.templates.add("welcome")
    _stack_with_template(project)

    code, _, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org", "--template", "welcome")

    assert code == 0, err
    (request,) = ses.sent()
    assert json.loads(request["Content"]["Template"]["TemplateData"]) == {"name": "Test", "order": {"id": 1}}


def test_data_that_leaves_a_placeholder_of_the_stack_s_template_empty_is_refused_before_any_call(capsys, project, ses):
    ses.state.production_access = True
    ses.state.templates.add("welcome")
    _stack_with_template(project)

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "you@example.org",
                          "--template", "welcome", "--data", '{"name": "Ann", "extra": 1}')

    assert code == 2 and out == ""
    assert "--data does not fill the template welcome of ses-domains:templates[0]" in err
    assert "order.id" in err
    assert ses.requests == []


def test_output_json_gives_the_message_id_and_what_was_sent(capsys, project, ses):
    ses.state.production_access = True
    ses.state.configuration_sets.add("tracking")

    code, out, err = send(capsys, project, "--from", SENDER, "--to", "a@elsewhere.test", "--configuration-set",
                          "tracking", "--subject", "Hi", "-o", "json")

    assert code == 0, err
    document = json.loads(out)
    assert document["message_id"] == "0102019a-standin-0001-000000"
    assert (document["from"], document["to"], document["region"]) == (SENDER, ["a@elsewhere.test"], "eu-west-1")
    assert document["configuration_set"] == "tracking" and document["message"] == "message 'Hi'"
    assert document["sent_at"].endswith("+00:00")
