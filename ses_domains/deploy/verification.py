"""The verification step of a stack: a dynamic resource that ``pulumi up`` waits on.

One resource for the whole stack rather than one per domain: the dynamic provider host runs at
most four operations at once, so per-domain resources would verify four domains at a time,
while one resource verifies every domain concurrently and the stack waits as long as its
slowest domain.

Mind the pitfalls of dynamic providers:

- The provider object is pickled by reference (module + class name) into every stack's state:
  this module's path and ``VerificationProvider``'s name must never change, or refresh and
  destroy of existing stacks break. (Stacks from before this package stored
  ``components.domain_verification.VerificationProvider``, which stays as an alias.)
- It holds only plain data; AWS clients are created inside each method.
- Custom timeouts do not reach it: each domain carries its own deadline (``verify.timeout``).
- Its stdout is relayed by the Pulumi engine to ``pulumi up``'s output, so progress is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, TypedDict

import pulumi
import pulumi.dynamic

from ses_domains.config.errors import ArgumentError, Problem
from ses_domains.deploy import address_verification as addresses_step
from ses_domains.deploy.verification_state import domains_to_verify
from ses_domains.engine.job import identity_key

if TYPE_CHECKING:
    from ses_domains.deploy.email_identity import EmailAddress


class VerificationProvider(pulumi.dynamic.ResourceProvider):
    """Runs in Pulumi's dynamic provider host; the engine work lives in ``provider_ops``,
    imported only when an operation runs, so the program never loads the DNS and SES engine."""

    serialize_as_secret_always = False
    """Nothing secret is captured: the provider is a class reference and no data."""

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        return pulumi.dynamic.DiffResult(
            changes=bool(domains_to_verify(olds, news)) or set(olds.get("domains") or {}) != set(news.get("domains") or {})
            or addresses_step.addresses_changed(olds, news),
            replaces=[],
            stables=[],
            delete_before_replace=False,
        )

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        from ses_domains.deploy import provider_ops

        addresses = sorted(addresses_step.address_jobs_of(props))
        results, address_results = addresses_step.alongside(
            lambda: provider_ops.verify(props, sorted(props["domains"]), {}), props, addresses, {},
            provider_ops.VerificationFailed,
        )
        outs = {**props, "results": results}
        if addresses:
            outs[addresses_step.RESULTS] = address_results
        return pulumi.dynamic.CreateResult(id_="ses-domains-verification", outs=outs)

    def update(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        from ses_domains.deploy import provider_ops

        again = domains_to_verify(olds, news)
        old_results = olds.get("results") or {}
        kept = {d: old_results[d] for d in news["domains"] if d not in again and d in old_results}
        addresses = addresses_step.addresses_to_read(olds, news)
        old_address_results = olds.get(addresses_step.RESULTS) or {}
        kept_addresses = {a: old_address_results[a] for a in addresses_step.address_jobs_of(news)
                          if a not in addresses and a in old_address_results}
        results, address_results = addresses_step.alongside(
            lambda: provider_ops.verify(news, again, kept), news, addresses, kept_addresses,
            provider_ops.VerificationFailed,
        )
        outs = {**news, "results": results}
        if addresses_step.address_jobs_of(news):
            outs[addresses_step.RESULTS] = address_results
        return pulumi.dynamic.UpdateResult(outs=outs)

    def read(self, id_: str, props: dict) -> pulumi.dynamic.ReadResult:
        """``pulumi refresh`` / ``preview --refresh``: a domain that regressed shows as not
        verified, and the next ``pulumi up`` verifies it again (see ``provider_ops.refresh``)."""
        from ses_domains.deploy import provider_ops

        outs = {**props, "results": provider_ops.refresh(props)}
        if addresses_step.address_jobs_of(props):
            outs[addresses_step.RESULTS] = addresses_step.refresh_addresses(props)
        return pulumi.dynamic.ReadResult(id_, outs)

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: verification only looked."""


