"""``ses-domains:dedicatedIpPools``: SES dedicated IP pools, and which configuration sets send through them.

Pool names follow SES's rule for them (AWS::SES::DedicatedIpPool, ``PoolName`` pattern
``^[a-z0-9_-]{0,64}$``: lower-case letters, digits, ``_`` and ``-``, at most 64); the SESv2 model
has no pattern. ``scalingMode`` defaults to STANDARD, as SES does when it is not sent.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ses_domains.config.configuration_sets import ConfigurationSetSpec
from ses_domains.config.errors import Problems
from ses_domains.config.fields import Section, first_of_each_name, as_text, describe, top_level_key

DEDICATED_IP_POOL_KEYS = ("name", "scalingMode")
SCALING_MODES = ("STANDARD", "MANAGED")
DEFAULT_SCALING_MODE = "STANDARD"
_POOL_NAME = re.compile(r"^[a-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class DedicatedIpPoolSpec:
    key: str
    name: str
    scaling_mode: str
    """STANDARD: you put leased IPs in the pool; MANAGED: SES leases and warms them."""


def read_dedicated_ip_pools(raw: Any, key: str, problems: Problems) -> tuple[DedicatedIpPoolSpec, ...]:
    """Every valid entry; bad entries are reported under their keys and left out."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(key, f"must be a list of dedicated IP pools, each at least {{name: transactional}}, got {describe(raw)}")
        return ()
    pools: list[DedicatedIpPoolSpec] = []
    for index, item in enumerate(raw):
        section = Section(item, f"{key}[{index}]", problems, DEDICATED_IP_POOL_KEYS)
        before = len(problems.found)
        name = _pool_name(section)
        scaling_mode = section.choice("scalingMode", SCALING_MODES, default=DEFAULT_SCALING_MODE)
        if len(problems.found) != before or name is None:
            continue
        pools.append(DedicatedIpPoolSpec(key=section.key, name=name, scaling_mode=scaling_mode or DEFAULT_SCALING_MODE))
    return tuple(first_of_each_name(pools, "dedicated IP pool", problems))


def _pool_name(section: Section) -> str | None:
    value = as_text(section.raw.get("name"))
    if value is None:
        section.problem("name", "is required: the pool name, such as transactional")
        return None
    if isinstance(value, str) and _POOL_NAME.match(value):
        return value
    hint = ""
    if isinstance(value, str) and _POOL_NAME.match(value.lower()):
        hint = f"; did you mean {value.lower()}?"
    section.problem(
        "name",
        f"{describe(value)} is not a valid dedicated IP pool name: SES allows lower-case letters, digits, _ and -, "
        f"at most 64 characters{hint}",
    )
    return None


def check_sending_pools(
    configuration_sets: Iterable[ConfigurationSetSpec],
    pools: Iterable[DedicatedIpPoolSpec],
    problems: Problems,
    warnings: list[str],
) -> None:
    """A set's ``sendingPool`` names a pool of this stack, or one that already exists in the account.

    SES pool names are lower case, so a name with an upper-case letter names no pool at all: it
    is refused (SES would refuse it halfway through the update). A name close to a declared pool
    may still be an existing pool: it gets a warning naming the declared one."""
    declared = [pool.name for pool in pools]
    for spec in configuration_sets:
        pool = spec.sending_pool
        if pool is None or pool in declared:
            continue
        key = f"{spec.key}.sendingPool"
        if pool != pool.lower():
            hint = f"a pool of {top_level_key(spec.key, 'dedicatedIpPools')}" if pool.lower() in declared else "the pool's name"
            problems.add(key, f"{pool} cannot name an SES dedicated IP pool: pool names are lower case; "
                              f"write {pool.lower()} ({hint})")
            continue
        close = difflib.get_close_matches(pool, declared, n=1, cutoff=0.8)
        if close:
            warnings.append(
                f"{key}: {pool} is not declared in {top_level_key(spec.key, 'dedicatedIpPools')}, so it must already exist in the "
                f"account; did you mean {close[0]}?"
            )
