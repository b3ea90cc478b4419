"""What SES says about a sending domain, as plain data, and what that means: done, wait or give up.

Pure: no I/O, no clock. ``parse_identity`` turns a SESv2 ``GetEmailIdentity`` response into an
``IdentityStatus``; ``judge`` decides whether the identity is verified, still worth waiting for,
or failed for good, and ``describe_failure`` / ``describe_verification_info`` write the messages
a user reads when it is slow or broken.

Statuses are kept as the strings SES sends (``"PENDING"``, ...), not as enums, so that a status
AWS adds later is carried through and shown instead of crashing the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Iterable, Mapping

from ses_domains.records.model import DnsRecord
from ses_domains.records.values import normalize_host

SUCCESS = "SUCCESS"
FAILED = "FAILED"
TEMPORARY_FAILURE = "TEMPORARY_FAILURE"
PENDING = "PENDING"
NOT_STARTED = "NOT_STARTED"

# Names of the conditions an identity must meet; used in messages and to track what is stuck.
DKIM_CHECK = "DKIM status"
MAIL_FROM_CHECK = "MAIL FROM status"
SENDING_CHECK = "VerifiedForSendingStatus"

# Shown when the caller expects a MAIL FROM domain but the identity has none configured.
MAIL_FROM_NOT_CONFIGURED = "NOT_CONFIGURED"

# Where Easy DKIM CNAMEs point when SES names no ``SigningHostedZone`` (answers from before SES
# reported it); regions with their own DKIM domain use ``dkim.<region>.amazonses.com``.
DEFAULT_DKIM_HOSTED_ZONE = "dkim.amazonses.com"
BYODKIM_ORIGIN = "EXTERNAL"
EASY_DKIM_ORIGIN = "AWS_SES"


@dataclass(frozen=True)
class SoaRecord:
    """The SOA record SES saw for the domain when it last checked DNS."""

    primary_name_server: str | None
    admin_email: str | None
    serial_number: int | None


@dataclass(frozen=True)
class VerificationInfo:
    """SES's own account of its last DNS check (``GetEmailIdentity.VerificationInfo``)."""

    error_type: str | None
    last_checked: datetime | None
    last_success: datetime | None
    soa: SoaRecord | None


@dataclass(frozen=True)
class IdentityStatus:
    """One reading of a domain identity's verification state.

    ``dkim_status`` and ``mail_from_status`` are ``None`` when SES returned no such attributes;
    ``mail_from_domain`` is ``None`` when no custom MAIL FROM domain is configured;
    ``dkim_hosted_zone`` is SES's ``SigningHostedZone``, the zone the DKIM CNAMEs point into.
    """

    domain: str
    identity_type: str | None
    verified_for_sending: bool
    verification_status: str | None
    dkim_status: str | None
    dkim_signing_enabled: bool | None
    dkim_tokens: tuple[str, ...]
    dkim_origin: str | None
    dkim_hosted_zone: str | None
    mail_from_domain: str | None
    mail_from_status: str | None
    behavior_on_mx_failure: str | None
    verification_info: VerificationInfo | None
    configuration_set: str | None = None
    """The identity's default configuration set (``ConfigurationSetName``); not in ``as_dict``, whose
    keys are stored in stacks' state."""
    dkim_current_key_length: str | None = None
    """Easy DKIM: the length of the key SES signs with now (``CurrentSigningKeyLength``, such as
    ``RSA_2048_BIT``); not in ``as_dict`` either."""
    dkim_next_key_length: str | None = None
    """Easy DKIM: the length of SES's next key (``NextSigningKeyLength``); not in ``as_dict`` either."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe plain dict (timestamps as ISO 8601), e.g. for a dynamic provider's outputs."""
        info = self.verification_info
        return {
            "domain": self.domain,
            "identity_type": self.identity_type,
            "verified_for_sending": self.verified_for_sending,
            "verification_status": self.verification_status,
            "dkim_status": self.dkim_status,
            "dkim_signing_enabled": self.dkim_signing_enabled,
            "dkim_tokens": list(self.dkim_tokens),
            "dkim_origin": self.dkim_origin,
            "dkim_hosted_zone": self.dkim_hosted_zone,
            "mail_from_domain": self.mail_from_domain,
            "mail_from_status": self.mail_from_status,
            "behavior_on_mx_failure": self.behavior_on_mx_failure,
            "verification_info": None
            if info is None
            else {
                "error_type": info.error_type,
                "last_checked": _iso(info.last_checked),
                "last_success": _iso(info.last_success),
                "soa": None
                if info.soa is None
                else {
                    "primary_name_server": info.soa.primary_name_server,
                    "admin_email": info.soa.admin_email,
                    "serial_number": info.soa.serial_number,
                },
            },
        }


