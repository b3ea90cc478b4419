"""What the verification resource does when Pulumi calls it: verify domains (create, update) and
look again (refresh), through the engine's one pipeline. Kept apart from the provider class so
the Pulumi program, which only declares the resource, never imports the DNS and SES engine."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any, Callable, Mapping, Optional

from ses_domains.deploy.verification_state import jobs_of, results_of
from ses_domains.engine.job import DomainResult
from ses_domains.engine.pipeline import Progress, run_check, run_verify
from ses_domains.engine.ses.client import AwsSettings, SesReader


class VerificationFailed(Exception):
    """Raised from create/update: Pulumi shows the message on the resource and fails the update."""


def ses_reader(settings: AwsSettings) -> SesReader:
    """SES in one region, from the AWS settings stored in the resource's props (a test seam)."""
    return SesReader.from_settings(settings)


def regional_readers(settings: AwsSettings) -> Callable[[Optional[str]], SesReader]:
    """The reader of each region a job names (``None``: the stack's own), made when first needed."""
    made: dict[Optional[str], SesReader] = {}

    def reader(region: Optional[str]) -> SesReader:
        if region not in made:
            made[region] = ses_reader(settings if region is None else replace(settings, region=region))
        return made[region]

    return reader


def print_progress(progress: Progress) -> None:
    """The Pulumi engine shows a dynamic provider's stdout lines in ``pulumi up``'s output."""
    print(f"ses-domains verify: {progress}", file=sys.stdout, flush=True)


def verify(props: Mapping[str, Any], domains: list[str], kept: Mapping[str, dict]) -> dict:
    """Results for ``domains`` (job keys: a domain, or ``<domain> (<region>)`` for a replica)
    verified now, beside ``kept`` ones; raises if any fails."""
    jobs = jobs_of(props)
    results = dict(kept)
    if not domains:
        return results
    print(f"ses-domains verify: verifying {len(domains)} domain(s): {', '.join(domains)}", flush=True)
    outcomes = run_verify([jobs[d] for d in domains], regional_readers(_aws(props)), progress=print_progress)
    results.update({o.key: o.to_props() for o in outcomes})
    failed = [o for o in outcomes if not o.verified]
    if failed:
        raise VerificationFailed(
            f"{len(failed)} of {len(outcomes)} domain(s) not verified:\n"
            + "\n".join(f"- {o.key} ({o.stage.value}): {o.error}" for o in failed)
        )
    return results


def refresh(props: Mapping[str, Any]) -> dict:
    """One look at every domain: a record gone from a nameserver, or a DKIM or MAIL FROM status no
    longer SUCCESS, turns the domain to not verified; a server or SES that cannot be reached
    leaves it as it was (``unchecked`` says why)."""
    jobs, previous = jobs_of(props), results_of(props)
    if not jobs:
        return {domain: result.to_props() for domain, result in previous.items()}
    looked: list[DomainResult] = run_check(list(jobs.values()), regional_readers(_aws(props)), previous)
    return {result.key: result.to_props() for result in looked}


def _aws(props: Mapping[str, Any]) -> AwsSettings:
    aws = props.get("aws") or {}
    return AwsSettings(region=aws.get("region"), profile=aws.get("profile"))
