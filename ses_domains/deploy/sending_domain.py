"""The SendingDomain component: one SES identity and every DNS record it needs in Route 53."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec
from ses_domains.deploy.verification_state import job_input
from ses_domains.records.dkim import EASY_DKIM_TOKEN_COUNT, easy_dkim_record
from ses_domains.records.plan import all_records, static_records
from ses_domains.records.route53 import route53_values
from ses_domains.deploy.route53_record import declare_known_record, declare_record, record_output
from ses_domains.deploy.zones import HostedZone

if TYPE_CHECKING:
    from ses_domains.deploy.configuration_set import ConfigurationSet


@dataclass
class SendingDomainArgs:
    spec: DomainSpec
    zone: HostedZone
    region: str
    configuration_set: Optional["ConfigurationSet"] = None
    """The identity's default configuration set (``spec.configuration_set``), declared by the stack."""


class SendingDomain(pulumi.ComponentResource):
    """An SESv2 domain identity with Easy DKIM, an optional custom MAIL FROM domain and DMARC.

    Outputs: ``identity_arn`` and ``records``, the list of record sets (name, type, values, ttl,
    zone) this component manages, in the shape the stack exports.
    """

    identity: aws.sesv2.EmailIdentity
    identity_arn: pulumi.Output[str]
    records: pulumi.Output[list]

    def __init__(self, name: str, args: SendingDomainArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ses-domains:index:SendingDomain", name, None, opts)
        spec, zone = args.spec, args.zone

        # SES identities are named by the domain itself: a replacement (say, a new key length
        # forcing one) must delete the old identity before creating one with the same name.
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=spec.domain,
            configuration_set_name=args.configuration_set.configuration_set_name if args.configuration_set else None,
            dkim_signing_attributes=aws.sesv2.EmailIdentityDkimSigningAttributesArgs(
                next_signing_key_length=spec.dkim_key_length,
            ),
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )

        self.published: list[pulumi.Resource] = []
        """What must exist before verification starts: the records and the MAIL FROM setting."""

        # The tokens are unknown until SES creates the identity. The three records are declared
        # here, up front, with token-derived values, so that a preview shows all of them.
        tokens = self.identity.dkim_signing_attributes.apply(lambda attributes: list(attributes.tokens or []))
        dkim_records = [
            tokens.apply(lambda values, i=i: easy_dkim_record(spec.domain, values[i], spec.ttl))
            for i in range(EASY_DKIM_TOKEN_COUNT)
        ]
        for index, record in enumerate(dkim_records, start=1):
            self.published.append(declare_record(
                f"{name}-dkim-{index}",
                zone,
                self,
                record_name=record.apply(lambda r: r.name),
                record_type="CNAME",
                ttl=spec.ttl,
                values=record.apply(route53_values),
            ))

        if spec.mail_from:
            self.published.append(aws.sesv2.EmailIdentityMailFromAttributes(
                f"{name}-mail-from",
                email_identity=self.identity.email_identity,
                mail_from_domain=spec.mail_from,
                behavior_on_mx_failure=spec.mail_from_on_mx_failure,
                opts=pulumi.ResourceOptions(parent=self),
            ))
        if spec.feedback_forwarding is not None:
            # Off only once the configuration set's destinations exist (the config read made sure
            # that one of them receives BOUNCE and COMPLAINT events).
            aws.sesv2.EmailIdentityFeedbackAttributes(
                f"{name}-feedback",
                email_identity=self.identity.email_identity,
                email_forwarding_enabled=spec.feedback_forwarding,
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[args.configuration_set] if args.configuration_set else None
                ),
            )
        for role, record in static_records(spec, args.region).items():
            self.published.append(declare_known_record(f"{name}-{role}", zone, self, record))

        # One apply straight to plain data: each apply level re-walks nested lists and dicts,
        # which for hundreds of domains costs more than the declarations.
        self.records = tokens.apply(
            lambda values: [record_output(r, zone) for r in all_records(spec, args.region, values)]
        )
        self.identity_arn = self.identity.arn
        self.verification_input = self.records.apply(
            lambda records: job_input(
                records, list(spec.verify.nameservers or zone.name_servers), bool(spec.mail_from), spec.verify.timeout_s
            )
        )
        self.register_outputs({"identityArn": self.identity_arn, "records": self.records})
