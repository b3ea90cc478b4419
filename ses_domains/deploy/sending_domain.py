"""The SendingDomain component: one SES identity and every DNS record it needs in Route 53."""

# No ``from __future__ import annotations``: the SDK's Analyzer reads this class's annotations (its
# outputs) and ``__init__``'s ``args`` as objects to infer the package schema.
from dataclasses import replace
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec, ZoneRef
from ses_domains.config.domain_names import is_within
from ses_domains.config.errors import ArgumentError, ConfigError, Problem
from ses_domains.config.stack import StackSpec
from ses_domains.deploy.dkim_signing import (
    declare_dkim_before_identity,
    declare_token_records,
    identity_tokens,
    public_byodkim,
)
from ses_domains.deploy.dkim_signing_origin import SIGNING_SET_APART, declare_signing_origin
from ses_domains.deploy.route53_record import declare_known_record, record_output
from ses_domains.deploy.sending_domain_args import SendingDomainArgs
from ses_domains.deploy.sending_domain_arguments import (
    COMPONENT,
    DomainArguments,
    argument_errors,
    is_unknown,
    read_sending_domain_args,
)
from ses_domains.deploy.verification import DomainVerification
from ses_domains.deploy.zone_preflight import Preflight, apex_spf_notice, preflight
from ses_domains.deploy.zones import HostedZone, ZoneDirectory, ZoneNotUsable, with_zone, zone_of
from ses_domains.records.plan import static_records
from ses_domains.verification_jobs import job_for_domain


