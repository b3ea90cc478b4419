"""``ses-domains:account``: SES settings of the whole account in the stack's region.

Virtual Deliverability Manager (``vdm``) and the account-level suppression list
(``suppressedReasons``) exist once per AWS account and region. Two stacks that both declare them
undo each other on every ``pulumi up`` (and a destroy of either turns VDM off for both), so one
stack per account and region owns them and says so with ``owner: true``; any other stack that
sets the block is warned at preview. The mark is a key rather than a stack-name convention: it
sits next to the settings it guards, survives a stack rename, and no name gets the role by
accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ses_domains.config.configuration_sets import (
    VDM_KEYS,
    ConfigurationSetSpec,
    VdmSpec,
    read_suppressed_reasons,
    read_vdm_features,
)
from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section

ACCOUNT_KEYS = ("vdm", "suppressedReasons", "owner")
ACCOUNT_VDM_KEYS = ("enabled", *VDM_KEYS)


@dataclass(frozen=True)
class AccountVdmSpec:
    enabled: bool
    """SES's ``VdmEnabled``: VDM (a paid feature) on or off for the account."""
    features: VdmSpec
    """Engagement metrics and optimized shared delivery; a feature left out is not sent."""

    @property
    def status(self) -> str:
        return "ENABLED" if self.enabled else "DISABLED"


@dataclass(frozen=True)
class AccountSpec:
    key: str
    """``ses-domains:account``, for messages about it."""
    vdm: Optional[AccountVdmSpec]
    """``None``: the stack leaves VDM as it is."""
    suppressed_reasons: Optional[tuple[str, ...]]
    """``None``: the stack leaves the account-level suppression list as it is; ``()``: SES adds no
    address to it on its own (configuration sets may still set reasons of their own)."""
    owner: bool
    """The stack is marked as the one that owns these settings for its account and region."""


def read_account(
    raw: Any, key: str, problems: Problems, warnings: list[str], region: Optional[str]
) -> Optional[AccountSpec]:
    """The account block, or ``None`` when it is left out; a stack that sets it without
    ``owner: true`` gets a warning that says how to settle which stack owns the settings."""
    if raw is None:
        return None
    before = len(problems.found)
    section = Section(raw, key, problems, ACCOUNT_KEYS)
    owner = section.boolean("owner", default=False)
    suppressed_reasons = read_suppressed_reasons(section)
    vdm = _vdm(section)
    if len(problems.found) == before and vdm is None and suppressed_reasons is None:
        problems.add(
            key,
            "sets no account setting: give vdm, suppressedReasons or both (owner only marks the stack "
            "that manages them), or leave the block out",
        )
    if len(problems.found) != before:
        return None
    spec = AccountSpec(key=key, vdm=vdm, suppressed_reasons=suppressed_reasons, owner=owner)
    if not owner:
        warnings.append(_not_owner_warning(key, region))
    return spec


def _vdm(section: Section) -> Optional[AccountVdmSpec]:
    vdm = section.section("vdm", ACCOUNT_VDM_KEYS)
    if vdm is None:
        return None
    features = read_vdm_features(vdm)
    enabled = vdm.boolean("enabled", default=True)
    if not enabled:
        for name in VDM_KEYS:
            if name in vdm.raw:
                vdm.problem(name, "VDM is off for the account (enabled: false): leave this key out, or set enabled true")
    return AccountVdmSpec(enabled=enabled, features=features)


def _not_owner_warning(key: str, region: Optional[str]) -> str:
    where = f"in {region}" if region else "in the stack's region"
    return (
        f"{key}: sets SES settings of the whole AWS account {where} (VDM, the account-level suppression "
        "list), which exist once per account and region: two stacks that set them undo each other on every "
        "update, and destroying one that sets vdm turns VDM off. If this stack is the one that owns them, say so: "
        f"pulumi config set --path '{key}.owner' true; otherwise remove {key} from this stack"
    )


def vdm_off_warnings(account: Optional[AccountSpec], configuration_sets: tuple[ConfigurationSetSpec, ...]) -> list[str]:
    """A configuration set's VDM options take effect only while VDM is on for the account: say so
    when this stack turns it off. (Suppression reasons of a set override the account's: no rule.)"""
    if account is None or account.vdm is None or account.vdm.enabled:
        return []
    return [
        f"{spec.key}.vdm: has no effect while VDM is off for the account ({account.key}.vdm.enabled is false)"
        for spec in configuration_sets
        if spec.vdm is not None
    ]
