"""Which stack the command reads, chosen as ``pulumi`` chooses it: ``--stack`` (``NAME`` or
``ORG/PROJECT/NAME``), else ``PULUMI_STACK``, else the stack ``pulumi stack select`` recorded in
``$PULUMI_HOME/workspaces/<project>-<sha1 of Pulumi.yaml's path>-workspace.json``; the project is
the closest ``Pulumi.yaml`` from the folder the command runs in, upwards."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.cli_fixtures import aws_env, moto_server, run_command, ses, ses_stand_in, write_stack  # noqa: F401
from tests.fake_ses import SesState


@pytest.fixture
def project(tmp_path, monkeypatch, aws_env, ses):
    """A project with the stacks dev and prod (each its own domain), an empty PULUMI_HOME and no PULUMI_STACK."""
    directory = tmp_path / "project"
    directory.mkdir()
    for stack in ("dev", "prod"):
        write_stack(directory, stack, {"aws:region": "eu-west-1", "ses-domains:domains": [
            {"domain": f"{stack}.example.com", "mailFrom": "bounce"}]})
        ses.script(f"{stack}.example.com", SesState())
    (directory / "infra" / "mail").mkdir(parents=True)
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    monkeypatch.delenv("PULUMI_STACK", raising=False)
    return directory


def select(project, stack: str, name: str = "ses-domains") -> None:
    """What ``pulumi stack select`` leaves behind (pulumi's workspace.go, ``settingsPath``)."""
    digest = hashlib.sha1(str(project / "Pulumi.yaml").encode()).hexdigest()
    path = project.parent / "pulumi-home" / "workspaces" / f"{name}-{digest}-workspace.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"stack": stack}, indent=4))


def records(capsys, *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, "records", "--format", "json", *argv)


def stack_read(out: str) -> str:
    return json.loads(out)["domains"][0]["domain"].split(".")[0]


def test_the_stack_option_names_the_stack(capsys, project):
    code, out, err = records(capsys, "--stack", "prod", "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"


def test_a_fully_qualified_stack_of_this_project_is_accepted(capsys, project):
    code, out, err = records(capsys, "--stack", "acme/ses-domains/prod", "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"


def test_a_fully_qualified_stack_of_another_project_is_refused(capsys, project):
    code, out, err = records(capsys, "--stack", "acme/web/prod", "-C", str(project))
    assert code == 2 and out == ""
    assert err == (f"ses-domains: error: --stack: the stack acme/web/prod belongs to the project web, but this "
                   f"folder's project is ses-domains ({project / 'Pulumi.yaml'})\n")


def test_without_the_option_the_stack_is_pulumi_stack(capsys, project, monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "prod")
    select(project, "dev")
    code, out, err = records(capsys, "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"


def test_the_option_wins_over_pulumi_stack(capsys, project, monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "prod")
    code, out, _ = records(capsys, "--stack", "dev", "-C", str(project))
    assert code == 0 and stack_read(out) == "dev"


@pytest.mark.parametrize("selected", ["prod", "acme/prod", "acme/ses-domains/prod"])
def test_without_option_or_variable_the_stack_is_the_one_pulumi_selected(capsys, project, selected):
    select(project, selected)
    code, out, err = records(capsys, "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"


def test_a_selection_recorded_for_another_project_file_is_not_used(capsys, project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    select(other, "prod")
    code, _, err = records(capsys, "-C", str(project))
    assert code == 2
    assert err == ("ses-domains: error: no stack given and none selected: give one with --stack NAME or select one "
                   "with pulumi stack select (stacks here: dev, prod)\n")


def test_from_a_sub_folder_the_project_above_is_found(capsys, project, monkeypatch):
    select(project, "prod")
    monkeypatch.chdir(project / "infra" / "mail")
    code, out, err = records(capsys)
    assert code == 0, err
    assert stack_read(out) == "prod"
    code, out, err = records(capsys, "--stack", "dev", "-C", str(project / "infra"))
    assert code == 0, err
    assert stack_read(out) == "dev"


def test_a_renamed_project_keeps_its_own_selection(capsys, project):
    (project / "Pulumi.yaml").write_text("name: mail-infra\nruntime: python\n")
    for stack in ("dev", "prod"):
        path = project / f"Pulumi.{stack}.yaml"
        path.write_text(path.read_text().replace("ses-domains:domains", "mail-infra:domains"))
    select(project, "prod", name="mail-infra")
    code, out, err = records(capsys, "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"


def test_no_project_anywhere_up_is_a_clear_error(capsys, tmp_path, aws_env, monkeypatch):
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = records(capsys, "--stack", "dev", "-C", str(empty))
    assert code == 2
    assert err == (f"ses-domains: error: no stack file Pulumi.dev.yaml in {empty} (there is no Pulumi.<stack>.yaml "
                   "here); run in the project's folder or give it with --cwd DIR\n")
    code, _, err = records(capsys, "-C", str(empty))
    assert code == 2
    assert err == ("ses-domains: error: no stack given and none selected: give one with --stack NAME or select one "
                   f"with pulumi stack select (there is no Pulumi.<stack>.yaml in {empty})\n")


def test_stack_files_are_read_from_the_projects_stack_config_dir(capsys, project):
    (project / "Pulumi.yaml").write_text("name: ses-domains\nruntime: python\nstackConfigDir: stacks\n")
    (project / "stacks").mkdir()
    (project / "Pulumi.prod.yaml").rename(project / "stacks" / "Pulumi.prod.yaml")
    code, out, err = records(capsys, "--stack", "prod", "-C", str(project))
    assert code == 0, err
    assert stack_read(out) == "prod"
    code, _, err = records(capsys, "--stack", "dev", "-C", str(project))
    assert code == 2
    assert f"no stack file Pulumi.dev.yaml in {project / 'stacks'} (stacks here: prod)" in err
