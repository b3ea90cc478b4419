"""One domain's result in ``ses-domains check``: its plan, its audit, what could not be checked,
and the verdict they give; what the command runs (``check_command``) and prints (``render_check``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.cli.domain_plans import DomainPlan
from ses_domains.engine.audit import AuditVerdict, DomainAudit
from ses_domains.engine.bulk_sender import Readiness
from ses_domains.engine.ses.status import Verdict, judge


@dataclass(frozen=True)
class DomainCheck:
    """One domain's plan, its audit (``None`` when it could not be asked at all), and the gaps."""

    plan: DomainPlan
    audit: Optional[DomainAudit]
    gaps: tuple[str, ...]
    """Why part of the domain could not be checked (beyond what the audit itself reports)."""
    readiness: Optional[Readiness] = None
    """Bulk-sender readiness: reported, and part of the verdict only with ``--require bulk-sender``."""

    @property
    def ses_failure(self) -> Optional[str]:
        """SES's own verdict when it is FAILED: SES has stopped looking, whatever DNS serves now."""
        status = self.plan.identity.status
        if status is None:
            return None
        judgement = judge(status, mail_from_required=self.plan.spec.mail_from is not None)
        return judgement.failure_message if judgement.verdict is Verdict.FAILED else None

    @property
    def verdict(self) -> AuditVerdict:
        if self.ses_failure:
            return AuditVerdict.PROBLEMS
        audited = self.audit.verdict if self.audit is not None else AuditVerdict.COULD_NOT_CHECK
        if audited is AuditVerdict.OK and self.gaps:
            return AuditVerdict.COULD_NOT_CHECK
        return audited


def overall(checks: list[DomainCheck], *, require_bulk_sender: bool = False) -> AuditVerdict:
    """The worst domain's verdict; with ``require_bulk_sender`` a failed readiness requirement is
    a problem too (an unknown one is not: see ``check --help``)."""
    verdicts = {c.verdict for c in checks}
    if require_bulk_sender and any(c.readiness is not None and c.readiness.failed() for c in checks):
        verdicts.add(AuditVerdict.PROBLEMS)
    for verdict in (AuditVerdict.PROBLEMS, AuditVerdict.COULD_NOT_CHECK):
        if verdict in verdicts:
            return verdict
    return AuditVerdict.OK
