"""The verification step of a stack: a dynamic resource that ``pulumi up`` waits on.

One resource for the whole stack rather than one per domain: the dynamic provider host runs at
most four operations at once, so per-domain resources would verify four domains at a time,
while one resource verifies every domain concurrently and the stack waits as long as its
slowest domain.

Mind the pitfalls of dynamic providers:

- The provider object is pickled by reference (module + class name) into every stack's state:
  this module's path and ``VerificationProvider``'s name must never change, or refresh and
  destroy of existing stacks break.
- It holds only plain data; AWS clients are created inside each method.
- Custom timeouts do not reach it: each domain carries its own deadline (``verify.timeout``).
- Its stdout is relayed by the Pulumi engine to ``pulumi up``'s output, so progress is printed.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Callable, Optional

import pulumi
import pulumi.dynamic

from .records.model import DnsRecord
from .verification import aws_session
from .verification.aws_session import AwsSettings
from .verification.dns_wait import DomainTarget, check_once_sync
from .verification.pipeline import DomainJob, DomainOutcome, verify_domains
from .verification.ses_status import judge
from .verification.ses_wait import SesVerificationError, read_identity_status

RESULT_KEYS = ("verified", "stage", "verifiedAt", "error")


def job_input(records: list[dict], nameservers: list[str], mail_from_required: bool, timeout_s: float) -> dict:
    """One domain's entry in the resource's ``domains`` input (plain data, stable for diffs)."""
    return {
        "records": [
            {"name": r["name"], "type": r["type"], "values": list(r["values"]), "ttl": r["ttl"]} for r in records
        ],
        "nameservers": list(nameservers),
        "mailFromRequired": mail_from_required,
        "timeoutSeconds": timeout_s,
    }


def _job(domain: str, entry: dict) -> DomainJob:
    return DomainJob(
        domain=domain,
        records=tuple(
            DnsRecord(r["name"], r["type"], tuple(r["values"]), int(r["ttl"])) for r in entry["records"]
        ),
        nameservers=tuple(entry["nameservers"]),
        mail_from_required=bool(entry["mailFromRequired"]),
        timeout_s=float(entry["timeoutSeconds"]),
    )


def _what_is_checked(entry: dict) -> dict:
    """The part of a domain's input whose change means verifying again (not its timeout)."""
    return {k: entry[k] for k in ("records", "nameservers", "mailFromRequired")}


def ses_clients(settings: AwsSettings) -> Callable[[str], Any]:
    """An SESv2 client per domain; one shared client, since boto3 clients are thread-safe."""
    client = aws_session.make_sesv2_client(settings)
    return lambda _domain: client


def _progress(line: str) -> None:
    print(f"ses-domains verify: {line}", file=sys.stdout, flush=True)


class VerificationFailed(Exception):
    """Raised from create/update: Pulumi shows the message on the resource and fails the update."""


class VerificationProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False
    """Nothing secret is captured: the provider is a class reference and no data."""

    def diff(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.DiffResult:
        old_domains, new_domains = olds.get("domains", {}), news.get("domains", {})
        results = olds.get("results", {})
        changed = sorted(
            domain
            for domain in set(old_domains) | set(new_domains)
            if domain not in old_domains
            or domain not in new_domains
            or _what_is_checked(old_domains[domain]) != _what_is_checked(new_domains[domain])
            or not results.get(domain, {}).get("verified")
        )
        if olds.get("aws") != news.get("aws"):
            changed.append("aws")
        return pulumi.dynamic.DiffResult(
            changes=bool(changed) or old_domains != new_domains,
            replaces=[],
            stables=[],
            delete_before_replace=False,
        )

    def create(self, props: dict) -> pulumi.dynamic.CreateResult:
        results = self._verify(props, sorted(props["domains"]), {})
        return pulumi.dynamic.CreateResult(id_="ses-domains-verification", outs={**props, "results": results})

    def update(self, _id: str, olds: dict, news: dict) -> pulumi.dynamic.UpdateResult:
        old_domains, old_results = olds.get("domains", {}), olds.get("results", {})
        again = sorted(
            domain
            for domain, entry in news["domains"].items()
            if domain not in old_domains
            or _what_is_checked(old_domains[domain]) != _what_is_checked(entry)
            or not old_results.get(domain, {}).get("verified")
            or olds.get("aws") != news.get("aws")
        )
        kept = {d: old_results[d] for d in news["domains"] if d not in again and d in old_results}
        results = self._verify(news, again, kept)
        return pulumi.dynamic.UpdateResult(outs={**news, "results": results})

    def read(self, id_: str, props: dict) -> pulumi.dynamic.ReadResult:
        """``pulumi refresh`` / ``preview --refresh``: one DNS round and one SES look per domain.

        A record gone from a nameserver, or a DKIM or MAIL FROM status no longer SUCCESS, turns
        the domain's result to not verified: the refresh shows the change, and the next
        ``pulumi up`` verifies that domain again.
        """
        domains = props.get("domains", {})
        results = {domain: dict(result) for domain, result in props.get("results", {}).items()}
        if not domains:
            return pulumi.dynamic.ReadResult(id_, props)
        jobs = {domain: _job(domain, entry) for domain, entry in domains.items()}
        dns = check_once_sync([DomainTarget(d, job.records, job.nameservers) for d, job in jobs.items()])
        client_for = ses_clients(_aws(props))
        for domain, entry in domains.items():
            result = results.setdefault(domain, {"verified": False, "stage": "dns", "verifiedAt": None})
            problems = dns.domain(domain).problems
            if problems:
                result.update(verified=False, stage="dns",
                              error="\n".join(p.describe() for p in problems))
                continue
            try:
                status = read_identity_status(client_for(domain), domain)
            except SesVerificationError as error:
                result.update(verified=False, stage="ses", error=str(error))
                continue
            judgement = judge(status, mail_from_required=bool(entry["mailFromRequired"]))
            result["sesStatus"] = status.as_dict()
            if judgement.unmet:
                result.update(verified=False, stage="ses",
                              error="; ".join(str(u) for u in judgement.unmet))
            elif not result.get("verified"):
                result.update(verified=True, stage="ses", error=None)
        return pulumi.dynamic.ReadResult(id_, {**props, "results": results})

    def delete(self, _id: str, _props: dict) -> None:
        """Nothing to undo: verification only looked."""

    def _verify(self, props: dict, domains: list[str], kept: dict) -> dict:
        jobs = [_job(domain, props["domains"][domain]) for domain in domains]
        outcomes: list[DomainOutcome] = []
        if jobs:
            _progress(f"verifying {len(jobs)} domain(s): {', '.join(domains)}")
            outcomes = asyncio.run(verify_domains(jobs, ses_clients(_aws(props)), progress=_progress))
        results = dict(kept)
        results.update({o.domain: o.as_dict() for o in outcomes})
        failed = [o for o in outcomes if not o.verified]
        if failed:
            raise VerificationFailed(
                f"{len(failed)} of {len(outcomes)} domain(s) not verified:\n"
                + "\n".join(f"- {o.domain} ({o.stage}): {o.error}" for o in failed)
            )
        return results


def _aws(props: dict) -> AwsSettings:
    aws = props.get("aws") or {}
    return AwsSettings(region=aws.get("region"), profile=aws.get("profile"))


class StackVerification(pulumi.dynamic.Resource, module="ses-domains", name="Verification"):
    """Waits, during ``pulumi up``, until every listed domain's records are on every authoritative
    nameserver and SES reports it verified for sending. Output ``results``: per domain,
    ``verified``, ``verifiedAt``, the DNS and SES durations and SES's statuses."""

    results: pulumi.Output[dict]

    def __init__(
        self,
        name: str,
        domains: pulumi.Input[dict],
        region: str,
        profile: Optional[str],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        super().__init__(
            VerificationProvider(),
            name,
            {"domains": domains, "aws": {"region": region, "profile": profile}, "results": None},
            opts,
        )


def declare_verification(
    domains: dict[str, Any], region: str, profile: Optional[str]
) -> Optional[StackVerification]:
    """The stack's verification step for the ``SendingDomain``s whose ``verify.enabled`` is on,
    after every record and MAIL FROM setting of theirs exists; ``None`` when there are none."""
    if not domains:
        return None
    pulumi.log.info(
        f"pulumi up waits until {len(domains)} domain(s) verify: {', '.join(domains)} "
        "(progress lines start with 'ses-domains verify:')"
    )
    return StackVerification(
        "verification",
        domains={domain: component.verification_input for domain, component in domains.items()},
        region=region,
        profile=profile,
        opts=pulumi.ResourceOptions(
            depends_on=[resource for component in domains.values() for resource in component.published]
        ),
    )
