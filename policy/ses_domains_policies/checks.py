"""The pack's policies: a resource validation each on the resource types ses-domains declares, and
stack validations where a rule joins resources (BIMI and the DMARC record that governs it; bulk
sending, which a contact list elsewhere in the stack can mark).

None of them sets an enforcement level: the pack's level applies (mandatory on a production
stack, advisory elsewhere; see ``stack_kind``), and a team may still set one policy's level in
the policy pack config.
"""

from __future__ import annotations

import os
from typing import Any

from pulumi_policy import (
    ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
)

from ses_domains_policies.bimi import bimi_domain, governing_names, parse_bimi
from ses_domains_policies.bulk_sending import BULK_SENDING_KEY, bulk_sending
from ses_domains_policies.dmarc import bimi_gaps, parse_dmarc, weaknesses
from ses_domains_policies.props import UNKNOWN, known_strings, lookup
from ses_domains_policies.rsa_key_length import KeyLengthError, rsa_key_bits

RECORD = "aws:route53/record:Record"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EMAIL_IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
CONTACT_LIST = "aws:sesv2/contactList:ContactList"

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
                         "when set) to quarantine or reject, pct to 100 or leave it out, and leave testing out")


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


def _set_name(args: Any) -> Any:
    name = lookup(args.props, "configurationSetName")
    return args.name if name in (None, UNKNOWN) else name


def _known_txt_records(args: StackValidationArgs):
    """(resource, name, values) of every TXT record whose name and values are known."""
    for resource in args.resources:
        if resource.resource_type != RECORD or lookup(resource.props, "type") != "TXT":
            continue
        name, values = lookup(resource.props, "name"), known_strings(lookup(resource.props, "records"))
        if isinstance(name, str) and values is not UNKNOWN:
            yield resource, name.rstrip(".").lower(), values


def _check_bimi_needs_dmarc_enforcement(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    dmarc = {}
    for _, name, values in _known_txt_records(args):
        records = [record for record in map(parse_dmarc, values) if record is not None]
        if name.startswith("_dmarc.") and len(records) == 1:
            dmarc[name] = records[0]
    for resource, name, values in _known_txt_records(args):
        domain = bimi_domain(name)
        logos = [record.logo for record in map(parse_bimi, values) if record is not None]
        if domain is None or not any(logos):
            continue  # not BIMI, or a record declining it (l= empty)
        governing = next((n for n in governing_names(domain) if n in dmarc), None)
        if governing is None:
            report_violation(f"{name}: BIMI needs DMARC at enforcement, but the stack publishes no DMARC record for "
                             f"{domain} or a parent: add dmarc with policy quarantine or reject", resource.urn)
        elif gaps := bimi_gaps(dmarc[governing]):
            report_violation(f"{name}: BIMI needs DMARC at enforcement, but {governing} has {', '.join(gaps)}: set "
                             "dmarc.policy (and subdomainPolicy when set) to quarantine or reject, without pct below "
                             "100 or testing, before publishing bimi", resource.urn)


def _check_bulk_sending_tls(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    marker = bulk_sending(os.environ)
    has_contact_list = any(r.resource_type == CONTACT_LIST for r in args.resources)
    for resource in args.resources:
        if resource.resource_type != CONFIGURATION_SET:
            continue
        name = _set_name(resource)
        if name is UNKNOWN:
            continue
        why = marker.covers(name, stack_has_contact_list=has_contact_list)
        policy = lookup(resource.props, "deliveryOptions", "tlsPolicy")
        if why is None or policy is UNKNOWN or policy == "REQUIRE":
            continue
        shown = policy or "not set, so OPTIONAL"
        report_violation(f"configuration set {name} sends bulk mail ({why}), and Gmail, Yahoo and Outlook.com "
                         f"require TLS of bulk senders, but its tlsPolicy is {shown}: set tlsPolicy: REQUIRE "
                         f"(or leave the set out of {BULK_SENDING_KEY} if it sends no bulk mail)", resource.urn)


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

BIMI_NEEDS_DMARC_ENFORCEMENT = StackValidationPolicy(
    name="bimi-needs-dmarc-enforcement",
    description="A BIMI record (<selector>._bimi.<domain> with a logo) is published only while the DMARC record "
                "that governs the domain (its own, else the closest parent's in the stack) is at quarantine or "
                "reject, for all the mail (no pct below 100, no t=y) and its subdomains (no sp=none).",
    validate=_check_bimi_needs_dmarc_enforcement,
)
BULK_SENDING_TLS = StackValidationPolicy(
    name="bulk-sending-tls-required",
    description=f"A bulk-sending configuration set (named in the stack config {BULK_SENDING_KEY}, or any set of a "
                "stack with a contact list when that key is not set) delivers only over TLS (tlsPolicy REQUIRE).",
    validate=_check_bulk_sending_tls,
)

POLICIES = [DMARC_ENFORCING, TLS_REQUIRED, REPUTATION_METRICS_ON, DKIM_2048_BIT, NO_RECORD_OVERWRITE,
            BIMI_NEEDS_DMARC_ENFORCEMENT, BULK_SENDING_TLS]
