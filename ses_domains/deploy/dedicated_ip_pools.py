"""SES dedicated IP pools: the public ``DedicatedIpPool`` component, and the stack's pools
(``ses-domains:dedicatedIpPools``), declared the same way.

Pool names are SES's own and the provider replaces a pool when its name or scaling mode changes:
the old pool must go first (``delete_before_replace``). SES refuses to delete a STANDARD pool that
still holds dedicated IPs, so such a replacement stops there.
"""

from typing import Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.dedicated_ip_pools import DEDICATED_IP_POOL_KEYS, DedicatedIpPoolSpec, read_dedicated_ip_pools
from ses_domains.config.errors import Problem, Problems
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments


class DedicatedIpPoolArgs(TypedDict):
    """The arguments of a ``DedicatedIpPool``."""

    name: pulumi.Input[str]
    """The pool's name in SES: lower-case letters, digits, ``_`` and ``-``, at most 64 (``transactional``)."""
    scaling_mode: NotRequired[pulumi.Input[str]]
    """``STANDARD`` (the default: you put leased IPs in the pool) or ``MANAGED`` (SES leases and warms them)."""


class DedicatedIpPool(pulumi.ComponentResource):
    """An SES dedicated IP pool, for configuration sets to send through (their ``sending_pool``)."""

    arn: pulumi.Output[str]
    """The pool's ARN."""
    pool_name: pulumi.Output[str]
    """The pool's name, as SES has it: give it to a configuration set's ``sending_pool``."""

    def __init__(self, name: str, args: DedicatedIpPoolArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("DedicatedIpPool", args, check_pool_args)
        super().__init__("ses-domains:index:DedicatedIpPool", name, None, opts)
        pool = declare_pool(
            name,
            checked.get("name"),
            checked.get("scaling_mode", default="STANDARD"),
            pulumi.ResourceOptions(parent=self),
        )
        self.arn = pool.arn
        self.pool_name = pool.pool_name
        self.register_outputs({"arn": self.arn, "poolName": self.pool_name})


def check_pool_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_dedicated_ip_pools([config_mapping(args)], ROOT, problems)
    return unknown_arguments(args, DedicatedIpPoolArgs.__annotations__) + as_arguments(
        problems.found, DEDICATED_IP_POOL_KEYS, f"{ROOT}[0]"
    )


def declare_pool(
    resource_name: str, pool_name: pulumi.Input[str], scaling_mode: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> aws.sesv2.DedicatedIpPool:
    return aws.sesv2.DedicatedIpPool(
        resource_name,
        pool_name=pool_name,
        scaling_mode=scaling_mode,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )


def pool_resource_name(spec: DedicatedIpPoolSpec) -> str:
    return f"dedicated-ip-pool-{spec.name}"


def declare_dedicated_ip_pools(stack: StackSpec) -> dict[str, aws.sesv2.DedicatedIpPool]:
    """The stack's pools, keyed by pool name, declared before the configuration sets that send
    through them (a set's ``sendingPool`` then takes the pool's ``pool_name`` output). They have
    no parent: their URNs predate the public component."""
    return {
        spec.name: declare_pool(pool_resource_name(spec), spec.name, spec.scaling_mode, pulumi.ResourceOptions())
        for spec in stack.dedicated_ip_pools
    }
