"""Bulk-sender readiness: whether a domain's mail meets what the big mailbox providers require of
senders of about 5,000 messages a day, as plain data (pass / fail / unknown per requirement, and
what to change). Pure: no I/O, no clock; judged from what ``check`` has already learned (the stack's
config, SES's reading of the identity, the email-auth judgment of DNS, the account's rates).

The rules (Gmail's "Email sender guidelines" and Yahoo's "Sender best practices", both enforced
since February 2024, Google more strictly since November 2025; Outlook.com's requirements for
high-volume senders since May 2025):

- SPF passes for the MAIL FROM (envelope) domain and aligns with the From domain: SES's own MAIL
  FROM (``amazonses.com``) passes SPF but never aligns, so a custom MAIL FROM domain is needed;
  strict alignment (``aspf=s``) needs the MAIL FROM domain to be the From domain itself, which
  SES does not allow (it must be a subdomain).
- DKIM signs with the From domain (aligned per ``adkim``) with a key of at least 1024 bits (2048
  recommended: a note, not a fail).
- DMARC is published, with ``p=none`` at least.
- The connection uses TLS: the domain's default configuration set requires it (``tlsPolicy:
  REQUIRE``), so that SES never delivers in the clear.
- Marketing mail carries RFC 8058 one-click unsubscribe (``List-Unsubscribe`` and
  ``List-Unsubscribe-Post``): SES adds both to mail sent with a contact list and a topic, or the
  application adds them itself.
- The spam complaint rate stays below 0.3 % (Gmail and Yahoo; Gmail asks for below 0.1 %). SES's
  ``Reputation.ComplaintRate`` is the nearest measure an SES account has (Gmail's own spam rate
  is in Postmaster Tools only). The bounce rate is judged against SES's own line: the "Amazon
  SES sending review process FAQs" of the SES Developer Guide put an account under review at a
  bounce rate of 5 % (and may pause its sending at 10 %).

A requirement that cannot be judged from what is known (SES not asked, a lookup unanswered, no
reputation data yet) is ``unknown``, with the reason: never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from ses_domains.engine.email_auth import EmailAuthJudgment, JudgmentStatus
from ses_domains.engine.ses.status import IdentityStatus
from ses_domains.records.ses import BOUNCE_RATE_REVIEW_LEVEL

COMPLAINT_RATE_LIMIT = 0.003
"""Gmail and Yahoo: never reach a spam complaint rate of 0.3 %."""
COMPLAINT_RATE_TARGET = 0.001
"""Gmail: keep the spam rate below 0.1 % (above it: a note, not a fail)."""
BOUNCE_RATE_LIMIT = BOUNCE_RATE_REVIEW_LEVEL
"""SES reviews an account at a bounce rate of 5 %."""
MIN_KEY_BITS = 1024
RECOMMENDED_KEY_BITS = 2048
KEY_LENGTH_BITS = {"RSA_1024_BIT": 1024, "RSA_2048_BIT": 2048}
"""SES's ``SigningKeyLength`` values."""


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


SPF, DKIM, DMARC, TLS, UNSUBSCRIBE, COMPLAINTS, BOUNCES = (
    "SPF", "DKIM", "DMARC", "TLS", "unsubscribe", "complaint rate", "bounce rate")
REQUIREMENTS = (SPF, DKIM, DMARC, TLS, UNSUBSCRIBE, COMPLAINTS, BOUNCES)
"""Every requirement, in the order a domain's readiness lists them."""


@dataclass(frozen=True)
class Requirement:
    name: str
    outcome: Outcome
    found: str
    """What was found, in a few words."""
    change: str = ""
    """What to change to pass (for a fail), or how to learn it (for an unknown)."""
    note: str = ""
    """Advice on a pass that is worth acting on (a 1024-bit key, a complaint rate above 0.1 %)."""

    def as_json(self) -> dict:
        return {"requirement": self.name, "outcome": self.outcome.value, "found": self.found,
                "change": self.change, "note": self.note}


@dataclass(frozen=True)
class Readiness:
    domain: str
    requirements: tuple[Requirement, ...]

    @property
    def outcome(self) -> Outcome:
        outcomes = {r.outcome for r in self.requirements}
        for outcome in (Outcome.FAIL, Outcome.UNKNOWN):
            if outcome in outcomes:
                return outcome
        return Outcome.PASS

    def failed(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.outcome is Outcome.FAIL)

    def as_json(self) -> dict:
        return {"outcome": self.outcome.value, "requirements": [r.as_json() for r in self.requirements]}


