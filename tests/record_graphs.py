"""Writes tests/fixtures/graphs/<stack>.json: ``python -m tests.record_graphs [stack ...]``.

Record only from code whose graph is the one deployed stacks have (see tests/resource_graph.py).
"""

from __future__ import annotations

import sys

from tests.resource_graph import FIXTURES, STACKS, dump, fixture_path, graph_of


def main(stacks: list[str]) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for stack in stacks or STACKS:
        if stack not in STACKS:
            raise SystemExit(f"unknown stack {stack!r}: one of {', '.join(STACKS)}")
        graph = graph_of(stack)
        fixture_path(stack).write_text(dump(graph))
        print(f"{fixture_path(stack)}: {len(graph['resources'])} resources, {len(graph['invokes'])} invokes")


if __name__ == "__main__":
    main(sys.argv[1:])
