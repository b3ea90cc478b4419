"""``status`` output: the account, the identities and the reputation rates as text (a chart per
rate on a terminal, numbers only when piped), or as JSON (the shape is in the README)."""

from __future__ import annotations

import json
from typing import Any, Optional

from ses_domains.cli.colours import Palette
from ses_domains.cli.sparkline import LEGEND, sparkline
from ses_domains.cli.status_report import IdentityCheck, ReputationCheck, StatusReport
from ses_domains.cli.table import format_table, wrap_lines
from ses_domains.engine.ses.account import AccountStatus
from ses_domains.engine.ses.reputation import STATISTIC, RateJudgement, RateSeries, ReputationWindow

_GOOD = {"verified", "ok", "HEALTHY"}
_QUIET = {"no data", "-"}
_UNCERTAIN = {"could not check"}


def _paint(text: str, palette: Palette) -> str:
    if text in _GOOD:
        return palette.good(text)
    if text in _QUIET:
        return palette.dim(text)
    if text in _UNCERTAIN:
        return palette.warn(text)
    return palette.bad(text)


def percent(rate: Optional[float]) -> str:
    """A rate (0 to 1) as a percentage with two decimals; a tiny non-zero rate is not shown as 0."""
    if rate is None:
        return "-"
    if rate == 0:
        return "0 %"
    if rate * 100 < 0.01:
        return "<0.01 %"
    return f"{rate * 100:.2f} %"


