"""``SendingDomainArgs`` read into the ``DomainSpec`` the component declares, by the config's own reader.

The arguments become the mapping a ``ses-domains:domains`` entry would be and are judged by
``config.domains.read_domain``: the same rules, the same words, under argument paths
(``dmarc.rua[0]``). What the config has no key for is judged here: ``zone_id`` (a zone id, or an
``Output`` known later), ``configuration_set`` (a name, an ``Output``, or a ``ConfigurationSet``),
``region`` and ``verify.shared``. Nothing here declares a resource.

The stack-config program declares each domain from its spec (``SendingDomain.in_stack``) without
reading it again; a test turns every spec of the example stacks into arguments and reads them back
into the same spec (``tests/stack_domain_args.py``), which is what makes the stack's domain the
same component as a program's own with these arguments.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import pulumi

from ses_domains.config.arguments import ARGS_ROOT, argument_problem, as_config
from ses_domains.config.bimi import BIMI_KEYS
from ses_domains.config.dkim import DKIM_KEYS, PREVIOUS_KEYS
from ses_domains.config.dmarc import DMARC_KEYS
from ses_domains.config.domains import DOMAIN_KEYS, DomainSpec, read_domain, zone_id_of
from ses_domains.config.errors import ArgumentError, Problem, Problems
from ses_domains.config.existing import SPF_KEYS
from ses_domains.config.replicas import check_replicas, ses_region_problem
from ses_domains.config.verification import VERIFY_KEYS

COMPONENT = "SendingDomain"
VOCABULARY = frozenset(DOMAIN_KEYS + DMARC_KEYS + DKIM_KEYS + PREVIOUS_KEYS + VERIFY_KEYS + SPF_KEYS + BIMI_KEYS)
RENAMES = {"spf": "apex_spf", "zone": "zone_id"}
"""Config keys whose argument is named differently (beyond snake_case)."""
ARGUMENTS = (
    "domain", "zone_id", "mail_from", "mail_from_on_mx_failure", "dmarc", "bimi", "dkim", "ttl", "configuration_set",
    "feedback_forwarding", "replica_regions", "existing_records", "apex_spf", "verify", "region",
    "application_list_unsubscribe",
)
_OWN = ("zone_id", "configuration_set", "region", "apex_spf", "verify")
"""Judged here, not (only) by the config reader."""


@dataclass(frozen=True)
class DomainArguments:
    spec: DomainSpec
    zone_id: pulumi.Input[str]
    """A zone id (``Z...``), or an ``Output`` of one."""
    region: str
    profile: Optional[str]
    configuration_set: Any = None
    """``None``, a name, an ``Output`` of a name, or a ``ConfigurationSet`` component."""
    shared_verification: bool = False
    warnings: tuple[str, ...] = field(default=())
    byodkim_later: Optional[pulumi.Output] = None
    """``Output[ByodkimSpec]`` when ``dkim.private_key`` is an ``Output`` (a secret config value):
    judged once known, with the config's words; ``spec.byodkim`` then holds a stand-in key, used
    for nothing but the checks made now (names, selectors)."""


def is_unknown(value: Any) -> bool:
    """An ``Output`` (or anything awaitable): its value is known only once the engine resolves it."""
    return isinstance(value, pulumi.Output) or inspect.isawaitable(value)


def read_sending_domain_args(args: Any, *, aws_config: Optional[pulumi.Config] = None) -> DomainArguments:
    """The arguments as a spec; ``ArgumentError`` lists every problem (secrets never quoted)."""
    problems = Problems()
    if not isinstance(args, Mapping):
        raise ArgumentError(COMPONENT, [Problem("args", f"must be SendingDomainArgs(domain=..., zone_id=...), got "
                                                        f"{type(args).__name__}")])
    dkim = args.get("dkim")
    key_later = dkim.get("private_key") if isinstance(dkim, Mapping) and is_unknown(dkim.get("private_key")) else None
    if key_later is not None:
        if args.get("replica_regions"):
            problems.add("dkim.private_key", "must be known when the program runs with replica_regions (read it with "
                                             "pulumi.Config().require(...); the component keeps it a secret)")
        real_args = args
        args = {**args, "dkim": {**dkim, "private_key": _stand_in_key()}}
    refuse_outputs(args, problems, may_wait=frozenset(("zone_id", "configuration_set")))
    raw = as_config({key: value for key, value in args.items() if key not in _OWN})
    apex_spf = args.get("apex_spf")
    if apex_spf is True:
        raw["spf"] = {"apex": True}
    elif isinstance(apex_spf, Mapping):
        raw["spf"] = {"apex": True, **as_config(apex_spf)}
    elif apex_spf not in (None, False):
        problems.add("apex_spf", f"must be ApexSpfArgs(include=[...]) (or True), got {type(apex_spf).__name__}")
    verify = args.get("verify")
    shared = False
    if isinstance(verify, Mapping):
        shared = verify.get("shared") is True
        if verify.get("shared") not in (None, True, False):
            problems.add("verify.shared", f"must be true or false, got {verify.get('shared')!r}")
        raw["verify"] = as_config({key: value for key, value in verify.items() if key != "shared"})
    elif verify is not None:
        raw["verify"] = verify  # the config reader says what is wrong with it
    configuration_set = args.get("configuration_set")
    if configuration_set is not None and not is_unknown(configuration_set) and not _is_component(configuration_set):
        raw["configurationSet"] = configuration_set
    zone_id = args.get("zone_id")
    if zone_id is None:
        problems.add("zone_id", "is required: the id of the public Route 53 hosted zone that holds the domain, "
                                "such as aws.route53.Zone(...).zone_id or aws.route53.get_zone(name=...).zone_id")
    elif not is_unknown(zone_id):
        zone_id = zone_id_of(zone_id)
        if zone_id is None:
            problems.add("zone_id", f"must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got "
                                    f"{args.get('zone_id')!r}")
    aws_config = aws_config or pulumi.Config("aws")
    region = provider_region(args.get("region"), aws_config, problems)

    found = Problems()
    warnings: list[str] = []
    spec = read_domain(raw, ARGS_ROOT, found, warnings)
    if spec is not None and region is not None:
        check_replicas(ARGS_ROOT, spec.replica_regions, spec.mail_from, region, found)
    for problem in found.found:
        problem = argument_problem(problem, VOCABULARY, RENAMES)
        # A program of one's own has no stack: its region is the provider's (or the region argument).
        problems.add(problem.key, problem.message.replace("the stack's own region (aws:region)",
                                                          "the region of the component (region, else aws:region)"))
    if problems.found or spec is None or region is None:
        raise ArgumentError(COMPONENT, _in_argument_order(problems.found))
    return DomainArguments(
        spec=spec,
        zone_id=zone_id,
        region=region,
        profile=aws_config.get("profile"),
        configuration_set=configuration_set,
        shared_verification=shared,
        byodkim_later=None if key_later is None else pulumi.Output.from_input(key_later).apply(
            lambda pem: read_sending_domain_args(
                {**real_args, "dkim": {**real_args["dkim"], "private_key": pem}}, aws_config=aws_config
            ).spec.byodkim
        ),
        warnings=tuple(argument_problem(Problem(ARGS_ROOT, w), VOCABULARY).message for w in warnings),
    )


_stand_in: list[str] = []


def _stand_in_key() -> str:
    """A 2048-bit RSA key in PEM (made once per run), read in place of a key known only later."""
    if not _stand_in:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _stand_in.append(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode("ascii"))
    return _stand_in[0]


def argument_errors(problems: list[Problem]) -> ArgumentError:
    """Problems found under config keys of the arguments (the zones' checks) as argument problems."""
    return ArgumentError(COMPONENT, [argument_problem(p, VOCABULARY, RENAMES) for p in problems])


def refuse_outputs(args: Mapping[str, Any], problems: Problems, path: str = "",
                   may_wait: frozenset[str] = frozenset()) -> None:
    """An ``Output`` where the value decides what is declared (names, record values) cannot wait;
    arguments named in ``may_wait`` (at any depth) may."""
    for key, value in args.items():
        where = f"{path}{key}"
        if key in may_wait:
            continue
        if is_unknown(value):
            secret = "private_key" in where
            problems.add(where, "must be known when the program runs, not an Output: it decides which resources "
                                "and records are declared" + (
                                    "; read the key with pulumi.Config().require(...) (the component keeps it "
                                    "a secret)" if secret else ""))
        elif isinstance(value, Mapping):
            refuse_outputs(value, problems, f"{where}.", may_wait)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    refuse_outputs(item, problems, f"{where}[{index}].", may_wait)
                elif is_unknown(item):
                    problems.add(f"{where}[{index}]", "must be known when the program runs, not an Output: it "
                                                      "decides which records are declared")


def provider_region(given: Any, aws_config: pulumi.Config, problems: Problems) -> Optional[str]:
    """The ``region`` argument, else ``aws:region``, else the AWS environment's, as the provider finds it."""
    region = given or aws_config.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        problems.add("region", "is required when the aws:region config is not set: the SES region of the AWS "
                               "provider, such as eu-west-1 (pulumi config set aws:region eu-west-1)")
        return None
    problem = ses_region_problem(region)
    if problem:
        problems.add("region" if given else "aws:region", problem)
        return None
    return region


def _is_component(value: Any) -> bool:
    return isinstance(value, pulumi.ComponentResource)


def _in_argument_order(problems: list[Problem]) -> list[Problem]:
    """Problems ordered as the arguments are declared (each argument's problems in the order found)."""
    def rank(problem: Problem) -> int:
        top = problem.key.split(".")[0].split("[")[0]
        return ARGUMENTS.index(top) if top in ARGUMENTS else len(ARGUMENTS)
    return sorted(problems, key=rank)
