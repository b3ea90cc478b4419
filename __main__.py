"""ses-domains: SES sending domains, their DNS records in Route 53, per stack."""

import pulumi

from components.config.stack import read_stack_config
from components.sending_domain import SendingDomain, SendingDomainArgs
from components.zones import lookup_zones, route53_client

stack = read_stack_config()
for warning in stack.warnings:
    pulumi.log.warn(warning)
zones = lookup_zones(stack.domains, route53_client(stack.region, stack.profile))

sending_domains = {
    spec.domain: SendingDomain(
        spec.domain,
        SendingDomainArgs(spec=spec, zone=zones[spec.domain], region=stack.region),
    )
    for spec in stack.domains
}

pulumi.export(
    "domains",
    {
        domain: {"identityArn": component.identity_arn, "records": component.records}
        for domain, component in sending_domains.items()
    },
)
