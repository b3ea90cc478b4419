"""``ses-domains check``: each domain's records on each of its nameservers, and its email auth.

The audit (``engine.audit``) asks every record once on every nameserver and judges SPF, DMARC, BIMI
and the MAIL FROM MX with checkdmarc (BIMI's logo and certificate are downloaded only with
``--fetch-bimi``); ``--nameserver`` servers also answer those lookups, so a check
runs offline against a test server. What the audit cannot be given (DKIM tokens SES would not
tell, a zone whose nameservers Route 53 would not tell) is reported here as "could not check".
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace

from ses_domains.cli.bulk_readiness import RatesRead, observations, sending_setup
from ses_domains.cli.console import Console
from ses_domains.cli.domain_check import DomainCheck, overall
from ses_domains.cli.domain_plans import DomainPlan, plan_stack
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.render_check import check_json_parts, check_table
from ses_domains.cli.stack_records import is_placeholder
from ses_domains.config.stack import StackSpec
from ses_domains.engine.audit import AuditError, AuditTarget, AuditVerdict, audit
from ses_domains.engine.bulk_sender import AccountRates, judge_readiness
from ses_domains.engine.email_auth import NameserverSetupError, ResolverSettings


EXIT_CODES = {AuditVerdict.OK: ExitCode.OK, AuditVerdict.PROBLEMS: ExitCode.PROBLEMS,
              AuditVerdict.COULD_NOT_CHECK: ExitCode.CANNOT_RUN}
BULK_SENDER = "bulk-sender"


def run_check(args: argparse.Namespace, console: Console) -> ExitCode:
    loaded, plans = plan_stack(args.cwd, args.stack, args.nameserver, console)
    spec = loaded.spec
    rates = RatesRead(loaded.aws_settings)  # read while the DNS is audited
    checks = check_plans(plans, spec.region, tuple(args.nameserver), fetch_bimi=args.fetch_bimi)
    checks = with_readiness(checks, spec, rates.rates())
    require = BULK_SENDER in (args.require or ())
    verdict = overall(checks, require_bulk_sender=require)
    if args.output == "json":
        console.out.writelines(check_json_parts(loaded.name, spec.region, checks, verdict,
                                                require_bulk_sender=require))
    else:
        console.out.write(check_table(loaded.name, spec.region, checks, verdict, console.palette,
                                      require_bulk_sender=require))
    return EXIT_CODES[verdict]


def with_readiness(checks: list[DomainCheck], spec: StackSpec, rates: AccountRates) -> list[DomainCheck]:
    """Each check with its domain's bulk-sender readiness, judged from what the check learned; the
    account's rates are the stack region's (a replica's region is not read)."""
    judged = []
    for check in checks:
        plan = check.plan
        own_rates = rates if plan.region is None else AccountRates(
            unread=f"rates are read in the stack's region ({spec.region}) only")
        readiness = judge_readiness(sending_setup(plan, spec, check.audit),
                                    observations(plan, check.audit, check.gaps), own_rates)
        judged.append(replace(check, readiness=readiness))
    return judged


def check_plans(plans: list[DomainPlan], region: str, judgment_nameservers: tuple[str, ...], *,
                fetch_bimi: bool = False) -> list[DomainCheck]:
    targets, audited = [], []
    for index, plan in enumerate(plans):
        if plan.nameservers:
            records = tuple(r for r in plan.records.records if not is_placeholder(r))
            targets.append(AuditTarget(plan.domain, records, plan.nameservers, plan.region or region))
            audited.append(index)
    try:
        report = asyncio.run(audit(targets, email_auth=ResolverSettings(nameservers=judgment_nameservers,
                                                                              fetch_bimi=fetch_bimi)))
    except (AuditError, NameserverSetupError) as error:
        raise CommandError(f"cannot check: {error}") from None
    # One audit per target, in order (a domain with replicas has one per region).
    audits = dict(zip(audited, report.domains))
    checks = []
    for index, plan in enumerate(plans):
        gaps = []
        if plan.nameserver_problem:
            gaps.append(f"nameservers unknown: {plan.nameserver_problem}")
        if not plan.records.dkim_from_ses:
            gaps.append(f"DKIM records not checked: {plan.records.why_placeholders}")
        checks.append(DomainCheck(plan, audits.get(index), tuple(gaps)))
    return checks
