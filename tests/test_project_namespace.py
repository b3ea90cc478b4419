"""The program and the command read the same config: the namespace is the project's name (``name:``
of ``Pulumi.yaml``, which is ``pulumi.get_project()`` to the program), and a top-level key neither
reads is refused by both, with the closest known key as a suggestion."""

from __future__ import annotations

import pytest

from tests.cli_fixtures import aws_env, moto_server, run_command, ses, ses_stand_in, write_stack  # noqa: F401
from tests.fake_ses import SesState
from tests.pulumi_program import refused_at_preview, run_program

DOMAIN = {"domain": "example.com", "mailFrom": "bounce", "dmarc": {"policy": "none"}}


def renamed_project(directory, name: str, config: dict) -> None:
    write_stack(directory, "dev", config)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")


def test_the_program_reads_the_namespace_of_its_project():
    run = run_program({"aws:region": "eu-west-1", "mail-infra:domains": [DOMAIN]}, project="mail-infra")
    assert set(run.outputs["domains"]) == {"example.com"}


def test_the_program_of_a_renamed_project_does_not_read_ses_domains_keys():
    message = refused_at_preview({"aws:region": "eu-west-1", "ses-domains:domains": [DOMAIN]}, project="mail-infra")
    assert "mail-infra:domains: is required" in message


@pytest.mark.parametrize("project", ["ses-domains", "mail-infra"])
@pytest.mark.parametrize("key, suggestion", [("configurationSet", "configurationSets"), ("domain", "domains")])
def test_the_program_refuses_an_unknown_top_level_key_and_suggests_the_known_one(project, key, suggestion):
    config = {"aws:region": "eu-west-1", f"{project}:domains": [DOMAIN], f"{project}:{key}": [{"name": "x"}]}
    message = refused_at_preview(config, project=project)
    assert f"{project}:{key}: unknown key; did you mean '{suggestion}'?" in message


def test_the_command_reads_the_namespace_of_its_project(capsys, tmp_path, aws_env, ses):
    renamed_project(tmp_path, "mail-infra", {"aws:region": "eu-west-1", "mail-infra:domains": [DOMAIN]})
    ses.script("example.com", SesState())
    code, out, err = run_command(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 0, err
    assert "bounce.example.com" in out


def test_the_command_of_a_renamed_project_does_not_read_ses_domains_keys(capsys, tmp_path, aws_env):
    renamed_project(tmp_path, "mail-infra", {"aws:region": "eu-west-1", "ses-domains:domains": [DOMAIN]})
    code, _, err = run_command(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2
    assert "mail-infra:domains: is required" in err


@pytest.mark.parametrize("project", ["ses-domains", "mail-infra"])
@pytest.mark.parametrize("key, suggestion", [("configurationSet", "configurationSets"), ("domain", "domains")])
def test_the_command_refuses_an_unknown_top_level_key_as_the_program_does(capsys, tmp_path, aws_env, project, key,
                                                                          suggestion):
    config = {"aws:region": "eu-west-1", f"{project}:domains": [DOMAIN], f"{project}:{key}": [{"name": "x"}]}
    renamed_project(tmp_path, project, config)
    code, out, err = run_command(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2 and out == ""
    assert f"{project}:{key}: unknown key; did you mean '{suggestion}'?" in err
    assert err.strip() == (refused_at_preview(config, project=project)).join(
        ["ses-domains: error: Pulumi.dev.yaml: ", ""]).strip()


def test_messages_about_other_top_level_keys_name_the_projects_namespace(capsys, tmp_path, aws_env):
    config = {"aws:region": "eu-west-1", "mail-infra:domains": [dict(DOMAIN, configurationSet="missing")]}
    renamed_project(tmp_path, "mail-infra", config)
    code, _, err = run_command(capsys, "records", "--stack", "dev", "-C", str(tmp_path))
    assert code == 2
    assert "mail-infra:domains[0].configurationSet: there is no configuration set missing in " \
           "mail-infra:configurationSets" in err
    assert "ses-domains:" not in err.split("error: ", 1)[1]
