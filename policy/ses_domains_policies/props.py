"""Reading a resource's inputs as pulumi-policy hands them over, unknown values included.

pulumi-policy gives a policy the inputs in the engine's camelCase, wrapped so that reading a
value that is unknown during preview (a record name made from DKIM tokens, say) raises its
``UnknownValueError``. A policy here treats an unknown value as not judgeable yet and reports
nothing for it: during ``pulumi up`` the engine asks again with the value known, before the
resource is created.
"""

from __future__ import annotations

from typing import Any, Mapping

from pulumi_policy.proxy import UnknownValueError


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""A value the engine does not know yet (preview)."""


def lookup(props: Mapping[str, Any], *path: str) -> Any:
    """The value at ``path`` (camelCase keys), None when a key is absent, :data:`UNKNOWN` when the
    value (or a map on the way to it) is unknown."""
    value: Any = props
    try:
        for key in path:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
            if value is None:
                return None
    except UnknownValueError:
        return UNKNOWN
    return value


def known_strings(value: Any) -> list[str] | Any:
    """A list of strings with every item known, or :data:`UNKNOWN` if the list or any item is not."""
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return []
    try:
        return [str(item) for item in value]
    except UnknownValueError:
        return UNKNOWN
