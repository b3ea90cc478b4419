"""``status`` output for the account's enforcement status in words, SES's recommendations and each
configuration set's sending statistics: text (charts on a terminal) and the JSON parts.

A count's chart is scaled to its own peak (``▇``), since a count has no level to be judged by; a
period with no data point is ``·`` (SES publishes nothing for a period without events). The set's
own reputation rates are charted like the account's, against their levels.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from ses_domains.cli.colours import Palette
from ses_domains.cli.numbers import count, percent
from ses_domains.cli.sparkline import BELOW_LEVEL, LEGEND, NO_DATA, sparkline
from ses_domains.cli.status_sections import RecommendationsCheck, SetStatisticsCheck
from ses_domains.cli.table import format_table, wrap_lines
from ses_domains.engine.ses.account import AccountStatus
from ses_domains.engine.ses.recommendations import Recommendation
from ses_domains.engine.ses.reputation import RateJudgement, RateSeries, ReputationWindow
from ses_domains.engine.ses.set_statistics import SetStatistics

ENFORCEMENT_WORDS = {
    "HEALTHY": "SES has no concern with how the account sends",
    "PROBATION": ("SES is reviewing the account (usually for its bounce or complaint rate): it may still send, "
                  "but unless the cause is fixed before the review ends SES pauses its sending"),
    "SHUTDOWN": "SES has paused the account's sending; the review's support case says why and how to appeal",
}
REVIEW_WORDS = {
    "PENDING": "is being reviewed",
    "GRANTED": "was granted",
    "DENIED": "was denied",
    "FAILED": "could not be reviewed (the request needs more information)",
}
ROWS = (
    ("SEND", "sends", None),
    ("DELIVERY", "deliveries", "SEND"),
    ("BOUNCE", "bounces", "SEND"),
    ("COMPLAINT", "complaints", "SEND"),
    ("REJECT", "rejects", "SEND"),
    ("OPEN", "opens", "DELIVERY"),
    ("CLICK", "clicks", "DELIVERY"),
)
"""Each count shown, and what its rate is a share of (the SES console's dashboard: deliveries,
bounces, complaints and rejects of sends; opens and clicks of deliveries)."""
EXTRA_EVENTS = ("RENDERING_FAILURE", "DELIVERY_DELAY")
"""Counted in JSON (and on a row of their own when published)."""
_RATE_NAMES = {"SEND": "sends", "DELIVERY": "deliveries"}
COUNT_LEGEND = f"counts: {BELOW_LEVEL[0]}…{BELOW_LEVEL[-1]} up to the set's busiest period, {NO_DATA} none"


def enforcement_words(status: str) -> str:
    return ENFORCEMENT_WORDS.get(status, f"SES reports {status}, a status this version does not know")


def enforcement_lines(account: Optional[AccountStatus], palette: Palette) -> list[str]:
    """Plain words under the account's line: what the enforcement status means, and the review."""
    if account is None:
        return []
    text = enforcement_words(account.enforcement_status)
    paint = palette.good if account.enforcement_status == "HEALTHY" else palette.bad
    lines = wrap_lines("enforcement: " + " ".join(paint(word) for word in text.split(" ")), indent="  ")
    if account.review_status:
        case = f" (support case {account.review_case_id})" if account.review_case_id else ""
        words = REVIEW_WORDS.get(account.review_status, f"is {account.review_status}")
        lines.extend(wrap_lines(f"production access request {words}{case}", indent="  "))
    return lines


def _recommendation_text(recommendation: Recommendation, palette: Palette) -> str:
    impact = recommendation.impact or "unknown"
    label = f"{recommendation.type_text} ({impact.lower()} impact)"
    label = palette.bad(label) if impact == "HIGH" else palette.warn(label)
    return f"{label}: {recommendation.description}"


