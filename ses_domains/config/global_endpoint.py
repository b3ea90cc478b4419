"""``ses-domains:globalEndpoint``: an SES multi-region endpoint (global endpoint) over two regions.

```yaml
ses-domains:globalEndpoint:
  name: example-global
  regions: [eu-west-1, us-east-1]      # primary (where the endpoint is created), secondary
  sinks: {...}                         # fixed event-destination ARNs of the other region (secondary_region.py)
  alarmTopics:                         # with reputationAlarms: the topic the other region's alarms notify
    us-east-1: arn:aws:sns:us-east-1:123456789012:ses-alarms
```

SES splits sending through the endpoint between both regions, so every identity that sends
through it must exist, verified, in both: each domain of the stack must have the two regions
among its own (``aws:region`` plus ``replicaRegions``). The endpoint cannot be changed in place
(its name and primary region force a new one; terraform-provider-aws has no Update for it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, describe
from ses_domains.config.regions import partition_problem
from ses_domains.config.replicas import REPLICA_KEY, ses_region_problem
from ses_domains.config.reputation_alarms import ALARM_TOPICS_KEY, read_alarm_topics
from ses_domains.config.secondary_region import SINKS_KEY, SinkTable, read_sinks

if TYPE_CHECKING:
    from ses_domains.config.domains import DomainSpec

GLOBAL_ENDPOINT_KEYS = ("name", "regions", SINKS_KEY, ALARM_TOPICS_KEY)
MAX_ENDPOINT_NAME = 64
_ENDPOINT_NAME = re.compile(r"^[\w-]+$", re.ASCII)
"""SESv2 ``EndpointName``: 1 to 64 letters, digits, ``_`` and ``-`` (botocore's service model)."""


@dataclass(frozen=True)
class GlobalEndpointSpec:
    key: str
    name: str
    primary: str
    """Where the endpoint is created and managed."""
    secondary: str
    sinks: SinkTable = field(default_factory=dict)
    """The event destinations' ARNs in the regions other than ``aws:region`` (``sinks``)."""
    alarm_topics: dict[str, str] = field(default_factory=dict)
    """Region other than ``aws:region`` -> the SNS topic its reputation alarms notify (``alarmTopics``)."""

    @property
    def regions(self) -> tuple[str, str]:
        return (self.primary, self.secondary)

    def secondary_regions(self, stack_region: str) -> tuple[str, ...]:
        """The endpoint's regions other than the stack's: each gets the stack's configuration sets,
        templates, address identities, dedicated IP pools and reputation alarms once more
        (``secondary_region``)."""
        return tuple(region for region in self.regions if region != stack_region)


def read_global_endpoint(raw: Any, key: str, problems: Problems) -> Optional[GlobalEndpointSpec]:
    if raw is None:
        return None
    before = len(problems.found)
    section = Section(raw, key, problems, GLOBAL_ENDPOINT_KEYS)
    name = section.string("name", required=True)
    if name is not None and (len(name) > MAX_ENDPOINT_NAME or not _ENDPOINT_NAME.match(name)):
        section.problem("name", f"must be 1 to {MAX_ENDPOINT_NAME} letters, digits, '_' and '-' (SES's rule for "
                                f"endpoint names), got {describe(name)}")
    regions: list[str] = []
    raw_regions = section.raw.get("regions")
    if raw_regions is None:
        section.problem("regions", "is required: [primary, secondary], two SES regions such as [eu-west-1, us-east-1]")
    elif not isinstance(raw_regions, list) or len(raw_regions) != 2:
        section.problem("regions", f"must be a list of two SES regions, [primary, secondary], got {describe(raw_regions)}")
    else:
        for item_key, item in section.items("regions"):
            problem = ses_region_problem(item)
            if problem:
                problems.add(item_key, problem)
            elif item in regions:
                problems.add(item_key, f"{item} is listed twice: a global endpoint spans two different regions")
            else:
                regions.append(item)
    sinks = read_sinks(section.raw.get(SINKS_KEY), section.path(SINKS_KEY), problems)
    alarm_topics = read_alarm_topics(section.raw.get(ALARM_TOPICS_KEY), section.path(ALARM_TOPICS_KEY), problems)
    if len(problems.found) != before or name is None or len(regions) != 2:
        return None
    return GlobalEndpointSpec(key=key, name=name, primary=regions[0], secondary=regions[1], sinks=sinks,
                              alarm_topics=alarm_topics)


def check_served_domains(endpoint: GlobalEndpointSpec, domains: "list[DomainSpec]", stack_region: str,
                         problems: Problems) -> None:
    """Every domain of the stack sends through the endpoint: each needs an identity in both regions;
    both regions are in the stack region's partition."""
    for index, region in enumerate(endpoint.regions):
        problem = partition_problem(region, stack_region)
        if problem:
            problems.add(f"{endpoint.key}.regions[{index}]", problem)
    for spec in domains:
        present = {stack_region, *spec.replica_regions}
        missing = [region for region in endpoint.regions if region not in present]
        if missing:
            problems.add(
                f"{spec.key}.{REPLICA_KEY}",
                f"{endpoint.key} sends through {' and '.join(endpoint.regions)}, but {spec.domain} has no identity in "
                f"{' or '.join(missing)}: add {', '.join(missing)} to replicaRegions (the stack's region "
                f"{stack_region} has one already)",
            )
