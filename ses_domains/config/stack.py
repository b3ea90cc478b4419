"""The whole stack config: read, validated across entries, returned as plain data."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from ses_domains.records.regions import region_facts
from ses_domains.records.replicas import every_static_record
from ses_domains.config.domain_names import is_within
from ses_domains.config.domains import DomainSpec, read_domain
from ses_domains.config.errors import Problems
from ses_domains.config.fields import as_text
from ses_domains.config.replicas import check_replicas
from ses_domains.config.route53_writes import PER_RECORD, read_route53_writes
from ses_domains.config.regions import looks_like_region, region_facts_problem, ses_regions

# Each feature's reader is imported where the stack uses that feature: a stack of plain domains
# does not pay for reading configuration sets, templates or alarms when the program starts.
if TYPE_CHECKING:
    from ses_domains.config.account import AccountSpec
    from ses_domains.config.configuration_sets import ConfigurationSetSpec, ConfigurationSets
    from ses_domains.config.contact_lists import ContactListSpec
    from ses_domains.config.dedicated_ip_pools import DedicatedIpPoolSpec
    from ses_domains.config.email_identities import EmailIdentitySpec
    from ses_domains.config.global_endpoint import GlobalEndpointSpec
    from ses_domains.config.reputation_alarms import ReputationAlarmsSpec
    from ses_domains.config.templates import TemplateSpec

PROJECT = "ses-domains"
PROJECT_KEYS = (
    "domains", "configurationSets", "globalEndpoint", "emailIdentities", "templates", "contactLists",
    "dedicatedIpPools", "reputationAlarms", "account", "route53Writes",
)
"""Every key of the ``ses-domains:`` namespace; any other is a typo and is reported."""


@dataclass(frozen=True)
class StackSpec:
    region: str
    profile: Optional[str]
    domains: tuple[DomainSpec, ...]
    warnings: tuple[str, ...] = field(default=())
    configuration_sets: tuple[ConfigurationSetSpec, ...] = field(default=())
    global_endpoint: Optional[GlobalEndpointSpec] = None
    account: Optional[AccountSpec] = None
    contact_lists: tuple[ContactListSpec, ...] = field(default=())
    dedicated_ip_pools: tuple[DedicatedIpPoolSpec, ...] = field(default=())
    reputation_alarms: Optional[ReputationAlarmsSpec] = None
    email_identities: tuple[EmailIdentitySpec, ...] = field(default=())
    templates: tuple[TemplateSpec, ...] = field(default=())
    route53_writes: str = PER_RECORD
    """``ses-domains:route53Writes`` (``config.route53_writes``)."""


def read_stack_config(
    get_project_value: Callable[[str], Any],
    get_aws_value: Callable[[str], Any],
    project_keys: Optional[Iterable[str]] = None,
    *,
    project_dir: Optional[Path] = None,
    namespace: str = PROJECT,
) -> StackSpec:
    """Read and check the stack config; raise ``ConfigError`` listing every problem found.

    The getters return the raw value of a key of the ``ses-domains:`` and ``aws:`` namespaces, or
    ``None``: the Pulumi program reads them from ``pulumi.Config`` (structured values JSON-decoded,
    ``aws:`` values as the plain strings the AWS provider reads), the command from
    ``Pulumi.<stack>.yaml``. ``project_keys`` are the keys set in the ``ses-domains:`` namespace
    (without it): any key this program does not read is reported, with the closest known key.
    ``project_dir`` is where files named by the config (a template's ``htmlFile``) are read from:
    the Pulumi project directory (default: the current directory, where the program runs).
    ``namespace`` is the project's name (``name:`` of ``Pulumi.yaml``): Pulumi namespaces the
    project's config keys with it, and every problem is reported under it.
    """
    problems = Problems()
    warnings: list[str] = []
    _check_project_keys(project_keys, namespace, problems)

    region = _read_region(get_aws_value("region"), problems)
    raw_domains = get_project_value("domains")
    domains_key = f"{namespace}:domains"
    domains: list[DomainSpec] = []
    others = [key for key in PROJECT_KEYS if key not in ("domains", "route53Writes")
              and get_project_value(key) not in (None, [], {}, "")]
    if raw_domains is None and others:
        pass  # A stack of addresses, account settings or alarms only: no domain of its own.
    elif raw_domains is None:
        problems.add(
            domains_key,
            "is required: a list of domains, each at least {domain: example.com} (or, for a stack without "
            f"domains, one of {', '.join(f'{namespace}:{key}' for key in PROJECT_KEYS if key not in ('domains', 'route53Writes'))})",
        )
    elif not isinstance(raw_domains, list) or not raw_domains:
        problems.add(domains_key, "must be a non-empty list of domains, each at least {domain: example.com}")
    else:
        for index, raw in enumerate(raw_domains):
            spec = read_domain(raw, f"{domains_key}[{index}]", problems, warnings)
            if spec is not None:
                domains.append(spec)
    _check_unique_domains(domains, problems)
    raw_sets = get_project_value("configurationSets")
    read_sets: Optional[ConfigurationSets] = None
    if raw_sets is not None:
        from ses_domains.config.configuration_sets import read_configuration_sets

        read_sets = read_configuration_sets(raw_sets, f"{namespace}:configurationSets", problems, warnings)
    configuration_sets = list(read_sets.specs) if read_sets is not None else []
    _check_configuration_set_references(domains, read_sets, problems, namespace)
    _check_created_topics(configuration_sets, problems)
    _check_mail_from_names(domains, problems)
    _check_shared_tracking_domains(configuration_sets, problems)
    email_identities: tuple[EmailIdentitySpec, ...] = ()
    raw_addresses = get_project_value("emailIdentities")
    if raw_addresses is not None:
        from ses_domains.config.email_identities import read_email_identities

        email_identities = read_email_identities(
            raw_addresses, f"{namespace}:emailIdentities", problems, warnings, domains, _declared(read_sets)
        )
    templates: tuple[TemplateSpec, ...] = ()
    raw_templates = get_project_value("templates")
    if raw_templates is not None:
        from ses_domains.config.templates import read_templates

        templates = read_templates(raw_templates, f"{namespace}:templates", problems, Path(project_dir or Path.cwd()))
    global_endpoint: Optional[GlobalEndpointSpec] = None
    raw_endpoint = get_project_value("globalEndpoint")
    if raw_endpoint is not None:
        from ses_domains.config.global_endpoint import read_global_endpoint

        global_endpoint = read_global_endpoint(raw_endpoint, f"{namespace}:globalEndpoint", problems)
    account: Optional[AccountSpec] = None
    raw_account = get_project_value("account")
    if raw_account is not None:
        from ses_domains.config.account import read_account, vdm_off_warnings

        account = read_account(raw_account, f"{namespace}:account", problems, warnings, region)
        warnings.extend(vdm_off_warnings(account, tuple(configuration_sets)))
    contact_lists: tuple[ContactListSpec, ...] = ()
    raw_lists = get_project_value("contactLists")
    if raw_lists is not None:
        from ses_domains.config.contact_lists import read_contact_lists

        contact_lists = read_contact_lists(raw_lists, f"{namespace}:contactLists", problems)
    dedicated_ip_pools: tuple[DedicatedIpPoolSpec, ...] = ()
    raw_pools = get_project_value("dedicatedIpPools")
    if raw_pools is not None:
        from ses_domains.config.dedicated_ip_pools import read_dedicated_ip_pools

        dedicated_ip_pools = read_dedicated_ip_pools(raw_pools, f"{namespace}:dedicatedIpPools", problems)
    if configuration_sets:
        from ses_domains.config.dedicated_ip_pools import check_sending_pools

        check_sending_pools(configuration_sets, dedicated_ip_pools, problems, warnings)
    reputation_alarms: Optional[ReputationAlarmsSpec] = None
    raw_alarms = get_project_value("reputationAlarms")
    if raw_alarms is not None:
        from ses_domains.config.reputation_alarms import read_reputation_alarms

        reputation_alarms = read_reputation_alarms(raw_alarms, f"{namespace}:reputationAlarms", problems, warnings)
    if region:
        for spec in domains:
            check_replicas(spec.key, spec.replica_regions, spec.mail_from, region, problems)
        if global_endpoint is not None:
            from ses_domains.config.global_endpoint import check_served_domains
            from ses_domains.config.secondary_region import check_secondary_sinks, secondary_region_warnings

            check_served_domains(global_endpoint, domains, region, problems)
            check_secondary_sinks(global_endpoint.key, global_endpoint.secondary_regions(region),
                                  global_endpoint.sinks, configuration_sets, problems)
            warnings.extend(secondary_region_warnings(global_endpoint.secondary_regions(region), configuration_sets,
                                                      {pool.name for pool in dedicated_ip_pools}))
        if any(spec.tracking_domain is not None for spec in configuration_sets):
            _check_tracking_domains(domains, configuration_sets, region, problems, warnings)
        _check_unique_record_sets(domains, region, problems)
        if reputation_alarms is not None:
            from ses_domains.config.reputation_alarms import check_reputation_alarms

            check_reputation_alarms(reputation_alarms, _declared(read_sets), region, problems)
        if global_endpoint is not None and (reputation_alarms is not None or raw_alarms is None):
            from ses_domains.config.reputation_alarms import check_secondary_alarm_topics

            check_secondary_alarm_topics(reputation_alarms, global_endpoint.key,
                                         global_endpoint.secondary_regions(region), global_endpoint.alarm_topics, problems,
                                         warnings)
        receiving = {spec.key: spec.receive for spec in domains if spec.receive is not None}
        if receiving:
            from ses_domains.config.receive import check_receiving

            check_receiving(receiving, region, problems)
    route53_writes = read_route53_writes(get_project_value("route53Writes"), f"{namespace}:route53Writes", problems)
    # Kept as written: "null" or "123" name a profile to the AWS provider, and so they do here.
    profile = as_text(get_aws_value("profile"))
    if profile is not None and (not isinstance(profile, str) or not profile.strip()):
        problems.add("aws:profile", f"must be the name of a profile in ~/.aws/config, got {profile!r}")
    problems.raise_if_any()
    return StackSpec(
        region=region or "",
        profile=profile or None,
        domains=tuple(domains),
        warnings=tuple(warnings),
        configuration_sets=tuple(configuration_sets),
        global_endpoint=global_endpoint,
        account=account,
        contact_lists=contact_lists,
        dedicated_ip_pools=dedicated_ip_pools,
        reputation_alarms=reputation_alarms,
        email_identities=email_identities,
        templates=templates,
        route53_writes=route53_writes,
    )


def _check_project_keys(project_keys: Optional[Iterable[str]], namespace: str, problems: Problems) -> None:
    for name in sorted(set(project_keys or ()) - set(PROJECT_KEYS)):
        close = difflib.get_close_matches(name, PROJECT_KEYS, n=1) or difflib.get_close_matches(
            name.lower(), [key.lower() for key in PROJECT_KEYS], n=1
        )
        hint = ""
        if close:
            hint = f"; did you mean '{next(key for key in PROJECT_KEYS if key.lower() == close[0].lower())}'?"
        problems.add(
            f"{namespace}:{name}",
            f"unknown key{hint} (this program reads {', '.join(f'{namespace}:{key}' for key in PROJECT_KEYS)})",
        )


def _read_region(raw: Any, problems: Problems) -> Optional[str]:
    region = raw or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        problems.add("aws:region", "is required: the SES region, such as eu-west-1 (pulumi config set aws:region eu-west-1)")
        return None
    if not isinstance(region, str) or not looks_like_region(region):
        problems.add("aws:region", f"must be an AWS region such as eu-west-1, got {region!r}")
        return None
    # A region of this version's facts table is an SES region: the table lists exactly the regions
    # botocore's endpoint data offers SES in (tests/test_region_facts.py). That data, a 1.2 MB file
    # read in some 15 ms, is read only for another region, to say why it is refused.
    regions = ses_regions() if region_facts(region) is None else None
    if regions is None or region in regions.ses:
        problem = region_facts_problem(region)
        if problem:
            problems.add("aws:region", problem)
            return None
        return region
    offered = sorted(regions.ses)
    if region in regions.known:
        area = region.split("-", 1)[0] + "-"
        nearby = [name for name in offered if name.startswith(area)] or offered
        problems.add(
            "aws:region",
            f"{region} is an AWS region, but SES is not offered there ({regions.source}); "
            f"SES regions: {', '.join(nearby)}",
        )
        return None
    close = difflib.get_close_matches(region, offered, n=1, cutoff=0.75)
    hint = f"did you mean {close[0]}?" if close else f"SES regions: {', '.join(offered)}"
    problems.add(
        "aws:region",
        f"{region} is not a region where SES is offered: {regions.source} has no such region "
        f"(upgrade botocore if the region is new); {hint}",
    )
    return None


def _check_unique_domains(domains: list[DomainSpec], problems: Problems) -> None:
    first_key: dict[str, str] = {}
    for spec in domains:
        if spec.domain in first_key:
            problems.add(f"{spec.key}.domain", f"{spec.domain} is already declared at {first_key[spec.domain]}")
        else:
            first_key[spec.domain] = spec.key


def _check_unique_record_sets(domains: list[DomainSpec], region: str, problems: Problems) -> None:
    """Route 53 keeps one record set per name and type: two entries must never write the same one."""
    owner: dict[tuple[str, str], str] = {}
    for spec in domains:
        for record in every_static_record(spec, region):
            where = (record.name, record.type)
            if where in owner and owner[where] != spec.key:
                problems.add(
                    spec.key,
                    f"its {record.type} record {record.name} is also written by {owner[where]}: "
                    "Route 53 holds one record set per name and type; change mailFrom of one of them",
                )
            owner.setdefault(where, spec.key)


def _declared(read_sets: Optional[ConfigurationSets]) -> ConfigurationSets:
    """The configuration sets as read, or none declared (``None``: the stack has no such key)."""
    if read_sets is not None:
        return read_sets
    from ses_domains.config.configuration_sets import ConfigurationSets

    return ConfigurationSets()


def _check_configuration_set_references(
    domains: list[DomainSpec], configuration_sets: Optional[ConfigurationSets], problems: Problems, namespace: str
) -> None:
    """A domain's configurationSet must be declared; turning SES's feedback emails off needs another ear.

    A set that is declared but has problems of its own (already reported) is neither missing nor
    judged here. ``configuration_sets``: ``None`` when the stack declares none."""
    by_name = {spec.name: spec for spec in configuration_sets.specs} if configuration_sets is not None else {}
    with_problems = configuration_sets.names_with_problems if configuration_sets is not None else frozenset()
    for spec in domains:
        if spec.configuration_set in with_problems:
            continue
        configuration_set = by_name.get(spec.configuration_set) if spec.configuration_set else None
        if spec.configuration_set and configuration_set is None:
            declared = ", ".join(sorted(by_name)) or "none is declared"
            problems.add(
                f"{spec.key}.configurationSet",
                f"there is no configuration set {spec.configuration_set} in {namespace}:configurationSets ({declared})",
            )
            continue
        if spec.feedback_forwarding is not False:
            continue
        if configuration_set is None:
            problems.add(
                f"{spec.key}.feedbackForwarding",
                "false turns off SES's bounce and complaint emails: give the domain a configurationSet whose "
                "event destinations (sns, eventBridge or firehose) receive BOUNCE and COMPLAINT events",
            )
            continue
        from ses_domains.config.configuration_sets import FEEDBACK_EVENTS

        missing = [event for event in FEEDBACK_EVENTS if event not in configuration_set.notified_events()]
        if missing:
            problems.add(
                f"{spec.key}.feedbackForwarding",
                f"false turns off SES's bounce and complaint emails, but the configuration set "
                f"{configuration_set.name} sends no {' and no '.join(missing)} events to an enabled sns, eventBridge "
                "or firehose destination (CloudWatch only counts them): nobody would hear about them",
            )


def _check_created_topics(configuration_sets: list[ConfigurationSetSpec], problems: Problems) -> None:
    """A topic the stack creates belongs to one configuration set: its policy names that set."""
    owner: dict[str, str] = {}
    for spec in configuration_sets:
        for topic in spec.created_topics:
            if topic in owner:
                problems.add(
                    spec.key,
                    f"creates the SNS topic {topic}, which {owner[topic]} creates too: give one of them another "
                    "topic name, or the other's topic ARN (topicArn) and a topic policy of your own",
                )
            else:
                owner[topic] = spec.key


def _check_mail_from_names(domains: list[DomainSpec], problems: Problems) -> None:
    """A MAIL FROM domain is a name of its own: never another identity of the stack."""
    identities = {spec.domain: spec.key for spec in domains}
    for spec in domains:
        if spec.mail_from in identities:
            problems.add(
                f"{spec.key}.mailFrom",
                f"{spec.mail_from} is the identity of {identities[spec.mail_from]}: this domain's MAIL FROM MX and "
                f"SPF records would be written at that identity's own name; choose a name no identity of the "
                f"stack uses, such as bounce.{spec.domain}",
            )


def _check_shared_tracking_domains(configuration_sets: list[ConfigurationSetSpec], problems: Problems) -> None:
    """One tracking name is either a CNAME to SES (HTTP) or a CloudFront distribution (HTTPS), not both."""
    first: dict[str, ConfigurationSetSpec] = {}
    for spec in configuration_sets:
        if spec.tracking_domain is None:
            continue
        other = first.setdefault(spec.tracking_domain, spec)
        if other is spec or (other.https_policy == "OPTIONAL") == (spec.https_policy == "OPTIONAL"):
            continue
        key = "httpsPolicy" if spec.https_policy != "OPTIONAL" else "trackingDomain"
        problems.add(
            f"{spec.key}.{key}",
            f"the tracking domain {spec.tracking_domain} is used with httpsPolicy {spec.https_policy} here and "
            f"{other.https_policy} by {other.key}: one name is either a CNAME to SES's tracking endpoint (HTTP, "
            "OPTIONAL) or a CloudFront distribution in front of it (HTTPS, REQUIRE or REQUIRE_OPEN_ONLY); give "
            "both sets the same kind of httpsPolicy, or each its own tracking domain",
        )


def _check_tracking_domains(
    domains: list[DomainSpec],
    configuration_sets: list[ConfigurationSetSpec],
    region: str,
    problems: Problems,
    warnings: list[str],
) -> None:
    """The tracking CNAME cannot share its name with any record the domains write."""
    taken: dict[str, str] = {}
    for spec in domains:
        taken.setdefault(spec.domain, spec.key)
        for record in every_static_record(spec, region):
            taken.setdefault(record.name, spec.key)
    for configuration_set in configuration_sets:
        tracking = configuration_set.tracking_domain
        if tracking is None:
            continue
        if tracking in taken:
            problems.add(
                f"{configuration_set.key}.trackingDomain",
                f"{tracking} already has records of {taken[tracking]}; a CNAME cannot share its name: "
                f"use a name of its own such as click.{tracking}",
            )
        elif not any(is_within(tracking, spec.domain) for spec in domains):
            warnings.append(
                f"{configuration_set.key}.trackingDomain: SES accepts {tracking} only when it or a parent domain is "
                "a verified identity, and no domain of this stack is its parent"
            )
