"""``ses-domains records``: the records a stack needs, for review and for DNS outside Route 53."""

from __future__ import annotations

import argparse

from ses_domains.cli.console import Console
from ses_domains.cli.errors import ExitCode
from ses_domains.cli.render_records import records_json, records_table, records_zone
from ses_domains.cli.ses_identities import read_identities
from ses_domains.cli.stack_file import load_stack
from ses_domains.cli.stack_records import DomainRecords, stack_records, tracking_records
from ses_domains.config.stack import StackSpec



def run_records(args: argparse.Namespace, console: Console) -> ExitCode:
    loaded = load_stack(args.cwd, args.stack)
    spec = loaded.spec
    console.warnings(spec.warnings)
    readings = read_identities(loaded.aws_settings, [d.domain for d in spec.domains])
    domains = stack_records(spec, readings)
    tracking = tracking_records(spec)
    _explain_placeholders(domains, console)
    _explain_secret_keys(spec, console)
    if args.output == "json":
        console.out.write(records_json(loaded.name, spec.region, domains, tracking))
    elif args.output == "zone":
        console.out.write(records_zone(loaded.name, spec.region, domains, tracking))
    else:
        console.out.write(records_table(loaded.name, spec.region, domains, tracking, console.palette))
    return ExitCode.OK


def _explain_placeholders(domains: list[DomainRecords], console: Console) -> None:
    """One note per reason (no credentials is the same reason for every domain)."""
    by_reason: dict[str, list[str]] = {}
    for entry in domains:
        if not entry.dkim_from_ses:
            by_reason.setdefault(entry.why_placeholders or "", []).append(entry.domain)
    for reason, names in by_reason.items():
        console.note(f"DKIM tokens of {', '.join(names)} shown as dkim-token-N-from-ses: {reason}")


def _explain_secret_keys(spec: StackSpec, console: Console) -> None:
    secret = [domain.domain for domain in spec.domains
              if domain.byodkim is not None and any(s.public_key is None for s in domain.byodkim.strategy().selectors())]
    if secret:
        console.note(
            f"The DKIM public key of {', '.join(secret)} is shown as <public key of the secret privateKey> because "
            "dkim.privateKey is a stack secret (secure:) that ses-domains does not decrypt; publish the public half "
            "of that key (openssl rsa -pubout)."
        )
