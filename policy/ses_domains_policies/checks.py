"""The pack's policies: one resource validation each, on the resource types ses-domains declares.

None of them sets an enforcement level: the pack's level applies (mandatory on a production
stack, advisory elsewhere; see ``stack_kind``), and a team may still set one policy's level in
the policy pack config.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from ses_domains_policies.dmarc import parse_dmarc, weaknesses
from ses_domains_policies.props import UNKNOWN, known_strings, lookup
from ses_domains_policies.rsa_key_length import KeyLengthError, rsa_key_bits

RECORD = "aws:route53/record:Record"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"

MINIMUM_DKIM_BITS = 2048


def _check_dmarc(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != RECORD or lookup(args.props, "type") != "TXT":
        return
    name = lookup(args.props, "name")
    if not isinstance(name, str) or name.split(".")[0].lower() != "_dmarc":
        return
    values = known_strings(lookup(args.props, "records"))
    if values is UNKNOWN:
        return
    records = [record for record in map(parse_dmarc, values) if record is not None]
    if not records:
        report_violation(f"{name}: no DMARC record (v=DMARC1) among its values {values}")
    elif len(records) > 1:
        report_violation(f"{name}: {len(records)} DMARC records; receivers then apply none of them")
    elif weak := weaknesses(records[0]):
        report_violation(f"{name}: {', '.join(weak)}: set dmarc.policy (and subdomainPolicy, nonexistentPolicy "
                         "when set) to quarantine or reject, and pct to 100 or leave it out")


def _check_tls(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CONFIGURATION_SET:
        return
    policy = lookup(args.props, "deliveryOptions", "tlsPolicy")
    if policy is UNKNOWN or policy == "REQUIRE":
        return
    shown = policy or "not set, so OPTIONAL"
    report_violation(f"configuration set {_set_name(args)}: tlsPolicy is {shown}: mail may leave in plain text; "
                     "set tlsPolicy: REQUIRE")


def _check_reputation_metrics(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CONFIGURATION_SET:
        return
    enabled = lookup(args.props, "reputationOptions", "reputationMetricsEnabled")
    if enabled is UNKNOWN or enabled is True:
        return
    shown = "false" if enabled is False else "not set, so off"
    report_violation(f"configuration set {_set_name(args)}: reputation metrics are {shown}: bounce and complaint "
                     "rates go unwatched; set reputationMetrics: true")


def _check_dkim_key_length(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != EMAIL_IDENTITY:
        return
    identity = lookup(args.props, "emailIdentity")
    if identity is UNKNOWN or (isinstance(identity, str) and "@" in identity):
        return  # an email address identity signs with its domain's DKIM
    private_key = lookup(args.props, "dkimSigningAttributes", "domainSigningPrivateKey")
    if private_key is UNKNOWN:
        return
    if private_key is not None:
        # BYODKIM: the key is a secret the engine hands to the pack in plain text; only its length
        # leaves this function.
        try:
            bits = rsa_key_bits(str(private_key))
        except KeyLengthError:
            report_violation(f"identity {identity}: the BYODKIM private key is not base64 DER of an RSA key, "
                             "so its length cannot be checked")
            return
        if bits < MINIMUM_DKIM_BITS:
            report_violation(f"identity {identity}: the BYODKIM private key is {bits}-bit; make a 2048-bit key "
                             "and rotate to it (dkim.previous keeps the old selector during the change)")
        return
    length = lookup(args.props, "dkimSigningAttributes", "nextSigningKeyLength")
    if length is UNKNOWN or length == "RSA_2048_BIT":
        return
    shown = length or "not stated, so SES chooses"
    report_violation(f"identity {identity}: Easy DKIM key length is {shown}; set dkim.keyLength: RSA_2048_BIT")


def _check_no_overwrite(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != RECORD:
        return
    overwrite = lookup(args.props, "allowOverwrite")
    if overwrite is not True:
        return
    name, record_type = lookup(args.props, "name"), lookup(args.props, "type")
    shown = "a record set" if UNKNOWN in (name, record_type) else f"{record_type} {name}"
    report_violation(f"{shown} is written with allowOverwrite: Route 53 replaces the whole set, deleting what "
                     "others put there (existingRecords: adopt); remove the foreign record first, or adopt it "
                     "in a reviewed run with this policy set to advisory")


def _set_name(args: ResourceValidationArgs) -> Any:
    name = lookup(args.props, "configurationSetName")
    return args.name if name in (None, UNKNOWN) else name


DMARC_ENFORCING = ResourceValidationPolicy(
    name="dmarc-quarantine-or-reject",
    description="A domain's DMARC record asks receivers to quarantine or reject mail that fails (p=, and sp=/np= "
                "when present), for all of it (pct=100).",
    validate=_check_dmarc,
)
TLS_REQUIRED = ResourceValidationPolicy(
    name="tls-required",
    description="A configuration set delivers mail only over TLS (deliveryOptions.tlsPolicy REQUIRE).",
    validate=_check_tls,
)
REPUTATION_METRICS_ON = ResourceValidationPolicy(
    name="reputation-metrics-on",
    description="A configuration set tracks reputation metrics (bounce and complaint rates).",
    validate=_check_reputation_metrics,
)
DKIM_2048_BIT = ResourceValidationPolicy(
    name="dkim-2048-bit",
    description="An SES domain identity signs with a 2048-bit DKIM key (Easy DKIM's nextSigningKeyLength "
                "RSA_2048_BIT, or a 2048-bit BYODKIM private key).",
    validate=_check_dkim_key_length,
)
NO_RECORD_OVERWRITE = ResourceValidationPolicy(
    name="no-record-overwrite",
    description="No Route 53 record is written with allowOverwrite, which replaces a record set others may own.",
    validate=_check_no_overwrite,
)

POLICIES = [DMARC_ENFORCING, TLS_REQUIRED, REPUTATION_METRICS_ON, DKIM_2048_BIT, NO_RECORD_OVERWRITE]
