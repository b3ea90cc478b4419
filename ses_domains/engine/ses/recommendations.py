"""SES's own advice (SESv2 ``ListRecommendations``): parse (pure) and a paged read paced at SES's
limit for this operation, one request a second.

SES names each recommendation's resource by ARN: an identity (``…:identity/example.com``) or
something of the account (a dedicated IP, a configuration set, the account itself). Only open
recommendations are read (``STATUS=OPEN``): fixed ones are history, not advice.

The pacing is a token bucket of its own (one token, one a second, never faster), shared by every
read of one account and region in the process, so two reads at once still keep to the limit.
The read stops at the caller's deadline: pages that would start after it are not asked for, and
what was read is kept and marked incomplete. Throttling is retried through the same bucket, so a
retry too keeps to the limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Hashable, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError

from ses_domains.engine.ses.errors import SesError, is_throttling
from ses_domains.engine.ses.pacing import Clock, Sleep, TokenBucket, shared_bucket

REQUESTS_PER_S = 1.0
"""SES allows ``ListRecommendations`` once a second (the operation's documentation)."""
PAGE_SIZE = 100
"""The most SES returns in one page."""
MAX_PAGES = 50
"""Pages read at most: an answer that keeps paging past this is not SES's."""

RECOMMENDATION_TYPES = {
    "DKIM": "DKIM",
    "DMARC": "DMARC",
    "SPF": "SPF",
    "BIMI": "BIMI (brand logo)",
    "COMPLAINT": "complaints",
    "BOUNCE": "bounces",
    "FEEDBACK_3P": "mailbox providers' feedback",
    "IP_LISTING": "IP on a block list",
}
"""SES's types (botocore's ``RecommendationType``) in words."""


class RecommendationsUnavailable(SesError):
    """``ListRecommendations`` gave no usable answer; ``throttled``: worth asking again later."""

    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


@dataclass(frozen=True)
class Recommendation:
    resource_arn: str
    type: str
    description: str
    impact: Optional[str] = None
    """HIGH or LOW."""
    status: Optional[str] = None
    created: Optional[datetime] = None
    updated: Optional[datetime] = None

    @property
    def identity(self) -> Optional[str]:
        """The identity the recommendation is about, if its ARN names one."""
        _, found, name = self.resource_arn.partition(":identity/")
        return name if found and name else None

    @property
    def type_text(self) -> str:
        return RECOMMENDATION_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class RecommendationsReading:
    region: str
    recommendations: tuple[Recommendation, ...]
    complete: bool = True
    """False when the deadline came before the last page."""
    pages: int = 0


def parse_recommendation(item: Mapping[str, Any]) -> Recommendation:
    return Recommendation(
        resource_arn=str(item.get("ResourceArn") or ""),
        type=str(item.get("Type") or "UNKNOWN"),
        description=str(item.get("Description") or ""),
        impact=item.get("Impact"),
        status=item.get("Status"),
        created=item.get("CreatedTimestamp"),
        updated=item.get("LastUpdatedTimestamp"),
    )


def recommendations_bucket(*, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> TokenBucket:
    """A bucket that lets one request through a second, and never more."""
    return TokenBucket(REQUESTS_PER_S, 1, max_rate_per_s=REQUESTS_PER_S, min_rate_per_s=REQUESTS_PER_S,
                       increase_per_s=0.0, clock=clock, sleep=sleep)


def shared_recommendations_bucket(key: Hashable) -> TokenBucket:
    """The process's bucket for ``ListRecommendations`` in one account and region."""
    return shared_bucket(("ListRecommendations", key), recommendations_bucket)


def read_recommendations(client: Any, *, deadline: float, bucket: TokenBucket,
                         clock: Clock = time.monotonic) -> RecommendationsReading:
    """Every open recommendation, page after page. Each request, a retry after throttling too,
    waits its turn in ``bucket``, and none starts after ``deadline`` (a ``clock()`` time; the
    bucket sleeps on its own clock). ``RecommendationsUnavailable`` when the first page cannot be
    read; a later page that cannot be read in time ends the read, incomplete."""
    region = client.meta.region_name or ""
    request: dict[str, Any] = {"Filter": {"STATUS": "OPEN"}, "PageSize": PAGE_SIZE}
    found: list[Recommendation] = []
    pages = throttled = 0
    while pages < MAX_PAGES:
        if not bucket.acquire(deadline):
            if pages:
                return RecommendationsReading(region, tuple(found), complete=False, pages=pages)
            raise RecommendationsUnavailable(
                f"SES ListRecommendations in {region} was not answered in the time allowed"
                + (f": SES throttled it {throttled} times" if throttled else ""), throttled=bool(throttled))
        try:
            response = _call(client, request, region)
        except RecommendationsUnavailable as error:
            if error.throttled:
                throttled += 1
                bucket.throttled()  # what was saved up is gone: the next try waits a whole turn
                continue
            if pages:
                return RecommendationsReading(region, tuple(found), complete=False, pages=pages)
            raise
        pages += 1
        found.extend(parse_recommendation(item) for item in response.get("Recommendations") or ()
                     if isinstance(item, Mapping))
        token = response.get("NextToken")
        if not token:
            return RecommendationsReading(region, tuple(found), complete=True, pages=pages)
        request["NextToken"] = token
    raise RecommendationsUnavailable(
        f"SES ListRecommendations in {region} still had more pages after {MAX_PAGES}: not SES's answer")


def _call(client: Any, request: Mapping[str, Any], region: str) -> Mapping[str, Any]:
    try:
        response = client.list_recommendations(**request)
    except ClientError as err:
        error = err.response.get("Error", {})
        code = error.get("Code", "Unknown")
        hint = (": the credentials may not call ses:ListRecommendations"
                if code in ("AccessDeniedException", "AccessDenied") else "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        raise RecommendationsUnavailable(
            f"SES ListRecommendations in {region} failed: {code}: {error.get('Message', '')}{hint}",
            throttled=is_throttling(code, status),
        ) from None
    except BotoCoreError as err:
        raise RecommendationsUnavailable(f"SES ListRecommendations in {region} got no usable answer: {err}") from None
    if not isinstance(response, Mapping) or not isinstance(response.get("Recommendations", []), list):
        raise RecommendationsUnavailable(
            f"SES ListRecommendations in {region} answered with something that is not a list of recommendations")
    return response

