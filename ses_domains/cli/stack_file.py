"""``Pulumi.<stack>.yaml`` read the way the Pulumi program reads its config, without Pulumi.

The values are already structured in YAML, so they go raw to ``read_stack_config``. A value
written as ``{secure: v1:...}`` is encrypted with the stack's secrets provider, which this
command cannot open: it becomes an ``EncryptedValue`` and is mentioned only when the config
needs it (a problem reported under its key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ses_domains.cli.errors import CommandError
from ses_domains.config.errors import ConfigError
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.config.stack import PROJECT, StackSpec, read_stack_config


class EncryptedValue:
    """A ``secure:`` config value: unknown to the command."""

    def __repr__(self) -> str:
        return "an encrypted (secure:) value"


@dataclass(frozen=True)
class LoadedStack:
    name: str
    path: Path
    spec: StackSpec

    @property
    def aws_settings(self) -> AwsSettings:
        """The stack's ``aws:region`` and ``aws:profile``: the command talks to the stack's account."""
        return AwsSettings(self.spec.region, self.spec.profile)


def load_stack(directory: Path, stack: str) -> LoadedStack:
    """The stack's spec; ``CommandError`` (exit 2) for a missing or unreadable file and for every
    config problem, worded by the config layer."""
    path = directory / f"Pulumi.{stack}.yaml"
    config = _read_config(path, directory, stack)
    project = _project_name(directory)
    encrypted: list[str] = []
    values = {key: _decode(value, key, encrypted) for key, value in config.items()}

    def namespaced(namespace: str):
        return lambda key: values.get(f"{namespace}:{key}")

    try:
        spec = read_stack_config(namespaced(project), namespaced("aws"), project_dir=directory)
    except ConfigError as error:
        message = f"{path.name}: {error}"
        involved = [key for key in encrypted if any(_same_value(problem.key, key, project) for problem in error.problems)]
        if involved:
            message += (
                f"\n{', '.join(involved)} {'is' if len(involved) == 1 else 'are'} encrypted in {path.name} (secure:): "
                "ses-domains cannot decrypt stack secrets; give the value in plain text"
            )
        raise CommandError(message) from None
    return LoadedStack(stack, path, spec)


def available_stacks(directory: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))


def _read_config(path: Path, directory: Path, stack: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        stacks = available_stacks(directory)
        known = f"stacks here: {', '.join(stacks)}" if stacks else "there is no Pulumi.<stack>.yaml here"
        raise CommandError(
            f"no stack file {path.name} in {directory.resolve()} ({known}); run in the project directory "
            "or give it with --cwd DIR"
        ) from None
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CommandError(f"{path.name} is not valid YAML: {error}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise CommandError(f"{path.name} must be a mapping with a config: key")
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise CommandError(f"{path.name}: config: must be a mapping of keys such as aws:region")
    return config


def _project_name(directory: Path) -> str:
    """Config keys are namespaced by the project's name (``Pulumi.yaml``), ``ses-domains`` by default."""
    try:
        document = yaml.safe_load((directory / "Pulumi.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return PROJECT
    name = document.get("name") if isinstance(document, dict) else None
    return name if isinstance(name, str) and name else PROJECT


def _decode(value: Any, key: str, encrypted: list[str]) -> Any:
    if isinstance(value, dict) and set(value) == {"secure"}:
        encrypted.append(key)
        return EncryptedValue()
    if isinstance(value, dict):
        return {k: _decode(v, f"{key}.{k}", encrypted) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, f"{key}[{i}]", encrypted) for i, v in enumerate(value)]
    return value


def _same_value(problem_key: str, encrypted_key: str, project: str) -> bool:
    """Whether a problem's key (always named ``ses-domains:...``) is the encrypted value or inside it."""
    if project != PROJECT and encrypted_key.startswith(f"{project}:"):
        encrypted_key = PROJECT + encrypted_key[len(project):]
    return problem_key == encrypted_key or problem_key.startswith((encrypted_key + ".", encrypted_key + "["))