class DomainVerificationArgs(TypedDict, total=False):
    """The domains (and email addresses) one verification step waits for."""

    domains: Sequence[Any]
    """``SendingDomain`` components declared with ``verify=VerifyArgs(shared=True)``."""
    email_addresses: Sequence[Any]
    """``EmailAddress`` components: read from SES once they exist."""
    region: str
    """The stack's SES region (default: the first domain's region, else ``aws:region``)."""
    profile: str
    """The AWS profile the step's SES calls use (default: the ``aws:profile`` config)."""


class DomainVerification(pulumi.dynamic.Resource, module="ses-domains", name="Verification"):
    """Waits, during ``pulumi up``, until every listed domain's records are on every authoritative
    nameserver and SES reports it verified for sending: every domain concurrently, so the step
    lasts as long as its slowest domain. A ``SendingDomain`` declares one of its own unless
    ``verify.shared`` is set; many domains share one by being listed here.

    Python programs only: it is a Python dynamic resource, which Pulumi cannot run when the
    components are used from another language.

    Output ``results``: per domain, ``verified``, ``verifiedAt``, the DNS and SES durations and
    SES's statuses. With email addresses, ``address_results``: per address, ``verified``,
    ``state`` and the ``message`` shown."""

    results: pulumi.Output[dict]

    def __init__(self, name: str, args: DomainVerificationArgs, opts: Optional[pulumi.ResourceOptions] = None):
        domains = list(args.get("domains") or ())
        addresses = list(args.get("email_addresses") or ())
        twice = [Problem(f"domains[{index}]", f"{domain.domain} waits in a verification step of its own: declare it "
                                              "with verify=VerifyArgs(shared=True) to verify it here")
                 for index, domain in enumerate(domains) if getattr(domain, "verification", None) is not None]
        if twice:
            raise ArgumentError("DomainVerification", twice)
        region = args.get("region") or (domains[0].region if domains else None) or pulumi.Config("aws").get("region")
        profile = args.get("profile") if "profile" in args else pulumi.Config("aws").get("profile")
        jobs = {component.domain: component.verification_job.apply(lambda job: job.to_props()) for component in domains}
        published = [resource for component in domains for resource in component.published]
        for component in domains:
            for replica in component.replicas:
                jobs[identity_key(component.domain, replica.region)] = replica.verification_job.apply(
                    lambda job: job.to_props()
                )
                published.extend(replica.published)
        published.extend(address.identity for address in addresses)
        props = {"domains": jobs, "aws": {"region": region, "profile": profile}, "results": None}
        address_jobs = {address.address: address.job.to_props() for address in addresses}
        if address_jobs:
            props.update({addresses_step.ADDRESSES: address_jobs, addresses_step.RESULTS: None})
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=published))
        super().__init__(VerificationProvider(), name, props, opts)

    @property
    def address_results(self) -> Optional[pulumi.Output[dict]]:
        """Per email address: ``verified``, ``state`` and ``message``; ``None`` without addresses."""
        return self.__dict__.get(addresses_step.RESULTS)


StackVerification = DomainVerification
"""The name this step had before it was public."""


def declare_verification(
    domains: Sequence[Any], region: str, profile: Optional[str],
    addresses: Sequence["EmailAddress"] = (),
) -> Optional[DomainVerification]:
    """The stack's verification step for these domains (those whose ``verify.enabled`` is on),
    after every record and MAIL FROM setting of theirs exists; ``None`` when there are none.

    One job per identity: the stack region's under the domain's name (as stacks have stored it
    from the start), each replica region's under ``<domain> (<region>)``, read from SES there.
    Email ``addresses`` are read from SES once they exist (see ``address_verification``)."""
    if not domains and not addresses:
        return None
    if domains:
        pulumi.log.info(
            f"pulumi up waits until {len(domains)} domain(s) verify: {', '.join(c.domain for c in domains)} "
            "(progress lines start with 'ses-domains verify:')"
        )
    return DomainVerification(
        "verification",
        {"domains": list(domains), "email_addresses": list(addresses), "region": region, "profile": profile},
    )
