"""``ses-domains:globalEndpoint``: an SES multi-region endpoint (``aws.sesv2.MultiRegionEndpoint``).

terraform-provider-aws (``internal/service/sesv2/multi_region_endpoint.go``) creates it with one
``CreateMultiRegionEndpoint`` in the resource's own region, the primary (pulumi-aws 7's
per-resource ``region``), naming the secondary in ``Details.RoutesDetails``, and waits until it is
READY. It has no update: a new name or primary region replaces it, and as SES names it by
``endpoint_name`` the old one is deleted first. The config read made sure that every domain of the
stack has an identity in both regions; the endpoint is declared after all of them.
"""

from __future__ import annotations

from typing import Iterable, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.global_endpoint import GlobalEndpointSpec
from ses_domains.deploy.sending_domain import SendingDomain


def declare_global_endpoint(
    spec: Optional[GlobalEndpointSpec], sending_domains: Iterable[SendingDomain]
) -> Optional[aws.sesv2.MultiRegionEndpoint]:
    if spec is None:
        return None
    identities = [
        identity
        for component in sending_domains
        for identity in (component.identity, *(replica.identity for replica in component.replicas))
    ]
    return aws.sesv2.MultiRegionEndpoint(
        "global-endpoint",
        endpoint_name=spec.name,
        region=spec.primary,
        details=aws.sesv2.MultiRegionEndpointDetailsArgs(
            routes_details=aws.sesv2.MultiRegionEndpointDetailsRoutesDetailsArgs(region=spec.secondary),
        ),
        opts=pulumi.ResourceOptions(delete_before_replace=True, depends_on=identities),
    )


def endpoint_summary(spec: GlobalEndpointSpec, endpoint: aws.sesv2.MultiRegionEndpoint) -> dict:
    """What the stack exports: the name, its regions, and the id SES gives it (the ``EndpointId``
    that ``SendEmail`` takes)."""
    return {"name": spec.name, "regions": list(spec.regions), "endpointId": endpoint.endpoint_id, "arn": endpoint.arn}