def recommendation_lines(check: RecommendationsCheck, identities: Sequence[str], region: str,
                         palette: Palette) -> list[str]:
    title = f"{palette.bold('SES recommendations')} (open, in {region})"
    if check.reading is None:
        return [title, *wrap_lines(f"{palette.warn('could not check')}: {check.problem}", indent="  ")]
    if not check.reading.recommendations:
        lines = [title, f"  {palette.good('none open')}"]
    else:
        lines = [title]
        for name in identities:
            for recommendation in check.for_identity(name):
                lines.extend(wrap_lines(f"{name}: {_recommendation_text(recommendation, palette)}", indent="  "))
        for recommendation in check.others(set(identities)):
            where = recommendation.identity or _resource(recommendation.resource_arn)
            lines.extend(wrap_lines(f"{where}: {_recommendation_text(recommendation, palette)}", indent="  "))
    if not check.reading.complete:
        lines.extend(wrap_lines(f"{palette.warn('more not read')}: SES allows one request a second and the time "
                                f"ran out after {check.reading.pages} pages", indent="  "))
    return lines


def _resource(arn: str) -> str:
    """``account`` for the account itself, else the ARN's resource part (``dedicated-ip-pool/x``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or not parts[5]:
        return "account"
    return parts[5]


def count_bar(value: Optional[float], peak: float) -> str:
    if value is None:
        return NO_DATA
    if peak <= 0:
        return BELOW_LEVEL[0]
    step = int(max(0.0, value) / peak * (len(BELOW_LEVEL) - 1) + 0.5)
    return BELOW_LEVEL[min(step, len(BELOW_LEVEL) - 1)]


def count_chart(window: ReputationWindow, series: RateSeries, palette: Palette) -> str:
    slots = window.slots(series)
    peak = max((value for value in slots if value is not None), default=0.0)
    return "".join(palette.dim(NO_DATA) if value is None else count_bar(value, peak) for value in slots)


def set_lines(check: SetStatisticsCheck, palette: Palette, chart: bool, period: str, days: str) -> list[str]:
    title = f"{palette.bold('Configuration sets')} over the last {days}"
    if check.problem:
        return [title, *wrap_lines(f"{palette.warn('could not check')}: {check.problem}", indent="  ")]
    if not check.sets and not check.notes:
        return [title, "  none in the stack"]
    lines = [title]
    notes = {note.name: note.why for note in check.notes}
    for statistics in check.sets:
        lines.extend(_one_set_lines(check, statistics, palette, chart, period, notes.pop(statistics.source.name, None)))
    if chart and any(statistics.counts for statistics in check.sets):
        lines.append("  " + palette.dim(COUNT_LEGEND))
    if chart and any(statistics.bounce_rate is not None for statistics in check.sets):
        lines.append("  " + palette.dim("rates: " + LEGEND))
    for name, why in notes.items():
        lines.extend(wrap_lines(f"{palette.bold(name)}: {palette.dim('counts not read')}: {why}", indent="  "))
    return lines


def _one_set_lines(check: SetStatisticsCheck, statistics: SetStatistics, palette: Palette, chart: bool,
                   period: str, not_counted: Optional[str]) -> list[str]:
    source = statistics.source
    split = f", summed over {', '.join(source.other_dimensions)}" if source.other_dimensions else ""
    lines = wrap_lines(f"{palette.bold(source.name)} (per {period}{split})", indent="  ")
    if not_counted:
        lines.extend(wrap_lines(f"{palette.dim('counts not read')}: {not_counted}", indent="  "))
    window = check.window
    rows = []
    shown = [row for row in ROWS if row[0] in statistics.counts]
    shown += [(event, event.lower().replace("_", " ") + "s", "SEND") for event in EXTRA_EVENTS
              if event in statistics.counts]
    for event, name, of in shown:
        row = [name]
        if chart and window is not None:
            row.append(count_chart(window, statistics.counts[event], palette))
        rate = statistics.share(event, of) if of else None
        total = statistics.total(event)
        row.append(count(total) if total is not None else "-")
        row.append(f"{percent(rate)} of {_RATE_NAMES[of]}" if of and rate is not None else "-")
        rows.append(row)
    if rows:
        header = ["EVENT", *(["OLDEST → NEWEST"] if chart else []), "TOTAL", "RATE"]
        lines.extend(format_table(header, rows))
    rates = []
    for name, series, judgement in zip(("bounce rate", "complaint rate"),
                                       (statistics.bounce_rate, statistics.complaint_rate),
                                       check.judgements(statistics)):
        if series is None or judgement is None:
            continue
        row = [name]
        if chart and window is not None:
            row.append(sparkline(window.slots(series), judgement.level, palette))
        row += [percent(judgement.latest), percent(judgement.peak), percent(judgement.level),
                _verdict(judgement, palette)]
        rates.append(row)
    if rates:
        header = ["REPUTATION", *(["OLDEST → NEWEST"] if chart else []), "LATEST", "PEAK", "LEVEL", "STATUS"]
        lines.extend(format_table(header, rates))
    elif not source.reputation_metrics:
        lines.append(f"  {palette.dim('reputation metrics are off for this set')}")
    return lines


def _verdict(judgement: RateJudgement, palette: Palette) -> str:
    text = judgement.verdict.value
    return palette.good(text) if text == "ok" else palette.dim(text) if text == "no data" else palette.bad(text)


def recommendations_json(check: RecommendationsCheck) -> dict[str, Any]:
    reading = check.reading
    return {
        "problem": check.problem,
        "complete": reading.complete if reading is not None else None,
        "open": [
            {
                "resource_arn": r.resource_arn,
                "identity": r.identity,
                "type": r.type,
                "impact": r.impact,
                "description": r.description,
                "created": r.created.isoformat() if r.created else None,
                "updated": r.updated.isoformat() if r.updated else None,
            }
            for r in (reading.recommendations if reading is not None else ())
        ],
    }


def enforcement_json(account: AccountStatus) -> dict[str, Any]:
    return {
        "status": account.enforcement_status,
        "meaning": enforcement_words(account.enforcement_status),
        "review_status": account.review_status,
        "review_case_id": account.review_case_id,
    }


def sets_json(check: SetStatisticsCheck) -> dict[str, Any]:
    return {
        "problem": check.problem,
        "period_seconds": check.window.period_s if check.window else None,
        "sets": [_set_json(check, statistics) for statistics in check.sets],
        "not_counted": [{"configuration_set": note.name, "why": note.why} for note in check.notes],
    }


def _set_json(check: SetStatisticsCheck, statistics: SetStatistics) -> dict[str, Any]:
    bounce, complaint = check.judgements(statistics)
    return {
        "configuration_set": statistics.source.name,
        "summed_over_dimensions": list(statistics.source.other_dimensions),
        "counts": {
            event.lower(): {
                "metric": series.metric,
                "total": statistics.total(event),
                "points": [{"time": t.isoformat(), "value": v} for t, v in zip(series.timestamps, series.values)],
            }
            for event, series in statistics.counts.items()
        },
        "rates": {
            name: statistics.share(event, of) for event, name, of in (
                ("DELIVERY", "delivery", "SEND"), ("BOUNCE", "bounce", "SEND"), ("COMPLAINT", "complaint", "SEND"),
                ("REJECT", "reject", "SEND"), ("OPEN", "open", "DELIVERY"), ("CLICK", "click", "DELIVERY"))
        },
        "reputation_metrics": statistics.source.reputation_metrics,
        "bounce_rate": _rate_json(statistics.bounce_rate, bounce),
        "complaint_rate": _rate_json(statistics.complaint_rate, complaint),
    }


def _rate_json(series: Optional[RateSeries], judgement: Optional[RateJudgement]) -> Optional[dict[str, Any]]:
    if series is None or judgement is None:
        return None
    return {
        "metric": series.metric,
        "level": judgement.level,
        "status": judgement.verdict.value,
        "latest": judgement.latest,
        "peak": judgement.peak,
        "points": [{"time": t.isoformat(), "value": v} for t, v in zip(series.timestamps, series.values)],
    }
