"""``check`` output: a table per domain (one row per record and nameserver), or JSON."""

from __future__ import annotations

import json
import re
from typing import Iterator, Sequence

from ses_domains.cli.colours import Palette
from ses_domains.cli.domain_check import DomainCheck
from ses_domains.cli.table import WIDTH, Text, format_table, shorten, wrap_lines
from ses_domains.engine.audit import AuditVerdict, RecordAudit, RecordStatus, ServerState
from ses_domains.engine.bulk_sender import Outcome, Readiness
from ses_domains.engine.email_auth import EmailAuthJudgment, JudgmentStatus

_SENTENCE_END = re.compile(r"(?<=[.)])\s+(?=[A-Z])")

VERDICT_TEXT = {
    AuditVerdict.OK: "all good",
    AuditVerdict.PROBLEMS: "problems found",
    AuditVerdict.COULD_NOT_CHECK: "could not check everything",
}


def _paint_status(text: str, palette: Palette) -> str:
    if text in ("ok", "pass", "ready"):
        return palette.good(text)
    if text in ("could not check", "no answer", "refused", "unknown"):
        return palette.warn(text)
    return palette.bad(text)


def check_table(stack: str, region: str, checks: Sequence[DomainCheck], verdict: AuditVerdict,
                palette: Palette, *, require_bulk_sender: bool = False) -> str:
    """Every line within ``table.WIDTH`` columns: long names shortened in the middle, long text wrapped."""
    lines = wrap_lines(f"Check of stack {stack} (SES region {region})")
    for check in checks:
        lines.append("")
        lines.extend(_domain_lines(check, palette))
    counts = {v: sum(1 for c in checks if c.verdict is v) for v in AuditVerdict}
    lines.append("")
    judged = [c.readiness for c in checks if c.readiness is not None]
    if judged:
        ready = {o: sum(1 for r in judged if r.outcome is o) for o in Outcome}
        lines.extend(wrap_lines(
            f"bulk sender: {ready[Outcome.PASS]} ready, {ready[Outcome.FAIL]} not ready, "
            f"{ready[Outcome.UNKNOWN]} not known"
            + (" (required: a fail is a problem)" if require_bulk_sender else " (not required: --require bulk-sender)")
        ))
    lines.extend(wrap_lines(
        f"{len(checks)} domain{'s' if len(checks) != 1 else ''}: {counts[AuditVerdict.OK]} ok, "
        f"{counts[AuditVerdict.PROBLEMS]} with problems, {counts[AuditVerdict.COULD_NOT_CHECK]} not fully checked"
        f" — {_paint_status('ok' if verdict is AuditVerdict.OK else VERDICT_TEXT[verdict], palette)}"
    ))
    return "\n".join(lines) + "\n"


def _note(label: str, text: str, indent: str = "  ") -> list[str]:
    """``label: text`` wrapped, each paragraph of ``text`` on lines of its own."""
    paragraphs = [p for p in text.splitlines() if p.strip()] or [""]
    lines = wrap_lines(f"{label}: {paragraphs[0]}".rstrip(), indent=indent)
    for paragraph in paragraphs[1:]:
        lines.extend(wrap_lines(paragraph.strip(), indent=indent + "  "))
    return lines


def _domain_lines(check: DomainCheck, palette: Palette) -> list[str]:
    plan = check.plan
    verdict = check.verdict
    servers = ", ".join(plan.nameservers) or "unknown"
    name = shorten(plan.key, WIDTH - len("could not check") - 2)
    lines = [f"{palette.bold(name)}  {_paint_status('ok' if verdict is AuditVerdict.OK else verdict.value, palette)}"]
    lines.extend(wrap_lines(f"{plan.records.zone_words}; nameservers from {plan.nameserver_source}: {servers}",
                            indent="  ", hanging="    "))
    status = plan.identity.status
    if status is not None:
        mail_from = f", MAIL FROM {status.mail_from_status}" if status.mail_from_status else ""
        sending = "verified for sending" if status.verified_for_sending else "not verified for sending"
        lines.append(f"  SES: DKIM {status.dkim_status}{mail_from}, {sending}")
    if check.ses_failure:  # several sentences (what SES saw, what it expects, how to start over): one each
        lines.extend(_note(_paint_status("problem", palette), "\n".join(_SENTENCE_END.split(check.ses_failure))))
    for gap in check.gaps:
        lines.extend(_note(palette.warn("could not check"), gap))
    if check.audit is None:
        return lines
    rows = []
    for record in check.audit.records:
        rows.extend(_record_rows(record, palette))
    if rows:
        lines.extend(format_table(("STATUS", "TYPE", "NAME", "EXPECTED"), rows, shrink=(2, 3)))
    for record in check.audit.records:
        if record.status is not RecordStatus.OK:
            lines.extend(_note(_paint_status(record.status.value, palette),
                               f"{record.record.type} {record.record.name}: {record.detail}"))
    if check.audit.email_auth is not None:
        lines.extend(_email_auth_lines(check.audit.email_auth, palette))
    if check.readiness is not None:
        lines.extend(_readiness_lines(check.readiness, palette))
    return lines


_READINESS_WORDS = {Outcome.PASS: "ready", Outcome.FAIL: "not ready", Outcome.UNKNOWN: "not known"}


