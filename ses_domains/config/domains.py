"""One entry of ``ses-domains:domains``: an SES identity and where its records go."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ses_domains.records.dmarc import DmarcPolicy, dmarc_record, report_authorization_name
from ses_domains.records.ses import easy_dkim_host
from ses_domains.config.dkim import DKIM_KEYS, KEY_LENGTHS, ByodkimSpec, read_dkim
from ses_domains.config.bimi import BIMI_KEYS, read_bimi
from ses_domains.config.dmarc import dmarc_section as read_dmarc_section, read_dmarc
from ses_domains.config.existing import ApexSpfSpec, read_apex_spf, read_existing_records
from ses_domains.config.domain_names import InvalidDomainName, is_within, normalize_domain
from ses_domains.config.fields import Section, as_text
from ses_domains.config.replicas import read_replica_regions
from ses_domains.config.errors import Problems
from ses_domains.config.verification import VERIFY_KEYS, VerifySpec, read_verify

# A key that few domains set is read by a module imported when a domain sets it: a stack of plain
# domains does not pay for those modules when the program starts.
if TYPE_CHECKING:
    from ses_domains.config.receive import ReceiveSpec
    from ses_domains.records.bimi import BimiAssertion

DOMAIN_KEYS = (
    "domain", "zone", "mailFrom", "mailFromOnMxFailure", "dkim", "dmarc", "ttl", "verify",
    "configurationSet", "feedbackForwarding", "existingRecords", "spf", "replicaRegions",
    "receive", "bimi", "applicationListUnsubscribe",
)
MX_FAILURE_BEHAVIORS = ("USE_DEFAULT_VALUE", "REJECT_MESSAGE")
DEFAULT_TTL = 1800
MAX_DNS_NAME = 253
EASY_DKIM_TOKEN_LENGTH = 32
"""SES's Easy DKIM tokens are 32 characters: ``<token>._domainkey.<domain>`` is 44 longer than the domain."""
ROUTE53_MAX_VALUE = 4000
"""Route 53 refuses a record value longer than 4,000 characters (the TXT value as sent, quotes included)."""
"""SES's own examples publish DKIM with 1800 s; short enough to fix a mistake within the hour."""

_ZONE_ID = re.compile(r"^(?:/hostedzone/)?([A-Z0-9]{1,32})$")
"""Route 53 zone ids are upper-case letters and digits; a zone name always has a dot."""


@dataclass(frozen=True)
class ZoneRef:
    """The hosted zone a user named, by name or by id (exactly one is set).

    ``given=False``: ``zone`` was left out. ``name`` is then the domain itself, the first name
    tried; the program uses the closest enclosing public hosted zone of the domain.
    """

    name: Optional[str] = None
    zone_id: Optional[str] = None
    given: bool = True

    def __str__(self) -> str:
        return self.name or self.zone_id or ""


@dataclass(frozen=True)
class DomainSpec:
    key: str
    """The config key of this entry (``ses-domains:domains[0]``), for messages about it."""
    domain: str
    zone: ZoneRef
    ttl: int
    dkim_key_length: str
    mail_from: Optional[str]
    mail_from_on_mx_failure: str
    dmarc: Optional[DmarcPolicy]
    configuration_set: Optional[str] = None
    """The identity's default configuration set (a name from ``ses-domains:configurationSets``)."""
    feedback_forwarding: Optional[bool] = None
    """SES's bounce and complaint emails to the sender; ``None`` leaves SES's default (on) unmanaged."""
    verify: VerifySpec = VerifySpec()
    existing_records: str = "stop"
    """What to do with a record set in the zone that the stack did not create: ``stop`` or ``adopt``."""
    apex_spf: Optional[ApexSpfSpec] = None
    """Merge SES (and more includes) into the SPF record of the domain itself; ``None``: never touch it."""
    byodkim: Optional[ByodkimSpec] = None
    """A key of the user's own (``dkim.selector`` + ``dkim.privateKey``); ``None``: Easy DKIM."""
    replica_regions: tuple[str, ...] = ()
    """Regions where the identity is created too, beside the stack's (``replicaRegions``)."""
    receive: Optional[ReceiveSpec] = None
    """Receive the domain's mail through SES into an S3 bucket (``receive``); ``None``: the MX is never touched."""
    bimi: Optional[BimiAssertion] = None
    """The BIMI record (``bimi``): the brand logo receivers show; ``None``: ``_bimi`` is never touched."""
    application_list_unsubscribe: bool = False
    """``applicationListUnsubscribe``: the application adds RFC 8058 one-click unsubscribe headers
    (``List-Unsubscribe``, ``List-Unsubscribe-Post``) to its bulk mail itself. Declares nothing: what
    ``check``'s bulk-sender readiness takes as one-click unsubscribe without a contact list."""


