"""SES multi-region endpoints (global endpoints): the public ``GlobalEndpoint`` component, and the
stack's (``ses-domains:globalEndpoint``), both an ``aws.sesv2.MultiRegionEndpoint``.

terraform-provider-aws (``internal/service/sesv2/multi_region_endpoint.go``) creates it with one
``CreateMultiRegionEndpoint`` in the resource's own region, the primary (pulumi-aws 7's
per-resource ``region``), naming the secondary in ``Details.RoutesDetails``, and waits until it is
READY. It has no update: a new name or primary region replaces it, and as SES names it by
``endpoint_name`` the old one is deleted first. Every identity that sends through it must exist,
verified, in both regions: the endpoint is declared after them.
"""

from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.errors import ArgumentError, Problem, Problems
from ses_domains.config.global_endpoint import GLOBAL_ENDPOINT_KEYS, GlobalEndpointSpec, read_global_endpoint
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments
from ses_domains.deploy.configuration_set import ConfigurationSetPlan, read_configuration_set_args
from ses_domains.deploy.configuration_set_args import ConfigurationSetArgs
from ses_domains.deploy.email_identity import EmailAddressArgs, check_address_args
from ses_domains.deploy.secondary_region import SecondaryRegion, declare_copies
from ses_domains.deploy.sending_domain_arguments import provider_region
from ses_domains.deploy.templates import TemplateArgs, check_template_args

if TYPE_CHECKING:
    from ses_domains.deploy.sending_domain import SendingDomain

COMPONENT = "GlobalEndpoint"


class GlobalEndpointArgs(TypedDict):
    """The arguments of a ``GlobalEndpoint``."""

    name: str
    """The endpoint's name: 1 to 64 letters, digits, ``_`` and ``-``."""
    regions: list[str]
    """``[primary, secondary]``: two different SES regions; the endpoint is created in the first.
    Every domain that sends through it needs a verified identity in both (give the component
    ``depends_on`` them)."""
    configuration_sets: NotRequired[Sequence[ConfigurationSetArgs]]
    """Configuration sets the senders name: each is declared again, same name and options, in each
    endpoint region other than the AWS provider's (declare it in the provider's region yourself with
    ``ConfigurationSet``). A ``topic_arn`` or ``delivery_stream_arn`` must be of the copy's region; the
    tracking domain is left out of the copy (its CNAME names one region); no ``region``."""
    templates: NotRequired[Sequence[TemplateArgs]]
    """Templates the senders name: each declared again in each endpoint region other than the provider's."""
    email_identities: NotRequired[Sequence[EmailAddressArgs]]
    """Address identities that send through the endpoint: each declared again (with its
    ``configuration_set``) in each endpoint region other than the provider's; SES mails the address
    a link there too (``wait`` and ``timeout`` apply to a verification step in the provider's region only)."""


class GlobalEndpoint(pulumi.ComponentResource):
    """An SES global endpoint spreading sending over two regions, and the configuration sets,
    templates and address identities its senders use, declared again in its other region."""

    endpoint_id: pulumi.Output[str]
    """The ``EndpointId`` that ``SendEmail`` takes."""
    arn: pulumi.Output[str]
    """The endpoint's ARN."""

    def __init__(self, name: str, args: GlobalEndpointArgs, opts: Optional[pulumi.ResourceOptions] = None):
        checked = CheckedArgs(COMPONENT, {k: v for k, v in dict(args or {}).items() if k not in _COPIED},
                              check_endpoint_args)
        copies = _judged_copies(dict(args or {}), checked.values.get("regions"))
        super().__init__("ses-domains:index:GlobalEndpoint", name, None, opts)
        endpoint = declare_endpoint(
            name, checked.get("name"), checked.get("regions", 0), checked.get("regions", 1),
            pulumi.ResourceOptions(parent=self),
        )
        for region, (plans, templates, addresses) in copies.items():
            declare_copies(SecondaryRegion(f"{name}-{region}", region, pulumi.ResourceOptions(parent=self)),
                           configuration_sets=plans, templates=templates, email_identities=addresses)
        self.endpoint_id = endpoint.endpoint_id
        self.arn = endpoint.arn
        self.register_outputs({"endpointId": self.endpoint_id, "arn": self.arn})


