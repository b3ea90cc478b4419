"""What is wrong with an ARN the config refused: one plain reason, instead of the whole pattern.

An ARN is ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``; the reason names the first part that
is not what the key needs (``the account id must be 12 digits, got 12345678901``).
"""

from __future__ import annotations

import re
from typing import Any, Optional

_PARTITION = re.compile(r"^aws(?:-[a-z]+)*$")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
_ACCOUNT = re.compile(r"^\d{12}$")


def arn_problem(raw: Any, service: str, *, regional: bool = True) -> Optional[str]:
    """Why ``raw`` is not an ARN of ``service``, as a clause to follow the value (``whose account id
    has 11 digits instead of 12``); ``None`` when the parts before the resource are right (the
    resource itself is then what is wrong) or ``raw`` is no text."""
    if not isinstance(raw, str):
        return None
    parts = raw.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return "which is not an ARN (arn:partition:service:region:account:resource)"
    _, partition, named_service, region, account, resource = parts
    if named_service != service:
        return f"which is an ARN of {named_service}" if named_service else "which names no service"
    if not _PARTITION.match(partition):
        return f"whose partition {partition!r} is not an AWS partition such as aws"
    if regional and not _REGION.match(region):
        return f"whose region {region!r} is not a region such as eu-west-1" if region else "which names no region"
    if not regional and region:
        return f"which names the region {region}, but ARNs of {service} have none"
    if not _ACCOUNT.match(account):
        if account.isdigit():
            return f"whose account id has {len(account)} digits instead of 12"
        return f"whose account id {account!r} is not 12 digits" if account else "which names no account id"
    if not resource:
        return "which has nothing after the account id"
    return None
