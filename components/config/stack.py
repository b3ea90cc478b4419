"""The whole stack config: read, validated across entries, returned as plain data."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi

from ..records.plan import static_records
from .domains import DomainSpec, read_domain
from .errors import Problems

PROJECT = "ses-domains"
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class StackSpec:
    region: str
    profile: Optional[str]
    domains: tuple[DomainSpec, ...]
    warnings: tuple[str, ...] = field(default=())


def read_stack_config(
    get_project_value: Optional[Callable[[str], Any]] = None,
    get_aws_value: Optional[Callable[[str], Any]] = None,
) -> StackSpec:
    """Read and check the stack config; raise ``ConfigError`` listing every problem found.

    The getters default to the running stack's config; they return the raw (JSON-decoded) value
    of a key or ``None``.
    """
    get_project_value = get_project_value or _pulumi_getter(PROJECT)
    get_aws_value = get_aws_value or _pulumi_getter("aws")
    problems = Problems()
    warnings: list[str] = []

    region = _read_region(get_aws_value("region"), problems)
    raw_domains = get_project_value("domains")
    domains_key = f"{PROJECT}:domains"
    domains: list[DomainSpec] = []
    if raw_domains is None:
        problems.add(domains_key, "is required: a list of domains, each at least {domain: example.com}")
    elif not isinstance(raw_domains, list) or not raw_domains:
        problems.add(domains_key, "must be a non-empty list of domains, each at least {domain: example.com}")
    else:
        for index, raw in enumerate(raw_domains):
            spec = read_domain(raw, f"{domains_key}[{index}]", problems, warnings)
            if spec is not None:
                domains.append(spec)
    _check_unique_domains(domains, problems)
    if region:
        _check_unique_record_sets(domains, region, problems)
    profile = get_aws_value("profile")
    if profile is not None and (not isinstance(profile, str) or not profile.strip()):
        problems.add("aws:profile", f"must be the name of a profile in ~/.aws/config, got {profile!r}")
    problems.raise_if_any()
    return StackSpec(region=region or "", profile=profile or None, domains=tuple(domains), warnings=tuple(warnings))


def _pulumi_getter(namespace: str) -> Callable[[str], Any]:
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


def _read_region(raw: Any, problems: Problems) -> Optional[str]:
    region = raw or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        problems.add("aws:region", "is required: the SES region, such as eu-west-1 (pulumi config set aws:region eu-west-1)")
        return None
    if not isinstance(region, str) or not _REGION.match(region):
        problems.add("aws:region", f"must be an AWS region such as eu-west-1, got {region!r}")
        return None
    return region


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
        for record in static_records(spec, region):
            where = (record.name, record.type)
            if where in owner and owner[where] != spec.key:
                problems.add(
                    spec.key,
                    f"its {record.type} record {record.name} is also written by {owner[where]}: "
                    "Route 53 holds one record set per name and type; change mailFrom of one of them",
                )
            owner.setdefault(where, spec.key)
