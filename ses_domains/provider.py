"""The ``ses-domains`` Pulumi package: the public components, served to every Pulumi language.

``PulumiPlugin.yaml`` (runtime python) makes the repository a component package: ``pulumi package
add <repository>`` runs ``__main__.py``, which hands over to :func:`serve` when the engine starts
it as a provider (with the engine's address as argument). The schema is the one the SDK's
``Analyzer`` infers from the components' type hints and docstrings (as ``component_provider_host``
does), with one addition: the Analyzer has no notion of a secret, so every input named in
:data:`SECRET_PROPERTIES` is marked ``"secret": true`` here, in the schema the provider serves
(``GetSchema``) and in the one ``python -m ses_domains.provider --schema`` prints, so that each
language's SDK wraps those values as secrets and no state holds them in plain text.

``component_provider_host`` builds its ``ComponentProvider`` itself and offers no hook on the
schema it serves, so :func:`serve` does what it does (the components, the package name, the
provider's gRPC ``main``) with a ``ComponentProvider`` whose schema carries the secrets.
"""

import importlib
import json
import re
import sys
from importlib import metadata
from typing import Any, Optional

PACKAGE = "ses-domains"
SECRET_PROPERTIES = ("privateKey",)
"""Input properties (schema names, in any type) whose values are secrets: the BYODKIM private key."""

PYTHON_ONLY = ("DomainVerification",)
"""Components the package does not serve: made only of a Python dynamic resource, which no program
in another language can run (``deploy.hosting``)."""

_ENGINE_ADDRESS = re.compile(r"^(?:[\w.-]+|\[[0-9a-fA-F:]+\]):\d+$")


def started_as_provider(argv: list[str]) -> bool:
    """Whether the engine started this process as the package's provider: it passes its own
    gRPC address (``127.0.0.1:PORT``); a Pulumi program gets no argument of that shape."""
    return any(_ENGINE_ADDRESS.match(arg) for arg in argv)


def components() -> list[type]:
    """Every public component the package root exports, in name order, but the Python-only ones."""
    import pulumi

    exports = importlib.import_module("ses_domains")._EXPORTS
    found = []
    for name, module in sorted(exports.items()):
        value = getattr(importlib.import_module(module), name)
        if isinstance(value, type) and issubclass(value, pulumi.ComponentResource) and name not in PYTHON_ONLY:
            found.append(value)
    return found


def version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "0.0.0"


def with_secrets(schema: dict[str, Any], secret: tuple[str, ...] = SECRET_PROPERTIES) -> dict[str, Any]:
    """``schema`` with every input property named in ``secret`` marked secret, in the resources'
    ``inputProperties`` and in every object type (the args types live there)."""
    def mark(properties: Optional[dict]) -> None:
        for name, prop in (properties or {}).items():
            if name in secret:
                prop["secret"] = True

    for resource in schema.get("resources", {}).values():
        mark(resource.get("inputProperties"))
    for type_spec in schema.get("types", {}).values():
        mark(type_spec.get("properties"))
    return schema


def tidy_descriptions(value: Any) -> Any:
    """Descriptions as every language's docs show them: a docstring's line breaks and indentation
    joined into one line, reStructuredText's ````code```` as Markdown's ``code``."""
    if isinstance(value, dict):
        return {
            key: (re.sub(r"``([^`]+)``", r"`\1`", " ".join(item.split())) if key == "description"
                  and isinstance(item, str) else tidy_descriptions(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [tidy_descriptions(item) for item in value]
    return value


def _provider_class() -> type:
    from pulumi.provider.experimental.component import ComponentProvider

    class SesDomainsProvider(ComponentProvider):
        """The SDK's component provider, serving the schema with its secrets marked."""

        def __init__(self, hosted: list[type], package_version: str):
            super().__init__(hosted, PACKAGE, None, package_version)
            self.schema = json.dumps(with_secrets(tidy_descriptions(json.loads(self.schema or "{}"))))

        def construct(self, name: str, resource_type: str, inputs: Any, options: Any = None) -> Any:
            """Refuses, before the component is constructed, what needs a Python dynamic resource."""
            from pulumi.provider.server import ComponentInitError

            from ses_domains.config.errors import ArgumentError
            from ses_domains.deploy.hosting import python_only_problems

            component = resource_type.rsplit(":", 1)[-1]
            problems = python_only_problems(component, inputs if isinstance(inputs, dict) else {})
            if problems:
                raise ComponentInitError(ArgumentError(component, problems))
            return super().construct(name, resource_type, inputs, options)

    return SesDomainsProvider


def provider() -> Any:
    return _provider_class()(components(), version())


def schema() -> dict[str, Any]:
    """The package schema exactly as the provider serves it (offline: nothing is started)."""
    return json.loads(provider().schema)


def serve(argv: list[str]) -> None:
    from pulumi.provider import main

    from ses_domains.deploy.hosting import mark_hosted

    mark_hosted()
    main(provider(), argv)


def main(argv: Optional[list[str]] = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--schema"]:
        print(json.dumps(schema(), indent=2, sort_keys=True))
        return
    if not started_as_provider(argv):
        print("usage: python -m ses_domains.provider --schema   (the engine starts the provider itself)",
              file=sys.stderr)
        raise SystemExit(2)
    serve(argv)


if __name__ == "__main__":
    main()
