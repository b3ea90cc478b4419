"""Collecting config problems so that a user sees all of them at once, without a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class ConfigError(Exception):
    """Raised with every problem found. The Pulumi program turns it into a ``pulumi.RunError`` (printed
    without a traceback); the command prints it and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        header = "the stack config has a problem" if count == 1 else f"the stack config has {count} problems"
        super().__init__(header + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class Problems:
    """The problems found so far; ``raise_if_any`` ends the read when there is one."""

    found: list[Problem] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.found.append(Problem(key, message))

    def raise_if_any(self) -> None:
        if self.found:
            raise ConfigError(self.found)


class ArgumentError(ValueError):
    """Bad arguments of a public component (``SendingDomain``, ``ConfigurationSet``...): every
    problem under its argument path (``dmarc.rua[0]: ...``), raised before any resource is declared."""

    def __init__(self, component: str, problems: list[Problem]):
        self.component = component
        self.problems = list(problems)
        count = len(self.problems)
        header = f"{component}: " + ("an argument has a problem" if count == 1 else f"{count} argument problems")
        super().__init__(header + ":\n" + "\n".join(f"  - {p}" for p in self.problems))
