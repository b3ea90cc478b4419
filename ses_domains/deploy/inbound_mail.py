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

from typing import Any, Optional

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired, TypedDict

from ses_domains.config.domain_names import InvalidDomainName, normalize_domain
from ses_domains.config.domains import DEFAULT_TTL
from ses_domains.config.errors import Problem, Problems
from ses_domains.config.fields import Section, describe
from ses_domains.config.receive import (
    RECEIVE_KEYS,
    read_receive,
    receipt_name_problem,
    receipt_rule_name,
    stack_rule_set_name,
)
from ses_domains.deploy.arguments import ROOT, CheckedArgs, as_arguments, config_mapping, unknown_arguments
from ses_domains.deploy.inbound_preflight import InboundPlan
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.inbound import inbound_mx
from ses_domains.records.ses import RECEIVING_REGIONS

COMPONENT = "InboundMail"


class InboundDomainArgs(TypedDict):
    """One domain whose mail SES receives into an S3 bucket."""

    domain: str
    """The domain (``example.com``): its MX names SES's receiving endpoint of ``region``."""
    zone_id: pulumi.Input[str]
    """The id of the Route 53 hosted zone the MX is written in."""
    recipients: list[str]
    """What SES receives: addresses (``support@example.com``), the domain itself (every address of it)
    or ``.example.com`` (every subdomain), each within ``domain``; at most 100."""
    bucket: str
    """The existing S3 bucket the messages are stored in, in a receiving region. Its policy must let
    SES write there (``bucket_policies``, or your own)."""
    prefix: NotRequired[str]
    """The object key prefix of the stored messages (``inbound/``)."""
    scan: NotRequired[bool]
    """SES's spam and virus scan, its verdicts in the message headers (default true)."""
    require_tls: NotRequired[bool]
    """Refuse mail not sent over TLS (default false)."""
    ttl: NotRequired[int]
    """The TTL of the MX, 60 to 172800 seconds (default 1800)."""
    rule_name: NotRequired[str]
    """The receipt rule's name (default: the domain, shortened with a hash past 64 characters)."""
    zone_name: NotRequired[str]
    """The zone's name, shown as ``zone`` in ``records``."""


class InboundMailArgs(TypedDict):
    """The arguments of ``InboundMail``."""

    region: str
    """The SES region of the AWS provider the resources use: it must receive mail (SES receives in
    a few regions only), and the MX names its endpoint."""
    domains: list[InboundDomainArgs]
    """The receiving domains, one receipt rule each."""
    rule_set: NotRequired[str]
    """The receipt rule set: with ``own_rule_set`` (the default) the component creates and activates
    it (default name ``ses-domains-<stack>``), which switches off any other active rule set of the
    region; otherwise the name of the region's active rule set, which the rules are added to."""
    own_rule_set: NotRequired[bool]
    """Create and activate ``rule_set`` (default true); false: add the rules to the active ``rule_set``."""
    bucket_policies: NotRequired[dict[str, str]]
    """Bucket -> the whole policy document the component writes there, before the rules (SES tries
    writing when a rule is created). It replaces the bucket's policy: give it only for a bucket whose
    policy is this program's."""


class InboundMail(pulumi.ComponentResource):
    """SES receives the mail of some domains into S3: in the order mail needs them, the bucket
    policies, the receipt rule set, one receipt rule per domain, the set's activation, and each
    domain's MX (so that mail reaches SES only once everything behind the MX is in place)."""

    rule_set_name: pulumi.Output[str]
    """The receipt rule set holding the rules."""
    records: pulumi.Output[dict[str, list[dict[str, Any]]]]
    """Domain -> the record sets written (its MX): name, type, values, ttl, zone."""

    def __init__(
        self,
        name: str,
        args: InboundMailArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        adopted: frozenset[tuple[str, str]] = frozenset(),
    ):
        """``adopted`` (the stack program's): record sets taken over (``existingRecords: adopt``).
        Give ``opts.depends_on`` the domains' identities (SES receives for a verified domain)."""
        checked = CheckedArgs(COMPONENT, args, check_inbound_args)
        values = checked.values
        super().__init__("ses-domains:index:InboundMail", name, None, opts)
        rule_set_name = values.get("rule_set") or stack_rule_set_name(pulumi.get_stack())
        own_rule_set = values.get("own_rule_set", True)
        policies = {
            bucket: aws.s3.BucketPolicy(
                f"{name}-bucket-policy-{bucket}", bucket=bucket, policy=document,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for bucket, document in (values.get("bucket_policies") or {}).items()
        }
        rule_set: Optional[aws.ses.ReceiptRuleSet] = None
        if own_rule_set:
            rule_set = aws.ses.ReceiptRuleSet(
                f"{name}-rule-set", rule_set_name=rule_set_name,
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
        self._rules: dict[str, aws.ses.ReceiptRule] = {}
        domains = [dict(entry, domain=normalize_domain(entry["domain"])) for entry in values["domains"]]
        for entry in domains:
            bucket = entry["bucket"]
            needs = [policies[bucket]] if bucket in policies else []
            self._rules[entry["domain"]] = aws.ses.ReceiptRule(
                f"{name}-{entry['domain']}",
                name=entry.get("rule_name") or receipt_rule_name(entry["domain"]),
                rule_set_name=rule_set.rule_set_name if rule_set is not None else rule_set_name,
                recipients=list(entry["recipients"]),
                enabled=True,
                scan_enabled=entry.get("scan", True),
                tls_policy="Require" if entry.get("require_tls") else "Optional",
                s3_actions=[aws.ses.ReceiptRuleS3ActionArgs(
                    bucket_name=bucket, object_key_prefix=entry.get("prefix") or None, position=1,
                )],
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True, depends_on=needs or None),
            )
        routed_after: list[pulumi.Resource] = list(self._rules.values())
        if rule_set is not None:
            routed_after = [aws.ses.ActiveReceiptRuleSet(
                f"{name}-active", rule_set_name=rule_set.rule_set_name,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(self._rules.values())),
            )]
        records: dict = {}
        for index, entry in enumerate(domains):
            zone = HostedZone(zone_id=checked.get("domains", index, "zone_id"), name=entry.get("zone_name"),
                              name_servers=())
            record = inbound_mx(entry["domain"], values["region"], entry.get("ttl", DEFAULT_TTL))
            declare_known_record(f"{name}-{entry['domain']}-mx", zone, self, record, adopted, routed_after)
            records[entry["domain"]] = [record_output(record, zone)]
        self.rule_set_name = rule_set_name  # type: ignore[assignment]  # plain: known at once
        self.records = records  # type: ignore[assignment]
        self.register_outputs({"ruleSetName": self.rule_set_name, "records": self.records})

    @property
    def rules(self) -> "dict[str, aws.ses.ReceiptRule]":
        return self._rules