class SendingDomain(pulumi.ComponentResource):
    """An Amazon SES sending domain: an SESv2 domain identity with Easy DKIM or BYODKIM, an optional
    custom MAIL FROM domain, DMARC, and every DNS record they need in a Route 53 hosted zone. By
    default ``pulumi up`` waits until every record is on every authoritative name server and SES
    reports the domain verified; domains with ``verify.shared`` wait together in a
    ``DomainVerification``.

    Outputs: ``identity_arn``; ``records``, the record sets this component writes (name, type,
    values, ttl, zone and zoneId); ``dkim_tokens`` (Easy DKIM's three tokens, or the BYODKIM
    selector). For ``DomainVerification``: ``verification_job`` and ``published``.
    """

    # Only the outputs are annotated: the Analyzer makes every annotation a schema output. Also set,
    # for the program and ``DomainVerification``: ``domain``, ``identity``, ``region``, ``profile``,
    # ``report_authorizations``, ``verification_job``, ``published`` (what must exist before
    # verification starts), ``replicas`` (a ``ReplicaIdentity`` per replica region, whose records are
    # in ``records`` too) and ``verification`` (the domain's own step, or ``None``).
    identity_arn: pulumi.Output[str]
    """The ARN of the SES identity."""
    records: pulumi.Output[list[dict[str, Any]]]
    """Every record set written: name, type, values, ttl, zone (its name) and zoneId."""
    dkim_tokens: pulumi.Output[list[str]]
    """Easy DKIM's three tokens (``<token>._domainkey.<domain>``), or the BYODKIM selector."""

    def __init__(self, name: str, args: SendingDomainArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Everything is judged before the component itself is registered: bad arguments declare nothing.
        read = read_sending_domain_args(args)
        for warning in read.warnings:
            pulumi.log.warn(f"{COMPONENT} {name}: {warning}")
        if is_unknown(read.zone_id):
            zone, existing = _zone_read_later(read), Preflight()
        else:
            zone, existing = _known_zone(name, read)
        self._declare(name, read, zone, existing, opts, public=True)

    @classmethod
    def in_stack(
        cls, spec: DomainSpec, stack: StackSpec, zone: HostedZone, existing: Preflight,
        configuration_set: Optional[pulumi.Resource] = None,
        replica_configuration_sets: Optional[Mapping[str, pulumi.Resource]] = None,
    ) -> "SendingDomain":
        """A domain of the stack-config program, named by the domain: its spec was read and judged
        with the stack's config, its zone looked up and every zone of the stack checked at once
        (``existing``, with the report authorizations between them), so none of it is done again
        here (tests/stack_domain_args.py: its arguments read back into the same spec).
        ``configuration_set``: the stack's ``ConfigurationSet`` the domain names, if any.
        ``replica_configuration_sets``: replica region -> the ``ConfigurationSet`` the replica there
        names as its default set."""
        read = DomainArguments(
            spec=spec, zone_id=zone.zone_id, region=stack.region, profile=stack.profile,
            configuration_set=configuration_set if configuration_set is not None else spec.configuration_set,
            shared_verification=spec.verify.enabled,
        )
        component = cls.__new__(cls)
        component._declare(spec.domain, read, zone, existing, None, public=False,
                           replica_configuration_sets=replica_configuration_sets or {})
        return component

    def _declare(
        self, name: str, read: DomainArguments, zone: HostedZone, existing: Preflight,
        opts: Optional[pulumi.ResourceOptions], *, public: bool,
        replica_configuration_sets: Mapping[str, pulumi.Resource] = {},
    ) -> None:
        """``public``: ``records`` name each record's zone id (the stack's export keeps its shape)."""
        super().__init__("ses-domains:index:SendingDomain", name, None, opts)
        spec, region = read.spec, read.region
        configuration_set = read.configuration_set
        self.domain = spec.domain
        self.region, self.profile = region, read.profile
        dkim = declare_dkim_before_identity(name, spec, region, zone, self, existing.adopted, read.byodkim_later,
                                            existing.owned)

        # SES identities are named by the domain itself: a replacement (`pulumi up --replace`,
        # which restarts a FAILED verification) must delete the old identity before creating one
        # with the same name. A new dkim.keyLength is no replacement: the provider updates it in
        # place (PutEmailIdentityDkimSigningAttributes; next_signing_key_length is not ForceNew),
        # SES uses it for the next key it generates, keeps the DKIM tokens and records, and
        # accepts such a change at most once a day. A new BYODKIM selector and key are an update
        # in place too (same call, origin EXTERNAL), made only once the new record is everywhere.
        set_is_component = isinstance(configuration_set, pulumi.Resource)
        if is_unknown(configuration_set):
            configuration_set = pulumi.Output.from_input(configuration_set).apply(_judged_configuration_set)
        self.identity = aws.sesv2.EmailIdentity(
            name,
            email_identity=spec.domain,
            configuration_set_name=(configuration_set.configuration_set_name if set_is_component
                                    else configuration_set),
            dkim_signing_attributes=dkim.signing_attributes,
            opts=pulumi.ResourceOptions(
                parent=self, delete_before_replace=True, depends_on=dkim.identity_depends_on or None,
                ignore_changes=[SIGNING_SET_APART],
            ),
        )
        signing = declare_signing_origin(name, self.identity, dkim.signing_attributes, region, read.profile,
                                         dkim.identity_depends_on, self)
        # The identity itself too: SES is polled only once it exists (and signs as declared).
        self.published = [*dkim.records, self.identity, signing]
        tokens = identity_tokens(self.identity, spec, signing)
        self.published += declare_token_records(name, spec, region, zone, self, tokens, adopted=existing.adopted)

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
                parent=self, depends_on=[configuration_set] if set_is_component and not forwarding else None
            ),
        )
        for role, static in static_records(spec, region).items():
            self.published.append(declare_known_record(f"{name}-{role}", zone, self, static, existing.adopted))
        authorizations = existing.report_authorizations.get(spec.domain, ())
        for index, authorization in enumerate(authorizations):
            declare_known_record(f"{name}-dmarc-report-{index + 1}", authorization.zone, self, authorization.record,
                                 existing.adopted)
        self.report_authorizations = [record_output(a.record, a.zone) for a in authorizations]
        if spec.apex_spf is not None:
            # Imported for a domain that merges its apex SPF only: a plain domain does not pay for it.
            from ses_domains.deploy.apex_spf import ApexSpf
            from ses_domains.records.spf import apex_includes, merge_spf

            apex = existing.apex_spf.get(spec.domain)
            if apex is not None:
                ApexSpf(f"{name}-apex-spf", zone_id=apex.zone.zone_id, name=apex.name, includes=apex.includes,
                        ttl=apex.ttl, preview=apex.merge.values, region=region, profile=read.profile,
                        opts=pulumi.ResourceOptions(parent=self))
            elif zone.read_later is not None:
                # A zone known only later was not read at preview: the merge reads what is there when it writes.
                includes = apex_includes(spec.apex_spf.include)
                ApexSpf(f"{name}-apex-spf", zone_id=zone.zone_id, name=spec.domain, includes=includes,
                        ttl=spec.ttl, preview=merge_spf((), includes).values, region=region, profile=read.profile,
                        opts=pulumi.ResourceOptions(parent=self))

        # One apply straight to plain data: each apply level re-walks nested lists and dicts,
        # which for hundreds of domains costs more than the declarations.
        if read.byodkim_later is None:
            self.verification_job = with_zone(
                tokens, zone, lambda values, read_zone: job_for_domain(spec, region, values, read_zone.name_servers)
            )
        else:
            # The key known only later: its records are made from it once known.
            self.verification_job = with_zone(
                pulumi.Output.all(tokens, public_byodkim(read.byodkim_later)), zone,
                lambda both, read_zone: job_for_domain(replace(spec, byodkim=both[1]), region, both[0],
                                                       read_zone.name_servers),
            )
        self.replicas = []
        if spec.replica_regions:
            # Imported for a domain with replicas only: a plain domain does not pay for the module.
            from ses_domains.deploy.replica_identity import declare_replicas

            self.replicas = declare_replicas(name, spec, zone, dkim.signing_attributes, dkim.identity_depends_on, self,
                                             existing.adopted, with_zone_id=public, profile=read.profile,
                                             configuration_sets=replica_configuration_sets)
        self.records = with_zone(
            self.verification_job, zone,
            lambda job, read_zone: [record_output(r, read_zone, public) for r in job.records],
        )
        if self.replicas:
            self.records = pulumi.Output.all(self.records, *(r.records for r in self.replicas)).apply(
                lambda lists: [record for listed in lists for record in listed]
            )
        self.identity_arn = self.identity.arn
        self.dkim_tokens = tokens
        self.verification = None
        if spec.verify.enabled and not read.shared_verification:
            self.verification = DomainVerification(
                f"{name}-verification", {"domains": [self], "region": region, "profile": read.profile},
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"identityArn": self.identity_arn, "records": self.records, "dkimTokens": tokens})