def _readiness_lines(readiness: Readiness, palette: Palette) -> list[str]:
    """One line per requirement (``pass  DKIM: ...``), what to change or a note under it."""
    failed = len(readiness.failed())
    unknown = sum(1 for r in readiness.requirements if r.outcome is Outcome.UNKNOWN)
    counts = ", ".join(part for part in (f"{failed} fail" if failed else "", f"{unknown} unknown" if unknown else "")
                       if part)
    word = _READINESS_WORDS[readiness.outcome]
    paint = palette.good if readiness.outcome is Outcome.PASS else (
        palette.bad if readiness.outcome is Outcome.FAIL else palette.warn)
    lines = [f"  bulk sender: {paint(word)}" + (f" ({counts})" if counts else "")]
    for requirement in readiness.requirements:
        outcome = requirement.outcome.value
        padding = " " * (len("unknown") - len(outcome))
        lines.extend(wrap_lines(f"{_paint_status(outcome, palette)}{padding}  {requirement.name}: {requirement.found}",
                                indent="    ", hanging="             "))
        if requirement.change:
            label = "to change" if requirement.outcome is Outcome.FAIL else "to learn it"
            lines.extend(_note(label, requirement.change, indent="             "))
        if requirement.note:
            lines.extend(_note(palette.warn("note"), requirement.note, indent="             "))
    return lines


def _record_rows(record: RecordAudit, palette: Palette) -> list[list[str]]:
    """The record and what it should hold; below it, each nameserver that serves something else."""
    expected = ", ".join(record.record.values)
    rows = [[_paint_status(record.status.value, palette), record.record.type, record.record.name,
             Text(expected) if record.record.type == "TXT" else expected]]
    for server in record.servers:
        if server.state is not ServerState.OK:
            rows.append(["", "", f"  on {server.nameserver}", Text(_served(server, palette))])
    return rows


def _served(server, palette: Palette) -> str:
    values = ", ".join(server.served)
    if server.state is ServerState.MISSING:
        return _paint_status("missing", palette) + (f" ({server.detail})" if server.detail else "")
    if server.state in (ServerState.NO_ANSWER, ServerState.REFUSED):
        return _paint_status(server.state.value, palette) + (f": {server.detail}" if server.detail else "")
    return f"{_paint_status(server.state.value, palette)}: {values or 'nothing'}"


def _email_auth_lines(judgment: EmailAuthJudgment, palette: Palette) -> list[str]:
    lines = [f"  email auth: {_paint_status(judgment.status.value, palette)}"]

    def add(text: str, warnings: Sequence[str] = ()) -> None:
        lines.extend(wrap_lines(text, indent="    ", hanging="      "))
        for warning in warnings:
            lines.extend(_note(palette.warn("warning"), warning, indent="      "))

    for spf in judgment.spf:
        lookups = (f", {spf.dns_lookups} DNS lookup{'' if spf.dns_lookups == 1 else 's'}"
                   if spf.dns_lookups is not None else "")
        add(f"SPF {spf.name}: {_paint_status(spf.status.value, palette)}{lookups}"
            + (f": {spf.record}" if spf.record else ""), spf.warnings)
    if judgment.dmarc is not None:
        dmarc = judgment.dmarc
        add(f"DMARC {dmarc.name}: {_paint_status(dmarc.status.value, palette)}"
            + (f": {dmarc.record}" if dmarc.record else ""), dmarc.warnings)
    if judgment.bimi is not None:
        bimi = judgment.bimi
        fetched = "" if bimi.fetched or bimi.record is None else " (logo and certificate not fetched: --fetch-bimi)"
        add(f"BIMI {bimi.name}: {_paint_status(bimi.status.value, palette)}"
            + (f": {bimi.record}" if bimi.record else "") + fetched, bimi.warnings)
    if judgment.mail_from_mx is not None:
        mx = judgment.mail_from_mx
        found = ", ".join(mx.found) or "no MX"
        expected = "" if mx.status is JudgmentStatus.OK else f" (expected {mx.expected})"
        add(f"MX {mx.name}: {_paint_status(mx.status.value, palette)}: {found}{expected}")
    for problem in judgment.problems():
        lines.extend(wrap_lines(f"{palette.bad('!')} {problem}", indent="    ", hanging="      "))
    return lines


def check_json_parts(stack: str, region: str, checks: Sequence[DomainCheck], verdict: AuditVerdict, *,
                     require_bulk_sender: bool = False) -> Iterator[str]:
    """The JSON document (``json.dumps(document, indent=2)``, byte for byte) one domain at a time:
    10,000 domains' report is over 100 MB of text, never held whole."""
    head = {
        "stack": stack,
        "region": region,
        "verdict": verdict.value,
        "required": ["bulk-sender"] if require_bulk_sender else [],
    }
    yield "{\n"
    for key, value in head.items():
        yield f"  {json.dumps(key)}: {_nested(json.dumps(value, indent=2), 1)},\n"
    yield '  "domains": ['
    for index, check in enumerate(checks):
        yield ("," if index else "") + "\n    " + _nested(json.dumps(_domain_json(check), indent=2), 2)
    yield ("\n  ]" if checks else "]") + "\n}\n"


def _nested(text: str, level: int) -> str:
    """``json.dumps(..., indent=2)`` text as it reads ``level`` containers deep (a JSON string holds
    no raw newline, so every newline starts a line of the document)."""
    return text.replace("\n", "\n" + "  " * level)


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
        "bulk_sender": check.readiness.as_json() if check.readiness is not None else None,
    }