def check_inbound_args(args: dict) -> list[Problem]:
    problems = Problems()
    found = unknown_arguments(args, InboundMailArgs.__annotations__)
    region = args.get("region")
    if region is None:
        found.append(Problem("region", "is required: the SES region the rules are in, such as eu-west-1"))
    elif region not in RECEIVING_REGIONS:
        found.append(Problem("region", f"SES does not receive mail in {describe(region)} (AWS General Reference, "
                                       f"SES \"Email Receiving endpoints\"). Receiving regions: "
                                       f"{', '.join(sorted(RECEIVING_REGIONS))}"))
    rule_set = args.get("rule_set")
    if rule_set is not None and receipt_name_problem(rule_set, "receipt rule set"):
        found.append(Problem("rule_set", receipt_name_problem(rule_set, "receipt rule set") or ""))
    if args.get("own_rule_set") is False and rule_set is None:
        found.append(Problem("rule_set", "is required with own_rule_set false: the region's active rule set"))
    domains = args.get("domains")
    if not isinstance(domains, list) or not domains:
        found.append(Problem("domains", f"must be a list of receiving domains, got {describe(domains)}"))
        return found
    for index, entry in enumerate(domains):
        where = f"domains[{index}]"
        if not isinstance(entry, dict):
            found.append(Problem(where, f"must be a mapping (InboundDomainArgs), got {describe(entry)}"))
            continue
        found += unknown_arguments(entry, InboundDomainArgs.__annotations__, f"{where}.")
        domain = None
        try:
            domain = normalize_domain(entry.get("domain"))
        except InvalidDomainName as error:
            found.append(Problem(f"{where}.domain", str(error)))
        if entry.get("zone_id") is None:
            found.append(Problem(f"{where}.zone_id", "is required: the Route 53 hosted zone the MX is written in"))
        receive = config_mapping({k: v for k, v in entry.items() if k in _RECEIVE_ARGUMENTS})
        receive["bucketPolicy"] = False
        section = Section({"receive": receive}, f"{ROOT}.{where}", problems, ("receive",))
        read_receive(section, domain, [])
        ttl = entry.get("ttl")
        if ttl is not None:
            Section({"ttl": ttl}, f"{ROOT}.{where}", problems, ("ttl",)).integer("ttl", default=None, minimum=60,
                                                                              maximum=172800)
    renamed = [Problem(p.key.replace(".receive", ""), p.message) for p in problems.found]
    return found + as_arguments(renamed, RECEIVE_KEYS)


_RECEIVE_ARGUMENTS = ("bucket", "prefix", "recipients", "scan", "require_tls")


def inbound_mail_args(plan: InboundPlan, zones: dict[str, HostedZone]) -> InboundMailArgs:
    """The stack's receiving plan (read and checked at preview) as the component's arguments."""
    domains = []
    for inbound in plan.domains:
        receive, spec = inbound.receive, inbound.spec
        entry = InboundDomainArgs(domain=spec.domain, zone_id=zones[spec.domain].zone_id,
                                  zone_name=zones[spec.domain].name, recipients=list(receive.recipients),
                                  bucket=receive.bucket, scan=receive.scan, require_tls=receive.require_tls,
                                  ttl=spec.ttl, rule_name=inbound.rule_name)
        if receive.prefix:
            entry["prefix"] = receive.prefix
        domains.append(entry)
    return InboundMailArgs(region=plan.region, domains=domains, rule_set=plan.rule_set,
                           own_rule_set=plan.own_rule_set, bucket_policies=dict(plan.bucket_policies))


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
    return InboundMail("inbound-mail", inbound_mail_args(plan, zones), pulumi.ResourceOptions(depends_on=after or None),
                       adopted=adopted)


def with_inbound_records(records: pulumi.Output, domain: str, inbound: Optional[InboundMail]) -> pulumi.Output:
    """A domain's exported records with its receiving MX: listed there, the MX is the stack's own at
    the next preview (``deploy.own_records``), not a foreign record."""
    extra = inbound.records.get(domain) if inbound is not None else None
    return records.apply(lambda listed: [*listed, *extra]) if extra else records
