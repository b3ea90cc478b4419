"""A domain's identity in a replica region (``replicaRegions``): the same domain, created in
another SES region through pulumi-aws 7's per-resource ``region`` argument.

Why not Deterministic Easy DKIM (a replica that signs with the stack region's keys and needs no
record of its own, ``SigningAttributesOrigin: AWS_SES_<REGION>``): terraform-provider-aws's
``aws_sesv2_email_identity`` has ``signing_attributes_origin`` as Computed only
(``internal/service/sesv2/email_identity.go``): the provider never sends it, so a DEED replica
cannot be declared with pulumi-aws 7. A replica is therefore an identity of its own:

- Easy DKIM: SES gives it three tokens of its own; their CNAMEs go into the zone beside the stack
  region's, pointing into the replica region's DKIM domain.
- BYODKIM: the same selector and private key (a secret), after the same ``DkimKeyPublished`` step
  as the stack region's identity: the key's records serve every region, nothing more is written.
- MAIL FROM: ``<region>.<mailFrom>``, whose MX names that region's feedback endpoint (one name
  holds one MX record set); see ``records.replicas``.
- A default configuration set only where the domain's set is declared in the replica's region
  too (a global endpoint's secondary region, ``secondary_region``): SES looks an identity's set up
  in the identity's own region, and the stack's sets live in ``aws:region``. Elsewhere none; and
  SES's default feedback forwarding (on).
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec
from ses_domains.deploy.dkim_signing import declare_token_records, identity_tokens
from ses_domains.deploy.dkim_signing_origin import SIGNING_SET_APART, declare_signing_origin
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.zones import HostedZone, with_zone
from ses_domains.engine.job import VerificationJob
from ses_domains.records.replicas import replica_mail_from, replica_static_records, replica_written_records
from ses_domains.verification_jobs import job_for_replica


class ReplicaIdentity(pulumi.ComponentResource):
    """The identity of ``spec.domain`` in ``region``, its own records and its MAIL FROM setting.

    ``signing_attributes`` and ``identity_depends_on`` are the stack region's (``DkimSetup``): the
    same BYODKIM key, given only once its records are on every nameserver. Outputs, as
    ``SendingDomain``'s: ``identity_arn``, ``records`` (the record sets this replica adds),
    ``verification_job`` and ``published``.
    """

    region: str
    identity: aws.sesv2.EmailIdentity
    identity_arn: pulumi.Output[str]
    records: pulumi.Output[list]
    verification_job: pulumi.Output[VerificationJob]
    published: list[pulumi.Resource]

    def __init__(
        self,
        name: str,
        spec: DomainSpec,
        region: str,
        zone: HostedZone,
        signing_attributes: aws.sesv2.EmailIdentityDkimSigningAttributesArgs,
        identity_depends_on: Sequence[pulumi.Resource] = (),
        adopted: frozenset[tuple[str, str]] = frozenset(),
        opts: Optional[pulumi.ResourceOptions] = None,
        with_zone_id: bool = False,
        profile: Optional[str] = None,
        configuration_set: Optional[pulumi.Resource] = None,
    ):
        """``configuration_set``: the ``ConfigurationSet`` declared in ``region`` that is the
        replica's default set (the set changes in place: PutEmailIdentityConfigurationSetAttributes)."""
        super().__init__("ses-domains:index:ReplicaIdentity", name, None, opts)
        self.region = region
        # Named by the domain like the stack region's identity: a replacement deletes first.
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=spec.domain,
            configuration_set_name=(configuration_set.configuration_set_name  # type: ignore[attr-defined]
                                    if configuration_set is not None else None),
            region=region,
            dkim_signing_attributes=signing_attributes,
            opts=pulumi.ResourceOptions(
                parent=self, delete_before_replace=True, depends_on=list(identity_depends_on) or None,
                ignore_changes=[SIGNING_SET_APART],
            ),
        )
        signing = declare_signing_origin(name, self.identity, signing_attributes, region, profile,
                                         identity_depends_on, self)
        self.published: list[pulumi.Resource] = [self.identity, signing]
        tokens = identity_tokens(self.identity, spec, signing)
        self.published += declare_token_records(name, spec, region, zone, self, tokens, adopted=adopted)
        mail_from = replica_mail_from(spec.mail_from, region)
        if mail_from is not None:
            self.published.append(aws.sesv2.EmailIdentityMailFromAttributes(
                f"{name}-mail-from",
                email_identity=self.identity.email_identity,
                mail_from_domain=mail_from,
                behavior_on_mx_failure=spec.mail_from_on_mx_failure,
                region=region,
                opts=pulumi.ResourceOptions(parent=self),
            ))
        for role, record in replica_static_records(spec, region).items():
            self.published.append(declare_known_record(f"{name}-{role}", zone, self, record, adopted))

        self.verification_job = with_zone(tokens, zone, lambda values, read: job_for_replica(
            spec, region, values, read.name_servers))
        self.records = with_zone(
            tokens, zone, lambda values, read: [record_output(r, read, with_zone_id) for r in replica_written_records(spec, region, values)]
        )
        self.identity_arn = self.identity.arn
        self.register_outputs({"identityArn": self.identity_arn, "records": self.records})


def declare_replicas(
    name: str,
    spec: DomainSpec,
    zone: HostedZone,
    signing_attributes: aws.sesv2.EmailIdentityDkimSigningAttributesArgs,
    identity_depends_on: Sequence[pulumi.Resource],
    parent: pulumi.Resource,
    adopted: frozenset[tuple[str, str]] = frozenset(),
    with_zone_id: bool = False,
    profile: Optional[str] = None,
    configuration_sets: Mapping[str, pulumi.Resource] = {},
) -> list[ReplicaIdentity]:
    """One ``ReplicaIdentity`` per ``replicaRegions`` entry, named ``<name>-<region>``;
    ``configuration_sets``: region -> the replica's default set there, where there is one."""
    return [
        ReplicaIdentity(
            f"{name}-{region}", spec, region, zone, signing_attributes, identity_depends_on, adopted,
            opts=pulumi.ResourceOptions(parent=parent), with_zone_id=with_zone_id, profile=profile,
            configuration_set=configuration_sets.get(region),
        )
        for region in spec.replica_regions
    ]