@dataclass(frozen=True)
class SendingSetup:
    """What the stack declares for one domain (``key``: its config key, named in what to change)."""

    domain: str
    key: str
    mail_from_domain: Optional[str] = None
    dmarc_declared: bool = False
    byodkim_key_bits: Optional[int] = None
    """BYODKIM: the bits of the key SES signs with (from the stack's key, or its published record)."""
    configuration_set: Optional[str] = None
    configuration_set_key: Optional[str] = None
    """The config key of the default set (``None``: the stack does not declare a set of that name)."""
    tls_policy: Optional[str] = None
    contact_list: Optional[str] = None
    contact_list_topics: int = 0
    application_list_unsubscribe: bool = False


@dataclass(frozen=True)
class AccountRates:
    """The account's latest reputation rates in the domain's SES region (fractions, 0 to 1);
    ``None`` for a rate SES has published no reading of; ``unread``: why they were not read."""

    complaint: Optional[float] = None
    bounce: Optional[float] = None
    unread: str = ""


@dataclass(frozen=True)
class Observations:
    """What ``check`` learned: SES's reading of the identity (or why there is none) and the DNS
    judgment (or why there is none)."""

    identity: Optional[IdentityStatus] = None
    identity_unread: str = ""
    email_auth: Optional[EmailAuthJudgment] = None
    email_auth_unread: str = ""


def aligned(from_domain: str, other: str, mode: str) -> bool:
    """Identifier alignment: strict (``s``) needs the same name; relaxed (``r``) the same
    organizational domain, taken here as one name being within the other (SES's MAIL FROM is always
    a subdomain of the identity, so no tree walk is needed to tell)."""
    a, b = from_domain.rstrip(".").lower(), other.rstrip(".").lower()
    if mode == "s":
        return a == b
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def judge_readiness(setup: SendingSetup, seen: Observations, rates: AccountRates) -> Readiness:
    tags = _dmarc_tags(seen.email_auth)
    return Readiness(setup.domain, (
        _spf(setup, seen, tags.get("aspf", "r")),
        _dkim(setup, seen, tags.get("adkim", "r")),
        _dmarc(setup, seen),
        _tls(setup),
        _unsubscribe(setup),
        *_rates(rates),
    ))


def _dmarc_tags(judgment: Optional[EmailAuthJudgment]) -> dict[str, str]:
    if judgment is None or judgment.dmarc is None:
        return {}
    return {tag: value.lower() for tag, value in judgment.dmarc.tags}


def _mode(mode: str) -> str:
    return "strict" if mode == "s" else "relaxed"


def _spf(setup: SendingSetup, seen: Observations, aspf: str) -> Requirement:
    domain, mail_from = setup.domain, setup.mail_from_domain
    if mail_from is None:
        return Requirement(SPF, Outcome.FAIL, "no custom MAIL FROM domain: SES's amazonses.com passes SPF "
                                              f"but does not align with {domain}",
                           f"set {setup.key}.mailFrom (such as bounce)")
    if not aligned(domain, mail_from, aspf):
        return Requirement(SPF, Outcome.FAIL, f"DMARC aspf=s: {mail_from} is not {domain} itself, and SES's MAIL "
                                              "FROM must be a subdomain",
                           f"set {setup.key}.dmarc.aspf to r (relaxed)")
    spf = None
    if seen.email_auth is not None:
        spf = next((s for s in seen.email_auth.spf if s.name == mail_from.rstrip(".").lower()), None)
    if spf is not None and spf.status is JudgmentStatus.PROBLEM:
        return Requirement(SPF, Outcome.FAIL, f"SPF of {mail_from}: {spf.error}",
                           f"publish the SPF record of {mail_from} the stack declares (pulumi up)")
    identity = seen.identity
    if identity is not None and identity.mail_from_status != "SUCCESS":
        status = identity.mail_from_status or "not set"
        return Requirement(SPF, Outcome.FAIL, f"SES's MAIL FROM status is {status}: SES sends with "
                                              "amazonses.com until it is SUCCESS",
                           f"publish {mail_from}'s MX and SPF (ses-domains check lists them) and wait for SES")
    if identity is None:
        return Requirement(SPF, Outcome.UNKNOWN, f"whether SES sends with {mail_from}: {seen.identity_unread}",
                           "run with AWS credentials that may call ses:GetEmailIdentity")
    if spf is None or spf.status is JudgmentStatus.COULD_NOT_CHECK:
        why = spf.error if spf is not None else seen.email_auth_unread or "not judged"
        return Requirement(SPF, Outcome.UNKNOWN, f"SPF of {mail_from}: {why}",
                           "run where the domain's nameservers answer")
    return Requirement(SPF, Outcome.PASS, f"{mail_from} passes, aligned with {domain} ({_mode(aspf)})")


