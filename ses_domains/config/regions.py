"""The regions where SES (the SESv2 API) is offered, from botocore's endpoint data.

botocore ships the endpoint tables the AWS SDKs use (``botocore/data/endpoints.json``): per
partition, the regions each service answers in. SESv2 shares SES's endpoint prefix, ``email``.
The file is read directly, without importing botocore (whose import costs more than the read),
once per process. A region AWS opened after this botocore was released is missing from its data:
the message says which botocore was asked, so that upgrading it is the obvious fix.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ses_domains.records.regions import partition_of, region_facts

SES_ENDPOINT_PREFIX = "email"
_REGION_SHAPE = re.compile(r"^[a-z]{2,}(?:-[a-z]+)+-\d+$")
"""What any AWS region name looks like (``eu-west-1``, ``us-gov-east-1``, ``eusc-de-east-1``)."""


@dataclass(frozen=True)
class SesRegions:
    ses: frozenset[str]
    """Regions with an SES endpoint, in every partition."""
    known: frozenset[str]
    """Every region botocore knows, with or without SES."""
    source: str
    """Where the list comes from, for messages (``botocore 1.44.5's endpoint data``)."""


def looks_like_region(text: str) -> bool:
    return bool(_REGION_SHAPE.match(text))


@functools.lru_cache(maxsize=1)
def ses_regions() -> Optional[SesRegions]:
    """The regions, or ``None`` when botocore's endpoint data cannot be read (then nothing is refused)."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    data = _load(package / "data")
    if data is None:
        return None
    ses: set[str] = set()
    known: set[str] = set()
    for partition in data.get("partitions", []):
        regions = set(partition.get("regions", {}))
        known |= regions
        endpoints = partition.get("services", {}).get(SES_ENDPOINT_PREFIX, {}).get("endpoints", {})
        # As botocore's get_available_regions: only endpoints named after a region (not fips-...).
        ses |= {name for name in endpoints if name in regions}
    return SesRegions(frozenset(ses), frozenset(known), f"botocore {_version(package)}'s endpoint data")


def _load(directory: Path) -> Optional[dict]:
    for name, opener in (("endpoints.json", open), ("endpoints.json.gz", gzip.open)):
        path = directory / name
        if path.exists():
            try:
                with opener(path, "rt", encoding="utf-8") as stream:
                    return json.load(stream)
            except (OSError, ValueError):
                return None
    return None


def _version(package: Path) -> str:
    text = (package / "__init__.py").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^__version__ = ['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    return match.group(1) if match else "(unknown version)"


def region_facts_problem(region: str) -> Optional[str]:
    """Why this version cannot deploy SES in ``region`` (an SES region), or ``None``."""
    facts = region_facts(region)
    if facts is None:
        return (f"SES is offered in {region}, but this version of ses-domains has no facts for it "
                "(its Easy DKIM domain, receiving): upgrade ses-domains")
    if facts.unknown:
        return f"{region} cannot be deployed to by this version: {facts.unknown}"
    return None


def partition_problem(region: str, stack_region: str) -> Optional[str]:
    """Why ``region`` cannot sit beside the stack's region (another partition), or ``None``."""
    here, there = partition_of(stack_region), partition_of(region)
    if here == there:
        return None
    return (f"{region} is in the {there} partition and the stack's region {stack_region} in {here}: "
            "one AWS provider (one set of credentials) reaches only its own partition")
