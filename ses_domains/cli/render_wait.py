"""The end of ``wait``: each domain verified or not, and why not, as lines or as JSON."""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from ses_domains.cli.awaited import state_word
from ses_domains.cli.colours import Palette
from ses_domains.cli.domain_plans import DomainPlan
from ses_domains.cli.table import wrap_lines
from ses_domains.engine.dns.wait import PairStatus
from ses_domains.engine.job import DomainResult, Stage


def outcome_line(outcome: DomainResult, plan: DomainPlan, palette: Palette) -> str:
    """The domain's result, then why it is not verified: lines within ``table.WIDTH`` columns."""
    dns = f"{outcome.dns_seconds or 0:.1f}s on {len(plan.nameservers)} nameservers ({outcome.dns_queries} queries)"
    if outcome.verified:
        ses = f", SES {outcome.ses_seconds or 0:.1f}s" if outcome.ses_seconds is not None else ""
        return "\n".join(wrap_lines(f"{palette.good('verified')}      {outcome.key}: DNS {dns}{ses}",
                                     hanging="              "))
    stopped = "stopped at DNS after" if outcome.stage is Stage.DNS else "stopped at SES, once DNS was ready after"
    lines = wrap_lines(f"{palette.bad('not verified')}  {outcome.key}: {stopped} {dns}", hanging="              ")
    for detail in (outcome.error or "").splitlines():
        lines.extend(wrap_lines(detail.strip(), indent="    " + " " * (len(detail) - len(detail.lstrip())),
                                hanging="      "))
    return "\n".join(line for line in lines if line)


def wait_json(stack: str, region: str, results: Sequence[DomainResult], plans: Mapping[str, DomainPlan]) -> str:
    """One document: each domain verified or not, where it stopped, and the records still awaited."""
    document = {
        "stack": stack,
        "region": region,
        "verdict": "verified" if all(r.verified for r in results) else "not verified",
        "domains": [_result_json(result, plans[result.key], region) for result in results],
    }
    return json.dumps(document, indent=2) + "\n"


def _result_json(result: DomainResult, plan: DomainPlan, stack_region: str) -> dict[str, Any]:
    return {
        "domain": result.domain,
        "region": result.region or stack_region,
        "verified": result.verified,
        "stopped_at": None if result.verified else result.stage.value,
        "nameservers": list(plan.nameservers),
        "dns_seconds": result.dns_seconds,
        "dns_queries": result.dns_queries,
        "ses_seconds": result.ses_seconds,
        "ses": dict(result.ses_status) or None,
        "verified_at": result.verified_at,
        "waiting_for": [_pair_json(pair) for pair in result.dns_problems],
        "error": result.error,
    }


def _pair_json(pair: PairStatus) -> dict[str, Any]:
    return {
        "name": pair.record.name,
        "type": pair.record.type,
        "nameserver": pair.nameserver,
        "state": state_word(pair.state),
        "expected": list(pair.record.values),
        "found": list(pair.found),
        "detail": pair.detail or None,
    }
