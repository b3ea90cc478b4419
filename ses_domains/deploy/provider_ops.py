"""What the verification resource does when Pulumi calls it: verify domains (create, update) and
look again (refresh). Kept apart from the provider class so the Pulumi program, which only
declares the resource, never imports the DNS and SES engine."""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Callable

from ses_domains.records.model import DnsRecord
from ses_domains.engine.ses import client as aws_session
from ses_domains.engine.ses.client import AwsSettings
from ses_domains.engine.dns.wait import DomainTarget, check_once_sync
from ses_domains.engine.pipeline import DomainJob, verify_domains
from ses_domains.engine.ses.status import judge
from ses_domains.engine.ses.client import read_identity_status
from ses_domains.engine.ses.errors import SesVerificationError


class VerificationFailed(Exception):
    """Raised from create/update: Pulumi shows the message on the resource and fails the update."""


def ses_clients(settings: AwsSettings) -> Callable[[str], Any]:
    """An SESv2 client per domain; one shared client, since boto3 clients are thread-safe."""
    client = aws_session.make_sesv2_client(settings)
    return lambda _domain: client


def progress(line: str) -> None:
    """The Pulumi engine shows a dynamic provider's stdout lines in ``pulumi up``'s output."""
    print(f"ses-domains verify: {line}", file=sys.stdout, flush=True)


def verify(props: dict, domains: list[str], kept: dict) -> dict:
    """Results for ``domains`` verified now, beside ``kept`` ones; raises if any fails."""
    jobs = [_job(domain, props["domains"][domain]) for domain in domains]
    results = dict(kept)
    if not jobs:
        return results
    progress(f"verifying {len(jobs)} domain(s): {', '.join(domains)}")
    outcomes = asyncio.run(verify_domains(jobs, ses_clients(_aws(props)), progress=progress))
    results.update({o.domain: o.as_dict() for o in outcomes})
    failed = [o for o in outcomes if not o.verified]
    if failed:
        raise VerificationFailed(
            f"{len(failed)} of {len(outcomes)} domain(s) not verified:\n"
            + "\n".join(f"- {o.domain} ({o.stage}): {o.error}" for o in failed)
        )
    return results


def refresh(props: dict) -> dict:
    """One DNS round and one SES look per domain: a record gone from a nameserver, or a DKIM or
    MAIL FROM status no longer SUCCESS, turns the domain to not verified."""
    domains = props.get("domains") or {}
    results = {domain: dict(result) for domain, result in (props.get("results") or {}).items()}
    if not domains:
        return results
    jobs = {domain: _job(domain, entry) for domain, entry in domains.items()}
    dns = check_once_sync([DomainTarget(d, job.records, job.nameservers) for d, job in jobs.items()])
    client_for = ses_clients(_aws(props))
    for domain, job in jobs.items():
        result = results.setdefault(domain, {"verified": False, "stage": "dns", "verifiedAt": None})
        problems = dns.domain(domain).problems
        if problems:
            result.update(verified=False, stage="dns", error="\n".join(p.describe() for p in problems))
            continue
        try:
            status = read_identity_status(client_for(domain), domain)
        except SesVerificationError as error:
            result.update(verified=False, stage="ses", error=str(error))
            continue
        judgement = judge(status, mail_from_required=job.mail_from_required)
        result["sesStatus"] = status.as_dict()
        if judgement.unmet:
            result.update(verified=False, stage="ses", error="; ".join(str(u) for u in judgement.unmet))
        elif not result.get("verified"):
            result.update(verified=True, stage="ses", error=None)
    return results


def _job(domain: str, entry: dict) -> DomainJob:
    return DomainJob(
        domain=domain,
        records=tuple(DnsRecord(r["name"], r["type"], tuple(r["values"]), int(r["ttl"])) for r in entry["records"]),
        nameservers=tuple(entry["nameservers"]),
        mail_from_required=bool(entry["mailFromRequired"]),
        timeout_s=float(entry["timeoutSeconds"]),
    )


def _aws(props: dict) -> AwsSettings:
    aws = props.get("aws") or {}
    return AwsSettings(region=aws.get("region"), profile=aws.get("profile"))