class Verdict(str, Enum):
    VERIFIED = "verified"
    WAITING = "waiting"
    FAILED = "failed"


@dataclass(frozen=True)
class UnmetCheck:
    """A condition not met yet, e.g. ``UnmetCheck("DKIM status", "PENDING")``."""

    check: str
    status: str

    def __str__(self) -> str:
        return f"{self.check} {self.status}"


@dataclass(frozen=True)
class Judgement:
    """What one ``IdentityStatus`` means for a waiter.

    ``unmet`` lists every condition not met (empty when verified); ``failure_message`` is set
    only when the verdict is ``FAILED``.
    """

    verdict: Verdict
    unmet: tuple[UnmetCheck, ...]
    failure_message: str | None = None


def parse_identity(domain: str, response: Mapping[str, Any]) -> IdentityStatus:
    """Read a SESv2 ``GetEmailIdentity`` response (boto3's parsed dict)."""
    dkim = response.get("DkimAttributes") or {}
    mail_from = response.get("MailFromAttributes") or {}
    mail_from_domain = mail_from.get("MailFromDomain") or None
    return IdentityStatus(
        domain=domain,
        identity_type=response.get("IdentityType"),
        verified_for_sending=bool(response.get("VerifiedForSendingStatus", False)),
        verification_status=response.get("VerificationStatus"),
        dkim_status=dkim.get("Status"),
        dkim_signing_enabled=dkim.get("SigningEnabled"),
        dkim_tokens=tuple(dkim.get("Tokens") or ()),
        dkim_origin=dkim.get("SigningAttributesOrigin"),
        dkim_hosted_zone=dkim.get("SigningHostedZone") or None,
        mail_from_domain=mail_from_domain,
        mail_from_status=mail_from.get("MailFromDomainStatus") if mail_from_domain else None,
        behavior_on_mx_failure=mail_from.get("BehaviorOnMxFailure"),
        verification_info=_parse_verification_info(response.get("VerificationInfo")),
        configuration_set=response.get("ConfigurationSetName") or None,
        dkim_current_key_length=dkim.get("CurrentSigningKeyLength") or None,
        dkim_next_key_length=dkim.get("NextSigningKeyLength") or None,
    )


def _parse_verification_info(raw: Mapping[str, Any] | None) -> VerificationInfo | None:
    if not raw:
        return None
    soa = raw.get("SOARecord")
    return VerificationInfo(
        error_type=raw.get("ErrorType"),
        last_checked=raw.get("LastCheckedTimestamp"),
        last_success=raw.get("LastSuccessTimestamp"),
        soa=None
        if not soa
        else SoaRecord(
            primary_name_server=soa.get("PrimaryNameServer"),
            admin_email=soa.get("AdminEmail"),
            serial_number=soa.get("SerialNumber"),
        ),
    )


def judge(status: IdentityStatus, *, mail_from_required: bool) -> Judgement:
    """Decide whether ``status`` is verified, worth waiting for, or failed for good.

    Verified means DKIM ``SUCCESS``, MAIL FROM ``SUCCESS`` (only when ``mail_from_required``)
    and ``VerifiedForSendingStatus`` true. ``FAILED`` (DKIM, required MAIL FROM, or the overall
    ``VerificationStatus``) is terminal: SES has stopped looking. ``TEMPORARY_FAILURE`` and
    everything else means wait: SES keeps checking for 72 hours.
    """
    unmet = tuple(unmet_checks(status, mail_from_required=mail_from_required))
    failed_dkim = status.dkim_status == FAILED or status.verification_status == FAILED
    failed_mail_from = mail_from_required and status.mail_from_status == FAILED
    if failed_dkim or failed_mail_from:
        return Judgement(Verdict.FAILED, unmet, describe_failure(status, mail_from_required))
    if unmet:
        return Judgement(Verdict.WAITING, unmet)
    return Judgement(Verdict.VERIFIED, ())


def judge_address(status: IdentityStatus) -> Judgement:
    """An email address identity has no DKIM or MAIL FROM of its own: verified once SES may send
    from it; ``VerificationStatus`` FAILED (the link SES mailed expired after 24 hours) is final."""
    if status.verified_for_sending:
        return Judgement(Verdict.VERIFIED, ())
    unmet = (UnmetCheck(SENDING_CHECK, "false"),)
    if status.verification_status == FAILED:
        return Judgement(Verdict.FAILED, unmet, f"the link SES mailed to {status.domain} expired unclicked")
    return Judgement(Verdict.WAITING, unmet)


