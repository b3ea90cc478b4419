"""The layout is the architecture: each layer of ``ses_domains`` imports only the layers it may,
and the program's import stays light. Read from the source (ast), so a new import that breaks a
rule fails here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Collection

PACKAGE = Path(__file__).resolve().parent.parent / "ses_domains"

PACKAGE_ROOT = "(package root)"
"""``from ses_domains import ...``: the public components, exported lazily by the root package."""
MAY_IMPORT = {
    "records": {"records"},
    "config": {"config", "records", "nameserver_address"},
    "nameserver_address": set(),
    "engine": {"engine", "records", "nameserver_address"},
    "verification_jobs": {"config", "engine", "records"},
    "deploy": {"deploy", "config", "engine", "records", "verification_jobs", "nameserver_address", PACKAGE_ROOT},
    "cli": {"cli", "config", "engine", "records", "verification_jobs", "nameserver_address", "permissions"},
    "permissions": {"permissions", "config", "records"},
    "provider": {"deploy", "config"},
    "schema_reference": {"provider"},
}
NO_PULUMI = {"records", "config", "nameserver_address", "engine", "verification_jobs", "cli", "permissions"}


def imports_in(source: str, modules: Collection[str] = ()) -> set[str]:
    """Every module an absolute import names: at the top, inside functions, and under ``if
    TYPE_CHECKING:`` (a typing-only import still ties the two modules together: a reader, a type
    checker and any later run-time import see the circle). ``from a import b`` names ``a`` and,
    when ``a.b`` is one of ``modules``, ``a.b`` too."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if f"{node.module}.{alias.name}" in modules)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    return imports_in(path.read_text(), MODULES)


def module_graph() -> dict[str, set[str]]:
    """Each module of ``ses_domains`` -> the modules of ``ses_domains`` it imports."""
    return {name: {m for m in imports_of(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: each strongly connected set of two or more modules, as one
    path around it (``a -> b -> a``), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(_path_around(graph, component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def _path_around(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, within the component."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for target in sorted(graph[module] & component):
            if target == start:
                return paths[module] + [start]
            if target not in paths:
                paths[target] = paths[module] + [target]
                queue.append(target)
    raise AssertionError(f"{component} is not a circle")


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
                target = module.split(".")[1] if "." in module else PACKAGE_ROOT
                if target not in MAY_IMPORT[layer]:
                    broken.append(f"{path.relative_to(PACKAGE)} imports {module}")
            elif top == "pulumi" or top.startswith("pulumi_"):
                if layer in NO_PULUMI:
                    broken.append(f"{path.relative_to(PACKAGE)} imports {module}")
            elif top == "components":
                broken.append(f"{path.relative_to(PACKAGE)} imports the legacy path {module}")
    assert broken == []


def test_no_module_imports_itself_back_through_others():
    found = [" -> ".join(circle) for circle in circles(module_graph())]
    assert found == [], "import circles (typing-only and in-function imports included):\n" + "\n".join(found)


def test_the_circle_finder_sees_typing_only_and_in_function_imports():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ses_domains.config.domains import DomainSpec\n"
        "def later():\n    import ses_domains.cli.main\n    from ses_domains.deploy import zones\n"
    )
    assert {"ses_domains.config.domains", "ses_domains.cli.main", "ses_domains.deploy.zones"} <= imports_in(source, MODULES)
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert circles(graph) == [["a", "b", "c", "a"]]


def test_the_record_model_imports_no_other_layer_and_no_pulumi():
    outside = [
        f"{module} imports {target}"
        for module, path in sorted((module_name(p), p) for p in (PACKAGE / "records").rglob("*.py"))
        for target in sorted(imports_of(path))
        if target.split(".")[0] in ("pulumi", "pulumi_aws", "boto3", "botocore")
        or target.startswith("pulumi_")
        or (target.startswith("ses_domains.") and target.split(".")[1] != "records")
    ]
    assert outside == []


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
