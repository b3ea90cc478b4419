"""SES multi-region endpoints (global endpoints): the public ``GlobalEndpoint`` component, and the
stack's (``ses-domains:globalEndpoint``), both an ``aws.sesv2.MultiRegionEndpoint``.

terraform-provider-aws (``internal/service/sesv2/multi_region_endpoint.go``) creates it with one
``CreateMultiRegionEndpoint`` in the resource's own region, the primary (pulumi-aws 7's
per-resource ``region``), naming the secondary in ``Details.RoutesDetails``, and waits until it is
READY. It has no update: a new name or primary region replaces it, and as SES names it by
``endpoint_name`` the old one is deleted first. Every identity that sends through it must exist,
verified, in both regions: the endpoint is declared after them.
"""

from typing import TYPE_CHECKING, Iterable, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import TypedDict

from ses_domains.config.errors import Problem, Problems
from ses_domains.config.global_endpoint import GLOBAL_ENDPOINT_KEYS, GlobalEndpointSpec, read_global_endpoint
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments

if TYPE_CHECKING:
    from ses_domains.deploy.sending_domain import SendingDomain


class GlobalEndpointArgs(TypedDict):
    """The arguments of a ``GlobalEndpoint``."""

    name: str
    """The endpoint's name: 1 to 64 letters, digits, ``_`` and ``-``."""
    regions: list[str]
    """``[primary, secondary]``: two different SES regions; the endpoint is created in the first.
    Every domain that sends through it needs a verified identity in both (give the component
    ``depends_on`` them)."""


class GlobalEndpoint(pulumi.ComponentResource):
    """An SES global endpoint spreading sending over two regions."""

    endpoint_id: pulumi.Output[str]
    """The ``EndpointId`` that ``SendEmail`` takes."""
    arn: pulumi.Output[str]
    """The endpoint's ARN."""

    def __init__(self, name: str, args: GlobalEndpointArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs("GlobalEndpoint", args, check_endpoint_args)
        super().__init__("ses-domains:index:GlobalEndpoint", name, None, opts)
        endpoint = declare_endpoint(
            name, checked.get("name"), checked.get("regions", 0), checked.get("regions", 1),
            pulumi.ResourceOptions(parent=self),
        )
        self.endpoint_id = endpoint.endpoint_id
        self.arn = endpoint.arn
        self.register_outputs({"endpointId": self.endpoint_id, "arn": self.arn})


def check_endpoint_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_global_endpoint(config_mapping(args), ROOT, problems)
    return unknown_arguments(args, GlobalEndpointArgs.__annotations__) + as_arguments(problems.found, GLOBAL_ENDPOINT_KEYS)


def declare_endpoint(
    resource_name: str,
    endpoint_name: pulumi.Input[str],
    primary: pulumi.Input[str],
    secondary: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> aws.sesv2.MultiRegionEndpoint:
    return aws.sesv2.MultiRegionEndpoint(
        resource_name,
        endpoint_name=endpoint_name,
        region=primary,
        details=aws.sesv2.MultiRegionEndpointDetailsArgs(
            routes_details=aws.sesv2.MultiRegionEndpointDetailsRoutesDetailsArgs(region=secondary),
        ),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)),
    )


def declare_global_endpoint(
    spec: Optional[GlobalEndpointSpec], sending_domains: Iterable["SendingDomain"]
) -> Optional[aws.sesv2.MultiRegionEndpoint]:
    """The stack's endpoint, after every identity of its domains; without a parent: its URN
    predates the public component."""
    if spec is None:
        return None
    identities = [
        identity
        for component in sending_domains
        for identity in (component.identity, *(replica.identity for replica in component.replicas))
    ]
    return declare_endpoint(
        "global-endpoint", spec.name, spec.primary, spec.secondary, pulumi.ResourceOptions(depends_on=identities)
    )


def endpoint_summary(spec: GlobalEndpointSpec, endpoint: aws.sesv2.MultiRegionEndpoint) -> dict:
    """What the stack exports: the name, its regions, and the id SES gives it (the ``EndpointId``
    that ``SendEmail`` takes)."""
    return {"name": spec.name, "regions": list(spec.regions), "endpointId": endpoint.endpoint_id, "arn": endpoint.arn}
