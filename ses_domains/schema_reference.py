"""README's component reference, generated from the package schema (what every language sees).

``python -m ses_domains.schema_reference`` prints it; ``--write`` puts it into README.md between
:data:`START` and :data:`END`; ``--check`` exits 1 when README's copy differs from the schema.
Each argument is shown by its schema name (TypeScript, YAML, ...) with the Python name beside it
when they differ.
"""

import re
import sys
from pathlib import Path
from typing import Any, Optional

from ses_domains.provider import schema

START = "<!-- reference:start -->"
END = "<!-- reference:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"
_HEAD = ("<!-- Generated from the package schema by `python -m ses_domains.schema_reference --write`; "
         "do not edit by hand. -->")


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def type_name(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def render_type(prop: dict[str, Any]) -> str:
    ref: Optional[str] = prop.get("$ref")
    if ref == "pulumi.json#/Any":
        return "any"
    if ref:
        name = type_name(ref)
        return f"[{name}](#{name.lower()})"
    kind = prop.get("type")
    if kind == "array":
        return f"list of {render_type(prop['items'])}"
    if kind == "object" and "additionalProperties" in prop:
        return f"map of {render_type(prop['additionalProperties'])}"
    return str(kind)


def _cell(text: Optional[str]) -> str:
    return (text or "").replace("|", "\\|")


def _name(name: str) -> str:
    python = snake_case(name)
    return f"`{name}`" if python == name else f"`{name}` (Python `{python}`)"


def properties_table(properties: dict[str, dict], required: list[str], *, inputs: bool) -> list[str]:
    head = "| Argument | Type | Required | Description |" if inputs else "| Output | Type | Description |"
    lines = [head, "|---|---|---|---|" if inputs else "|---|---|---|"]
    for name in sorted(properties):
        prop = properties[name]
        kind = render_type(prop) + (", secret" if prop.get("secret") else "")
        if inputs:
            lines.append(f"| {_name(name)} | {kind} | {'yes' if name in required else 'no'} | "
                         f"{_cell(prop.get('description'))} |")
        else:
            lines.append(f"| {_name(name)} | {kind} | {_cell(prop.get('description'))} |")
    return lines


def reference(package: Optional[dict[str, Any]] = None) -> str:
    """The Markdown reference of every component and argument type of ``package``."""
    package = package if package is not None else schema()
    lines = [_HEAD, ""]
    for token in sorted(package.get("resources", {})):
        resource = package["resources"][token]
        lines += [f"#### {type_name(token)}", "", f"`{token}`: {resource.get('description', '')}", ""]
        lines += properties_table(resource.get("inputProperties", {}), resource.get("requiredInputs", []), inputs=True)
        lines.append("")
        lines += properties_table(resource.get("properties", {}), [], inputs=False)
        lines.append("")
    for token in sorted(package.get("types", {})):
        type_spec = package["types"][token]
        lines += [f"#### {type_name(token)}", "", type_spec.get("description") or "", ""]
        lines += properties_table(type_spec.get("properties", {}), type_spec.get("required", []), inputs=True)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def readme_reference(text: str) -> str:
    """What README holds between the markers."""
    if START not in text or END not in text:
        raise ValueError(f"README.md has no {START} ... {END} section")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def with_reference(text: str, generated: str) -> str:
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    return f"{before}{START}\n{generated}{END}{after}"


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    generated = reference()
    if argv == ["--write"]:
        README.write_text(with_reference(README.read_text(), generated))
        return 0
    if argv == ["--check"]:
        if readme_reference(README.read_text()) != generated:
            print("README.md's component reference differs from the schema: run "
                  "python -m ses_domains.schema_reference --write", file=sys.stderr)
            return 1
        return 0
    if argv:
        print("usage: python -m ses_domains.schema_reference [--write | --check]", file=sys.stderr)
        return 2
    sys.stdout.write(generated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
