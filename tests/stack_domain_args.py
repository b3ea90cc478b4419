"""A domain of the stack config as the ``SendingDomainArgs`` that read back into the same spec: the
stack-config program declares each domain from its spec, and the round trip through these
arguments is what shows it is the same component a program's own arguments would make."""

from __future__ import annotations

from typing import Any

from ses_domains.config.domains import DomainSpec
from tests.dkim_test_keys import ses_form_as_pem


def domain_args(
    spec: DomainSpec, zone_id: str, region: str, configuration_set: Any = None
) -> dict[str, Any]:
    """The arguments of a domain of the stack config (``SendingDomainArgs``): reading them gives
    ``spec`` back. A domain that ``pulumi up`` waits for is verified by the stack's one shared step."""
    args: dict[str, Any] = {"domain": spec.domain, "zone_id": zone_id, "region": region, "ttl": spec.ttl}
    if spec.mail_from:
        args["mail_from"] = spec.mail_from
        args["mail_from_on_mx_failure"] = spec.mail_from_on_mx_failure
    if spec.dmarc is not None:
        d = spec.dmarc
        args["dmarc"] = {key: value for key, value in {
            "policy": d.policy, "subdomain_policy": d.subdomain_policy, "nonexistent_policy": d.nonexistent_policy,
            "adkim": d.adkim, "aspf": d.aspf, "pct": d.pct, "failure_options": d.failure_options,
            "rua": list(d.rua) or None, "ruf": list(d.ruf) or None, "testing": d.testing or None,
            "public_suffix_domain": d.public_suffix_domain,
        }.items() if value is not None}
    if spec.bimi is not None:
        args["bimi"] = {key: value for key, value in {
            "logo": spec.bimi.logo, "certificate": spec.bimi.certificate, "selector": spec.bimi.selector,
        }.items() if value is not None}
    if spec.byodkim is not None:
        dkim: dict[str, Any] = {"selector": spec.byodkim.selector, "private_key": ses_form_as_pem(spec.byodkim.key.ses_private_key)}
        if spec.byodkim.previous is not None:
            dkim["previous"] = {"selector": spec.byodkim.previous.selector,
                                "public_key": spec.byodkim.previous.public_key.public_key}
        args["dkim"] = dkim
    elif spec.dkim_key_length != "RSA_2048_BIT":
        args["dkim"] = {"key_length": spec.dkim_key_length}
    if configuration_set is not None or spec.configuration_set:
        args["configuration_set"] = configuration_set if configuration_set is not None else spec.configuration_set
    if spec.feedback_forwarding is not None:
        args["feedback_forwarding"] = spec.feedback_forwarding
    if spec.replica_regions:
        args["replica_regions"] = list(spec.replica_regions)
    if spec.existing_records != "stop":
        args["existing_records"] = spec.existing_records
    if spec.apex_spf is not None:
        args["apex_spf"] = {"include": list(spec.apex_spf.include)}
    if spec.application_list_unsubscribe:
        args["application_list_unsubscribe"] = True
    args["verify"] = {"enabled": spec.verify.enabled, "timeout": _duration(spec.verify.timeout_s),
                      "shared": spec.verify.enabled}
    if spec.verify.nameservers:
        args["verify"]["nameservers"] = list(spec.verify.nameservers)
    return args


def _duration(seconds: float) -> str:
    return str(float(seconds))
