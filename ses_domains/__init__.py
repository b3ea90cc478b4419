"""ses-domains: Amazon SES sending domains as code, verified end to end.

The layout is the architecture:

- ``records``: the record model, pure (no I/O, no Pulumi): what each DNS record is and how it
  is rendered, parsed, compared and written to Route 53.
- ``config``: the stack config, read into frozen specs (no Pulumi): every mistake under its key.
- ``engine``: talks to DNS and SES (no Pulumi): waits until a domain is verified, or checks once.
- ``deploy``: the Pulumi side: components, zone lookups, the verification step.
- ``cli``: the ``ses-domains`` command.
"""

from typing import Any

_EXPORTS = {
    "ArgumentError": "ses_domains.config.errors",
    "SendingDomain": "ses_domains.deploy.sending_domain",
    "SendingDomainArgs": "ses_domains.deploy.sending_domain_args",
    "DmarcArgs": "ses_domains.deploy.sending_domain_args",
    "DkimArgs": "ses_domains.deploy.sending_domain_args",
    "DkimPreviousKeyArgs": "ses_domains.deploy.sending_domain_args",
    "ApexSpfArgs": "ses_domains.deploy.sending_domain_args",
    "VerifyArgs": "ses_domains.deploy.sending_domain_args",
    "DomainVerification": "ses_domains.deploy.verification",
    "DomainVerificationArgs": "ses_domains.deploy.verification",
    "ConfigurationSet": "ses_domains.deploy.configuration_set",
    "ConfigurationSetArgs": "ses_domains.deploy.configuration_set_args",
    "EventDestinationArgs": "ses_domains.deploy.configuration_set_args",
    "SnsDestinationArgs": "ses_domains.deploy.configuration_set_args",
    "CloudWatchDestinationArgs": "ses_domains.deploy.configuration_set_args",
    "CloudWatchDimensionArgs": "ses_domains.deploy.configuration_set_args",
    "EventBridgeDestinationArgs": "ses_domains.deploy.configuration_set_args",
    "FirehoseDestinationArgs": "ses_domains.deploy.configuration_set_args",
    "VdmArgs": "ses_domains.deploy.configuration_set_args",
    "AccountSettings": "ses_domains.deploy.account_settings",
    "AccountSettingsArgs": "ses_domains.deploy.account_settings",
    "AccountVdmArgs": "ses_domains.deploy.account_settings",
    "ContactList": "ses_domains.deploy.contact_lists",
    "ContactListArgs": "ses_domains.deploy.contact_lists",
    "ContactListTopicArgs": "ses_domains.deploy.contact_lists",
    "DedicatedIpPool": "ses_domains.deploy.dedicated_ip_pools",
    "DedicatedIpPoolArgs": "ses_domains.deploy.dedicated_ip_pools",
    "EmailAddress": "ses_domains.deploy.email_identity",
    "EmailAddressArgs": "ses_domains.deploy.email_identity",
    "GlobalEndpoint": "ses_domains.deploy.global_endpoint",
    "GlobalEndpointArgs": "ses_domains.deploy.global_endpoint",
    "InboundDomainArgs": "ses_domains.deploy.inbound_mail",
    "InboundMail": "ses_domains.deploy.inbound_mail",
    "InboundMailArgs": "ses_domains.deploy.inbound_mail",
    "ReputationAlarms": "ses_domains.deploy.reputation_alarms",
    "ReputationAlarmsArgs": "ses_domains.deploy.reputation_alarms",
    "Template": "ses_domains.deploy.templates",
    "TemplateArgs": "ses_domains.deploy.templates",
    "Templates": "ses_domains.deploy.templates",
    "TemplatesArgs": "ses_domains.deploy.templates",
}
"""The public components and their argument types, imported on first use (PEP 562): ``import
ses_domains`` stays cheap, and the command never loads Pulumi."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ses_domains' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
