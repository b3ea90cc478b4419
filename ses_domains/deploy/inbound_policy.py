"""The S3 bucket policy statement that lets SES of this account, and only its receipt rule, store mail.

SES Developer Guide, "Giving permissions to Amazon SES for email receiving", "Give SES permission to
write to an S3 bucket": principal ``ses.amazonaws.com``, ``s3:PutObject`` on the bucket's objects,
conditions ``aws:SourceAccount`` (the account) and ``aws:SourceArn`` (the receipt rule's ARN). The
resource is narrowed to the rule's object key prefix, so one bucket can serve several domains.

A bucket has one policy document. A statement this program writes has the Sid
``SesDomains<stack>Inbound<n>``: a policy whose every statement has such a Sid is the stack's own
(written by an earlier update); any other policy is someone else's and is never replaced.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ses_domains.records.regions import partition_of

SES_PRINCIPAL = "ses.amazonaws.com"


@dataclass(frozen=True)
class ReceiveGrant:
    """One receipt rule's right to write under a prefix of a bucket."""

    bucket: str
    prefix: str
    account_id: str
    rule_arn: str


def receipt_rule_arn(region: str, account_id: str, rule_set: str, rule: str) -> str:
    return f"arn:{partition_of(region)}:ses:{region}:{account_id}:receipt-rule-set/{rule_set}:receipt-rule/{rule}"


def statement_id_prefix(stack: str) -> str:
    """IAM statement ids are letters and digits: the stack name keeps only those."""
    return f"SesDomains{re.sub(r'[^A-Za-z0-9]', '', stack)}Inbound"


def receive_statement(grant: ReceiveGrant, sid: str) -> dict:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": SES_PRINCIPAL},
        "Action": "s3:PutObject",
        # The bucket is in the partition of the rule that writes to it.
        "Resource": f"arn:{grant.rule_arn.split(':')[1]}:s3:::{grant.bucket}/{grant.prefix}*",
        "Condition": {"StringEquals": {"aws:SourceAccount": grant.account_id, "aws:SourceArn": grant.rule_arn}},
    }


def bucket_policy(grants: Iterable[ReceiveGrant], stack: str) -> str:
    """The whole policy document the stack writes on a bucket: one statement per grant."""
    prefix = statement_id_prefix(stack)
    statements = [receive_statement(grant, f"{prefix}{index + 1}") for index, grant in enumerate(grants)]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def statements_text(grants: Iterable[ReceiveGrant], stack: str) -> str:
    """The statements to paste into a policy of one's own, for messages and the README."""
    return json.dumps(json.loads(bucket_policy(grants, stack))["Statement"], separators=(",", ":"))


def is_own_policy(document: str, stack: str) -> bool:
    """Whether every statement of an existing policy is one this stack writes."""
    statements = _statements(document)
    pattern = re.compile(rf"^{re.escape(statement_id_prefix(stack))}\d+$")
    return bool(statements) and all(isinstance(s, dict) and pattern.match(str(s.get("Sid", ""))) for s in statements)


def grants_ses(document: Optional[str]) -> bool:
    """Whether a policy has an Allow statement naming SES's service principal (a user's own grant)."""
    for statement in _statements(document or ""):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = principal.get("Service") if isinstance(principal, dict) else None
        if services == SES_PRINCIPAL or (isinstance(services, list) and SES_PRINCIPAL in services):
            return True
    return False


def _statements(document: str) -> list[Any]:
    try:
        parsed = json.loads(document)
    except ValueError:
        return []
    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    if isinstance(statements, dict):
        return [statements]
    return statements if isinstance(statements, list) else []
