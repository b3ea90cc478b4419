"""``replicaRegions`` of a domain: the SES regions where its identity is created too.

```yaml
- domain: example.com
  replicaRegions: [us-east-1]
```

Each item is an SES region (botocore's endpoint data, as ``aws:region``), listed once, and not
the stack's own region (the identity is there already). What each replica writes is in
``records.replicas``; its names are checked here like the stack region's (DNS length).
"""

from __future__ import annotations

import difflib
from typing import Any, Optional

from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, describe
from ses_domains.config.regions import looks_like_region, partition_problem, region_facts_problem, ses_regions
from ses_domains.records.replicas import replica_mail_from

REPLICA_KEY = "replicaRegions"
MAX_DNS_NAME = 253


def ses_region_problem(value: Any) -> Optional[str]:
    """Why ``value`` is not a region where SES is offered, or ``None`` when it is."""
    if not isinstance(value, str) or not looks_like_region(value):
        return f"must be an AWS region such as us-east-1, got {describe(value)}"
    regions = ses_regions()
    if regions is None or value in regions.ses:
        return region_facts_problem(value)
    if value in regions.known:
        return f"{value} is an AWS region, but SES is not offered there ({regions.source})"
    close = difflib.get_close_matches(value, sorted(regions.ses), n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close else " (upgrade botocore if the region is new)"
    return f"{value} is not a region where SES is offered: {regions.source} has no such region{hint}"


def read_replica_regions(section: Section) -> tuple[str, ...]:
    """The listed regions, each checked under its own key (``...replicaRegions[0]``)."""
    regions: list[str] = []
    for key, item in section.items(REPLICA_KEY):
        problem = ses_region_problem(item)
        if problem:
            section.problems.add(key, problem)
        elif item in regions:
            section.problems.add(key, f"{item} is listed twice")
        else:
            regions.append(item)
    return tuple(regions)


def check_replicas(domain_key: str, replica_regions: tuple[str, ...], mail_from: Optional[str],
                   stack_region: str, problems: Problems) -> None:
    """Checks that need the stack's region: a replica is never the stack's own region; each
    replica's MAIL FROM name fits in DNS."""
    for index, region in enumerate(replica_regions):
        key = f"{domain_key}.{REPLICA_KEY}[{index}]"
        if region == stack_region:
            problems.add(key, f"{region} is the stack's own region (aws:region), where the identity is created "
                              "anyway; list only the other regions")
            continue
        problem = partition_problem(region, stack_region)
        if problem:
            problems.add(key, problem)
            continue
        name = replica_mail_from(mail_from, region)
        if name is not None and len(name) > MAX_DNS_NAME:
            problems.add(key, f"the MAIL FROM domain of the identity in {region} would be {name} ({len(name)} "
                              f"characters, over DNS's {MAX_DNS_NAME}): choose a shorter mailFrom")
