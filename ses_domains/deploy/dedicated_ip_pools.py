"""The stack's SES dedicated IP pools (``ses-domains:dedicatedIpPools``)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ses_domains.config.dedicated_ip_pools import DedicatedIpPoolSpec
from ses_domains.config.stack import StackSpec


def pool_resource_name(spec: DedicatedIpPoolSpec) -> str:
    return f"dedicated-ip-pool-{spec.name}"


def declare_dedicated_ip_pools(stack: StackSpec) -> dict[str, aws.sesv2.DedicatedIpPool]:
    """One pool per entry, keyed by pool name, declared before the configuration sets that send
    through them (a set's ``sendingPool`` then takes the pool's ``pool_name`` output).

    Pool names are SES's own and the provider replaces a pool when its name or scaling mode
    changes: the old pool must go first (``delete_before_replace``). SES refuses to delete a
    STANDARD pool that still holds dedicated IPs, so such a replacement stops there."""
    return {
        spec.name: aws.sesv2.DedicatedIpPool(
            pool_resource_name(spec),
            pool_name=spec.name,
            scaling_mode=spec.scaling_mode,
            opts=pulumi.ResourceOptions(delete_before_replace=True),
        )
        for spec in stack.dedicated_ip_pools
    }
