"""The SendingDomain component: one SES identity and every DNS record it needs in Route 53."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec
from ses_domains.deploy.apex_spf import ApexSpf
from ses_domains.deploy.dkim_signing import declare_dkim_before_identity, declare_token_records, identity_tokens
from ses_domains.deploy.dkim_signing_origin import SIGNING_SET_APART, declare_signing_origin
from ses_domains.deploy.replica_identity import ReplicaIdentity, declare_replicas
from ses_domains.deploy.zone_preflight import Preflight
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.zones import HostedZone
from ses_domains.engine.job import VerificationJob
from ses_domains.records.plan import static_records
from ses_domains.verification_jobs import job_for_domain

if TYPE_CHECKING:
    from ses_domains.deploy.configuration_set import ConfigurationSet


@dataclass
class SendingDomainArgs:
    spec: DomainSpec
    zone: HostedZone
    region: str
    configuration_set: Optional["ConfigurationSet"] = None
    """The identity's default configuration set (``spec.configuration_set``), declared by the stack."""
    existing: Preflight = field(default_factory=Preflight)
    """What the zones hold already: the records adopted, the apex SPF merge, report authorizations."""
    profile: Optional[str] = None


class SendingDomain(pulumi.ComponentResource):
    """An SESv2 domain identity with Easy DKIM or BYODKIM, an optional custom MAIL FROM domain and DMARC.

    Outputs: ``identity_arn`` and ``records``, the list of record sets (name, type, values, ttl,
    zone) this component manages, in the shape the stack exports. For the stack's verification
    step: ``verification_job`` (what must be verified, once the DKIM tokens are known) and
    ``published`` (what must exist before verification starts: the records and the MAIL FROM
    setting).
    """

    domain: str
    identity: aws.sesv2.EmailIdentity
    identity_arn: pulumi.Output[str]
    records: pulumi.Output[list]
    report_authorizations: list[dict]
    verification_job: pulumi.Output[VerificationJob]
    published: list[pulumi.Resource]
    replicas: list[ReplicaIdentity]
    """The identity in each of ``spec.replica_regions``; their records are in ``records`` too."""

    def __init__(self, name: str, args: SendingDomainArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ses-domains:index:SendingDomain", name, None, opts)
        spec, zone = args.spec, args.zone
        self.domain = spec.domain
        dkim = declare_dkim_before_identity(name, spec, args.region, zone, self, args.existing.adopted)

        # SES identities are named by the domain itself: a replacement (`pulumi up --replace`,
        # which restarts a FAILED verification) must delete the old identity before creating one
        # with the same name. A new dkim.keyLength is no replacement: the provider updates it in
        # place (PutEmailIdentityDkimSigningAttributes; next_signing_key_length is not ForceNew),
        # SES uses it for the next key it generates, keeps the DKIM tokens and records, and
        # accepts such a change at most once a day. A new BYODKIM selector and key are an update
        # in place too (same call, origin EXTERNAL), made only once the new record is everywhere.
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=spec.domain,
            configuration_set_name=args.configuration_set.configuration_set_name if args.configuration_set else None,
            dkim_signing_attributes=dkim.signing_attributes,
            opts=pulumi.ResourceOptions(
                parent=self, delete_before_replace=True, depends_on=dkim.identity_depends_on or None,
                ignore_changes=[SIGNING_SET_APART],
            ),
        )
        signing = declare_signing_origin(name, self.identity, dkim.signing_attributes, args.region, args.profile,
                                         dkim.identity_depends_on, self)
        # The identity itself too: SES is polled only once it exists (and signs as declared).
        self.published = [*dkim.records, self.identity, signing]
        self.published += declare_token_records(
            name, spec, args.region, zone, self, self.identity, adopted=args.existing.adopted, signing=signing
        )
        tokens = identity_tokens(self.identity, spec, signing)

        if spec.mail_from:
            self.published.append(aws.sesv2.EmailIdentityMailFromAttributes(
                f"{name}-mail-from",
                email_identity=self.identity.email_identity,
                mail_from_domain=spec.mail_from,
                behavior_on_mx_failure=spec.mail_from_on_mx_failure,
                opts=pulumi.ResourceOptions(parent=self),
            ))
        # Always declared, on (SES's default) when the key is left out: the provider's Delete of
        # this resource turns forwarding off (terraform-provider-aws
        # email_identity_feedback_attributes.go, resourceEmailIdentityFeedbackAttributesDelete puts
        # EmailForwardingEnabled false), so removing the key from a stack that had it must update
        # the setting back to on, not delete it. Off only once the configuration set's
        # destinations exist (the config read made sure that one of them receives BOUNCE and
        # COMPLAINT events).
        forwarding = True if spec.feedback_forwarding is None else spec.feedback_forwarding
        aws.sesv2.EmailIdentityFeedbackAttributes(
            f"{name}-feedback",
            email_identity=self.identity.email_identity,
            email_forwarding_enabled=forwarding,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[args.configuration_set] if args.configuration_set and not forwarding else None
            ),
        )
        for role, static in static_records(spec, args.region).items():
            self.published.append(declare_known_record(f"{name}-{role}", zone, self, static, args.existing.adopted))
        authorizations = args.existing.report_authorizations.get(spec.domain, ())
        for index, authorization in enumerate(authorizations):
            declare_known_record(f"{name}-dmarc-report-{index + 1}", authorization.zone, self, authorization.record,
                                 args.existing.adopted)
        self.report_authorizations = [record_output(a.record, a.zone) for a in authorizations]
        apex = args.existing.apex_spf.get(spec.domain)
        if apex is not None:
            ApexSpf(f"{name}-apex-spf", zone_id=apex.zone.zone_id, name=apex.name, includes=apex.includes,
                    ttl=apex.ttl, preview=apex.merge.values, region=args.region, profile=args.profile,
                    opts=pulumi.ResourceOptions(parent=self))

        # One apply straight to plain data: each apply level re-walks nested lists and dicts,
        # which for hundreds of domains costs more than the declarations.
        self.verification_job = tokens.apply(
            lambda values: job_for_domain(spec, args.region, values, zone.name_servers)
        )
        self.replicas = declare_replicas(name, spec, zone, dkim.signing_attributes, dkim.identity_depends_on, self,
                                         args.existing.adopted, profile=args.profile)
        self.records = self.verification_job.apply(lambda job: [record_output(r, zone) for r in job.records])
        if self.replicas:
            self.records = pulumi.Output.all(self.records, *(r.records for r in self.replicas)).apply(
                lambda lists: [record for listed in lists for record in listed]
            )
        self.identity_arn = self.identity.arn
        self.register_outputs({"identityArn": self.identity_arn, "records": self.records})