def report_authorization_warning(key: str, domain: str, report_domain: str) -> str:
    """The warning for DMARC reports to another domain; the program drops it when the stack writes
    the authorization itself (the report domain's zone is one of its zones)."""
    return (
        f"{key}.dmarc.rua: reports go to {report_domain}, another domain: it must publish "
        f"TXT 'v=DMARC1' at {report_authorization_name(domain, report_domain)} or receivers drop them"
    )


def read_domain(raw: Any, key: str, problems: Problems, warnings: list[str]) -> Optional[DomainSpec]:
    """The entry as a ``DomainSpec``, or ``None`` when it has a problem (already reported)."""
    before = len(problems.found)
    section = Section(raw, key, problems, DOMAIN_KEYS)
    domain = _read_name(section, "domain", required=True)
    zone = _read_zone(section, domain)
    mail_from = _read_mail_from(section, domain)
    mx_failure = section.choice("mailFromOnMxFailure", MX_FAILURE_BEHAVIORS, default="USE_DEFAULT_VALUE")
    if section.has("mailFromOnMxFailure") and not section.has("mailFrom"):
        section.problem("mailFromOnMxFailure", "applies only with mailFrom: set mailFrom or remove this key")
    key_length, byodkim = read_dkim(section, domain, warnings)
    dmarc = None
    dmarc_section = read_dmarc_section(section)
    if dmarc_section is not None:
        dmarc, report_domains = read_dmarc(dmarc_section, warnings)
        for report_domain in sorted(set(report_domains)):
            if domain and not is_within(report_domain, zone.name or domain) and not is_within(domain, report_domain):
                warnings.append(report_authorization_warning(key, domain, report_domain))
    ttl = section.integer("ttl", default=DEFAULT_TTL, minimum=60, maximum=172800)
    if domain:
        _check_dkim_name_length(section, domain)
        if dmarc is not None and dmarc_section is not None:
            _check_dmarc_length(dmarc_section, domain, dmarc)
    if key_length == "RSA_1024_BIT":
        warnings.append(
            f"{section.path('dkim.keyLength')}: RSA_1024_BIT is weaker than SES's default RSA_2048_BIT; "
            "use it only for receivers that cannot handle 2048-bit keys"
        )
    if dmarc is not None and dmarc.policy == "none" and not dmarc.rua and not dmarc.ruf:
        warnings.append(
            f"{section.path('dmarc')}: policy none without rua asks receivers to do nothing and report to nobody: "
            "add rua (aggregate reports) to learn who sends as this domain, or set quarantine or reject"
        )
    verify_section = section.section("verify", VERIFY_KEYS)
    verify = read_verify(verify_section)
    if verify_section is not None and not verify.enabled and (verify_section.has("timeout") or verify_section.has("nameservers")):
        warnings.append(
            f"{verify_section.path('enabled')}: false, so pulumi up does not wait for this domain and "
            "verify.timeout and verify.nameservers have no effect"
        )
    configuration_set = as_text(section.raw.get("configurationSet"))
    if configuration_set is not None:
        from ses_domains.config.configuration_sets import check_ses_name

        error = check_ses_name(configuration_set, "configuration set")
        if error:
            section.problem("configurationSet", error)
    feedback_forwarding = (
        section.boolean("feedbackForwarding", default=True) if section.has("feedbackForwarding") else None
    )
    existing_records = read_existing_records(section)
    apex_spf = read_apex_spf(section)
    replica_regions = read_replica_regions(section)
    receive = None
    if section.has("receive"):
        from ses_domains.config.receive import read_receive

        receive = read_receive(section, domain, warnings)
    bimi_section = section.section("bimi", BIMI_KEYS)
    bimi = read_bimi(bimi_section, dmarc, dmarc_section is not None, warnings) if bimi_section is not None else None
    application_list_unsubscribe = section.boolean("applicationListUnsubscribe", default=False)
    if len(problems.found) != before or domain is None:
        return None
    return DomainSpec(
        key=key,
        domain=domain,
        zone=zone,
        ttl=ttl or DEFAULT_TTL,
        dkim_key_length=key_length,
        mail_from=mail_from,
        mail_from_on_mx_failure=mx_failure or "USE_DEFAULT_VALUE",
        dmarc=dmarc,
        verify=verify,
        configuration_set=configuration_set,
        feedback_forwarding=feedback_forwarding,
        existing_records=existing_records,
        apex_spf=apex_spf,
        byodkim=byodkim,
        replica_regions=replica_regions,
        receive=receive,
        bimi=bimi,
        application_list_unsubscribe=application_list_unsubscribe,
    )


