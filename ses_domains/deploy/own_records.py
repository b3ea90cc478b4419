"""Which record sets the stack already manages: the ``domains`` output of its own last update.

The program reads its own stack through a ``pulumi.StackReference`` to
``<organization>/<project>/<stack>`` (a read, nothing is created). Every record the stack manages
is listed there (``domains.<domain>.records``, and the DMARC report authorizations under
``domains.<domain>.reportAuthorizations``), in stacks made before this check too, so upgrading
needs no migration. Why not ownership marker records in the zone (external-dns's TXT registry):
they double the Route 53 writes of every domain and, for existing stacks, would be missing on
every record the stack already has, so the first preview after an upgrade would call them all
foreign.

The reference is read only when a zone holds something at a name the stack writes: a stack
whose zones are clear never reads it.

The value is awaited synchronously, with the same helper the Pulumi SDK uses for synchronous
invokes (``pulumi.runtime.sync_await``): the decision must be taken before any resource is
declared, not inside an ``apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional

import pulumi

OUTPUT = "domains"
RECORD_LISTS = ("records", "reportAuthorizations")
SETS_OUTPUT = "configurationSets"
"""Each set's ``trackingRecord`` there is a record set the stack manages too."""
WRITES_OUTPUT = "route53Writes"
"""How the last update wrote its records (exported only when not per record set)."""


@dataclass(frozen=True)
class OwnRecords:
    managed: frozenset[tuple[str, str]]
    """(name, type) of every record set the last update of this stack manages."""

    route53_writes: Optional[str] = None
    """The last update's ``ses-domains:route53Writes`` when not the default."""

    def owns(self, name: str, record_type: str) -> bool:
        return (name, record_type.upper()) in self.managed


def own_records_from(domains_output: Any, sets_output: Any = None, writes_output: Any = None) -> OwnRecords:
    """The record sets listed in a ``domains`` output and the tracking records of a
    ``configurationSets`` output (any missing part is simply not listed)."""
    found: list[Mapping] = []
    for exported in _mappings(domains_output):
        for list_name in RECORD_LISTS:
            found.extend(_records(exported.get(list_name)))
    for exported in _mappings(sets_output):
        found.extend(_records([exported.get("trackingRecord")]))
    return OwnRecords(frozenset((str(r["name"]).rstrip(".").lower(), str(r["type"]).upper()) for r in found),
                      writes_output if isinstance(writes_output, str) else None)


def _mappings(output: Any) -> list[Mapping]:
    return [value for value in output.values() if isinstance(value, Mapping)] if isinstance(output, Mapping) else []


def read_own_records() -> OwnRecords:
    """The record sets the last update of the running stack manages (none for a new stack)."""
    from pulumi.runtime.sync_await import _sync_await

    # The CLI always gives the organization ("organization" on a DIY backend); without one the
    # reference takes the backend's default organization.
    parts = (pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack())
    name = "/".join(part for part in parts if part)
    reference = pulumi.StackReference("ses-domains-last-update", stack_name=name)
    outputs = []
    for output in (OUTPUT, SETS_OUTPUT, WRITES_OUTPUT):
        details = _sync_await(reference.get_output_details(output))
        outputs.append(details.value if details.value is not None else details.secret_value)
    return own_records_from(*outputs)


class ReadOnce:
    """The stack's own records, read on first use only; ``read_so_far`` says whether they were."""

    def __init__(self, read: Callable[[], OwnRecords]) -> None:
        self._read = read
        self.read_so_far: Optional[OwnRecords] = None

    def records(self) -> OwnRecords:
        if self.read_so_far is None:
            self.read_so_far = self._read()
        return self.read_so_far

    def owns(self, name: str, record_type: str) -> bool:
        return self.records().owns(name, record_type)


def _records(value: Any) -> Iterable[Mapping]:
    if not isinstance(value, list):
        return []
    return [r for r in value if isinstance(r, Mapping) and r.get("name") and r.get("type")]
