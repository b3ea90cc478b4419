"""The layer in one call: run the program on a stack config, map, validate, report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml

from tests.aws_rules.requests import ApiRequest, requests_for
from tests.aws_rules.validate import Violation, validate_request


@dataclass(frozen=True)
class StackCheck:
    requests: tuple[ApiRequest, ...]
    violations: tuple[Violation, ...]

    def describe(self) -> str:
        """Each violation with its resource, request, field path and rule, then the request."""
        lines = [f"{len(self.violations)} request field(s) AWS or the provider would refuse:"]
        by_request = {(r.resource_type, r.resource_name, r.operation): r for r in self.requests}
        shown: set = set()
        for violation in self.violations:
            lines.append(f"- {violation}")
            key = (violation.resource_type, violation.resource_name, violation.operation)
            if key not in shown and key in by_request:
                shown.add(key)
                request = by_request[key]
                lines.append(f"    request ({request.follows}): {json.dumps(request.params)[:600]}")
        return "\n".join(lines)


def check_resources(resources: Iterable[Any], zone_names: Optional[Mapping[str, str]] = None) -> StackCheck:
    """Map these declared resources to their create requests and validate every one."""
    requests = tuple(requests_for(resources, zone_names))
    violations = tuple(v for request in requests for v in validate_request(request))
    return StackCheck(requests=requests, violations=violations)


def check_stack(config: dict[str, Any], **run_options: Any) -> StackCheck:
    """Run the real program on this stack config under the mocks (``tests.pulumi_program``) and
    check every request its resources make."""
    from tests.pulumi_program import run_program

    run = run_program(config, **run_options)
    return check_resources(run.mocks.resources, {zone_id: name for name, zone_id in run.zone_ids.items()})


def load_stack_file(path: Path) -> dict[str, Any]:
    """The ``config:`` of a ``Pulumi.<stack>.yaml``-shaped file, as ``stack_config`` reads one; each
    ``<rsa-private-key:...>`` placeholder replaced by a key made for this run (none is stored)."""
    from tests.dkim_test_keys import with_test_keys

    return with_test_keys(yaml.safe_load(Path(path).read_text())["config"])