def unmet_checks(status: IdentityStatus, *, mail_from_required: bool) -> list[UnmetCheck]:
    unmet = []
    if status.dkim_status != SUCCESS:
        unmet.append(UnmetCheck(DKIM_CHECK, status.dkim_status or "MISSING"))
    if mail_from_required and status.mail_from_status != SUCCESS:
        unmet.append(UnmetCheck(MAIL_FROM_CHECK, status.mail_from_status or MAIL_FROM_NOT_CONFIGURED))
    if not status.verified_for_sending:
        unmet.append(UnmetCheck(SENDING_CHECK, "false"))
    return unmet


# What each VerificationInfo.ErrorType means for the DKIM CNAMEs of an Easy DKIM identity.
_DKIM_ERROR_MEANING = {
    "TYPE_NOT_FOUND": (
        "the DKIM CNAME records are missing: SES found the names but no CNAME record there"
    ),
    "HOST_NOT_FOUND": (
        "the DKIM names do not exist in DNS (NXDOMAIN): the CNAMEs were never published, were "
        "published in a hosted zone the domain is not delegated to, or the name has a typo"
    ),
    "INVALID_VALUE": (
        "the DKIM names exist but point elsewhere: each must be a CNAME to "
        "<token>.<the identity's SigningHostedZone> with this identity's current tokens "
        "(recreating an identity gives it new tokens)"
    ),
    "SERVICE_ERROR": "SES had an internal error while checking; this is not caused by your DNS",
    "DNS_SERVER_ERROR": (
        "the domain's name servers did not answer SES (SERVFAIL or timeout): check the NS "
        "delegation at the registrar and DNSSEC (a stale DS record breaks every lookup)"
    ),
}
_REPLICATION_MEANING = (
    "the identity's DKIM setup is replicated from a primary region and that replication failed: "
    "check that the primary identity exists, is verified and allows replication"
)


def explain_error_type(error_type: str | None) -> str:
    """One sentence on what SES's ``ErrorType`` means for the DKIM records."""
    if error_type is None:
        return "SES gave no error type"
    if error_type in _DKIM_ERROR_MEANING:
        return f"{error_type}: {_DKIM_ERROR_MEANING[error_type]}"
    if error_type.startswith("REPLICATION_"):
        return f"{error_type}: {_REPLICATION_MEANING}"
    return f"{error_type}: an error type this tool does not know yet"


def expected_dkim_records(status: IdentityStatus) -> list[str]:
    """The DKIM records SES looks for, as ``name TYPE value`` lines: Easy DKIM CNAMEs into the
    hosted zone SES names for this identity, or for BYODKIM (origin ``EXTERNAL``, where the
    token is the selector) a TXT record holding the public key."""
    if status.dkim_origin == BYODKIM_ORIGIN:
        return [
            f"{selector}._domainkey.{status.domain} TXT v=DKIM1; k=rsa; p=<your public key>"
            for selector in status.dkim_tokens
        ]
    zone = (status.dkim_hosted_zone or DEFAULT_DKIM_HOSTED_ZONE).rstrip(".")
    return [f"{token}._domainkey.{status.domain} CNAME {token}.{zone}" for token in status.dkim_tokens]


def dkim_zone_mismatch(status: IdentityStatus, published: Iterable[DnsRecord]) -> str | None:
    """Why the published DKIM CNAMEs can never verify, or ``None``: they point into another DKIM
    domain than the ``SigningHostedZone`` SES signs from (a region with its own DKIM domain, or a
    replica identity signing with another region's keys), so SES would never find its keys there.

    Only Easy DKIM CNAMEs at ``<token>._domainkey.`` names are compared, and only when SES names its
    zone; the message lists each record to change, as ``name CNAME target``.
    """
    zone = normalize_host(status.dkim_hosted_zone or "")
    if not zone or status.dkim_origin == BYODKIM_ORIGIN:
        return None
    wrong = []
    for record in published:
        if record.type.upper() != "CNAME" or "._domainkey." not in record.name:
            continue
        token = record.name.split(".", 1)[0]
        expected = f"{token}.{zone}"
        found = [normalize_host(value) for value in record.values]
        if found and found != [expected] and all(v.startswith(f"{token}.") for v in found):
            wrong.append((record.name, found[0], expected))
    if not wrong:
        return None
    published_zone = wrong[0][1].split(".", 1)[1]
    return (
        f"the DKIM CNAMEs of {status.domain} point into {published_zone}, but SES signs this identity "
        f"from {zone} (its SigningHostedZone), so it will never find its keys there; change "
        + "; ".join(f"{name} CNAME {found} to {expected}" for name, found, expected in wrong)
    )


