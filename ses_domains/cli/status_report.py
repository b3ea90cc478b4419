"""What ``ses-domains status`` found: each identity's, the account's and the reputation's check,
and the verdict they give; what the command gathers (``status_command``) and prints (``render_status``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from ses_domains.cli.ses_identities import IdentityReading
from ses_domains.engine.job import identity_key
from ses_domains.engine.ses.account import AccountStatus
from ses_domains.engine.ses.reputation import (
    RateJudgement,
    RateVerdict,
    ReputationLevels,
    ReputationReading,
    ReputationWindow,
    judge_rate,
)
from ses_domains.engine.ses.status import Verdict, judge, judge_address


class IdentityKind(str, Enum):
    DOMAIN = "domain"
    EMAIL_ADDRESS = "email address"


@dataclass(frozen=True)
class StatusIdentity:
    """An SES identity the stack declares, and what "healthy" asks of it."""

    name: str
    kind: IdentityKind
    region: Optional[str] = None
    """The replica region it lives in; ``None``: the stack's region."""
    mail_from_required: bool = False
    """The stack declares a MAIL FROM domain for it, so MAIL FROM must be SUCCESS too."""

    @property
    def key(self) -> str:
        return identity_key(self.name, self.region)


class IdentityHealth(str, Enum):
    VERIFIED = "verified"
    PENDING = "pending"
    FAILED = "failed"
    NOT_CREATED = "not created"
    UNKNOWN = "could not check"


@dataclass(frozen=True)
class IdentityCheck:
    identity: StatusIdentity
    reading: IdentityReading

    @property
    def health(self) -> IdentityHealth:
        status = self.reading.status
        if status is None:
            return IdentityHealth.NOT_CREATED if self.reading.not_created else IdentityHealth.UNKNOWN
        judgement = (judge(status, mail_from_required=self.identity.mail_from_required)
                     if self.identity.kind is IdentityKind.DOMAIN else judge_address(status))
        return {Verdict.VERIFIED: IdentityHealth.VERIFIED, Verdict.WAITING: IdentityHealth.PENDING,
                Verdict.FAILED: IdentityHealth.FAILED}[judgement.verdict]


@dataclass(frozen=True)
class AccountCheck:
    account: Optional[AccountStatus]
    problem: Optional[str] = None
    """Why the account could not be read (``account`` is then ``None``)."""

    @property
    def unhealthy(self) -> tuple[str, ...]:
        """What about the account stops or threatens sending."""
        account = self.account
        if account is None:
            return ()
        found = []
        if not account.sending_enabled:
            found.append(f"sending is disabled for the account in {account.region}")
        if account.enforcement_status != "HEALTHY":
            found.append(f"the account's enforcement status in {account.region} is {account.enforcement_status}")
        return tuple(found)


@dataclass(frozen=True)
class ReputationCheck:
    window: ReputationWindow
    levels: ReputationLevels
    reading: Optional[ReputationReading]
    problem: Optional[str] = None
    """Why the rates could not be read (``reading`` is then ``None``)."""

    @property
    def bounce_rate(self) -> Optional[RateJudgement]:
        return judge_rate(self.reading.bounce_rate, self.levels.bounce_rate) if self.reading else None

    @property
    def complaint_rate(self) -> Optional[RateJudgement]:
        return judge_rate(self.reading.complaint_rate, self.levels.complaint_rate) if self.reading else None


class StatusVerdict(str, Enum):
    OK = "ok"
    PROBLEMS = "problems"
    COULD_NOT_CHECK = "could not check"


@dataclass(frozen=True)
class StatusReport:
    stack: str
    region: str
    account: AccountCheck
    identities: tuple[IdentityCheck, ...]
    reputation: ReputationCheck

    def problems(self) -> list[str]:
        """Each thing that is wrong, one sentence each."""
        found = list(self.account.unhealthy)
        for check in self.identities:
            if check.health in (IdentityHealth.PENDING, IdentityHealth.FAILED, IdentityHealth.NOT_CREATED):
                found.append(f"{check.identity.key} is {check.health.value}")
        for name, judgement in (("bounce rate", self.reputation.bounce_rate),
                                ("complaint rate", self.reputation.complaint_rate)):
            if judgement is not None and judgement.verdict is RateVerdict.PAST_LEVEL:
                found.append(f"the {name} is at or past its level")
        return found

    def gaps(self) -> list[str]:
        """What could not be checked, and why."""
        found = []
        if self.account.problem:
            found.append(f"account: {self.account.problem}")
        found.extend(f"{c.identity.key}: {c.reading.problem}" for c in self.identities
                     if c.health is IdentityHealth.UNKNOWN)
        if self.reputation.problem:
            found.append(f"reputation: {self.reputation.problem}")
        return found

    @property
    def verdict(self) -> StatusVerdict:
        if self.problems():
            return StatusVerdict.PROBLEMS
        if self.gaps():
            return StatusVerdict.COULD_NOT_CHECK
        return StatusVerdict.OK
