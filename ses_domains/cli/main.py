"""``ses-domains``: argument parsing and dispatch to the subcommands.

``main(argv)`` returns the exit code (see ``errors.ExitCode``); a user mistake ends with a message
on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

from ses_domains.cli import arguments, interrupt
from ses_domains.cli.console import Console
from ses_domains.cli.errors import CommandError, ExitCode
from ses_domains.cli.output import add_output_option
from ses_domains.cli.records_command import run_records
from ses_domains.cli.version import package_version

DESCRIPTION = """\
Work with the SES sending domains and account that a ses-domains stack declares: check, list and
wait for their DNS records and SES verification, send a test message, print the deployer's IAM
policy, and show the account's sending health. Reads Pulumi.<stack>.yaml of the project (the closest
Pulumi.yaml from the current directory or --cwd upwards) and talks to AWS with boto3's standard credential chain, using the stack's aws:region
and aws:profile.

exit codes: 0 all good, 1 problems found (check, status) or not verified in time (wait),
            2 the command could not do its job (bad arguments or config, no credentials, no answer;
              send-test: the message was not sent),
            130 interrupted (Ctrl-C): the command ends at once, whatever it was waiting for
"""

SEND_TEST_DESCRIPTION = """\
Send one test message through SESv2 SendEmail from the stack's account and region: by default a
short message saying which stack, region and configuration set sent it and when; or a MIME file
sent byte for byte (--raw FILE); or a stored template (--template NAME --data JSON).
Prints SES's message id on stdout and a one-line summary on stderr.

While the account is in the SES sandbox, a recipient that no verified identity covers (the address,
its domain or a parent domain) is refused before SendEmail is called.