def _dkim(setup: SendingSetup, seen: Observations, adkim: str) -> Requirement:
    identity, domain = seen.identity, setup.domain
    if identity is None:
        return Requirement(DKIM, Outcome.UNKNOWN, f"SES not asked: {seen.identity_unread}",
                           "run with AWS credentials that may call ses:GetEmailIdentity")
    if identity.dkim_signing_enabled is False:
        return Requirement(DKIM, Outcome.FAIL, "SES's DKIM signing is turned off for the identity",
                           "turn DKIM signing on (pulumi up puts it back)")
    if identity.dkim_status != "SUCCESS":
        return Requirement(DKIM, Outcome.FAIL, f"SES's DKIM status is {identity.dkim_status or 'unknown'}: SES "
                                               "signs only once it is SUCCESS",
                           "publish the DKIM records (ses-domains check lists them) and wait (ses-domains wait)")
    # SES signs a domain identity's mail with d=<identity>: the From domain, aligned strict or relaxed.
    signing = f"signs with d={domain}, aligned ({_mode(adkim)})"
    external = identity.dkim_origin == "EXTERNAL"
    bits = setup.byodkim_key_bits if external else KEY_LENGTH_BITS.get(identity.dkim_current_key_length or "")
    if bits is None:
        return Requirement(DKIM, Outcome.UNKNOWN, f"{signing}; key length unknown",
                           "check where the selector's record is served (its key's length is read there)"
                           if external else "SES gave no CurrentSigningKeyLength: ask SES again later")
    if bits < MIN_KEY_BITS:
        return Requirement(DKIM, Outcome.FAIL, f"{signing}; a {bits}-bit key", "use a key of 2048 bits")
    note = ""
    if bits < RECOMMENDED_KEY_BITS:
        if external:
            note = "2048-bit keys are recommended: rotate to a 2048-bit key (dkim.previous keeps the old published)"
        elif KEY_LENGTH_BITS.get(identity.dkim_next_key_length or "") == RECOMMENDED_KEY_BITS:
            note = "2048-bit keys are recommended: SES's next key is 2048 bits"
        else:
            note = f"2048-bit keys are recommended: set {setup.key}.dkim.keyLength to RSA_2048_BIT"
    return Requirement(DKIM, Outcome.PASS, f"{signing}; a {bits}-bit key", note=note)


def _dmarc(setup: SendingSetup, seen: Observations) -> Requirement:
    if not setup.dmarc_declared:
        return Requirement(DMARC, Outcome.FAIL, f"the stack publishes no DMARC record for {setup.domain}",
                           f"set {setup.key}.dmarc (policy none at least, with rua for reports)")
    if seen.email_auth is None:
        return Requirement(DMARC, Outcome.UNKNOWN, f"not judged: {seen.email_auth_unread}",
                           "run where the domain's nameservers answer")
    dmarc = seen.email_auth.dmarc
    if dmarc is None:
        return Requirement(DMARC, Outcome.UNKNOWN, "not judged", "")
    policy = dict(dmarc.tags).get("p")
    if policy in ("none", "quarantine", "reject"):
        return Requirement(DMARC, Outcome.PASS, f"p={policy} at {dmarc.name}")
    if dmarc.status is JudgmentStatus.COULD_NOT_CHECK:
        return Requirement(DMARC, Outcome.UNKNOWN, dmarc.error, "run where the domain's nameservers answer")
    return Requirement(DMARC, Outcome.FAIL, dmarc.error or f"no policy at {dmarc.name}",
                       "publish the DMARC record the stack declares (pulumi up)")