def _check_dkim_name_length(section: Section, domain: str) -> None:
    """Easy DKIM's record names are 44 characters longer than the identity; DNS names stop at 253."""
    longest = easy_dkim_host("x" * EASY_DKIM_TOKEN_LENGTH, domain)
    if len(longest) > MAX_DNS_NAME:
        section.problem(
            "domain",
            f"{domain} is {len(domain)} characters: its DKIM records <token>._domainkey.{domain} would be "
            f"{len(longest)}, over DNS's {MAX_DNS_NAME}; an Easy DKIM identity can have at most "
            f"{MAX_DNS_NAME - (len(longest) - len(domain))} characters",
        )


def _check_dmarc_length(section: Section, domain: str, policy: DmarcPolicy) -> None:
    record = dmarc_record(domain, policy, DEFAULT_TTL)
    # pulumi-aws wraps each value in quotes before sending it to Route 53.
    length = max(len(value) + 2 for value in record.route53_values())
    if length > ROUTE53_MAX_VALUE:
        addresses = len(policy.rua) + len(policy.ruf)
        section.problems.add(
            section.key,
            f"the DMARC record of {domain} would be {length:,} characters as Route 53 stores it, over its "
            f"{ROUTE53_MAX_VALUE:,}-character limit for a value: list fewer rua/ruf addresses ({addresses} given), "
            "or send reports to one mailbox that forwards them",
        )


def _read_name(section: Section, name: str, *, required: bool = False) -> Optional[str]:
    raw = section.raw.get(name)
    if raw is None:
        if required:
            section.problem(name, "is required: the domain to send from, such as example.com")
        return None
    try:
        return normalize_domain(raw)
    except InvalidDomainName as error:
        section.problem(name, f"{error}; expected a domain name such as example.com")
        return None


def zone_id_of(raw: Any) -> Optional[str]:
    """The Route 53 zone id in ``raw`` (``Z...`` or ``/hostedzone/Z...``), or ``None`` when it is none."""
    match = _ZONE_ID.match(raw) if isinstance(raw, str) else None
    return match.group(1) if match else None


def _read_zone(section: Section, domain: Optional[str]) -> ZoneRef:
    raw = section.raw.get("zone")
    if raw is None:
        return ZoneRef(name=domain, given=False)
    if zone_id_of(raw):
        return ZoneRef(zone_id=zone_id_of(raw))
    zone = _read_name(section, "zone")
    if zone and domain and not is_within(domain, zone):
        section.problem(
            "zone",
            f"the zone {zone} cannot hold records of {domain}: give the hosted zone that contains it "
            f"(such as {domain.split('.', 1)[-1] if domain.count('.') > 1 else domain}) or a zone id",
        )
    return ZoneRef(name=zone)


def _read_mail_from(section: Section, domain: Optional[str]) -> Optional[str]:
    """A label (``bounce``) or a full name under the identity (``bounce.example.com``)."""
    raw = section.raw.get("mailFrom")
    if raw is None or domain is None:
        return None
    allowed = f"a label such as bounce, or a full name under {domain} such as bounce.{domain}"
    raw = as_text(raw)  # YAML reads mailFrom: 2024 as a number; it is the label 2024
    if isinstance(raw, str) and raw and "." not in raw.rstrip("."):
        raw = f"{raw.rstrip('.')}.{domain}"
    try:
        name = normalize_domain(raw)
    except InvalidDomainName as error:
        section.problem("mailFrom", f"{error}; expected {allowed}")
        return None
    if name == domain:
        section.problem("mailFrom", f"must be a subdomain of {domain}, not the domain itself; expected {allowed}")
        return None
    if not is_within(name, domain):
        section.problem("mailFrom", f"{name} is not under {domain}; expected {allowed}")
        return None
    return name
