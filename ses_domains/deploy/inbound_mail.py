"""The InboundMail component: SES receives the mail of the domains with ``receive`` into S3.

In the order mail needs them (each step depends on the one before, so that mail reaches SES only
once everything behind the MX is in place, and ``pulumi destroy`` takes the MX away first):

1. the bucket policy, one per bucket, only for buckets whose policy the stack writes
   (terraform-provider-aws ``s3/bucket_policy.go``: PutBucketPolicy replaces the whole document,
   and Delete removes it; the preflight made sure it is the stack's own);
2. the stack's receipt rule set (``ses/receipt_rule_set.go``: CreateReceiptRuleSet), unless
   ``receive.ruleSet`` names the user's active set;
3. one receipt rule per domain (``ses/receipt_rule.go``: CreateReceiptRule with the recipients, one
   S3 action, ``Enabled``, ``ScanEnabled`` and ``TlsPolicy``), after the bucket policy: SES tries
   writing to the bucket when the rule is created and refuses the rule if it cannot;
4. the activation (``ses/active_receipt_rule_set.go``: SetActiveReceiptRuleSet; its Delete
   deactivates every rule set of the region, which is right only for the stack's own set: with
   ``receive.ruleSet`` the activation is left alone);
5. the MX of each domain, naming SES's receiving endpoint of the stack's region.

SES names rule sets and rules: a replacement deletes the old one first.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from ses_domains.deploy.inbound_preflight import InboundPlan
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.inbound import inbound_mx


class InboundMail(pulumi.ComponentResource):
    """Outputs: ``rule_set_name`` and ``records`` (domain -> the record sets it adds, as the stack
    exports them: they are the stack's own at the next preview)."""

    rule_set_name: str
    records: dict[str, list[dict]]
    rules: dict[str, aws.ses.ReceiptRule]

    def __init__(
        self,
        name: str,
        plan: InboundPlan,
        zones: dict[str, HostedZone],
        adopted: frozenset[tuple[str, str]] = frozenset(),
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        """``opts.depends_on``: the domains' identities (SES receives for a verified domain)."""
        super().__init__("ses-domains:index:InboundMail", name, None, opts)
        self.rule_set_name = plan.rule_set
        policies = {
            bucket: aws.s3.BucketPolicy(
                f"{name}-bucket-policy-{bucket}", bucket=bucket, policy=document,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for bucket, document in plan.bucket_policies.items()
        }
        rule_set: Optional[aws.ses.ReceiptRuleSet] = None
        if plan.own_rule_set:
            rule_set = aws.ses.ReceiptRuleSet(
                f"{name}-rule-set", rule_set_name=plan.rule_set,
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
        self.rules = {}
        for inbound in plan.domains:
            receive = inbound.receive
            needs = [policies[receive.bucket]] if receive.bucket in policies else []
            self.rules[inbound.spec.domain] = aws.ses.ReceiptRule(
                f"{name}-{inbound.spec.domain}",
                name=inbound.rule_name,
                rule_set_name=rule_set.rule_set_name if rule_set is not None else plan.rule_set,
                recipients=list(receive.recipients),
                enabled=True,
                scan_enabled=receive.scan,
                tls_policy=receive.tls_policy,
                s3_actions=[aws.ses.ReceiptRuleS3ActionArgs(
                    bucket_name=receive.bucket, object_key_prefix=receive.prefix or None, position=1,
                )],
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True, depends_on=needs or None),
            )
        routed_after: list[pulumi.Resource] = list(self.rules.values())
        if rule_set is not None:
            routed_after = [aws.ses.ActiveReceiptRuleSet(
                f"{name}-active", rule_set_name=rule_set.rule_set_name,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.rules.values())),
            )]
        self.records = {}
        for inbound in plan.domains:
            spec = inbound.spec
            record = inbound_mx(spec.domain, plan.region, spec.ttl)
            declare_known_record(f"{name}-{spec.domain}-mx", zones[spec.domain], self, record, adopted, routed_after)
            self.records[spec.domain] = [record_output(record, zones[spec.domain])]
        self.register_outputs({"ruleSetName": self.rule_set_name, "records": self.records})


def declare_inbound_mail(
    plan: InboundPlan,
    zones: dict[str, HostedZone],
    identities: dict[str, pulumi.Resource],
    adopted: frozenset[tuple[str, str]] = frozenset(),
) -> Optional[InboundMail]:
    """The component, after the identities of the receiving domains; ``None`` when no domain receives."""
    if not plan.domains:
        return None
    after = [identities[inbound.spec.domain] for inbound in plan.domains if inbound.spec.domain in identities]
    return InboundMail("inbound-mail", plan, zones, adopted, pulumi.ResourceOptions(depends_on=after or None))


def with_inbound_records(records: pulumi.Output, domain: str, inbound: Optional[InboundMail]) -> pulumi.Output:
    """A domain's exported records with its receiving MX: listed there, the MX is the stack's own at
    the next preview (``deploy.own_records``), not a foreign record."""
    extra = inbound.records.get(domain) if inbound is not None else None
    return records.apply(lambda listed: [*listed, *extra]) if extra else records
