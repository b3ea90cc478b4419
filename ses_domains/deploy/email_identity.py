"""The EmailAddress component: one SES email address identity (``ses-domains:emailIdentities``).

SES mails the address a verification link when the identity is created; nothing goes into DNS.
The stack's verification step reads the identity from SES afterwards (``address_verification``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.email_identities import EmailIdentitySpec
from ses_domains.config.stack import StackSpec
from ses_domains.engine.address_job import AddressJob

if TYPE_CHECKING:
    from ses_domains.deploy.configuration_set import ConfigurationSet


class EmailAddress(pulumi.ComponentResource):
    """An SESv2 email address identity. Outputs: ``identity_arn``; for the verification step,
    ``job`` (the address, whether ``pulumi up`` waits for its click, and how long) and ``identity``
    (it must exist before SES is read)."""

    address: str
    identity: aws.sesv2.EmailIdentity
    identity_arn: pulumi.Output[str]
    job: AddressJob

    def __init__(
        self,
        name: str,
        spec: EmailIdentitySpec,
        configuration_set: Optional["ConfigurationSet"] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__("ses-domains:index:EmailAddress", name, None, opts)
        self.address = spec.address
        # No DKIM attributes: SES takes them for domains only (CreateEmailIdentity), and an
        # address signs with its domain's DKIM when that domain is verified. Named by the
        # address: `pulumi up --replace` (which has SES send a new link) deletes the old one first.
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=spec.address,
            configuration_set_name=configuration_set.configuration_set_name if configuration_set else None,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.identity_arn = self.identity.arn
        self.job = AddressJob(spec.address, spec.wait, spec.timeout_s)
        self.register_outputs({"identityArn": self.identity_arn})


def declare_email_addresses(
    stack: StackSpec, configuration_sets: Mapping[str, "ConfigurationSet"]
) -> dict[str, EmailAddress]:
    """One component per address of the stack, keyed by address. The resource name is the
    address in lower case, so that changing only its case replaces the identity (deleting the old
    one first) instead of creating a second one SES may hold as the same."""
    addresses = {
        spec.address: EmailAddress(
            spec.address.lower(), spec, configuration_sets.get(spec.configuration_set or "")
        )
        for spec in stack.email_identities
    }
    waited = [spec.address for spec in stack.email_identities if spec.wait]
    reported = [spec.address for spec in stack.email_identities if not spec.wait]
    if waited:
        pulumi.log.info(f"pulumi up waits until {len(waited)} address(es) click the link SES mails them: "
                        f"{', '.join(waited)}")
    if reported:
        pulumi.log.info(f"SES mails {len(reported)} address(es) a verification link; pulumi up reports whether it "
                        f"was clicked and does not wait (wait: true would): {', '.join(reported)}")
    return addresses


def email_addresses_summary(addresses: Mapping[str, EmailAddress]) -> dict:
    """The stack output ``emailIdentities``: ``{address: {identityArn}}``."""
    return {address: {"identityArn": component.identity_arn} for address, component in addresses.items()}
