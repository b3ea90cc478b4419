"""``ses-domains iam-policy``: the least-privilege IAM policy for deploying one stack, as JSON.

The policy names the stack's hosted zones by id. A zone given by id in the config needs no AWS
call; a zone given by name (or left out) is looked up in Route 53 as ``check`` and ``wait`` find
it. The account id comes from ``--account-id`` or STS GetCallerIdentity.
"""

from __future__ import annotations

import argparse
import json

from botocore.exceptions import BotoCoreError, ClientError

from ses_domains.cli.aws_clients import make_client
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.stack_file import LoadedStack, load_stack
from ses_domains.cli.zone_nameservers import ZoneLookupError, zone_id
from ses_domains.permissions.stack_policy import deployer_policy
from ses_domains.records.regions import partition_of

INLINE_ROLE_POLICY_LIMIT = 10240
"""IAM: the inline policies of one role hold at most 10,240 characters (whitespace not counted);
a managed policy at most 6,144."""


def run_iam_policy(args: argparse.Namespace, console: Console) -> ExitCode:
    loaded = load_stack(args.cwd, args.stack)
    zone_ids = resolve_zone_ids(loaded)
    account = args.account_id or caller_account(loaded)
    policy = deployer_policy(loaded.spec, zone_ids, account, stack_name=loaded.name,
                             partition=partition_of(loaded.spec.region))
    document = policy.document()
    size = len(json.dumps(document, separators=(",", ":")))
    if size > INLINE_ROLE_POLICY_LIMIT:
        console.warnings([
            f"the policy has {size} characters: IAM takes at most {INLINE_ROLE_POLICY_LIMIT} in a role's inline "
            "policies; split the stack's domains into several policies, or several stacks"
        ])
    console.out.write(json.dumps(document, indent=2) + "\n")
    return ExitCode.OK


def resolve_zone_ids(loaded: LoadedStack) -> dict[str, str]:
    """Each domain's zone id: as given, else from Route 53 (one client, made only when needed)."""
    result = {spec.domain: spec.zone.zone_id for spec in loaded.spec.domains if spec.zone.zone_id}
    by_name = [spec for spec in loaded.spec.domains if not spec.zone.zone_id]
    if not by_name:
        return result
    try:
        route53 = make_client(loaded.aws_settings, "route53")
    except CommandError as error:
        raise CommandError(_cannot_look_up([spec.domain for spec in by_name], str(error))) from None
    for spec in by_name:
        try:
            result[spec.domain] = zone_id(route53, spec.zone)
        except ZoneLookupError as error:
            raise CommandError(_cannot_look_up([spec.domain], str(error))) from None
    return result


def _cannot_look_up(domains: list[str], reason: str) -> str:
    return (
        f"cannot find the hosted zone of {', '.join(domains)} in Route 53 ({reason}); give each domain's zone as "
        "its id in the stack config (zone: Z0123456789ABCDEFGHIJ), which needs no AWS call"
    )


def caller_account(loaded: LoadedStack) -> str:
    """The account of the stack's credentials (STS GetCallerIdentity)."""
    try:
        sts = make_client(loaded.aws_settings, "sts")
        return sts.get_caller_identity()["Account"]
    except CommandError as error:
        raise CommandError(f"cannot ask STS for the account id ({error}); give it with --account-id") from None
    except (BotoCoreError, ClientError) as error:
        raise CommandError(f"STS GetCallerIdentity failed ({error}); give the account id with --account-id") from None