def declared_signing(domain: str, published: Iterable[DnsRecord]) -> tuple[str, str | None] | None:
    """How the stack declares the identity signs, from its DKIM records: ``(EXTERNAL, selector)``
    for a BYODKIM TXT record (the current selector's comes first), ``(AWS_SES, None)`` for Easy
    DKIM CNAMEs, ``None`` without DKIM records."""
    suffix = f"._domainkey.{normalize_host(domain)}"
    for record in published:
        name = normalize_host(record.name)
        if not name.endswith(suffix):
            continue
        if record.type.upper() == "TXT":
            return BYODKIM_ORIGIN, name[: -len(suffix)]
        if record.type.upper() == "CNAME":
            return EASY_DKIM_ORIGIN, None
    return None


def signing_mismatch(status: IdentityStatus, published: Iterable[DnsRecord]) -> str | None:
    """Why SES does not sign as the stack declares, or ``None``: another signing origin than the
    records' (``SigningAttributesOrigin``), or a BYODKIM identity reporting other selectors."""
    declared = declared_signing(status.domain, published)
    if declared is None or status.dkim_origin is None:
        return None
    origin, selector = declared
    if origin == EASY_DKIM_ORIGIN and status.dkim_origin.startswith(EASY_DKIM_ORIGIN):
        return None
    # SES may report a BYODKIM identity with no tokens at all (the guide's own GetEmailIdentity
    # example has "Tokens": []): the selector is checked when SES names one.
    if origin == BYODKIM_ORIGIN and status.dkim_origin == BYODKIM_ORIGIN and (
            not status.dkim_tokens or selector in status.dkim_tokens):
        return None
    reported = f"origin {status.dkim_origin}" + (
        f" with selector {', '.join(status.dkim_tokens) or 'none'}" if status.dkim_origin == BYODKIM_ORIGIN else "")
    wanted = f"origin {origin}" + (f" with selector {selector}" if selector else "")
    return (f"SES signs {status.domain} with {reported}, but the stack declares {wanted}; `pulumi up` switches it "
            f"(the identity's DkimSigningOrigin step), or SES refused the switch")


def describe_failure(status: IdentityStatus, mail_from_required: bool) -> str:
    """The message for a terminal failure: what SES saw, what it means, how to start over."""
    parts = []
    if status.dkim_status == FAILED or status.verification_status == FAILED:
        error_type = status.verification_info.error_type if status.verification_info else None
        parts.append(
            f"SES DKIM verification of {status.domain} FAILED ({explain_error_type(error_type)})."
        )
        records = expected_dkim_records(status)
        if records:
            parts.append("SES expects: " + "; ".join(records) + ".")
        parts.append(
            "FAILED is final: SES has stopped checking. Fix the records, then restart "
            "verification by deleting and recreating the SES identity (for example "
            "`pulumi up --replace` on the email identity resource); re-running `pulumi up` "
            "alone does not restart it."
        )
    if mail_from_required and status.mail_from_status == FAILED:
        parts.append(
            f"SES MAIL FROM verification of {status.mail_from_domain} FAILED: SES cannot find "
            f"the MX record `10 feedback-smtp.<ses-region>.amazonses.com` at "
            f"{status.mail_from_domain}, or it was removed. Fix the MX (and the SPF TXT "
            "`v=spf1 include:amazonses.com ~all`), then restart the check by setting the MAIL "
            "FROM domain again (for example `pulumi up --replace` on the MAIL FROM resource)."
        )
    info = describe_verification_info(status.verification_info)
    if info:
        parts.append(info)
    if status.verification_status is not None:
        parts.append(f"VerificationStatus: {status.verification_status}.")
    return " ".join(parts)


def describe_verification_info(info: VerificationInfo | None) -> str:
    """``VerificationInfo`` as one sentence, or ``""`` when SES sent none."""
    if info is None:
        return ""
    bits = []
    if info.error_type:
        bits.append(f"ErrorType {info.error_type}")
    bits.append(f"last checked {_iso(info.last_checked) or 'never'}")
    bits.append(f"last success {_iso(info.last_success) or 'never'}")
    if info.soa is not None:
        bits.append(
            f"SOA seen: {info.soa.primary_name_server} {info.soa.admin_email} "
            f"serial {info.soa.serial_number}"
        )
    return "SES VerificationInfo: " + ", ".join(bits) + "."


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
