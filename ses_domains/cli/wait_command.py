"""``ses-domains wait``: the verification wait of ``pulumi up``, from the command line."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
from typing import Optional

from ses_domains.cli.awaited import awaited
from ses_domains.cli.console import Console
from ses_domains.cli.domain_plans import DomainPlan, plan_stack
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.progress import ProgressLine
from ses_domains.cli.render_wait import outcome_line, wait_json
from ses_domains.engine.job import VerificationJob
from ses_domains.engine.pipeline import Progress, verify_domains
from ses_domains.engine.ses.client import SesReader
from ses_domains.verification_jobs import job_for_domain, job_for_replica

LIVE_EVERY_S = 0.25
"""How often the engine reports per domain when a person watches the live line."""


def run_wait(args: argparse.Namespace, console: Console) -> ExitCode:
    loaded, plans = plan_stack(args.cwd, args.stack, args.nameserver, console)
    spec, settings = loaded.spec, loaded.aws_settings
    _refuse_to_start(plans)
    jobs = [_job(plan, spec.region, args.timeout) for plan in plans]
    json_output = args.output == "json"
    stream = console.err if json_output else console.out
    live = console.live_lines(stream)
    progress = ProgressLine(stream, live=live)
    by_key = {plan.key: plan for plan in plans}
    readers: dict[Optional[str], SesReader] = {}

    def reader(region: Optional[str]) -> SesReader:
        if region not in readers:
            readers[region] = SesReader.from_settings(settings if region is None else replace(settings, region=region))
        return readers[region]

    def report(event: Progress) -> None:
        if event.milestone:
            progress.milestone(event.domain, event.text)
        elif event.waiting:
            head, items = awaited(event.waiting)
            progress.update(event.domain, head if live else f"{event.text}; {head}", items)
        else:
            progress.update(event.domain, event.text)

    try:
        results = asyncio.run(
            verify_domains(jobs, reader, progress=report,
                           progress_every_s=LIVE_EVERY_S if live else 10.0)
        )
    finally:
        progress.close()
    if json_output:
        console.out.write(wait_json(loaded.name, spec.region, results, by_key))
    else:
        for result in results:
            console.out.write(outcome_line(result, by_key[result.key], console.palette) + "\n")
    return ExitCode.OK if all(r.verified for r in results) else ExitCode.PROBLEMS


def _refuse_to_start(plans: list[DomainPlan]) -> None:
    """Every domain needs its DKIM tokens and its nameservers before waiting makes sense."""
    reasons = []
    for plan in plans:
        if not plan.records.dkim_from_ses:
            reasons.append(f"{plan.key}: cannot read its DKIM tokens from SES: {plan.records.why_placeholders}")
        if plan.nameserver_problem and plan.region is None:
            reasons.append(f"{plan.domain}: {plan.nameserver_problem}")
    if reasons:
        raise CommandError("cannot start the wait:\n" + "\n".join(f"  - {r}" for r in reasons))


def _job(plan: DomainPlan, region: str, timeout_s: Optional[float]) -> VerificationJob:
    if plan.region is not None:
        job = job_for_replica(plan.spec, plan.region, plan.identity.dkim_tokens, plan.nameservers)
    else:
        job = job_for_domain(plan.spec, region, plan.identity.dkim_tokens, plan.nameservers)
    return replace(job, nameservers=plan.nameservers, timeout_s=timeout_s or job.timeout_s)