def count(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def period_text(window: ReputationWindow) -> str:
    hours = window.period_s // 3600
    return "hour" if hours == 1 else f"{hours} hours"


def days_text(window: ReputationWindow) -> str:
    days = round(window.days)
    return "day" if days == 1 else f"{days} days"


def status_text(report: StatusReport, palette: Palette, *, chart: bool) -> str:
    lines = [f"Status of stack {report.stack} (SES region {report.region})", ""]
    lines.extend(_account_lines(report, palette))
    lines.append("")
    lines.extend(_identity_lines(report.identities, palette))
    lines.append("")
    lines.extend(_reputation_lines(report.reputation, palette, chart))
    lines.append("")
    problems, gaps = report.problems(), report.gaps()
    if problems:
        lines.extend(wrap_lines(f"{palette.bad('problems')}: " + "; ".join(problems)))
    elif gaps:
        lines.extend(wrap_lines(f"{palette.warn('could not check')} everything: " + "; ".join(gaps)))
    else:
        lines.append(palette.good("healthy"))
    return "\n".join(lines) + "\n"


def _account_lines(report: StatusReport, palette: Palette) -> list[str]:
    account = report.account.account
    if account is None:
        return wrap_lines(f"{palette.bold('Account')} in {report.region}: {_paint('could not check', palette)}: "
                          f"{report.account.problem}")
    access = "production access" if account.production_access else "sandbox (mail only to verified identities)"
    if account.review_status and not account.production_access:
        access += f", production access request {account.review_status}"
    sending = palette.good("sending enabled") if account.sending_enabled else palette.bad("sending disabled")
    quota = account.quota
    if quota.max_24_hour_send < 0:
        used = f"{count(quota.sent_last_24_hours)} sent in the last 24 hours (no daily limit)"
    else:
        share = (f" ({quota.sent_last_24_hours / quota.max_24_hour_send * 100:.1f} %)"
                 if quota.max_24_hour_send > 0 else "")
        used = (f"{count(quota.sent_last_24_hours)} of {count(quota.max_24_hour_send)} sent in the last "
                f"24 hours{share}")
    return [
        *wrap_lines(f"{palette.bold('Account')} in {account.region}: {access}, {sending}, enforcement "
                    f"{_paint(account.enforcement_status, palette)}"),
        *wrap_lines(f"quota: {used}; at most {count(quota.max_send_rate)} a second", indent="  "),
    ]


def _identity_lines(checks: "tuple[IdentityCheck, ...]", palette: Palette) -> list[str]:
    lines = [palette.bold("Identities")]
    if not checks:
        return lines + ["  none in the stack"]
    rows = []
    for check in checks:
        status = check.reading.status
        mail_from = "-"
        if status is not None and status.mail_from_domain:
            mail_from = f"{status.mail_from_status or '-'} {status.mail_from_domain}"
        identity = check.identity
        rows.append([
            f"  in {identity.region}" if identity.region else identity.name,  # a replica, below its domain
            "address" if identity.kind.value == "email address" else identity.kind.value,
            _paint(check.health.value, palette),
            (status.dkim_status or "-") if status is not None else "-",
            mail_from,
            (status.configuration_set or "-") if status is not None else "-",
        ])
    lines.extend(format_table(("IDENTITY", "KIND", "STATUS", "DKIM", "MAIL FROM", "CONFIG SET"), rows,
                              shrink=(0, 4, 5)))
    for check in checks:
        if check.reading.problem and check.reading.status is None:
            lines.extend(wrap_lines(f"{_paint(check.health.value, palette)}: {check.identity.key}: "
                                    f"{check.reading.problem}", indent="  "))
    return lines


def _reputation_lines(reputation: ReputationCheck, palette: Palette, chart: bool) -> list[str]:
    window = reputation.window
    title = (f"{palette.bold('Reputation')} over the last {days_text(window)} "
             f"(highest reading per {period_text(window)})")
    if reputation.reading is None:
        return [title, *wrap_lines(f"{_paint('could not check', palette)}: {reputation.problem}", indent="  ")]
    rows = []
    for name, series, judgement in (
        ("bounce rate", reputation.reading.bounce_rate, reputation.bounce_rate),
        ("complaint rate", reputation.reading.complaint_rate, reputation.complaint_rate),
    ):
        assert judgement is not None
        row = [name]
        if chart:
            row.append(sparkline(window.slots(series), judgement.level, palette))
        row += [percent(judgement.latest), percent(judgement.peak), percent(judgement.level),
                _paint(judgement.verdict.value, palette)]
        rows.append(row)
    header = ["RATE", *(["OLDEST → NEWEST"] if chart else []), "LATEST", "PEAK", "LEVEL", "STATUS"]
    lines = [title, *format_table(header, rows)]
    if chart:
        indent = " " * (2 + max(len("complaint rate"), len("RATE")) + 2)
        lines.append(indent + palette.dim(LEGEND))
    return lines


def status_json(report: StatusReport) -> str:
    account = report.account.account
    document = {
        "stack": report.stack,
        "region": report.region,
        "verdict": report.verdict.value,
        "problems": report.problems(),
        "could_not_check": report.gaps(),
        "account": _account_json(account) if account is not None else None,
        "account_problem": report.account.problem,
        "identities": [_identity_json(check, report.region) for check in report.identities],
        "reputation": _reputation_json(report.reputation),
    }
    return json.dumps(document, indent=2) + "\n"


def _account_json(account: AccountStatus) -> dict[str, Any]:
    return {
        "region": account.region,
        "production_access": account.production_access,
        "in_sandbox": account.in_sandbox,
        "sending_enabled": account.sending_enabled,
        "enforcement_status": account.enforcement_status,
        "review_status": account.review_status,
        "quota": {
            "max_24_hour_send": account.quota.max_24_hour_send,
            "sent_last_24_hours": account.quota.sent_last_24_hours,
            "max_send_rate": account.quota.max_send_rate,
        },
    }


def _identity_json(check: IdentityCheck, stack_region: str) -> dict[str, Any]:
    status = check.reading.status
    return {
        "identity": check.identity.name,
        "kind": check.identity.kind.value,
        "region": check.identity.region or stack_region,
        "status": check.health.value,
        "verified_for_sending": status.verified_for_sending if status is not None else None,
        "dkim_status": status.dkim_status if status is not None else None,
        "mail_from_domain": status.mail_from_domain if status is not None else None,
        "mail_from_status": status.mail_from_status if status is not None else None,
        "configuration_set": status.configuration_set if status is not None else None,
        "problem": check.reading.problem if status is None else None,
    }


def _reputation_json(reputation: ReputationCheck) -> dict[str, Any]:
    window = reputation.window
    reading = reputation.reading
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "period_seconds": window.period_s,
        "statistic": reading.statistic if reading is not None else STATISTIC,
        "problem": reputation.problem,
        "bounce_rate": _rate_json(reading.bounce_rate, reputation.bounce_rate) if reading else None,
        "complaint_rate": _rate_json(reading.complaint_rate, reputation.complaint_rate) if reading else None,
    }


def _rate_json(series: RateSeries, judgement: Optional[RateJudgement]) -> dict[str, Any]:
    assert judgement is not None
    return {
        "metric": series.metric,
        "level": judgement.level,
        "status": judgement.verdict.value,
        "latest": judgement.latest,
        "peak": judgement.peak,
        "periods_past_level": judgement.periods_past_level,
        "points": [{"time": moment.isoformat(), "value": value}
                   for moment, value in zip(series.timestamps, series.values)],
    }