_COPIED = ("configuration_sets", "templates", "email_identities")


def check_endpoint_args(args: dict) -> list[Problem]:
    problems = Problems()
    read_global_endpoint(config_mapping(args), ROOT, problems)
    return unknown_arguments(args, GlobalEndpointArgs.__annotations__) + as_arguments(problems.found, GLOBAL_ENDPOINT_KEYS)


Copies = tuple[list[ConfigurationSetPlan], list[dict], list[tuple[Any, Any]]]


def _judged_copies(args: dict, regions: Any) -> dict[str, Copies]:
    """What each endpoint region other than the provider's gets, every argument judged (``ArgumentError``
    listing each problem under its path, ``configuration_sets[0].event_destinations[1].sns.topic_arn``)."""
    if not any(args.get(key) for key in _COPIED):
        return {}
    problems = Problems()
    aws_config = pulumi.Config("aws")
    here = provider_region(None, aws_config, problems)
    if not isinstance(regions, list) or not all(isinstance(region, str) for region in regions):
        problems.add("regions", "must be known when the program runs: the copies are declared in its regions")
    if problems.found:
        raise ArgumentError(COMPONENT, problems.found)
    found: list[Problem] = []
    copies: dict[str, Copies] = {region: ([], [], []) for region in regions if region != here}
    for index, entry in enumerate(args.get("configuration_sets") or []):
        at = f"configuration_sets[{index}]"
        if isinstance(entry, dict) and entry.get("region") is not None:
            found.append(Problem(f"{at}.region", f"is the copy's: the component declares the set in "
                                                 f"{' and '.join(copies)}; leave region out"))
            continue
        for region, (plans, _, _) in copies.items():
            try:
                plan = read_configuration_set_args({**(entry if isinstance(entry, dict) else {}), "region": region},
                                                   aws_config=aws_config)
            except ArgumentError as error:
                found += [Problem(f"{at}.{p.key}", p.message) for p in error.problems if p.key != "region"]
                break
            found += _other_region_arns(entry, at, region)
            plans.append(plan)
    for key, check in (("templates", check_template_args), ("email_identities", check_address_args)):
        for index, entry in enumerate(args.get(key) or []):
            try:
                judged = CheckedArgs(COMPONENT, entry, check)
            except ArgumentError as error:
                found += [Problem(f"{key}[{index}].{p.key}", p.message) for p in error.problems]
                continue
            naming = "name" if key == "templates" else "address"
            if not judged.is_known(naming):
                found.append(Problem(f"{key}[{index}].{naming}", "must be known when the program runs: it names "
                                                                 "the copy's resource"))
                continue
            for _, templates, addresses in copies.values():
                if key == "templates":
                    templates.append({field: judged.get(field) for field in ("name", "subject", "text", "html")})
                else:
                    addresses.append((judged.get("address"), judged.get("configuration_set")))
    if found:
        raise ArgumentError(COMPONENT, found)
    return copies


def _other_region_arns(entry: dict, at: str, region: str) -> list[Problem]:
    """A destination's topic or stream ARN names one region: the copy needs one of ``region``."""
    problems = []
    for index, destination in enumerate(entry.get("event_destinations") or []):
        for sink, key in (("sns", "topic_arn"), ("firehose", "delivery_stream_arn")):
            arn = (destination.get(sink) or {}).get(key) if isinstance(destination, dict) else None
            if isinstance(arn, str) and arn.count(":") >= 5 and arn.split(":")[3] != region:
                problems.append(Problem(
                    f"{at}.event_destinations[{index}].{sink}.{key}",
                    f"names {arn.split(':')[3]}, but this copy of the set is declared in {region}, where SES needs "
                    f"a {'topic' if sink == 'sns' else 'Firehose stream'} of {region}: give the copy its own "
                    "configuration set arguments with an ARN of that region"))
    return problems


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
