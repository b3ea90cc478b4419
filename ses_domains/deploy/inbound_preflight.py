"""What receiving mail would take over, read before anything is declared.

The foreign-MX check is the zones' (``zone_preflight``: the MX at each receiving domain is one of
the names read there, and is never adopted). Here, with pulumi-aws's own invokes (its credentials
and region, mockable like any invoke):

- ``aws:ses/getActiveReceiptRuleSet``: SES applies one active receipt rule set per account and
  region. Activating the stack's set deactivates any other, and every rule in it: another active
  set stops the program, naming it and the way on (``receive.ruleSet``: add the stack's rules to
  that set, and leave its activation alone).
- ``aws:s3/getBucket``: the bucket exists, in a region where SES receives (SES writes only there).
- ``aws:s3/getBucketPolicy``: a bucket has one policy document, and ``aws.s3.BucketPolicy``
  replaces it whole. A policy the stack did not write stops the program, printing the statement
  to add and ``bucketPolicy: false``; with ``bucketPolicy: false`` the policy must grant SES itself.

Every problem is gathered and raised at once as a ``ConfigError``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec
from ses_domains.config.errors import ConfigError, Problem
from ses_domains.config.receive import ReceiveSpec, receipt_rule_name, stack_rule_set_name
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.inbound_policy import (
    ReceiveGrant,
    bucket_policy,
    grants_ses,
    is_own_policy,
    receipt_rule_arn,
    statements_text,
)
from ses_domains.records.ses import RECEIVING_REGIONS

Invoke = Callable[..., Any]
NOT_FOUND = ("couldn't find resource", "empty result")
"""What terraform-provider-aws's data sources say when there is nothing (no policy, no bucket, no
active rule set): retry.NotFoundError and tfresource.NewEmptyResultError."""


@dataclass(frozen=True)
class InboundDomain:
    spec: DomainSpec
    receive: ReceiveSpec
    rule_name: str
    grant: ReceiveGrant


@dataclass(frozen=True)
class InboundPlan:
    """What the stack declares for receiving (empty: no domain receives)."""

    region: str = ""
    rule_set: str = ""
    own_rule_set: bool = True
    """The stack creates and activates ``rule_set``; ``False``: it adds rules to the user's active set."""
    domains: tuple[InboundDomain, ...] = ()
    bucket_policies: dict[str, str] = field(default_factory=dict)
    """bucket -> the whole policy document the stack writes there (buckets with ``bucketPolicy: true``)."""


def inbound_preflight(
    stack: StackSpec,
    stack_name: str,
    *,
    get_caller_identity: Optional[Invoke] = None,
    get_active_receipt_rule_set: Optional[Invoke] = None,
    get_bucket: Optional[Invoke] = None,
    get_bucket_policy: Optional[Invoke] = None,
) -> InboundPlan:
    """The invokes default to the provider's; they are looked up only when a domain receives mail,
    because importing ``pulumi_aws.s3`` alone costs a stack that does not about 0.15 s."""
    receiving = [spec for spec in stack.domains if spec.receive is not None]
    if not receiving:
        return InboundPlan()
    get_caller_identity = get_caller_identity or aws.get_caller_identity
    get_active_receipt_rule_set = get_active_receipt_rule_set or aws.ses.get_active_receipt_rule_set
    get_bucket = get_bucket or aws.s3.get_bucket
    get_bucket_policy = get_bucket_policy or aws.s3.get_bucket_policy
    problems: list[Problem] = []
    first_key = f"{receiving[0].key}.receive"
    try:
        account_id = str(_field(get_caller_identity(), "account_id"))
    # The runtime raises a plain Exception carrying the provider's message for any failed invoke.
    except Exception as error:  # noqa: BLE001
        raise ConfigError([Problem(first_key, f"could not read the account id for the bucket policy ({_text(error)})")])

    chosen = receiving[0].receive.rule_set if receiving[0].receive else None
    rule_set = chosen or stack_rule_set_name(stack_name)
    active, read_problem = _active_rule_set(get_active_receipt_rule_set)
    if read_problem:
        problems.append(Problem(first_key, read_problem))
    elif chosen is None and active not in (None, rule_set):
        problems.append(Problem(first_key, (
            f"SES's active receipt rule set in {stack.region} is {active}, which this stack did not create: one rule "
            f"set is active per account and region, and activating the stack's {rule_set} would switch {active} and "
            f"every rule in it off. Choose: set ruleSet: {active} under receive on every domain that receives (the "
            f"stack adds its rules to {active} and leaves its activation alone), or move the rules of {active} "
            "elsewhere and deactivate it yourself"
        )))
    elif chosen is not None and active != chosen:
        now = f"the active one is {active}" if active else "no rule set is active"
        problems.append(Problem(f"{first_key}.ruleSet", (
            f"{chosen} is not SES's active receipt rule set in {stack.region} ({now}): rules added to it would never "
            f"run. Name the active rule set, or remove ruleSet (the stack then creates and activates its own)"
        )))

    domains = tuple(
        InboundDomain(spec, spec.receive, receipt_rule_name(spec.domain), ReceiveGrant(
            bucket=spec.receive.bucket, prefix=spec.receive.prefix, account_id=account_id,
            rule_arn=receipt_rule_arn(stack.region, account_id, rule_set, receipt_rule_name(spec.domain)),
        ))
        for spec in receiving if spec.receive is not None
    )
    by_bucket: dict[str, list[InboundDomain]] = defaultdict(list)
    for inbound in domains:
        by_bucket[inbound.grant.bucket].append(inbound)
    policies: dict[str, str] = {}
    for bucket, users in by_bucket.items():
        found = _check_bucket(bucket, users, stack_name, get_bucket, get_bucket_policy)
        problems.extend(found)
        if not found and all(u.receive.bucket_policy for u in users):
            policies[bucket] = bucket_policy([u.grant for u in users], stack_name)
    if problems:
        raise ConfigError(problems)
    return InboundPlan(stack.region, rule_set, chosen is None, domains, policies)


