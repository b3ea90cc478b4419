"""SESv2 clients built from the stack's aws:region / aws:profile, isolated from the host's AWS files."""

from __future__ import annotations

import pickle

import pytest

from ses_domains.engine.ses.client import (
    AwsSettings,
    AwsSettingsError,
    make_session,
    make_sesv2_client,
)


@pytest.fixture(autouse=True)
def aws_files(tmp_path, monkeypatch):
    """Private AWS config and credentials files holding one profile, ``dev``, and no env creds."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = us-east-2\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))


def test_client_uses_the_stack_region():
    client = make_sesv2_client(AwsSettings(region="eu-west-1"))

    assert client.meta.region_name == "eu-west-1"
    assert client.meta.service_model.service_name == "sesv2"
    assert client.meta.config.retries["mode"] == "standard"


def test_profile_supplies_credentials_and_the_stack_region_wins():
    session = make_session(AwsSettings(region="eu-west-1", profile="dev"))

    assert session.profile_name == "dev"
    assert session.region_name == "eu-west-1"
    assert session.get_credentials().access_key == "AKIDDEV"


def test_profile_region_is_used_when_the_stack_sets_none():
    assert make_session(AwsSettings(region=None, profile="dev")).region_name == "us-east-2"


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(AwsSettingsError, match="aws:profile"):
        make_session(AwsSettings(region="eu-west-1", profile="nope"))


def test_no_region_anywhere_is_a_clear_error():
    with pytest.raises(AwsSettingsError, match="aws:region"):
        make_session(AwsSettings(region=None))


def test_settings_are_plain_picklable_data():
    settings = AwsSettings(region="eu-west-1", profile="dev")

    assert pickle.loads(pickle.dumps(settings)) == settings
