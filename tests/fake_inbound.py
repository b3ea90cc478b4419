"""The AWS provider's invokes that receiving mail reads at preview, answered from a small world the
test sets up: which buckets exist (and where), their policies, and SES's active receipt rule set.

Failures come back as the provider reports them (``fake_aws_provider.ProviderError``), with the
texts of terraform-provider-aws's data sources: ``s3/bucket_data_source.go`` and
``s3/bucket_policy_data_source.go`` (findBucket / findBucketPolicy: retry.NotFoundError, "couldn't
find resource"), ``ses/active_receipt_rule_set_data_source.go`` (no active set:
tfresource.NewEmptyResultError, "empty result").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from tests.fake_aws_provider import ProviderError

GET_BUCKET = "aws:s3/getBucket:getBucket"
GET_BUCKET_POLICY = "aws:s3/getBucketPolicy:getBucketPolicy"
GET_ACTIVE_RULE_SET = "aws:ses/getActiveReceiptRuleSet:getActiveReceiptRuleSet"


@dataclass
class InboundWorld:
    buckets: Optional[dict[str, str]] = None
    """Bucket -> its region; ``None``: every bucket asked for exists, in the stack's region."""
    policies: dict[str, str] = field(default_factory=dict)
    """Bucket -> its policy document (absent: no policy)."""
    active_rule_set: Optional[str] = None
    failures: dict[str, str] = field(default_factory=dict)
    """Token -> a provider error message every call of it fails with (permissions, throttling)."""


def answer(world: InboundWorld, token: str, args: dict, stack_region: str) -> dict:
    if token in world.failures:
        raise ProviderError(token, world.failures[token])
    return TOKENS[token](world, args, stack_region)


def _bucket(world: InboundWorld, args: dict, stack_region: str) -> dict:
    name = args["bucket"]
    region = stack_region if world.buckets is None else world.buckets.get(name)
    if region is None:
        raise ProviderError(GET_BUCKET, f"reading S3 Bucket ({name}): couldn't find resource")
    return {"bucket": name, "arn": f"arn:aws:s3:::{name}", "bucketRegion": region, "id": name}


def _policy(world: InboundWorld, args: dict, _: str) -> dict:
    name = args["bucket"]
    if name not in world.policies:
        raise ProviderError(GET_BUCKET_POLICY, f"reading S3 Bucket ({name}) Policy: couldn't find resource")
    return {"bucket": name, "policy": world.policies[name], "id": name}


def _active(world: InboundWorld, _: dict, stack_region: str) -> dict:
    if world.active_rule_set is None:
        raise ProviderError(GET_ACTIVE_RULE_SET, "reading SES Active Receipt Rule Set: empty result")
    name = world.active_rule_set
    return {"ruleSetName": name, "id": name, "arn": f"arn:aws:ses:{stack_region}:123456789012:receipt-rule-set/{name}"}


TOKENS: dict[str, Callable[[InboundWorld, dict, str], dict]] = {
    GET_BUCKET: _bucket, GET_BUCKET_POLICY: _policy, GET_ACTIVE_RULE_SET: _active,
}
