"""Whether the stack being previewed or updated is a production stack.

Decided once, when the Pulumi engine starts the pack for a stack: the engine passes the stack's
name (``PULUMI_STACK``) and its config (``PULUMI_CONFIG``, JSON) in the pack's environment.

- The stack config key ``ses-domains-policy:production`` (``true`` or ``false``), set in
  ``Pulumi.<stack>.yaml`` where it is reviewed with the stack, decides when it is set.
- Otherwise the stack's name decides: it is production when it matches one of
  :data:`PRODUCTION_STACK_NAMES` (case-insensitive).
- With no stack at all (``pulumi policy publish``) the pack takes the strict side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Mapping

PRODUCTION_KEY = "ses-domains-policy:production"
PRODUCTION_STACK_NAMES = ("prod", "production", "prod-*", "production-*", "*-prod", "*-production")


class StackKindError(Exception):
    """The production marker is set to something that is neither true nor false."""


@dataclass(frozen=True)
class StackKind:
    stack: str | None
    production: bool
    reason: str
    """Why the stack is (or is not) production, for the pack's description."""


def stack_kind(environ: Mapping[str, str]) -> StackKind:
    """The kind of the stack the engine started the pack for, from the pack's environment."""
    stack = (environ.get("PULUMI_STACK") or "").rsplit("/", 1)[-1] or None
    marker = _stack_config(environ).get(PRODUCTION_KEY)
    if marker is not None:
        production = _as_bool(marker)
        return StackKind(stack, production, f"the stack config sets {PRODUCTION_KEY} to {str(production).lower()}")
    if stack is None:
        return StackKind(None, True, "no stack is named (as when the pack is published): the strict side")
    for pattern in PRODUCTION_STACK_NAMES:
        if fnmatchcase(stack.lower(), pattern):
            return StackKind(stack, True, f"the stack name {stack!r} matches {pattern!r}")
    return StackKind(stack, False, f"the stack name {stack!r} matches none of {', '.join(PRODUCTION_STACK_NAMES)}"
                                   f" and {PRODUCTION_KEY} is not set")


def _stack_config(environ: Mapping[str, str]) -> dict:
    text = environ.get("PULUMI_CONFIG") or "{}"
    try:
        config = json.loads(text)
    except ValueError as error:
        raise StackKindError(f"PULUMI_CONFIG is not JSON: {error}") from None
    return config if isinstance(config, dict) else {}


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise StackKindError(f"{PRODUCTION_KEY} must be true or false, not {value!r}")
