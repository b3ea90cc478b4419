"""A domain's DKIM in Pulumi terms: what the identity is given, what it waits for, which records.

- Easy DKIM: the identity gets ``next_signing_key_length``; its three CNAMEs are declared after
  it, fed with the tokens SES hands out (:func:`declare_token_records`).
- BYODKIM: the TXT records (the new selector's, and the previous one's during a rotation) are
  declared first, then :class:`DkimKeyPublished` waits until every nameserver serves them; the
  identity depends on that step and gets the selector and the private key, the key only as a
  Pulumi secret (the provider's schema marks ``domain_signing_private_key`` Sensitive, the Python
  SDK does not: the secret wrapping here is what keeps it out of state files and outputs in
  plain text).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from ses_domains.config.domains import DomainSpec
from ses_domains.deploy.dkim_key_published import DkimKeyPublished
from ses_domains.deploy.dkim_signing_origin import DkimSigningOrigin
from ses_domains.deploy.route53_record import declare_known_record, declare_record
from ses_domains.deploy.zones import HostedZone
from ses_domains.records.dkim import EasyDkim
from ses_domains.records.plan import dkim_strategy
from ses_domains.records.ses import dkim_selector_host


@dataclass
class DkimSetup:
    signing_attributes: aws.sesv2.EmailIdentityDkimSigningAttributesArgs
    identity_depends_on: list[pulumi.Resource] = field(default_factory=list)
    """What must be done before SES is given the key (BYODKIM: the key's records on every nameserver)."""
    records: list[pulumi.Resource] = field(default_factory=list)
    """The DKIM record sets declared before the identity (BYODKIM's TXT records)."""


def declare_dkim_before_identity(
    name: str, spec: DomainSpec, region: str, zone: HostedZone, parent: pulumi.Resource,
    adopted: frozenset[tuple[str, str]] = frozenset(), byodkim_later: Optional[pulumi.Output] = None,
    owned: frozenset[tuple[str, str]] = frozenset(),
) -> DkimSetup:
    """``byodkim_later``: the BYODKIM key when it is known only later (``spec.byodkim`` then holds a
    stand-in, whose selectors are right and whose key is not used). ``owned``: the (name, type) of
    the record sets the zone holds already as the stack's own (the preflight's)."""
    dkim = dkim_strategy(spec, region)
    if isinstance(dkim, EasyDkim) or spec.byodkim is None:
        return DkimSetup(aws.sesv2.EmailIdentityDkimSigningAttributesArgs(next_signing_key_length=dkim.key_length))
    later = None if byodkim_later is None else public_byodkim(byodkim_later).apply(
        lambda byodkim: byodkim.strategy().records(spec.domain, (), spec.ttl))
    records = []
    # The new selector's record is there already, the stack's own: the rotation began in an earlier
    # update (by ses-domains before the records were named by selector, or by this one: then
    # each resource finds its own state first, and the aliases do not matter).
    new_record = (dkim_selector_host(dkim.current.selector, spec.domain), "TXT")
    old_rotation = dkim.previous is not None and new_record in owned
    holders = key_record_holders(name, [s.selector for s in dkim.selectors()], old_rotation)
    for index, (holder, record) in enumerate(zip(holders, dkim.records(spec.domain, (), spec.ttl))):
        if later is None:
            records.append(declare_known_record(holder.name, zone, parent, record, adopted, aliases=holder.aliases))
        else:
            records.append(declare_record(holder.name, zone, parent, later.apply(lambda found, i=index: found[i]),
                                          record_type="TXT", ttl=spec.ttl, adopted=adopted, aliases=holder.aliases))
    private_key = (spec.byodkim.key.ses_private_key if byodkim_later is None
                   else byodkim_later.apply(lambda byodkim: byodkim.key.ses_private_key))
    attributes = aws.sesv2.EmailIdentityDkimSigningAttributesArgs(
        domain_signing_selector=spec.byodkim.selector,
        domain_signing_private_key=pulumi.Output.secret(private_key),
    )
    if not spec.verify.enabled:
        return DkimSetup(attributes, identity_depends_on=list(records), records=records)
    published = DkimKeyPublished(
        f"{name}-dkim-key-published",
        domain=spec.domain,
        records=dkim.records(spec.domain, (), spec.ttl) if later is None else later,
        nameservers=spec.verify.nameservers or (
            zone.name_servers if zone.read_later is None else zone.read_later.apply(lambda read: list(read.name_servers))
        ),
        timeout_s=spec.verify.timeout_s,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=records),
    )
    return DkimSetup(attributes, identity_depends_on=[published], records=records)