def _tls(setup: SendingSetup) -> Requirement:
    name = setup.configuration_set
    if name is None:
        return Requirement(TLS, Outcome.FAIL, "no default configuration set: SES may deliver without TLS",
                           f"set {setup.key}.configurationSet to a set with tlsPolicy REQUIRE")
    if setup.configuration_set_key is None:
        return Requirement(TLS, Outcome.UNKNOWN, f"configuration set {name} is not in the stack: its TLS "
                                                 "policy is not known", "declare it in configurationSets")
    if setup.tls_policy == "REQUIRE":
        return Requirement(TLS, Outcome.PASS, f"configuration set {name} requires TLS")
    return Requirement(TLS, Outcome.FAIL, f"configuration set {name} has tlsPolicy {setup.tls_policy}",
                       f"set {setup.configuration_set_key}.tlsPolicy to REQUIRE")


def _unsubscribe(setup: SendingSetup) -> Requirement:
    if setup.application_list_unsubscribe:
        return Requirement(UNSUBSCRIBE, Outcome.PASS, "the application adds List-Unsubscribe and "
                                                      "List-Unsubscribe-Post (applicationListUnsubscribe)")
    if setup.contact_list is not None and setup.contact_list_topics:
        topics = setup.contact_list_topics
        return Requirement(UNSUBSCRIBE, Outcome.PASS,
                           f"contact list {setup.contact_list} has {topics} topic{'s' if topics != 1 else ''}: SES "
                           "adds one-click unsubscribe to mail sent with the list and a topic")
    if setup.contact_list is not None:
        return Requirement(UNSUBSCRIBE, Outcome.FAIL, f"contact list {setup.contact_list} has no topics",
                           "add a topic to the contact list and send bulk mail with it")
    return Requirement(UNSUBSCRIBE, Outcome.FAIL, "no contact list with topics, and the application is not said "
                                                  "to add RFC 8058 headers",
                       f"add contactLists with topics, or set {setup.key}.applicationListUnsubscribe: true "
                       "if the application adds List-Unsubscribe and List-Unsubscribe-Post itself")


def _percent(rate: float) -> str:
    return f"{rate * 100:.2f} %"


def _rates(rates: AccountRates) -> tuple[Requirement, Requirement]:
    if rates.unread:
        why = f"not read: {rates.unread}"
        hint = "run with AWS credentials that may call cloudwatch:GetMetricData"
        return (Requirement(COMPLAINTS, Outcome.UNKNOWN, why, hint), Requirement(BOUNCES, Outcome.UNKNOWN, why, hint))
    no_data = "no reading yet: SES publishes the rate once the account has sent enough mail"
    if rates.complaint is None:
        complaints = Requirement(COMPLAINTS, Outcome.UNKNOWN, no_data)
    elif rates.complaint >= COMPLAINT_RATE_LIMIT:
        complaints = Requirement(COMPLAINTS, Outcome.FAIL,
                                 f"{_percent(rates.complaint)}, at or over the providers' "
                                 f"{_percent(COMPLAINT_RATE_LIMIT)}",
                                 "send only to recipients who asked for the mail; make unsubscribing easy")
    else:
        note = (f"over the {_percent(COMPLAINT_RATE_TARGET)} Gmail asks senders to stay under"
                if rates.complaint >= COMPLAINT_RATE_TARGET else "")
        complaints = Requirement(COMPLAINTS, Outcome.PASS,
                                 f"{_percent(rates.complaint)}, under {_percent(COMPLAINT_RATE_LIMIT)}", note=note)
    if rates.bounce is None:
        bounces = Requirement(BOUNCES, Outcome.UNKNOWN, no_data)
    elif rates.bounce >= BOUNCE_RATE_LIMIT:
        bounces = Requirement(BOUNCES, Outcome.FAIL,
                              f"{_percent(rates.bounce)}, at or over SES's {_percent(BOUNCE_RATE_LIMIT)}",
                              "remove addresses that bounce; keep the suppression list on")
    else:
        bounces = Requirement(BOUNCES, Outcome.PASS, f"{_percent(rates.bounce)}, under {_percent(BOUNCE_RATE_LIMIT)}")
    return complaints, bounces
