"""Typed access to one mapping of the stack config, each value checked and named by its full key.

Every accessor reports a problem (and returns the default) instead of raising, so that one run
of ``pulumi preview`` lists every mistake in the config, each under its key, e.g.
``ses-domains:domains[1].mailFrom``.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Callable, Iterable, Optional, Protocol, TypeVar

from ses_domains.config.errors import Problems

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_SECONDS = re.compile(r"^\d+(?:\.\d+)?$")


def describe(value: Any) -> str:
    """A short rendering of what the user wrote, for error messages."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_text(value: Any) -> Any:
    """A whole number stands for the digits the user typed: YAML reads ``name: 2024`` as an integer.

    Names and codes made of digits (a configuration set ``2024``, DMARC ``fo=1``) are text to SES
    and DNS, so they are taken as text; any other value is returned as it is, to be judged."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


def top_level_key(key: str, name: str) -> str:
    """The key ``name`` of the namespace ``key`` is in: ``top_level_key("app:domains[0]", "templates")``
    is ``app:templates`` (the namespace is the project's name)."""
    return f"{key.split(':', 1)[0]}:{name}"


def one_of(allowed: Iterable[str]) -> str:
    return "one of " + ", ".join(allowed)


class Section:
    """One mapping of the config (a domain entry, its ``dmarc`` block, ...).

    ``known`` lists the keys this mapping may have: any other key is reported with the closest
    known key as a suggestion, so a typo never passes silently.
    """

    def __init__(self, raw: Any, key: str, problems: Problems, known: Iterable[str]):
        self.key = key
        self.problems = problems
        self.known = tuple(known)
        if not isinstance(raw, dict):
            problems.add(key, f"must be a mapping of keys ({', '.join(self.known)}), got {describe(raw)}")
            raw = {}
        self.raw: dict[str, Any] = raw
        for name in raw:
            if name not in self.known:
                close = difflib.get_close_matches(str(name), self.known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.add(self.path(str(name)), self._unknown_key_message(hint))

    def path(self, name: str) -> str:
        return f"{self.key}.{name}"

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def problem(self, name: str, message: str) -> None:
        self.problems.add(self.path(name), message)

    def string(self, name: str, *, required: bool = False, default: Optional[str] = None) -> Optional[str]:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            self.problem(name, f"must be a non-empty string, got {describe(value)}")
            return default
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.raw.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(name, f"must be true or false, got {describe(value)}")
            return default
        return value

    def integer(self, name: str, *, default: Optional[int], minimum: int, maximum: int) -> Optional[int]:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # YAML's 1800.0, or JSON's
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"must be a whole number from {minimum} to {maximum}, got {describe(value)}")
            return default
        if not minimum <= value <= maximum:
            self.problem(name, f"must be from {minimum} to {maximum}, got {value}")
            return default
        return value

    def choice(
        self, name: str, allowed: tuple[str, ...], *, default: Optional[str] = None, required: bool = False
    ) -> Optional[str]:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.problem(name, f"is required: {one_of(allowed)}")
            return default
        if value not in allowed:
            self.problem(name, f"must be {one_of(allowed)}, got {describe(value)}")
            return default
        return value

    def items(self, name: str) -> list[tuple[str, Any]]:
        """A list value as (key, item) pairs; a single scalar is taken as a list of one."""
        value = self.raw.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        return [(f"{self.path(name)}[{index}]", item) for index, item in enumerate(value)]

    def distinct_choices(
        self, name: str, allowed: tuple[str, ...], unknown: Callable[[Any], str]
    ) -> tuple[str, ...]:
        """A list of values from ``allowed``, each once; ``unknown(item)`` says what is wrong with
        an item that is not allowed. Each problem is reported under the item's own key."""
        chosen: list[str] = []
        for key, item in self.items(name):
            if item not in allowed:
                self.problems.add(key, unknown(item))
            elif item in chosen:
                self.problems.add(key, f"{item} is listed twice")
            else:
                chosen.append(item)
        return tuple(chosen)

    def _unknown_key_message(self, hint: str) -> str:
        if not self.known:
            owner = self.key.rsplit(".", 1)[-1]
            return f"unknown key: {owner} takes no keys, so write it as {owner}: {{}}"
        return f"unknown key{hint} (known keys: {', '.join(self.known)})"

    def section(self, name: str, known: Iterable[str]) -> Optional["Section"]:
        if name not in self.raw or self.raw[name] is None:
            return None
        return Section(self.raw[name], self.path(name), self.problems, known)

    def duration_seconds(self, name: str, *, default: float, minimum: float, maximum: float) -> float:
        """A duration written as ``20m``, ``90s``, ``1h30m`` or a number of seconds (``600`` or ``"600"``)."""
        value = self.raw.get(name)
        if value is None:
            return default
        seconds: Optional[float] = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = float(value)
        elif isinstance(value, str) and _SECONDS.match(value.strip()):
            seconds = float(value.strip())
        elif isinstance(value, str) and value.strip():
            match = _DURATION.match(value.strip())
            if match:
                hours, minutes, secs = (int(part or 0) for part in match.groups())
                seconds = float(hours * 3600 + minutes * 60 + secs)
        if seconds is None:
            self.problem(
                name, f"must be a duration such as 90s, 20m or 1h, got {describe(value)}; a number of seconds such as 600 works too"
            )
            return default
        if not minimum <= seconds <= maximum:
            self.problem(name, f"must be from {minimum:g}s to {maximum:g}s, got {describe(value)}")
            return default
        return seconds


class Named(Protocol):
    key: str
    """Where the entry is in the config: ``ses-domains:templates[1]``."""
    name: str


N = TypeVar("N", bound=Named)


def first_of_each_name(specs: Iterable[N], what: str, problems: Problems) -> list[N]:
    """The entries whose name no earlier entry has; each later one is reported under its own
    ``.name``, with where the name was first declared."""
    first: dict[str, str] = {}
    kept: list[N] = []
    for spec in specs:
        if spec.name in first:
            problems.add(f"{spec.key}.name", f"the {what} {spec.name} is already declared at {first[spec.name]}")
            continue
        first[spec.name] = spec.key
        kept.append(spec)
    return kept