def _judged_configuration_set(name: Any) -> Any:
    """A configuration set name known only once resolved, judged then with the config's words."""
    from ses_domains.config.configuration_sets import check_ses_name

    problem = check_ses_name(name, "configuration set") if name is not None else None
    if problem:
        raise ArgumentError(COMPONENT, [Problem("configuration_set", problem)])
    return name


def _known_zone(name: str, read: DomainArguments) -> tuple[HostedZone, Preflight]:
    """The zone, read now, and what it holds where the domain writes (``existing_records``)."""
    spec = replace(read.spec, zone=ZoneRef(zone_id=read.zone_id))
    warnings: list[str] = []
    try:
        zone = zone_of(spec, ZoneDirectory(), warnings)
    except ZoneNotUsable as error:
        # The config's words name its ``zone`` key, which takes a name too; the argument takes an id.
        message = str(error).replace("set zone to the id or name of", "set zone_id to the id of")
        raise ArgumentError(COMPONENT, [Problem("zone_id", message)]) from None
    stack = StackSpec(region=read.region, profile=read.profile, domains=(spec,))
    try:
        existing = preflight(stack, {spec.domain: zone})
    except ConfigError as error:
        raise argument_errors(error.problems) from None
    for warning in warnings:
        pulumi.log.warn(f"{COMPONENT} {name}: {argument_errors([Problem('args', warning)]).problems[0].message}")
    for notice in existing.notices:
        pulumi.log.warn(f"{COMPONENT} {name}: {argument_errors([Problem('args', notice)]).problems[0].message}")
    if spec.domain in existing.apex_spf:
        pulumi.log.info(f"{COMPONENT} {name}: " + argument_errors(
            [Problem("args", apex_spf_notice("args", existing.apex_spf[spec.domain]))]).problems[0].message)
    return zone, existing


def _zone_read_later(read: DomainArguments) -> HostedZone:
    """A zone whose id is an ``Output``: read once the id is known, and judged then, with the same
    words as a zone known at once. Nothing in it is checked for records already there: a zone
    created in this run is empty."""
    domain = read.spec.domain
    looked_up = aws.route53.get_zone_output(zone_id=read.zone_id)

    def judged(values: list) -> HostedZone:
        zone_id, zone_name, name_servers, private = values
        zone = HostedZone(zone_id=zone_id, name=(zone_name or "").rstrip(".").lower(),
                          name_servers=tuple(name_servers or ()), private=bool(private))
        if zone.private:
            raise ArgumentError(COMPONENT, [Problem("zone_id", f"the zone {zone_id} is private: SES verifies records "
                                                               "in public DNS; give a public zone")])
        if not is_within(domain, zone.name):
            raise ArgumentError(COMPONENT, [Problem(
                "zone_id", f"the zone {zone_id} is {zone.name}, which cannot hold records of {domain}")])
        return zone

    read_later = pulumi.Output.all(
        read.zone_id, looked_up.name, looked_up.name_servers, looked_up.private_zone
    ).apply(judged)
    return HostedZone(zone_id=read.zone_id, name="", name_servers=(), read_later=read_later)
