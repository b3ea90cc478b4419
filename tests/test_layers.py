"""The layout is the architecture: each layer of ``ses_domains`` imports only the layers it may,
and the program's import stays light. Read from the source (ast), so a new import that breaks a
rule fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ses_domains"

MAY_IMPORT = {
    "records": {"records"},
    "config": {"config", "records", "nameserver_address"},
    "nameserver_address": set(),
    "engine": {"engine", "records", "nameserver_address"},
    "verification_jobs": {"config", "engine", "records"},
    "deploy": {"deploy", "config", "engine", "records", "verification_jobs", "nameserver_address"},
    "cli": {"cli", "config", "engine", "records", "verification_jobs", "nameserver_address", "permissions"},
    "permissions": {"permissions", "config", "records"},
    "provider": {"deploy"},
    "schema_reference": {"provider"},
}
NO_PULUMI = {"records", "config", "nameserver_address", "engine", "verification_jobs", "cli", "permissions"}


def imports_of(path: Path) -> set[str]:
    """Run-time imports (those under ``if TYPE_CHECKING:`` only name types for annotations)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_each_layer_imports_only_what_it_may():
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue
        layer = layer_of(path)
        for module in imports_of(path):
            top = module.split(".")[0]
            if top == "ses_domains":
                target = module.split(".")[1]
                if target not in MAY_IMPORT[layer]:
                    broken.append(f"{path.relative_to(PACKAGE)} imports {module}")
            elif top == "pulumi" or top.startswith("pulumi_"):
                if layer in NO_PULUMI:
                    broken.append(f"{path.relative_to(PACKAGE)} imports {module}")
            elif top == "components":
                broken.append(f"{path.relative_to(PACKAGE)} imports the legacy path {module}")
    assert broken == []


def test_relative_imports_are_not_used():
    relative = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert relative == []


def test_the_console_script_is_installed_and_answers_help():
    script = Path(sys.executable).parent / "ses-domains"
    assert script.exists(), "scripts/setup-dev installs the package (pip install -e .) with its console script"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for command in ("check", "records", "wait"):
        assert command in done.stdout
