"""Which project and which stack the command works on, chosen the way the ``pulumi`` CLI chooses them.

- The project is the closest ``Pulumi.yaml`` (or ``Pulumi.yml``) from the given folder upwards, so
  the command works from a sub-folder of the project, as ``pulumi`` does. A stack's file is
  ``Pulumi.<stack>.yaml`` (the project file's ending) beside it, or in its ``stackConfigDir``.
- The stack is ``--stack`` when given (``dev`` or ``org/project/dev``, whose project must be this
  one); else ``PULUMI_STACK``; else the stack selected with ``pulumi stack select``, which the
  ``pulumi`` CLI keeps in ``$PULUMI_HOME/workspaces/<project>-<sha1 of Pulumi.yaml's absolute
  path>-workspace.json`` as ``{"stack": ...}`` (``PULUMI_HOME`` defaults to ``~/.pulumi``; see
  ``settingsPath`` in pulumi's ``sdk/go/common/workspace/workspace.go``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from ses_domains.cli.errors import CommandError
from ses_domains.config.stack import PROJECT

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


@dataclass(frozen=True)
class Project:
    directory: Path
    """Where ``Pulumi.yaml`` is: the stack files are beside it, and files named by the config are read there."""
    file: Optional[Path]
    """``Pulumi.yaml`` (absolute); ``None`` when there is none here or above."""
    name: str
    """The project's ``name:``: the namespace of its config keys."""
    stack_directory: Path
    """Where the stack files are: the project's folder, or its ``stackConfigDir``."""
    extension: str = ".yaml"

    def stack_file(self, stack: str) -> Path:
        return self.stack_directory / f"Pulumi.{stack}{self.extension}"

    def stacks(self) -> list[str]:
        return sorted(p.name[len("Pulumi."):-len(self.extension)]
                      for p in self.stack_directory.glob(f"Pulumi.*{self.extension}"))


def find_project(start: Path) -> Project:
    """The closest project from ``start`` upwards; without one, ``start`` as a project named
    ``ses-domains`` (it may hold ``Pulumi.<stack>.yaml`` files alone; if not, the message about
    the missing stack file says so)."""
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        for name in PROJECT_FILES:
            if (directory / name).is_file():
                document = _project_document(directory / name)
                config_dir = document.get("stackConfigDir")
                stacks = directory / config_dir if isinstance(config_dir, str) and config_dir else directory
                return Project(directory, directory / name, _name_of(document), stacks, Path(name).suffix)
    return Project(start, None, PROJECT, start)


def select_stack(project: Project, given: Optional[str]) -> str:
    """The stack's name (the last part of ``org/project/stack``)."""
    if given:
        return _stack_name(project, given, "--stack")
    from_environment = os.environ.get("PULUMI_STACK", "").strip()
    if from_environment:
        return _stack_name(project, from_environment, "PULUMI_STACK")
    selected = _selected_stack(project)
    if selected:
        return _stack_name(project, selected, "the stack selected with pulumi stack select")
    stacks = project.stacks()
    found = (f"stacks here: {', '.join(stacks)}" if stacks
             else f"there is no Pulumi.<stack>{project.extension} in {project.stack_directory}")
    raise CommandError(
        f"no stack given and none selected: give one with --stack NAME or select one with pulumi stack select "
        f"({found})"
    )


def workspace_settings_path(project_file: Path) -> Path:
    """Where the ``pulumi`` CLI keeps the project's selected stack."""
    home = os.environ.get("PULUMI_HOME") or str(Path.home() / ".pulumi")
    digest = hashlib.sha1(str(project_file).encode("utf-8")).hexdigest()
    name = _name_of(_project_document(project_file))
    return Path(home) / "workspaces" / f"{name}-{digest}-workspace.json"


def _selected_stack(project: Project) -> Optional[str]:
    if project.file is None:
        return None
    try:
        settings = json.loads(workspace_settings_path(project.file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stack = settings.get("stack") if isinstance(settings, dict) else None
    return stack.strip() if isinstance(stack, str) and stack.strip() else None


def _stack_name(project: Project, given: str, source: str) -> str:
    parts = given.strip().split("/")
    if len(parts) > 3 or not all(parts):
        raise CommandError(f"{source}: {given!r} is not a stack name: give NAME, ORG/NAME or ORG/PROJECT/NAME")
    if len(parts) == 3 and parts[1] != project.name:
        raise CommandError(
            f"{source}: the stack {given} belongs to the project {parts[1]}, but this folder's project is "
            f"{project.name} ({project.file or project.directory})"
        )
    return parts[-1]


def _project_document(project_file: Path) -> dict:
    try:
        document = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return document if isinstance(document, dict) else {}


def _name_of(document: dict) -> str:
    """Config keys are namespaced by the project's ``name:``, ``ses-domains`` when it has none."""
    name = document.get("name")
    return name if isinstance(name, str) and name else PROJECT