exit codes: 0 sent (SES took the message)
            2 not sent: bad arguments or config, a recipient refused by the sandbox check, SES
              refused, or SES did not answer within --timeout (SendEmail is never repeated)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ses-domains", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"ses-domains {package_version()}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--stack", "-s", metavar="NAME",
        help="the stack (NAME or ORG/PROJECT/NAME): reads Pulumi.NAME.yaml (default: PULUMI_STACK, else the "
        "stack selected with pulumi stack select)",
    )
    common.add_argument(
        "--cwd", "-C", type=Path, default=Path("."), metavar="DIR",
        help="run in this folder: the project is the closest Pulumi.yaml here or above (default: the current "
        "directory)",
    )
    nameservers = argparse.ArgumentParser(add_help=False)
    nameservers.add_argument(
        "--nameserver", "-n", action="append", default=[], type=arguments.nameserver, metavar="HOST[:PORT]",
        help="ask this nameserver instead of each domain's verify.nameservers or its Route 53 zone's "
        "(repeat for several); it also answers the lookups of the SPF and DMARC checks",
    )

    check = commands.add_parser(
        "check", parents=[common, nameservers], help="check every record on every authoritative nameserver",
        description="Check each domain's records on each of its authoritative nameservers (expected, served, "
        "status) and judge SPF, DMARC (RFC 9989), BIMI and the MAIL FROM MX as a whole; then list each "
        "domain's bulk-sender readiness (what Gmail, Yahoo and Outlook.com require of bulk senders: pass, fail "
        "or unknown, and what to change). Exit 0 all good, 1 problems found, 2 could not check.",
    )
    add_output_option(check, ("table", "json"), json_flag=True)
    check.add_argument(
        "--fetch-bimi", action="store_true",
        help="download each BIMI logo and mark certificate (HTTPS) and judge them too; without it only the "
        "BIMI record is judged, so the check runs without internet",
    )
    check.add_argument(
        "--require", action="append", choices=("bulk-sender",), default=[], metavar="bulk-sender",
        help="make a failed bulk-sender requirement (SPF and DKIM aligned, DMARC, TLS, one-click unsubscribe, "
        "complaint and bounce rates; listed per domain either way) a problem: exit 1. An unknown one (no AWS "
        "credentials for SES or CloudWatch, no reputation data yet) is not a fail: it is listed with the "
        "reason, and what the check could not read still exits 2 as always",
    )
    check.set_defaults(run=_lazy("ses_domains.cli.check_command", "run_check"))

    records = commands.add_parser(
        "records", parents=[common], help="print the DNS records the stack needs",
        description="Print the DNS records the stack needs, for review or for DNS outside Route 53. Values "
        "that need SES (the DKIM tokens) are shown as placeholders when SES cannot be asked; a note on "
        "stderr says why.",
    )
    add_output_option(records, ("table", "json", "zone"), format_flag=True)
    records.set_defaults(run=run_records)

    wait = commands.add_parser(
        "wait", parents=[common, nameservers], help="wait until every domain is verified",
        description="Wait until every record is on every authoritative nameserver and SES says each domain "
        "is verified (the same wait as pulumi up). Exit 0 once verified, 1 at the deadline or when SES "
        "fails for good, 2 when the wait cannot start.",
    )
    wait.add_argument(
        "--timeout", "-t", type=arguments.duration, metavar="DURATION",
        help="give up after this long, e.g. 90s, 20m, 1h30m (default: each domain's verify.timeout)",
    )
    add_output_option(wait, ("table", "json"))
    wait.set_defaults(run=_lazy("ses_domains.cli.wait_command", "run_wait"))

    iam_policy = commands.add_parser(
        "iam-policy", parents=[common], help="print the least-privilege IAM policy for deploying the stack",
        description="Print the IAM policy (JSON) that pulumi up, refresh and destroy of this stack need, and "
        "nothing more. Zones given by id need no AWS call; zones given by name are looked up in Route 53.",
    )
    iam_policy.add_argument(
        "--account-id", type=arguments.account_id, metavar="ID",
        help="the stack's AWS account (default: asked of STS with the stack's credentials)",
    )
    iam_policy.set_defaults(run=_lazy("ses_domains.cli.iam_policy_command", "run_iam_policy"))
    send_test = commands.add_parser(
        "send-test", parents=[common], help="send a test message through SES",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=SEND_TEST_DESCRIPTION,
    )
    send_test.add_argument("--from", dest="from_address", required=True, metavar="ADDR", type=arguments.email_address,
                           help="the sender: an address in a verified identity, e.g. hello@example.com")
    send_test.add_argument("--to", action="append", required=True, metavar="ADDR", type=arguments.email_address,
                           help="a recipient (repeat for several)")
    body = send_test.add_mutually_exclusive_group()
    body.add_argument("--subject", metavar="TEXT",
                      help="the subject of the default message (default: the stack, region and time)")
    body.add_argument("--raw", type=Path, metavar="FILE",
                      help="send this MIME file byte for byte; its From header must be --from, and --to is the "
                      "envelope (who receives it, whatever To/Cc say)")
    body.add_argument("--template", metavar="NAME", help="send this SES template (needs --data)")
    send_test.add_argument("--data", metavar="JSON", help="the template's data: a JSON object, or @FILE")
    send_test.add_argument("--configuration-set", metavar="NAME", help="send through this configuration set")
    send_test.add_argument(
        "--timeout", "-t", type=arguments.duration, default=8.0, metavar="DURATION",
        help="each call to SES answers within this, e.g. 5s (default: 8s)",
    )
    add_output_option(send_test, ("table", "json"), table_is="the message id alone")
    send_test.set_defaults(run=_lazy("ses_domains.cli.send_test_command", "run_send_test"))
    status = commands.add_parser(
        "status", parents=[common], help="the account's sending health: account, identities, reputation",
        description="Show the SES account (sandbox or production, sending, quota), each identity of the stack "
        "(verified for sending, DKIM, MAIL FROM, configuration set) and the bounce and complaint rates over the "
        "last days against the levels where AWS reviews an account: a chart on a terminal, numbers when piped. "
        "Exit 0 healthy, 1 an identity not verified, the account unable to send or a rate at or past its level, "
        "2 could not check.",
    )
    add_output_option(status, ("table", "json"), json_flag=True)
    status.add_argument("--days", "-d", type=arguments.days, default=7, metavar="N",
                        help="reputation over the last N days (default: 7)")
    status.add_argument(
        "--timeout", "-t", type=arguments.duration, default=20.0, metavar="DURATION",
        help="give up on AWS reads after this long, e.g. 10s (default: 20s)",
    )
    status.set_defaults(run=_lazy("ses_domains.cli.status_command", "run_status"))
    return parser


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace, Console], ExitCode]:
    """Imports a subcommand when it runs: ``--help`` and ``records`` stay quick."""

    def run(args: argparse.Namespace, console: Console) -> ExitCode:
        import importlib

        return getattr(importlib.import_module(module), name)(args, console)

    return run


def main(argv: Optional[Sequence[str]] = None, console: Optional[Console] = None) -> int:
    console = console or Console.for_streams(sys.stdout, sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        with interrupt.ends_at_once():
            return int(args.run(args, console))
    except CommandError as error:
        console.error(str(error))
        return int(error.exit_code)
    except KeyboardInterrupt:  # only where the handler could not be installed (not the main thread)
        console.error("interrupted")
        return int(ExitCode.INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
