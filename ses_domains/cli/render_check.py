"""``check`` output: a table per domain (one row per record and nameserver), or JSON."""

from __future__ import annotations

import json
from typing import Sequence

from ses_domains.cli.colours import Palette
from ses_domains.cli.domain_check import DomainCheck
from ses_domains.cli.table import format_table
from ses_domains.engine.audit import AuditVerdict, RecordAudit, RecordStatus, ServerState
from ses_domains.engine.email_auth import EmailAuthJudgment, JudgmentStatus

VERDICT_TEXT = {
    AuditVerdict.OK: "all good",
    AuditVerdict.PROBLEMS: "problems found",
    AuditVerdict.COULD_NOT_CHECK: "could not check everything",
}


def _paint_status(text: str, palette: Palette) -> str:
    if text == "ok":
        return palette.good(text)
    if text in ("could not check", "no answer", "refused"):
        return palette.warn(text)
    return palette.bad(text)


def check_table(stack: str, region: str, checks: Sequence[DomainCheck], verdict: AuditVerdict,
                palette: Palette) -> str:
    lines = [f"Check of stack {stack} (SES region {region})"]
    for check in checks:
        lines.append("")
        lines.extend(_domain_lines(check, palette))
    counts = {v: sum(1 for c in checks if c.verdict is v) for v in AuditVerdict}
    lines.append("")
    lines.append(
        f"{len(checks)} domain{'s' if len(checks) != 1 else ''}: {counts[AuditVerdict.OK]} ok, "
        f"{counts[AuditVerdict.PROBLEMS]} with problems, {counts[AuditVerdict.COULD_NOT_CHECK]} not fully checked"
        f" — {_paint_status('ok' if verdict is AuditVerdict.OK else VERDICT_TEXT[verdict], palette)}"
    )
    return "\n".join(lines) + "\n"


def _domain_lines(check: DomainCheck, palette: Palette) -> list[str]:
    plan = check.plan
    verdict = check.verdict
    servers = ", ".join(plan.nameservers) or "unknown"
    lines = [
        f"{palette.bold(plan.key)}  {_paint_status('ok' if verdict is AuditVerdict.OK else verdict.value, palette)}"
        f"  ({plan.records.zone_words}; nameservers from {plan.nameserver_source}: {servers})"
    ]
    status = plan.identity.status
    if status is not None:
        mail_from = f", MAIL FROM {status.mail_from_status}" if status.mail_from_status else ""
        sending = "verified for sending" if status.verified_for_sending else "not verified for sending"
        lines.append(f"  SES: DKIM {status.dkim_status}{mail_from}, {sending}")
    if check.ses_failure:
        lines.append(f"  {_paint_status('problem', palette)}: {check.ses_failure}")
    for gap in check.gaps:
        lines.append(f"  {palette.warn('could not check')}: {gap}")
    if check.audit is None:
        return lines
    rows = []
    for record in check.audit.records:
        rows.extend(_record_rows(record, palette))
    if rows:
        lines.extend(format_table(("STATUS", "TYPE", "NAME", "EXPECTED", "NAMESERVER", "SERVED"), rows))
    for record in check.audit.records:
        if record.status is not RecordStatus.OK:
            lines.append(f"  {_paint_status(record.status.value, palette)}: {record.record.type} {record.record.name}: "
                         f"{record.detail}")
    if check.audit.email_auth is not None:
        lines.extend(_email_auth_lines(check.audit.email_auth, palette))
    return lines


def _record_rows(record: RecordAudit, palette: Palette) -> list[list[str]]:
    rows = []
    for index, server in enumerate(record.servers):
        first = index == 0
        rows.append([
            _paint_status(record.status.value, palette) if first else "",
            record.record.type if first else "",
            record.record.name if first else "",
            ", ".join(record.record.values) if first else "",
            server.nameserver,
            _served(server, palette),
        ])
    return rows


def _served(server, palette: Palette) -> str:
    values = ", ".join(server.served)
    if server.state is ServerState.OK:
        return values
    if server.state is ServerState.MISSING:
        return _paint_status("missing", palette) + (f" ({server.detail})" if server.detail else "")
    if server.state in (ServerState.NO_ANSWER, ServerState.REFUSED):
        return _paint_status(server.state.value, palette) + (f": {server.detail}" if server.detail else "")
    return f"{_paint_status(server.state.value, palette)}: {values or 'nothing'}"


def _email_auth_lines(judgment: EmailAuthJudgment, palette: Palette) -> list[str]:
    lines = [f"  email auth: {_paint_status(judgment.status.value, palette)}"]
    for spf in judgment.spf:
        lookups = (f", {spf.dns_lookups} DNS lookup{'' if spf.dns_lookups == 1 else 's'}"
                   if spf.dns_lookups is not None else "")
        lines.append(f"    SPF {spf.name}: {_paint_status(spf.status.value, palette)}{lookups}"
                     + (f": {spf.record}" if spf.record else ""))
    if judgment.dmarc is not None:
        dmarc = judgment.dmarc
        lines.append(f"    DMARC {dmarc.name}: {_paint_status(dmarc.status.value, palette)}"
                     + (f": {dmarc.record}" if dmarc.record else ""))
    if judgment.bimi is not None:
        bimi = judgment.bimi
        fetched = "" if bimi.fetched or bimi.record is None else " (logo and certificate not fetched: --fetch-bimi)"
        lines.append(f"    BIMI {bimi.name}: {_paint_status(bimi.status.value, palette)}"
                     + (f": {bimi.record}" if bimi.record else "") + fetched)
    if judgment.mail_from_mx is not None:
        mx = judgment.mail_from_mx
        found = ", ".join(mx.found) or "no MX"
        expected = "" if mx.status is JudgmentStatus.OK else f" (expected {mx.expected})"
        lines.append(f"    MX {mx.name}: {_paint_status(mx.status.value, palette)}: {found}{expected}")
    for problem in judgment.problems():
        lines.append(f"    {palette.bad('!')} {problem}")
    return lines


def check_json(stack: str, region: str, checks: Sequence[DomainCheck], verdict: AuditVerdict) -> str:
    document = {
        "stack": stack,
        "region": region,
        "verdict": verdict.value,
        "domains": [_domain_json(check) for check in checks],
    }
    return json.dumps(document, indent=2) + "\n"


def _domain_json(check: DomainCheck) -> dict:
    plan = check.plan
    audit = check.audit.as_json() if check.audit is not None else {"records": [], "email_auth": None}
    status = plan.identity.status
    return {
        "domain": plan.domain,
        **({"region": plan.region} if plan.region else {}),
        "zone": plan.records.zone,
        "verdict": check.verdict.value,
        "nameservers": list(plan.nameservers),
        "nameserver_source": plan.nameserver_source,
        "ses": status.as_dict() if status is not None else None,
        "ses_failure": check.ses_failure,
        "could_not_check": list(check.gaps),
        "records": audit["records"],
        "email_auth": audit["email_auth"],
    }
