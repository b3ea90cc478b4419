"""The EmailAddress component: one SES email address identity (``ses-domains:emailIdentities``).

SES mails the address a verification link when the identity is created; nothing goes into DNS.
The stack's verification step reads the identity from SES afterwards (``address_verification``).
"""

from typing import TYPE_CHECKING, Mapping, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.email_identities import EMAIL_IDENTITY_KEYS, normalize_address, read_email_identities
from ses_domains.config.errors import Problem, Problems
from ses_domains.config.fields import describe
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments
from ses_domains.engine.address_job import AddressJob

if TYPE_CHECKING:
    from ses_domains.deploy.configuration_set import ConfigurationSet


class EmailAddressArgs(TypedDict):
    """The arguments of an ``EmailAddress``."""

    address: pulumi.Input[str]
    """The address SES verifies (``ops@example.com``): a bare address, no display name."""
    configuration_set: NotRequired[pulumi.Input[str]]
    """The name of the configuration set SES applies to mail sent from the address by default."""
    wait: NotRequired[bool]
    """For the verification step the address is given to: hold ``pulumi up`` until its owner
    clicked SES's link (default false: only report whether it was clicked)."""
    timeout: NotRequired[str]
    """How long ``wait`` lasts: ``90s``, ``20m``, ``1h`` (at most 24h: SES's link expires then)."""


class EmailAddress(pulumi.ComponentResource):
    """An SES email address identity: SES mails the address a verification link when it is
    created; nothing goes into DNS."""

    identity_arn: pulumi.Output[str]
    """The identity's ARN."""

    def __init__(self, name: str, args: EmailAddressArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("EmailAddress", args, check_address_args)
        super().__init__("ses-domains:index:EmailAddress", name, None, opts)
        spec = _entry(checked.values) if checked.is_known("address") else None
        # As SES stores it: the local part as written, the domain in lower case.
        address = spec.address if spec is not None else checked.get("address").apply(normalize_address)
        # No DKIM attributes: SES takes them for domains only (CreateEmailIdentity), and an
        # address signs with its domain's DKIM when that domain is verified. Named by the
        # address: `pulumi up --replace` (which has SES send a new link) deletes the old one first.
        self._identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=address,
            configuration_set_name=checked.get("configuration_set"),
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self._address = address
        self._job = AddressJob(spec.address, spec.wait, spec.timeout_s) if spec is not None else None
        self.identity_arn = self._identity.arn
        self.register_outputs({"identityArn": self.identity_arn})

    @property
    def identity(self) -> aws.sesv2.EmailIdentity:
        """The identity: it must exist before the verification step reads SES."""
        return self._identity

    @property
    def address(self) -> str:
        if not isinstance(self._address, str):
            raise ValueError("the address of this EmailAddress is an output: it is known only once resolved")
        return self._address

    @property
    def job(self) -> AddressJob:
        """For the verification step: the address, whether ``pulumi up`` waits for its click, how long."""
        if self._job is None:
            raise ValueError("the address of this EmailAddress is an output: a verification step needs it known")
        return self._job


def _entry(args: dict):
    """The address as the config reads it (with the configuration set left to the component)."""
    raw = config_mapping({key: value for key, value in args.items() if key != "configuration_set"})
    found = read_email_identities([raw], ROOT, Problems(), [])
    return found[0] if found else None


def check_address_args(args: dict) -> list[Problem]:
    problems = Problems()
    raw = config_mapping({key: value for key, value in args.items() if key != "configuration_set"})
    if "address" not in raw:
        raw["address"] = None
    read_email_identities([raw], ROOT, problems, [])
    found = unknown_arguments(args, EmailAddressArgs.__annotations__)
    name = args.get("configuration_set")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        found.append(Problem("configuration_set", f"must name a configuration set, got {describe(name)}"))
    return found + as_arguments(problems.found, EMAIL_IDENTITY_KEYS, f"{ROOT}[0]")


def declare_email_addresses(
    stack: StackSpec, configuration_sets: Mapping[str, "ConfigurationSet"]
) -> dict[str, EmailAddress]:
    """One component per address of the stack, keyed by address. The resource name is the
    address in lower case, so that changing only its case replaces the identity (deleting the old
    one first) instead of creating a second one SES may hold as the same."""
    addresses = {
        spec.address: EmailAddress(spec.address.lower(), _address_args(spec, configuration_sets))
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


def _address_args(spec, configuration_sets: Mapping[str, "ConfigurationSet"]) -> EmailAddressArgs:
    args = EmailAddressArgs(address=spec.address, wait=spec.wait)
    if spec.wait:
        args["timeout"] = f"{spec.timeout_s:g}"
    configuration_set = configuration_sets.get(spec.configuration_set or "")
    if configuration_set is not None:
        args["configuration_set"] = configuration_set.configuration_set_name
    return args


def email_addresses_summary(addresses: Mapping[str, EmailAddress]) -> dict:
    """The stack output ``emailIdentities``: ``{address: {identityArn}}``."""
    return {address: {"identityArn": component.identity_arn} for address, component in addresses.items()}
