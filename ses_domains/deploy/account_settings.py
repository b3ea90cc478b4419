"""``ses-domains:account``: the account's VDM and suppression-list settings, in the stack's region.

What terraform-provider-aws sends (``internal/service/sesv2/``, read for pulumi-aws 7.51):

- ``account_vdm_attributes.go``: create and update are one ``PutAccountVdmAttributes`` with
  ``VdmEnabled`` (required) and the dashboard / guardian blocks when given. **Delete sends
  ``VdmEnabled: DISABLED``**: ``pulumi destroy``, or removing ``vdm`` from the config, turns VDM
  off for the whole account in that region.
- ``account_suppression_attributes.go`` (a Plugin Framework resource): create and update are one
  ``PutAccountSuppressionAttributes`` with the reasons expanded by AutoFlex, which makes a
  non-nil slice even for an empty set, so ``[]`` reaches SES as an explicit empty list on both
  (unlike the configuration set's update, see ``set_options.py``). **Delete sends nothing**
  (``WithNoOpDelete``): after ``pulumi destroy`` the account keeps the reasons last set.

Both take pulumi-aws 7's per-resource ``region``; they are declared in the stack's region (the
provider's), like the stack's identities. Their logical names must never change: a renamed VDM
resource is created anew and the old one then deleted, which turns VDM off.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.account import AccountSpec


class AccountSettings(pulumi.ComponentResource):
    """The account-level settings the stack owns; ``summary`` is what the stack exports."""

    vdm: Optional[aws.sesv2.AccountVdmAttributes]
    suppression: Optional[aws.sesv2.AccountSuppressionAttributes]
    summary: dict

    def __init__(self, name: str, spec: AccountSpec, region: str, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ses-domains:index:AccountSettings", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vdm = None
        self.suppression = None
        self.summary = {"region": region}
        if spec.vdm is not None:
            features = spec.vdm.features
            engagement = features.engagement_metrics_status
            optimized = features.optimized_shared_delivery_status
            self.vdm = aws.sesv2.AccountVdmAttributes(
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
            self.summary["vdm"] = {
                "vdmEnabled": spec.vdm.status,
                **({"engagementMetrics": engagement} if engagement else {}),
                **({"optimizedSharedDelivery": optimized} if optimized else {}),
            }
        if spec.suppressed_reasons is not None:
            self.suppression = aws.sesv2.AccountSuppressionAttributes(
                f"{name}-suppression", suppressed_reasons=list(spec.suppressed_reasons), opts=child
            )
            self.summary["suppressedReasons"] = list(spec.suppressed_reasons)
        self.register_outputs({"summary": self.summary})


def declare_account_settings(spec: Optional[AccountSpec], region: str) -> Optional[AccountSettings]:
    return None if spec is None else AccountSettings("account", spec, region)
