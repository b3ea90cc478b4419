"""Config messages of issue 18, each one plain sentence under its key, and the values YAML types
differently from what the user meant (``ttl: 1800.0``, ``mailFrom: 2024``) taken as meant."""

from __future__ import annotations

import pytest
import pulumi

from tests.cli_fixtures import aws_env, moto_server, run_command, ses, ses_stand_in, write_stack  # noqa: F401
from tests.pulumi_program import RecordingMocks, run_program

D = "ses-domains:domains"
RECORD = "aws:route53/record:Record"


def run_ok(domain: dict):
    return run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", **domain}]})


def refused(domain: dict) -> str:
    mocks = RecordingMocks()
    with pytest.raises(pulumi.RunError) as raised:
        run_program({"aws:region": "eu-west-1", D: [{"domain": "example.com", **domain}]}, mocks=mocks)
    assert mocks.resources == []
    return str(raised.value)


def warnings(run) -> list[str]:
    return [r.getMessage() for r in run.logs if r.levelname == "WARNING"]


def record(run, name: str, rdtype: str):
    return next(r for r in run.of_type(RECORD) if r.inputs["name"] == name and r.inputs["type"] == rdtype)


def test_a_whole_number_written_with_a_decimal_point_is_that_number():
    run = run_ok({"mailFrom": "bounce", "ttl": 1800.0})
    assert record(run, "bounce.example.com", "MX").inputs["ttl"] == 1800


def test_a_ttl_with_a_fraction_is_refused():
    assert f"{D}[0].ttl: must be a whole number from 60 to 172800, got 1800.5" in refused({"ttl": 1800.5})


def test_a_mail_from_label_of_digits_is_a_label():
    run = run_ok({"mailFrom": 2024})
    assert record(run, "2024.example.com", "MX").inputs["records"] == ["10 feedback-smtp.eu-west-1.amazonses.com"]


def test_a_report_address_ending_in_a_bare_bang_is_refused():
    message = refused({"dmarc": {"policy": "none", "rua": ["a@example.com!"]}})
    assert (f"{D}[0].dmarc.rua[0]: 'a@example.com!' ends in '!' without a size limit: RFC 7489 writes a limit as "
            "!10m (a number, then k, m, g or t); add one or remove the '!'") in message


def test_a_report_address_with_a_size_limit_keeps_it():
    run = run_ok({"dmarc": {"policy": "none", "rua": ["a@example.com!10M"]}})
    assert "rua=mailto:a@example.com!10m" in record(run, "_dmarc.example.com", "TXT").inputs["records"][0]


def test_a_repeated_report_address_and_failure_option_are_written_once_with_a_warning():
    run = run_ok({"dmarc": {"policy": "none", "rua": ["a@example.com", "mailto:a@EXAMPLE.com"],
                            "ruf": ["f@example.com"], "failureOptions": "1:1:d"}})
    (value,) = record(run, "_dmarc.example.com", "TXT").inputs["records"]
    assert "rua=mailto:a@example.com;" in value.replace(" ", "")
    assert "fo=1:d" in value and "fo=1:1" not in value
    assert f"{D}[0].dmarc.rua[1]: mailto:a@example.com is listed twice; the record names it once" in warnings(run)
    assert f"{D}[0].dmarc.failureOptions: 1:1:d repeats an option; the record has fo=1:d" in warnings(run)


def test_a_mapping_that_takes_no_keys_says_so():
    message = run_program_refusing_configuration_set({"eventBridge": {"busArn": "x"}})
    assert ("ses-domains:configurationSets[0].eventDestinations[0].eventBridge.busArn: unknown key: eventBridge "
            "takes no keys, so write it as eventBridge: {}") in message
    assert "known keys: )" not in message


def run_program_refusing_configuration_set(destination: dict) -> str:
    config = {"aws:region": "eu-west-1", D: [{"domain": "example.com"}],
              "ses-domains:configurationSets": [{"name": "s", "eventDestinations": [
                  {"name": "d", "events": ["SEND"], **destination}]}]}
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config)
    return str(raised.value)


def test_a_yaml_error_names_the_file_and_the_line(capsys, tmp_path, aws_env):
    write_stack(tmp_path, "dev", {})
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n   ses-domains:domains: []\n")
    code, out, err = run_command(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2 and out == ""
    assert err == (f"ses-domains: error: {tmp_path / 'Pulumi.dev.yaml'} is not valid YAML: mapping values are not "
                   "allowed here at line 3, column 23\n")
    assert "<unicode string>" not in err
