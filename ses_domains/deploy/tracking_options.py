"""Each configuration set's custom tracking domain (``trackingDomain``), set once SES can accept it:
after the stack's domain that is its parent has verified."""

from __future__ import annotations

from typing import Mapping, Optional

import pulumi

from ses_domains.config.domain_names import is_within
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.configuration_set import ConfigurationSet
from ses_domains.deploy.sending_domain import SendingDomain
from ses_domains.deploy.set_options import TrackingOptions


def declare_tracking_options(
    stack: StackSpec,
    configuration_sets: Mapping[str, ConfigurationSet],
    sending_domains: Mapping[str, SendingDomain],
    verification: Optional[pulumi.Resource],
) -> dict[str, TrackingOptions]:
    """Each set's custom tracking domain, keyed by set name, set only after SES can accept it.

    SES accepts a tracking domain only under an identity verified for sending. When a domain of
    the stack is its parent (the closest one), the options wait for the stack's verification
    step, or, for a domain with ``verify.enabled: false``, for its identity and records, with a
    warning that SES may still refuse them. With no parent in the stack (the config read warned),
    they wait for the set and its tracking record only.
    """
    declared = {}
    for spec in stack.configuration_sets:
        if not spec.tracking_domain:
            continue
        component = configuration_sets[spec.name]
        needs: list[pulumi.Resource] = [component.tracking_record] if component.tracking_record else []
        parent = _parent_domain(spec.tracking_domain, stack)
        if parent is not None:
            if parent.verify.enabled and verification is not None:
                needs.append(verification)
            else:
                needs.extend([sending_domains[parent.domain].identity, *sending_domains[parent.domain].published])
                pulumi.log.warn(
                    f"{spec.key}.trackingDomain: {parent.domain} has verify.enabled false, so pulumi up does not "
                    f"wait for it to verify before setting {spec.tracking_domain} on {spec.name}; SES refuses the "
                    "tracking domain until then: run pulumi up again once the identity is verified"
                )
        declared[spec.name] = TrackingOptions(
            f"{spec.name}-tracking-options",
            component.configuration_set_name,
            spec.tracking_domain,
            spec.https_policy,
            stack.region,
            stack.profile,
            opts=pulumi.ResourceOptions(parent=component, depends_on=needs),
        )
    return declared


def _parent_domain(tracking_domain: str, stack: StackSpec):
    parents = [d for d in stack.domains if is_within(tracking_domain, d.domain)]
    return max(parents, key=lambda d: len(d.domain)) if parents else None
