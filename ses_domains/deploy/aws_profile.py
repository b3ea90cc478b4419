"""Checking ``aws:profile`` at preview, when it is set.

The AWS provider reads the profile itself, but the verification step builds its own boto3
session from it during ``pulumi up``: a profile missing from the AWS files is reported here, under
its config key, instead of minutes later. boto3 is imported only when there is a profile to check.
"""

from __future__ import annotations

from typing import Optional

from ses_domains.config.errors import ConfigError, Problem


def check_aws_profile(region: str, profile: Optional[str]) -> None:
    if not profile:
        return
    from ses_domains.engine.ses.client import AwsSettings, make_session
    from ses_domains.engine.ses.errors import AwsSettingsError

    try:
        make_session(AwsSettings(region=region, profile=profile))
    except AwsSettingsError as error:
        raise ConfigError([Problem("aws:profile", str(error))]) from None
