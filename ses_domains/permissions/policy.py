"""An IAM policy as plain data: statements of actions, resources and conditions.

Rendering it is the edge's business (``document()`` gives the JSON-ready structure; the command
prints it). Only what this project writes is modelled: Allow statements.
"""

from __future__ import annotations

from dataclasses import dataclass

POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class Condition:
    """One condition: ``{operator: {key: values}}``."""

    operator: str
    """``StringEquals``, ``ForAllValues:StringLike``, ..."""
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()

    def document(self) -> dict:
        result: dict = {"Sid": self.sid, "Effect": "Allow", "Action": list(self.actions),
                        "Resource": list(self.resources)}
        if self.conditions:
            block: dict = {}
            for condition in self.conditions:
                block.setdefault(condition.operator, {})[condition.key] = list(condition.values)
            result["Condition"] = block
        return result


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]

    def document(self) -> dict:
        """The policy as IAM reads it (a JSON object once dumped)."""
        return {"Version": POLICY_VERSION, "Statement": [statement.document() for statement in self.statements]}

    def actions(self) -> frozenset[str]:
        return frozenset(action for statement in self.statements for action in statement.actions)
