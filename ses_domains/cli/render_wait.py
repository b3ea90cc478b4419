"""The final lines of ``wait``: each domain verified or not, and why not."""

from __future__ import annotations

from ses_domains.cli.colours import Palette
from ses_domains.cli.domain_plans import DomainPlan
from ses_domains.engine.job import DomainResult, Stage


def outcome_line(outcome: DomainResult, plan: DomainPlan, palette: Palette) -> str:
    dns = f"{outcome.dns_seconds or 0:.1f}s on {len(plan.nameservers)} nameservers ({outcome.dns_queries} queries)"
    if outcome.verified:
        ses = f", SES {outcome.ses_seconds or 0:.1f}s" if outcome.ses_seconds is not None else ""
        return f"{palette.good('verified')}      {outcome.key}: DNS {dns}{ses}"
    if outcome.stage is Stage.DNS:
        why = f"stopped at DNS after {dns}"
    else:
        why = f"stopped at SES, once DNS was ready after {dns}"
    details = "\n".join("    " + line for line in (outcome.error or "").splitlines())
    return f"{palette.bad('not verified')}  {outcome.key}: {why}\n{details}".rstrip()
