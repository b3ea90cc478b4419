"""Two sections of ``ses-domains status``: SES's open recommendations, and each configuration
set's sending statistics, with what they add to the verdict.

Recommendations are advice: they are shown and never change the exit code (SES raises them for
things that do not stop sending, and reading them needs Virtual Deliverability Manager's
permission that a CI role may lack). A set's own reputation rate at or past its level is a problem,
as the account's is; a CloudWatch read that failed is a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ses_domains.cli.set_sources import UnreadSet
from ses_domains.engine.ses.recommendations import Recommendation, RecommendationsReading
from ses_domains.engine.ses.reputation import (
    RateJudgement,
    RateVerdict,
    ReputationLevels,
    ReputationWindow,
    judge_rate,
)
from ses_domains.engine.ses.set_statistics import SetStatistics


@dataclass(frozen=True)
class RecommendationsCheck:
    reading: Optional[RecommendationsReading] = None
    problem: Optional[str] = None
    """Why they could not be read (``reading`` is then ``None``)."""

    def for_identity(self, name: str) -> tuple[Recommendation, ...]:
        if self.reading is None:
            return ()
        return tuple(r for r in self.reading.recommendations if r.identity == name)

    def others(self, identities: "set[str]") -> tuple[Recommendation, ...]:
        """About the account or a resource that is not one of ``identities``."""
        if self.reading is None:
            return ()
        return tuple(r for r in self.reading.recommendations if r.identity not in identities)


@dataclass(frozen=True)
class SetStatisticsCheck:
    window: Optional[ReputationWindow] = None
    levels: ReputationLevels = ReputationLevels()
    sets: tuple[SetStatistics, ...] = ()
    notes: tuple[UnreadSet, ...] = ()
    """Sets whose counts are not published in a form status can read, and why."""
    problem: Optional[str] = None
    """Why CloudWatch could not be read (``sets`` is then empty)."""

    def judgements(self, statistics: SetStatistics) -> "tuple[Optional[RateJudgement], Optional[RateJudgement]]":
        """The set's bounce and complaint reputation rates against the levels (``None``: not on)."""
        bounce = (judge_rate(statistics.bounce_rate, self.levels.bounce_rate)
                  if statistics.bounce_rate is not None else None)
        complaint = (judge_rate(statistics.complaint_rate, self.levels.complaint_rate)
                     if statistics.complaint_rate is not None else None)
        return bounce, complaint

    def problems(self) -> list[str]:
        found = []
        for statistics in self.sets:
            for name, judgement in zip(("bounce rate", "complaint rate"), self.judgements(statistics)):
                if judgement is not None and judgement.verdict is RateVerdict.PAST_LEVEL:
                    found.append(f"configuration set {statistics.source.name}: the {name} is at or past its level")
        return found

    def gaps(self) -> list[str]:
        return [f"configuration sets: {self.problem}"] if self.problem else []
