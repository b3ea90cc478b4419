"""A public component's arguments, judged by the config layer: one set of rules and words for both.

Arguments are spelled in snake_case (Python, and the package schema's language-neutral names map to
them); the stack config in camelCase. A component's arguments are turned into the mapping a
config entry would be (:func:`as_config`) and read by the same reader, under :data:`ARGS_ROOT`;
each problem found is then turned back (:func:`argument_problem`): its key into the argument path
(``args.dmarc.rua[0]`` into ``dmarc.rua[0]``) and the config's key names in its message into the
argument names (``mailFrom`` into ``mail_from``).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ses_domains.config.errors import Problem

ARGS_ROOT = "args"
"""The key the arguments are read under; never shown."""

_CAMEL_WORD = re.compile(r"\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b")
_SEGMENT = re.compile(r"^([^\[]*)(.*)$")


def camel(name: str) -> str:
    """``mail_from_on_mx_failure`` -> ``mailFromOnMxFailure``."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``mailFromOnMxFailure`` -> ``mail_from_on_mx_failure``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda match: "_" + match.group(1).lower(), name)


def as_config(value: Any) -> Any:
    """The keys of every mapping in ``value`` in camelCase; everything else as it is."""
    if isinstance(value, Mapping):
        return {camel(key) if isinstance(key, str) else key: as_config(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_config(item) for item in value]
    return value


def argument_path(key: str, renames: Mapping[str, str] = {}) -> str:
    """A config key under :data:`ARGS_ROOT` as an argument path; ``renames`` maps config paths
    to argument paths where the two differ by more than spelling (``spf`` -> ``apex_spf``)."""
    path = key[len(ARGS_ROOT):].lstrip(".") if key.startswith(ARGS_ROOT) else key
    for config_path, argument in sorted(renames.items(), key=lambda item: -len(item[0])):
        if path == config_path or path.startswith(config_path + ".") or path.startswith(config_path + "["):
            return argument + path[len(config_path):] if argument else path[len(config_path):].lstrip(".")
    segments = []
    for segment in path.split("."):
        name, index = _SEGMENT.match(segment).groups()
        segments.append(snake(name) + index)
    return ".".join(segments) or "args"


def argument_message(message: str, vocabulary: Iterable[str]) -> str:
    """``message`` with each config key name of ``vocabulary`` (camelCase) in snake_case, and
    config paths under :data:`ARGS_ROOT` as argument paths."""
    words = set(vocabulary)
    message = message.replace(f"{ARGS_ROOT}.", "")
    return _CAMEL_WORD.sub(lambda match: snake(match.group(0)) if match.group(0) in words else match.group(0), message)


def argument_problem(problem: Problem, vocabulary: Iterable[str], renames: Mapping[str, str] = {}) -> Problem:
    return Problem(argument_path(problem.key, renames), argument_message(problem.message, vocabulary))
