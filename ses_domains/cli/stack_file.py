"""``Pulumi.<stack>.yaml`` read the way the Pulumi program reads its config, without Pulumi.

The values are already structured in YAML, so they go raw to ``read_stack_config``, in the
namespace of the project's name and with the same rule for unknown top-level keys as the program.
A value written as ``{secure: v1:...}`` is encrypted with the stack's secrets provider, which this
command cannot open: it becomes an ``EncryptedValue``, left alone unless the config needs it (a
problem reported under its key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from ses_domains.cli.errors import CommandError
from ses_domains.cli.stack_selection import Project, find_project, select_stack
from ses_domains.config.errors import ConfigError
from ses_domains.config.secrets import EncryptedValue
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.config.stack import StackSpec, read_stack_config


@dataclass(frozen=True)
class LoadedStack:
    name: str
    path: Path
    spec: StackSpec

    @property
    def aws_settings(self) -> AwsSettings:
        """The stack's ``aws:region`` and ``aws:profile``: the command talks to the stack's account."""
        return AwsSettings(self.spec.region, self.spec.profile)


def load_stack(directory: Path, stack: Optional[str]) -> LoadedStack:
    """The stack's spec (``stack``: ``--stack``, ``None`` for the selected stack); ``CommandError``
    (exit 2) for a missing or unreadable file and for every config problem, worded by the config layer."""
    project = find_project(Path(directory))
    stack = select_stack(project, stack)
    path = project.stack_file(stack)
    config = _read_config(path, project, stack)
    encrypted: list[str] = []
    values = {key: _decode(value, key, encrypted) for key, value in config.items()}

    def namespaced(namespace: str):
        return lambda key: values.get(f"{namespace}:{key}")

    prefix = f"{project.name}:"
    try:
        spec = read_stack_config(
            namespaced(project.name), namespaced("aws"),
            project_keys=[key[len(prefix):] for key in values if key.startswith(prefix)],
            project_dir=project.directory, namespace=project.name,
        )
    except ConfigError as error:
        message = f"{path.name}: {error}"
        involved = [key for key in encrypted if any(_same_value(problem.key, key) for problem in error.problems)]
        if involved:
            message += (
                f"\n{', '.join(involved)} {'is' if len(involved) == 1 else 'are'} encrypted in {path.name} (secure:): "
                "ses-domains cannot decrypt stack secrets; give the value in plain text"
            )
        raise CommandError(message) from None
    return LoadedStack(stack, path, spec)


def _read_config(path: Path, project: Project, stack: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        stacks = project.stacks()
        known = f"stacks here: {', '.join(stacks)}" if stacks else "there is no Pulumi.<stack>.yaml here"
        raise CommandError(
            f"no stack file {path.name} in {project.stack_directory} ({known}); run in the project's folder "
            "or give it with --cwd DIR"
        ) from None
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    try:
        document = _parse_yaml(text)
    except yaml.YAMLError as error:
        raise CommandError(f"{path} is not valid YAML: {_yaml_problem(error)}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise CommandError(f"{path.name} must be a mapping with a config: key")
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise CommandError(f"{path.name}: config: must be a mapping of keys such as aws:region")
    return config


def _parse_yaml(text: str) -> Any:
    """The document, parsed by libyaml when PyYAML has it (10,000 domains: 2 s instead of 5); a
    document it refuses is parsed again by PyYAML's own loader, whose wording of the problem the
    command reports."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 - CSafeLoader is the safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's problem and where it is (line and column), without its ``"<unicode string>"`` name."""
    problem = getattr(error, "problem", None)
    if not problem:
        return str(error).replace('in "<unicode string>", ', "")
    where = _at(getattr(error, "problem_mark", None))
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        return f"{problem}{where} ({context} that starts{_at(context_mark)})"
    return f"{problem}{where}"


def _at(mark: Any) -> str:
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _decode(value: Any, key: str, encrypted: list[str]) -> Any:
    if isinstance(value, dict) and set(value) == {"secure"}:
        encrypted.append(key)
        return EncryptedValue()
    if isinstance(value, dict):
        return {k: _decode(v, f"{key}.{k}", encrypted) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, f"{key}[{i}]", encrypted) for i, v in enumerate(value)]
    return value


def _same_value(problem_key: str, encrypted_key: str) -> bool:
    """Whether a problem's key is the encrypted value or inside it."""
    return problem_key == encrypted_key or problem_key.startswith((encrypted_key + ".", encrypted_key + "["))
