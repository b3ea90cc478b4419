"""ses-domains: SES sending domains, their DNS records in Route 53, per stack."""

import pulumi

from components.aws_profile import check_aws_profile
from components.config.stack import read_stack_config
from components.configuration_set import declare_configuration_sets
from components.domain_verification import declare_verification
from components.sending_domain import SendingDomain, SendingDomainArgs
from components.zones import lookup_zones

stack = read_stack_config()
for warning in stack.warnings:
    pulumi.log.warn(warning)
check_aws_profile(stack.region, stack.profile)
zones = lookup_zones(stack.domains)
configuration_sets = declare_configuration_sets(stack, zones)

sending_domains = {
    spec.domain: SendingDomain(
        spec.domain,
        SendingDomainArgs(
            spec=spec,
            zone=zones[spec.domain],
            region=stack.region,
            configuration_set=configuration_sets.get(spec.configuration_set or ""),
        ),
    )
    for spec in stack.domains
}

verification = declare_verification(
    {spec.domain: sending_domains[spec.domain] for spec in stack.domains if spec.verify.enabled},
    stack.region,
    stack.profile,
)
if verification is not None:
    pulumi.export("verification", verification.results)

pulumi.export(
    "domains",
    {
        domain: {"identityArn": component.identity_arn, "records": component.records}
        for domain, component in sending_domains.items()
    },
)
pulumi.export("configurationSets", {name: component.summary for name, component in configuration_sets.items()})
