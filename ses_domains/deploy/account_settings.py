"""``AccountSettings``: the account's VDM and suppression-list settings, in one region.

What terraform-provider-aws sends (``internal/service/sesv2/``, read for pulumi-aws 7.51):

- ``account_vdm_attributes.go``: create and update are one ``PutAccountVdmAttributes`` with
  ``VdmEnabled`` (required) and the dashboard / guardian blocks when given. **Delete sends
  ``VdmEnabled: DISABLED``**: ``pulumi destroy``, or removing ``vdm``, turns VDM off for the
  whole account in that region.
- ``account_suppression_attributes.go`` (a Plugin Framework resource): create and update are one
  ``PutAccountSuppressionAttributes`` with the reasons expanded by AutoFlex, which makes a
  non-nil slice even for an empty set, so ``[]`` reaches SES as an explicit empty list on both
  (unlike the configuration set's update, see ``set_options.py``). **Delete sends nothing**
  (``WithNoOpDelete``): after ``pulumi destroy`` the account keeps the reasons last set.

Both are declared in the provider's region, like the stack's identities. Their logical names must
never change: a renamed VDM resource is created anew and the old one then deleted, which turns
VDM off.
"""

from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.account import ACCOUNT_KEYS, ACCOUNT_VDM_KEYS, AccountSpec, read_account
from ses_domains.config.errors import Problem, Problems
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments


class AccountVdmArgs(TypedDict):
    """Virtual Deliverability Manager (a paid feature) for the whole account."""

    enabled: NotRequired[bool]
    """VDM on (the default) or off for the account."""
    engagement_metrics: NotRequired[bool]
    """VDM's engagement tracking (opens and clicks) on or off; left out: not sent."""
    optimized_shared_delivery: NotRequired[bool]
    """VDM's optimized shared delivery on or off; left out: not sent."""


class AccountSettingsArgs(TypedDict):
    """The arguments of ``AccountSettings``: give ``vdm``, ``suppressed_reasons`` or both. These
    exist once per account and region: let one program own them."""

    vdm: NotRequired[AccountVdmArgs]
    """Virtual Deliverability Manager; left out: left as it is. Destroying the component turns VDM off."""
    suppressed_reasons: NotRequired[list[str]]
    """The account-level suppression list: ``BOUNCE``, ``COMPLAINT``, both, or ``[]`` (SES adds
    no address on its own); left out: left as it is."""


class AccountSettings(pulumi.ComponentResource):
    """The account-level SES settings (VDM, suppression list) of the provider's region."""

    summary: pulumi.Output[dict[str, Any]]
    """What was set: ``vdm`` (``vdmEnabled``, and each feature given) and ``suppressedReasons``."""

    def __init__(self, name: str, args: AccountSettingsArgs, opts: Optional[pulumi.ResourceOptions] = None,
                 *, region: Optional[str] = None):
        """``region`` (the stack program's): added to ``summary``, as the stack exports it."""
        spec = account_spec(CheckedArgs("AccountSettings", args, check_account_args).values)
        super().__init__("ses-domains:index:AccountSettings", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self._vdm: Optional[aws.sesv2.AccountVdmAttributes] = None
        self._suppression: Optional[aws.sesv2.AccountSuppressionAttributes] = None
        summary: dict = {"region": region} if region else {}
        if spec.vdm is not None:
            features = spec.vdm.features
            engagement = features.engagement_metrics_status
            optimized = features.optimized_shared_delivery_status
            self._vdm = aws.sesv2.AccountVdmAttributes(
                f"{name}-vdm",
                vdm_enabled=spec.vdm.status,
                dashboard_attributes=(
                    aws.sesv2.AccountVdmAttributesDashboardAttributesArgs(engagement_metrics=engagement)
                    if engagement else None
                ),
                guardian_attributes=(
                    aws.sesv2.AccountVdmAttributesGuardianAttributesArgs(optimized_shared_delivery=optimized)
                    if optimized else None
                ),
                opts=child,
            )
            summary["vdm"] = {
                "vdmEnabled": spec.vdm.status,
                **({"engagementMetrics": engagement} if engagement else {}),
                **({"optimizedSharedDelivery": optimized} if optimized else {}),
            }
        if spec.suppressed_reasons is not None:
            self._suppression = aws.sesv2.AccountSuppressionAttributes(
                f"{name}-suppression", suppressed_reasons=list(spec.suppressed_reasons), opts=child
            )
            summary["suppressedReasons"] = list(spec.suppressed_reasons)
        self.summary = summary  # type: ignore[assignment]  # plain: known at once
        self.register_outputs({"summary": self.summary})

    @property
    def vdm(self) -> Optional[aws.sesv2.AccountVdmAttributes]:
        return self._vdm

    @property
    def suppression(self) -> Optional[aws.sesv2.AccountSuppressionAttributes]:
        return self._suppression


def check_account_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_account(config_mapping(args), ROOT, problems, [], None)
    found = unknown_arguments(args, AccountSettingsArgs.__annotations__)
    if isinstance(args.get("vdm"), dict):
        found += unknown_arguments(args["vdm"], AccountVdmArgs.__annotations__, "vdm.")
    # The config's owner mark has no argument: a program that declares the component owns the settings.
    return found + [p for p in as_arguments(problems.found, (*ACCOUNT_KEYS, *ACCOUNT_VDM_KEYS))]


def account_spec(args: dict) -> AccountSpec:
    spec = read_account(config_mapping(args), ROOT, Problems(), [], None)
    assert spec is not None  # the arguments were judged already
    return spec


def account_settings_args(spec: AccountSpec) -> AccountSettingsArgs:
    """The stack's ``ses-domains:account`` block as the component's arguments."""
    args = AccountSettingsArgs()
    if spec.vdm is not None:
        vdm = AccountVdmArgs(enabled=spec.vdm.enabled)
        if spec.vdm.features.engagement_metrics is not None:
            vdm["engagement_metrics"] = spec.vdm.features.engagement_metrics
        if spec.vdm.features.optimized_shared_delivery is not None:
            vdm["optimized_shared_delivery"] = spec.vdm.features.optimized_shared_delivery
        args["vdm"] = vdm
    if spec.suppressed_reasons is not None:
        args["suppressed_reasons"] = list(spec.suppressed_reasons)
    return args


def declare_account_settings(spec: Optional[AccountSpec], region: str) -> Optional[AccountSettings]:
    return None if spec is None else AccountSettings("account", account_settings_args(spec), region=region)
