"""A global endpoint's secondary regions: the stack's configuration sets, templates, address
identities, contact list, dedicated IP pools and reputation alarms declared once more, under the
same names, in each endpoint region that is not the stack's (``config/secondary_region.py`` says
why and what differs).

Every copy is a resource of its own with pulumi-aws 7's per-resource ``region``, under one
``SecondaryRegion`` component per region: the stack's resources in ``aws:region`` are untouched.
"""

from dataclasses import replace
from typing import Iterable, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.contact_lists import ContactListSpec
from ses_domains.config.dedicated_ip_pools import DedicatedIpPoolSpec
from ses_domains.config.domains import DomainSpec
from ses_domains.config.secondary_region import copied_pools, secondary_configuration_set
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.configuration_set import ConfigurationSet, ConfigurationSetPlan
from ses_domains.deploy.contact_lists import declare_contact_list
from ses_domains.deploy.dedicated_ip_pools import declare_pool
from ses_domains.deploy.reputation_alarms import ReputationAlarms, reputation_alarms_args
from ses_domains.deploy.templates import declare_template


class SecondaryRegion(pulumi.ComponentResource):
    """What one secondary region of a global endpoint holds of the stack."""

    def __init__(self, name: str, region: str, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ses-domains:index:SecondaryRegion", name, None, opts)
        self.region = region
        self.configuration_sets: dict[str, ConfigurationSet] = {}
        self.templates: dict[str, aws.ses.Template] = {}
        self.email_identities: dict[str, aws.sesv2.EmailIdentity] = {}
        self.contact_lists: dict[str, aws.sesv2.ContactList] = {}
        self.dedicated_ip_pools: dict[str, aws.sesv2.DedicatedIpPool] = {}
        self.reputation_alarms: Optional[ReputationAlarms] = None

    @property
    def summary(self) -> dict:
        """What the stack exports for this region: each copy's ARN, by name."""
        return {
            "configurationSets": {name: c.arn for name, c in self.configuration_sets.items()},
            "templates": {name: t.arn for name, t in self.templates.items()},
            "emailIdentities": {address: i.arn for address, i in self.email_identities.items()},
            **({"contactLists": {name: c.arn for name, c in self.contact_lists.items()}} if self.contact_lists else {}),
            **({"dedicatedIpPools": {name: p.arn for name, p in self.dedicated_ip_pools.items()}}
               if self.dedicated_ip_pools else {}),
            **({"reputationAlarms": self.reputation_alarms.alarm_arns} if self.reputation_alarms is not None else {}),
        }


def declare_copies(
    into: SecondaryRegion,
    *,
    configuration_sets: Iterable[ConfigurationSetPlan] = (),
    templates: Iterable[dict] = (),
    email_identities: Iterable[tuple[pulumi.Input[str], Optional[pulumi.Input[str]]]] = (),
    contact_lists: Iterable[ContactListSpec] = (),
    dedicated_ip_pools: Iterable[DedicatedIpPoolSpec] = (),
) -> SecondaryRegion:
    """Declares the copies in ``into.region``, as children of ``into``, each named after what it
    copies with the region appended (``transactional-us-east-1``). ``templates``: each ``{name,
    subject, text, html}``; ``email_identities``: each (address, its configuration set's name)."""
    region = into.region
    child = pulumi.ResourceOptions(parent=into)
    for pool in dedicated_ip_pools:
        into.dedicated_ip_pools[pool.name] = declare_pool(
            f"dedicated-ip-pool-{pool.name}-{region}", pool.name, pool.scaling_mode, child, region=region)
    for plan in configuration_sets:
        name = plan.spec.name
        # The tracking domain stays the stack region's (its CNAME names one region's endpoint).
        into.configuration_sets[name] = ConfigurationSet.in_stack(
            f"{name}-{region}",
            replace(plan, region=region, declared_region=region, tracking=None, own_tracking_options=False,
                    sending_pool=plan.sending_pool or into.dedicated_ip_pools.get(plan.spec.sending_pool or "")),
            child,
        )
    for template in templates:
        into.templates[template["name"]] = declare_template(
            f"template-{template['name']}-{region}", {**template, "region": region}, child)
    for address, set_name in email_identities:
        copied_set = into.configuration_sets.get(set_name) if isinstance(set_name, str) else None
        into.email_identities[address] = aws.sesv2.EmailIdentity(
            f"{address.lower()}-{region}",
            email_identity=address,
            configuration_set_name=copied_set.configuration_set_name if copied_set is not None else set_name,
            region=region,
            opts=pulumi.ResourceOptions(parent=into, delete_before_replace=True),
        )
    for contact_list in contact_lists:
        into.contact_lists[contact_list.name] = declare_contact_list(
            f"contact-list-{contact_list.name}-{region}",
            contact_list.name,
            contact_list.description,
            [{"name": topic.name, "display_name": topic.display_name, "description": topic.description,
              "default_subscription": topic.default_subscription} for topic in contact_list.topics],
            child,
            region=region,
        )
    into.register_outputs({"summary": into.summary})
    return into


def declare_secondary_regions(stack: StackSpec) -> Mapping[str, SecondaryRegion]:
    """The stack's copies in each secondary region of its global endpoint, keyed by region; none
    without an endpoint. The components have no parent, like the stack's other top resources."""
    endpoint = stack.global_endpoint
    if endpoint is None:
        return {}
    return {
        region: declare_copies(
            SecondaryRegion(f"global-endpoint-{region}", region),
            configuration_sets=[
                ConfigurationSetPlan(spec=secondary_configuration_set(spec, region, endpoint.sinks), region=region,
                                     profile=stack.profile)
                for spec in stack.configuration_sets
            ],
            templates=[{"name": t.name, "subject": t.subject, "text": t.text, "html": t.html} for t in stack.templates],
            email_identities=[(a.address, a.configuration_set) for a in stack.email_identities],
            contact_lists=stack.contact_lists,
            dedicated_ip_pools=copied_pools(stack.dedicated_ip_pools, stack.configuration_sets),
        )
        for region in endpoint.secondary_regions(stack.region)
    }


def declare_secondary_alarms(stack: StackSpec, secondary_regions: Mapping[str, SecondaryRegion]) -> None:
    """``reputationAlarms`` in each secondary region, as children of its ``SecondaryRegion``
    (``reputation-alarms-<region>``): SES publishes each region's bounce and complaint rates apart.
    Same levels and alarm names (CloudWatch names alarms per region); each notifies the topic of its
    region (``globalEndpoint.alarmTopics``; a region without one gets none) and a set's alarms watch that region's copy of the set."""
    spec, endpoint = stack.reputation_alarms, stack.global_endpoint
    if spec is None or endpoint is None:
        return
    for region, copies in secondary_regions.items():
        if region not in endpoint.alarm_topics:
            continue  # warned about at preview
        copies.reputation_alarms = ReputationAlarms(
            f"reputation-alarms-{region}",
            {**reputation_alarms_args(spec), "sns_topic_arn": endpoint.alarm_topics[region], "region": region},
            pulumi.ResourceOptions(parent=copies),
            set_names={name: copies.configuration_sets[name].configuration_set_name
                       for name in spec.configuration_sets},
        )


def replica_configuration_sets(spec: DomainSpec, secondary_regions: Mapping[str, SecondaryRegion]) -> dict[str, ConfigurationSet]:
    """Replica region -> the copy of the domain's default configuration set there, for each replica
    region that is a secondary region (SES looks a set up in the identity's own region); a replica
    in another region keeps no default set: the stack declares none there."""
    if spec.configuration_set is None:
        return {}
    return {region: secondary_regions[region].configuration_sets[spec.configuration_set]
            for region in spec.replica_regions if region in secondary_regions}