@dataclass(frozen=True)
class KeyRecordHolder:
    """The Pulumi resource that holds one selector's TXT record, and the earlier names of it."""

    name: str
    aliases: tuple[str, ...] = ()


def key_record_holders(name: str, selectors: list[str], old_rotation: bool = False) -> list[KeyRecordHolder]:
    """Who holds each selector's TXT record (``selectors``: the current one, then the previous one
    during a rotation), so that a record stays with one resource state from the rotation's start
    to its end: a record's name is ForceNew (route53/record.go), a resource that changed selector
    would be replaced, its new record created while the old one still holds the name and the old
    record deleted at the end of the update. Pulumi's engine finds a resource's state by its own
    URN first, then by its aliases; an alias claimed by two resources is an error.

    - No rotation: ``<name>-dkim-key``, as ever; its alias ``<name>-dkim-key-<selector>`` takes
      over the state of the selector that was current during the rotation that just ended.
    - Rotation from p to s: ``<name>-dkim-key-<p>`` takes over ``<name>-dkim-key`` (which held p,
      unchanged), ``<name>-dkim-key-<s>`` is created.
    - ``old_rotation``: a rotation declared by ses-domains before this scheme (s held by
      ``<name>-dkim-key``, p by ``<name>-dkim-previous-key``): each keeps its record under the
      selector's name.
    """
    current, previous = selectors[0], selectors[1] if len(selectors) > 1 else None
    plain = f"{name}-dkim-key"
    if previous is None:
        return [KeyRecordHolder(plain, (f"{plain}-{current}",))]
    if old_rotation:
        return [KeyRecordHolder(f"{plain}-{current}", (plain,)),
                KeyRecordHolder(f"{plain}-{previous}", (f"{name}-dkim-previous-key",))]
    return [KeyRecordHolder(f"{plain}-{current}"), KeyRecordHolder(f"{plain}-{previous}", (plain,))]


def public_byodkim(byodkim: pulumi.Output) -> pulumi.Output:
    """A BYODKIM spec known only later, without its private half: what records and verification
    jobs are made of, no longer a secret (the key itself goes to SES only as a secret)."""
    from ses_domains.records.dkim_keys import DkimPrivateKey

    return pulumi.Output.unsecret(byodkim.apply(
        lambda found: replace(found, key=DkimPrivateKey(public=found.key.public, ses_private_key=""))))


def declare_token_records(
    name: str, spec: DomainSpec, region: str, zone: HostedZone, parent: pulumi.Resource,
    tokens: pulumi.Output[list], suffix: str = "", adopted: frozenset[tuple[str, str]] = frozenset(),
) -> list[aws.route53.Record]:
    """Easy DKIM's three CNAMEs, declared up front with values derived from the identity's
    ``tokens`` (:func:`identity_tokens`: unknown until SES creates the identity), so that a preview
    shows all of them. None for BYODKIM."""
    dkim = dkim_strategy(spec, region)
    if not isinstance(dkim, EasyDkim):
        return []
    records = []
    for index in range(dkim.TOKEN_COUNT):  # a loop: each frame is captured with every resource
        records.append(declare_record(
            f"{name}-dkim{suffix}-{index + 1}", zone, parent,
            tokens.apply(lambda values, i=index: dkim.record(spec.domain, values[i], spec.ttl)),
            record_type="CNAME", ttl=spec.ttl, adopted=adopted,
        ))
    return records


def identity_tokens(
    identity: aws.sesv2.EmailIdentity, spec: DomainSpec, signing: Optional[DkimSigningOrigin] = None,
) -> pulumi.Output[list]:
    """The DKIM tokens SES reports. For BYODKIM that is the selector, known already: it is not read
    from the identity, whose ``dkim_signing_attributes`` are secret (they hold the private key), so
    that the records and the verification job derived from the tokens stay plain. An identity whose
    state still says BYODKIM (``ignore_changes`` keeps it) while the config says Easy DKIM is being
    switched by ``signing``: its new tokens are those SES reports after the switch."""
    if spec.byodkim is not None:
        return pulumi.Output.from_input([spec.byodkim.selector])

    def tokens(attributes) -> Any:
        if signing is not None and attributes.signing_attributes_origin == "EXTERNAL":
            return signing.tokens
        return list(attributes.tokens or [])

    # Unsecret: after a switch from BYODKIM the identity's state still holds the old key (which makes
    # the whole block secret); the tokens are not secret.
    return pulumi.Output.unsecret(identity.dkim_signing_attributes.apply(tokens))

