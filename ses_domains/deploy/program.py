"""The Pulumi program: stack config in, SES identities, records and their verification declared.

``__main__.py`` only calls :func:`main`. A user mistake (config, zones, ``aws:profile``) ends the
run as a ``pulumi.RunError``: Pulumi prints the message, every problem under its key, with no
traceback, and no resource has been declared.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

import pulumi

from ses_domains.config.errors import ConfigError, Problem
from ses_domains.config.route53_writes import BATCHED, BATCHED_MODES, BATCHED_RETAINED, PER_RECORD, PER_RECORD_RETAINED
from ses_domains.config.stack import StackSpec, read_stack_config
from ses_domains.deploy import record_writes
from ses_domains.deploy.aws_profile import check_aws_profile
from ses_domains.deploy.own_records import ReadOnce, read_own_records
from ses_domains.deploy.sending_domain import SendingDomain
from ses_domains.deploy.verification import declare_verification
from ses_domains.deploy.zone_preflight import Preflight, apex_spf_notice, preflight
from ses_domains.deploy.zones import lookup_zones

# Each feature beyond sending domains (configuration sets, addresses, templates, alarms, receiving,
# a global endpoint...) is imported where the stack declares it: a stack that does not use it does
# not pay for its modules when the program starts.
if TYPE_CHECKING:
    from ses_domains.config.domains import DomainSpec
    from ses_domains.deploy.configuration_set import ConfigurationSet
    from ses_domains.deploy.inbound_mail import InboundMail
    from ses_domains.deploy.inbound_preflight import InboundPlan
    from ses_domains.deploy.secondary_region import SecondaryRegion


def main() -> None:
    try:
        # aws: values are plain strings to the AWS provider (a profile named "null" stays "null").
        # Pulumi namespaces the project's config keys with the project's name (Pulumi.yaml).
        project = pulumi.get_project()
        stack = read_stack_config(
            config_getter(project), pulumi.Config("aws").get, project_keys=_namespace_keys(project),
            namespace=project,
        )
        check_aws_profile(stack.region, stack.profile)
        zones = lookup_zones(stack)
        own = ReadOnce(read_own_records)
        check_switch_to_batched(stack, own)
        existing = preflight(stack, zones, owns=own.owns)
        taken_over = switch_back(stack, own)
        inbound = None
        if any(spec.receive is not None for spec in stack.domains):
            from ses_domains.deploy.inbound_preflight import inbound_preflight

            inbound = inbound_preflight(stack, pulumi.get_stack())
    except ConfigError as error:
        for warning in stack.warnings if "stack" in locals() else ():
            pulumi.log.warn(warning)
        raise pulumi.RunError(str(error)) from None
    for warning in stack.warnings:
        if warning not in existing.needless_warnings:
            pulumi.log.warn(warning)
    for notice in existing.notices:
        pulumi.log.warn(notice)
    for spec in stack.domains:
        if spec.domain in existing.apex_spf:
            pulumi.log.info(apex_spf_notice(spec.key, existing.apex_spf[spec.domain]))
    # The record writes of the run are set here, around the declarations, rather than in a function
    # that wraps them: Pulumi captures the call stack of every resource, and each frame between the
    # program and a resource costs every declaration.
    with record_writes.writing(record_writes.RecordWrites(stack.route53_writes, stack.region, stack.profile, taken_over)):
        declare(stack, zones, existing, inbound)
    if stack.route53_writes != PER_RECORD:
        pulumi.export("route53Writes", stack.route53_writes)


def declare(stack: StackSpec, zones: dict, existing: Preflight, inbound: Optional[InboundPlan]) -> None:
    """``inbound``: the receiving plan, ``None`` when no domain receives mail."""
    account = None
    if stack.account is not None:
        from ses_domains.deploy.account_settings import declare_account_settings

        account = declare_account_settings(stack.account, stack.region)
    pools = {}
    if stack.dedicated_ip_pools:
        from ses_domains.deploy.dedicated_ip_pools import declare_dedicated_ip_pools

        pools = declare_dedicated_ip_pools(stack)
    configuration_sets = {}
    if stack.configuration_sets:
        from ses_domains.deploy.configuration_set import declare_configuration_sets

        configuration_sets = declare_configuration_sets(stack, zones, pools)
    # Before the domains: a replica identity in a secondary region names the copy of its domain's set there.
    secondary_regions = {}
    if stack.global_endpoint is not None:
        from ses_domains.deploy.secondary_region import declare_secondary_regions

        secondary_regions = declare_secondary_regions(stack)
    # A loop, not a comprehension: Pulumi captures the call stack of every resource declared, and
    # each frame below the program's costs every one of them.
    sending_domains = {}
    for spec in stack.domains:
        sending_domains[spec.domain] = SendingDomain.in_stack(
            spec, stack, zones[spec.domain], existing, configuration_sets.get(spec.configuration_set or ""),
            replica_configuration_sets=_replica_configuration_sets(spec, secondary_regions),
        )
    email_addresses = {}
    if stack.email_identities:
        from ses_domains.deploy.email_identity import declare_email_addresses

        email_addresses = declare_email_addresses(stack, configuration_sets)
    templates = {}
    if stack.templates:
        from ses_domains.deploy.templates import declare_templates

        templates = declare_templates(stack.templates)
    verification = declare_verification(
        [sending_domains[spec.domain] for spec in stack.domains if spec.verify.enabled],
        stack.region,
        stack.profile,
        addresses=list(email_addresses.values()),
    )
    if any(spec.tracking_domain for spec in stack.configuration_sets):
        from ses_domains.deploy.tracking_options import declare_tracking_options

        declare_tracking_options(stack, configuration_sets, sending_domains, verification)
    inbound_mail = None
    if inbound is not None:
        from ses_domains.deploy.inbound_mail import declare_inbound_mail

        inbound_mail = declare_inbound_mail(
            inbound, zones, {domain: component.identity for domain, component in sending_domains.items()},
            existing.adopted,
        )
    if stack.global_endpoint is not None:
        from ses_domains.deploy.global_endpoint import declare_global_endpoint, endpoint_summary

        endpoint = declare_global_endpoint(stack.global_endpoint, sending_domains.values())
        if endpoint is not None:
            pulumi.export("globalEndpoint", endpoint_summary(stack.global_endpoint, endpoint))
    if verification is not None:
        pulumi.export("verification", verification.results if verification.address_results is None else
                      pulumi.Output.all(verification.results, verification.address_results).apply(
                          lambda both: {**(both[0] or {}), **(both[1] or {})}))
    if account is not None:
        pulumi.export("account", account.summary)
    pulumi.export(
        "domains",
        {
            domain: {"identityArn": component.identity_arn,
                     "records": _with_inbound_records(component.records, domain, inbound_mail),
                     **({"reportAuthorizations": component.report_authorizations}
                        if component.report_authorizations else {}),
                     **({"replicas": {r.region: {"identityArn": r.identity_arn} for r in component.replicas}}
                        if component.replicas else {})}
            for domain, component in sending_domains.items()
        },
    )
    pulumi.export("configurationSets", {name: component.summary for name, component in configuration_sets.items()})
    if stack.contact_lists:
        from ses_domains.deploy.contact_lists import declare_contact_lists

        contact_lists = declare_contact_lists(stack)
        if contact_lists:
            pulumi.export("contactLists", {name: resource.arn for name, resource in contact_lists.items()})
    if pools:
        pulumi.export("dedicatedIpPools", {name: resource.arn for name, resource in pools.items()})
    if stack.reputation_alarms is not None:
        from ses_domains.deploy.reputation_alarms import declare_reputation_alarms

        alarms = declare_reputation_alarms(
            stack.reputation_alarms,
            {name: component.configuration_set_name for name, component in configuration_sets.items()},
        )
        if alarms is not None:
            pulumi.export("reputationAlarms", alarms.alarm_arns)
    if secondary_regions:
        from ses_domains.deploy.secondary_region import declare_secondary_alarms

        declare_secondary_alarms(stack, secondary_regions)
        pulumi.export("secondaryRegions", {region: copies.summary for region, copies in secondary_regions.items()})
    if email_addresses:
        from ses_domains.deploy.email_identity import email_addresses_summary

        pulumi.export("emailIdentities", email_addresses_summary(email_addresses))
    if templates:
        from ses_domains.deploy.templates import templates_summary

        pulumi.export("templates", templates_summary(templates))


def _replica_configuration_sets(
    spec: DomainSpec, secondary_regions: Mapping[str, SecondaryRegion]
) -> dict[str, ConfigurationSet]:
    """``secondary_region.replica_configuration_sets``, imported only for a stack with secondary regions."""
    if not secondary_regions:
        return {}
    from ses_domains.deploy.secondary_region import replica_configuration_sets

    return replica_configuration_sets(spec, secondary_regions)


def _with_inbound_records(records: pulumi.Output, domain: str, inbound_mail: Optional[InboundMail]) -> pulumi.Output:
    """``inbound_mail.with_inbound_records``, imported only for a stack that receives mail."""
    if inbound_mail is None:
        return records
    from ses_domains.deploy.inbound_mail import with_inbound_records

    return with_inbound_records(records, domain, inbound_mail)


def check_switch_to_batched(stack: StackSpec, own: ReadOnce) -> None:
    """For a batched stack: refuses the switch straight from per-record resources (they would be
    deleted from DNS after the zones' resources took their records over); reads the stack's own
    records now, once (the preflight needs them)."""
    if stack.route53_writes not in BATCHED_MODES:
        return
    last = own.records()
    if last.managed and last.route53_writes not in (PER_RECORD_RETAINED, *BATCHED_MODES):
        raise _switch_refused(stack.route53_writes, "per-record resources", "the zones' resources",
                              first=PER_RECORD_RETAINED, then=BATCHED)


def switch_back(stack: StackSpec, own: ReadOnce) -> frozenset[tuple[str, str]]:
    """For a per-record stack whose last update wrote through the zones' resources: the record
    sets the per-record resources take over (``allow_overwrite``), every one the last update
    lists. Refused straight from ``batched``: the zones' resources, no longer declared, would
    delete them from DNS. The last update is known only when the zones hold records at the
    stack's names (the preflight read it then); with none there, there is nothing to take over."""
    last = own.read_so_far
    if stack.route53_writes in BATCHED_MODES or last is None or last.route53_writes not in BATCHED_MODES:
        return frozenset()
    if last.route53_writes == BATCHED:
        raise _switch_refused(stack.route53_writes, "held by the zones' resources (route53-records-<zone>)",
                              "the per-record resources", first=BATCHED_RETAINED, then=stack.route53_writes)
    return last.managed


def _switch_refused(mode: str, held_by: str, taking_over: str, *, first: str, then: str) -> ConfigError:
    """A switch of ``route53Writes`` that would leave records missing from DNS, and the two steps that do not."""
    return ConfigError([Problem(f"{pulumi.get_project()}:route53Writes", (
        f"{mode}: this stack's records are {held_by} now, which pulumi up would delete from DNS once {taking_over} "
        f"took the records over; first pulumi up once with {first}, then switch to {then} (README: Many domains)"))])


def config_getter(namespace: str) -> Callable[[str], Any]:
    """The raw value of a key of ``namespace``: structured values arrive as JSON text."""
    config = pulumi.Config(namespace)

    def get(key: str) -> Any:
        raw = config.get(key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    return get


def _namespace_keys(namespace: str) -> list[str]:
    """The keys set in ``namespace`` (without it): the runtime's config map and the engine's
    ``PULUMI_CONFIG``, where the language host puts the stack's config."""
    keys = set(pulumi.runtime.config.CONFIG.get()) | set(pulumi.runtime.get_config_env())
    prefix = f"{namespace}:"
    return sorted(key[len(prefix):] for key in keys if key.startswith(prefix))