def _active_rule_set(get_active_receipt_rule_set: Invoke) -> tuple[Optional[str], Optional[str]]:
    """(the active rule set's name or ``None``, a problem reading it or ``None``)."""
    try:
        answer = get_active_receipt_rule_set()
    except Exception as error:  # noqa: BLE001
        if any(phrase in str(error) for phrase in NOT_FOUND):
            return None, None
        return None, (f"could not read SES's active receipt rule set, which receiving would replace "
                      f"({_text(error)}); the stack's credentials need ses:DescribeActiveReceiptRuleSet")
    return (_field(answer, "rule_set_name") or None), None


def _check_bucket(
    bucket: str, users: list[InboundDomain], stack_name: str, get_bucket: Invoke, get_bucket_policy: Invoke
) -> list[Problem]:
    key = f"{users[0].spec.key}.receive.bucket"
    try:
        region = _field(get_bucket(bucket=bucket), "bucket_region")
    except Exception as error:  # noqa: BLE001
        if any(phrase in str(error) for phrase in NOT_FOUND):
            return [Problem(key, f"there is no S3 bucket {bucket} this account can see: create it first (the stack "
                                 "never creates or deletes the bucket that holds the mail)")]
        return [Problem(key, f"could not read the S3 bucket {bucket} ({_text(error)}); the stack's credentials need "
                             "s3:ListBucket on it")]
    if region and region not in RECEIVING_REGIONS:
        return [Problem(key, f"the bucket {bucket} is in {region}, where SES does not receive mail: SES stores mail "
                             "only in buckets of a receiving region; use a bucket there")]
    grants = [u.grant for u in users]
    statement = statements_text(grants, stack_name)
    try:
        existing: Optional[str] = _field(get_bucket_policy(bucket=bucket), "policy")
    except Exception as error:  # noqa: BLE001
        if not any(phrase in str(error) for phrase in NOT_FOUND):
            return [Problem(key, f"could not read the policy of the bucket {bucket} ({_text(error)}); the stack's "
                                 "credentials need s3:GetBucketPolicy on it")]
        existing = None
    wanted = [u.receive.bucket_policy for u in users]
    if len(set(wanted)) > 1:
        return [Problem(key, f"the domains that store mail in {bucket} disagree on bucketPolicy: a bucket has one "
                             "policy, written by the stack (true) or by you (false) for all of them")]
    if wanted[0]:
        if existing and not is_own_policy(existing, stack_name):
            return [Problem(key, (
                f"the bucket {bucket} already has a policy, which this stack did not write: the stack would replace "
                f"it whole (a bucket has one policy document). Add this statement to it yourself and set "
                f"bucketPolicy: false under receive: {statement}"
            ))]
        return []
    if not grants_ses(existing):
        return [Problem(key, (
            f"bucketPolicy is false, but the policy of the bucket {bucket} grants nothing to {'ses.amazonaws.com'}: "
            f"SES refuses a rule that cannot write there. Add this statement to the bucket's policy: {statement}"
        ))]
    return []


def _text(error: Exception) -> str:
    return " ".join(str(error).split())


def _field(item: Any, name: str) -> Any:
    if item is None:
        return None
    if isinstance(item, dict):
        head, *rest = name.split("_")
        return item.get(name, item.get(head + "".join(part.title() for part in rest)))
    return getattr(item, name, None)
