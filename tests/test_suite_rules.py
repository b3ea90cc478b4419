"""Rules the test suite keeps, checked on its own sources.

No test compares wall-clock time in its own ``assert``: a stopwatch goes through
``tests.wall_clock`` (``assert_no_hang``: twice the deadline plus slack; ``assert_took_at_least``),
so the suite holds on a busy machine. What counts as wall-clock time here: a call of
``time.monotonic``/``time.time``/``time.perf_counter``, a name assigned from one (or from such a
name), and a name or attribute that says it is a duration measured (``elapsed``, ``took``,
``seconds``, ``rtt``). A comparison by ``==`` is left alone (fake clocks are compared exactly).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
EXEMPT = {"wall_clock.py", "test_suite_rules.py"}
CLOCK_CALLS = {"monotonic", "time", "perf_counter", "monotonic_ns", "perf_counter_ns", "time_ns"}
MEASURED = re.compile(r"elapsed|took|seconds|rtt", re.IGNORECASE)
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _is_clock_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in CLOCK_CALLS and isinstance(func.value, ast.Name) and func.value.id == "time"
    return isinstance(func, ast.Name) and func.id in {"monotonic", "perf_counter"}


def _mentions_clock(node: ast.AST, derived: set[str]) -> bool:
    for inner in ast.walk(node):
        if _is_clock_call(inner):
            return True
        if isinstance(inner, ast.Name) and (inner.id in derived or MEASURED.search(inner.id)):
            return True
        if isinstance(inner, ast.Attribute) and MEASURED.search(inner.attr):
            return True
        if isinstance(inner, ast.Subscript) and isinstance(inner.slice, ast.Constant) \
                and isinstance(inner.slice.value, str) and MEASURED.search(inner.slice.value):
            return True
    return False


def _derived_names(scope: ast.AST) -> set[str]:
    """Names of ``scope`` assigned from the clock, directly or through other such names, and lists
    such a value is appended to (a fixpoint)."""
    derived: set[str] = set()
    while True:
        before = len(derived)
        for node in ast.walk(scope):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and node.value is not None:
                if _mentions_clock(node.value, derived):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        derived.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in {"append", "extend", "add", "insert"} \
                    and isinstance(node.func.value, ast.Name) \
                    and any(_mentions_clock(arg, derived) for arg in node.args):
                derived.add(node.func.value.id)
        if len(derived) == before:
            return derived


def _scopes(tree: ast.Module):
    """Each top-level function or class body, and the module's own statements, with their asserts."""
    module_level = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node
        else:
            module_level.append(node)
    yield ast.Module(body=module_level, type_ignores=[])


def wall_time_asserts(source: str) -> list[int]:
    """Lines of ``assert`` statements that order wall-clock time themselves."""
    lines = []
    for scope in _scopes(ast.parse(source)):
        derived = _derived_names(scope)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Assert):
                continue
            for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
                if any(isinstance(op, ORDERING) for op in compare.ops) and any(
                    _mentions_clock(side, derived) for side in [compare.left, *compare.comparators]
                ):
                    lines.append(node.lineno)
                    break
    return sorted(lines)


def test_no_test_orders_wall_clock_time_itself():
    offenders = [
        f"tests/{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py")) if path.name not in EXEMPT
        for line in wall_time_asserts(path.read_text())
    ]
    assert offenders == [], "compare wall time through tests.wall_clock (assert_no_hang, assert_took_at_least)"


def test_the_rule_sees_a_stopwatch_and_leaves_a_fake_clock_alone():
    flagged = wall_time_asserts(
        "def test_one():\n"
        "    started = time.monotonic()\n"
        "    took = time.monotonic() - started\n"
        "    assert took < 3.0\n"  # 4: a stopwatch
        "    assert report.elapsed_s < 6\n"  # 5: a duration the code measured
        "    assert time.monotonic() - started >= 0.3\n"  # 6: a lower bound, still by hand
        "    seen = []\n"
        "    run(on_progress=lambda p: seen.append((time.monotonic() - started, p)))\n"
        "    assert min(t for t, p in seen) < 0.5\n"  # 9: measured in a callback
        "    assert result.elapsed == 6.0\n"  # a fake clock, compared exactly
        "    assert call.timeout_s <= 1.5\n"  # the deadline a call was given
        "    assert_no_hang(took, 1.0)\n"
        "def test_two():\n"
        "    took = 3\n"
        "    assert took < 4\n"  # 15: the name alone says it is a duration
        "    report = make()\n"
        "    assert report.count > 2\n"  # another test's names are its own
    )
    assert flagged == [4, 5, 6, 9, 15]
