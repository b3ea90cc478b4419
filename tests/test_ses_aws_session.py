"""SESv2 clients built from the stack's aws:region / aws:profile, isolated from the host's AWS files."""

from __future__ import annotations

import pickle

import pytest

from ses_domains.engine.ses.client import (
    AwsSettings,
    CallTimeouts,
    SesReader,
    Sesv2Clients,
    make_session,
    make_sesv2_client,
)
from ses_domains.engine.ses.errors import AwsSettingsError


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
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SESV2",
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


@pytest.mark.parametrize(
    "budget, connect, read",
    [(0.2, 1.0, 1.0), (2.3, 3.0, 3.0), (12.0, 10.0, 12.0), (2700.0, 10.0, 30.0)],
)
def test_call_timeouts_round_the_budget_up_to_whole_seconds_under_caps(budget, connect, read):
    assert CallTimeouts.within(budget) == CallTimeouts(connect, read)


def test_clients_carry_the_budget_timeouts_and_leave_retries_to_the_waiter():
    client = make_sesv2_client(AwsSettings(region="eu-west-1"), CallTimeouts(3.0, 4.0))

    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (3.0, 4.0)
    assert client.meta.config.retries["total_max_attempts"] == 1


def test_one_client_per_budget_made_when_first_asked_and_kept():
    clients = Sesv2Clients(AwsSettings(region="eu-west-1", profile="dev"))

    first = clients(CallTimeouts.within(2.3))
    assert clients(CallTimeouts.within(2.9)) is first
    other = clients(CallTimeouts.within(40.0))

    assert (first.meta.config.connect_timeout, first.meta.config.read_timeout) == (3.0, 3.0)
    assert other is not first and (other.meta.config.connect_timeout, other.meta.config.read_timeout) == (10.0, 30.0)
    assert clients(CallTimeouts.within(2700.0)) is other
    assert first.meta.region_name == "eu-west-1"


def test_reader_from_bad_settings_fails_at_once():
    with pytest.raises(AwsSettingsError, match="aws:profile"):
        SesReader.from_settings(AwsSettings(region="eu-west-1", profile="nope"))
