"""README.md's examples of the command are what it prints for the committed stacks
(tests/readme_examples.py makes them)."""

from __future__ import annotations

import pytest

from tests import readme_examples
from tests.conftest import _require_knot

FIX = (f"if the command's output changed on purpose, rewrite the README's examples with "
       f"`.venv/bin/{readme_examples.REGENERATE}` (from the repository's root) and review the diff")


@pytest.fixture(scope="module")
def printed():
    _require_knot()
    return readme_examples.generate()


def test_the_readme_holds_each_example_once():
    text = readme_examples.README.read_text()
    names = [m["name"] for m in readme_examples.BLOCK.finditer(text)]
    assert sorted(names) == sorted(e.name for e in readme_examples.EXAMPLES)


def test_the_readme_examples_are_what_the_command_prints(printed):
    diff = readme_examples.differences(readme_examples.README.read_text(), printed)
    assert not diff, f"README.md's examples differ from what the command prints; {FIX}.\n{diff}"


def test_the_examples_show_each_outcome(printed):
    """The examples are worth reading: the check finds the broken MX, status a pending identity."""
    assert "wrong   MX     bounce.dev.example.com" in printed["check dev"]
    assert "— problems found" in printed["check dev"]
    assert "problems: news.example.org is pending" in printed["status prod"]
    assert "bounce rate" in printed["status prod"] and "▂" in printed["status prod"]


def test_a_changed_output_is_found_and_rewritten():
    text = "intro\n<!-- example: check dev -->\n```\n$ old\n```\n<!-- /example -->\nafter\n"
    blocks = {"check dev": "```\n$ new\n```\n"}
    assert "-$ old" in readme_examples.differences(text, blocks)
    assert readme_examples.with_examples(text, blocks) == text.replace("$ old", "$ new")
    assert readme_examples.differences(readme_examples.with_examples(text, blocks), blocks) == ""
